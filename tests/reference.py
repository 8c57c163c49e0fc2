"""The consumer rules, one consumer at a time: the readable reference.

:mod:`simulation.consumers` updates every consumer at once with numpy. That
is fast but hard to read, and a vectorised slip (a wrong axis, a repeated
index in a fancy assignment, a silent dtype) changes results without raising.
This module states the same rules as plain loops over consumers and follow
entries with scalar arithmetic, one small function per mechanism, so that

* a reader can check each rule against ``docs``/``MODEL.md`` line by line, and
* the tests can run both on the same state with the same pre-drawn random
  numbers (:class:`simulation.consumers.WeekDraws`) and demand the same result.

Meaning of the draws (identical to the kernel's):

* ``draws.exposure[e]``, ``draws.recognise[e]``, ``draws.like[e]``: one
  uniform number per *follow entry* ``e`` (a position in the CSR follow
  matrix, i.e. one (influencer, follower) pair);
* ``draws.in_market[i]``, ``draws.choice[i]``, ``draws.quality[i]`` (standard
  normal), ``draws.talk[i]``, ``draws.listen[i]``: one number per *consumer* ``i``.

An event "with probability P" happens when its uniform draw is ``< P``.

Every public function takes an optional ``tally`` (a :class:`collections.Counter`)
that counts what happened (backfires, unfollows, broken promises, stories...);
the tests use it to prove that each mechanism really fired.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from simulation.consumers import ConsumerPopulation, Market, Post, WeekDraws, WeekOutcome
from simulation.trust import expected_trust

NO_SOURCE = -1  # last_source value of a brand no influencer has made a claim about


def trust(r: float, s: float) -> float:
    """Expected trust of Beta evidence (r for, s against): E = (r + 1) / (r + s + 2)."""
    return float(expected_trust(r, s))


# --------------------------------------------------------------------------
# Step 1: exposure and evaluation
# --------------------------------------------------------------------------
def attention_probability(post: Post) -> float:
    """Chance that a follower attends to at least one of this week's posts.

    Each of the ``posts`` posts is attended to with the engagement rate, so the
    chance of attending to at least one is 1 - (1 - engagement)^posts. A
    follower who attends takes the week's message in once, however many posts
    they saw.
    """
    return 1.0 - (1.0 - post.engagement) ** post.posts


def recognition_probability(salience: float, pi: float) -> float:
    """Chance of recognising the message as paid: P = 1 - (1 - delta)(1 - pi).

    Either the disclosure (salience delta) or the consumer's own persuasion
    knowledge pi gives the message away.
    """
    return 1.0 - (1.0 - salience) * (1.0 - pi)


def likes_post(cred: float, like_draw: float, p: dict) -> bool:
    """An attending follower taps 'like' with probability ``like_rate`` x credibility.

    Liking follows how much one likes (finds credible) the influencer, not how
    much one trusts the brand: likes are a vanity metric.
    """
    return like_draw < p["like_rate"] * cred


def persuasion_discount(pi: float, recognised: bool, p: dict) -> float:
    """Weight factor of a message: 1 - pk_discount x pi if recognised as paid, else 1."""
    return 1.0 - p["pk_discount"] * pi if recognised else 1.0


def explanation_factor(post: Post, p: dict) -> float:
    """Weight factor of a message: 1 + explained_bonus x (share of the disclosure that
    explains the relationship)."""
    return 1.0 + p["explained_bonus"] * post.explained


def backfire_share(post: Post, pi: float, recognised: bool, p: dict) -> float:
    """Reactance: a message *recognised* as paid by a consumer whose persuasion
    knowledge is strictly above ``reactance_threshold`` backfires in proportion
    to its scripted share (0 for the influencer's own words, 1 for a script)."""
    return post.script if recognised and pi > p["reactance_threshold"] else 0.0


def reactance_evidence(pi: float, p: dict) -> float:
    """Negative evidence of a backfire, on brand and influencer alike.

    It grows linearly from 0 at the threshold to ``reactance_weight`` at pi = 1:
    reactance_weight x (pi - threshold) / (1 - threshold).
    """
    thr = p["reactance_threshold"]
    return p["reactance_weight"] * (pi - thr) / max(1.0 - thr, 1e-12)


def evaluate_message(pop: ConsumerPopulation, post: Post, entry: int, draws: WeekDraws,
                     p: dict, tally: Counter) -> tuple[bool, bool]:
    """One follower (follow entry ``entry``) who attended weighs the message.

    Rules, all read from the state *before* this message:

    * recognition as paid with P = 1 - (1 - delta)(1 - pi);
    * a like with probability like_rate x credibility (credibility = expected
      trust in the influencer from this follow entry's evidence);
    * the share b of the message that backfires (see :func:`backfire_share`)
      gives the brand and the influencer each b x :func:`reactance_evidence`
      *against*;
    * the rest, 1 - b, gives the brand (1 - b) x message_weight x credibility
      x discount x explanation x claim *for* (the credibility discount of
      Josang's trust transitivity, scaled by the quality claimed), and the
      influencer (1 - b) x credibility_weight x discount x explanation *for*;
    * the consumer is now aware of the brand, remembers the quality and
      responsibility claimed and who made them (this entry), and, if they
      recognised the message as paid, learns: pi += pk_learning x (1 - pi);
    * a follower whose credibility in the influencer has now fallen below
      ``unfollow_threshold`` stops following.

    Returns:
        (liked, recognised).
    """
    i = int(pop.follows.indices[entry])
    c = post.company
    pi = float(pop.persuasion[i])
    recognised = bool(draws.recognise[entry] < recognition_probability(post.salience, pi))
    cred = trust(pop.cred_r[entry], pop.cred_s[entry])
    liked = likes_post(cred, float(draws.like[entry]), p)
    discount = persuasion_discount(pi, recognised, p)
    explained = explanation_factor(post, p)
    back = backfire_share(post, pi, recognised, p)
    react = reactance_evidence(pi, p) * back
    push = 1.0 - back
    pop.brand_r[c, i] += push * p["message_weight"] * cred * discount * explained * post.claim
    pop.brand_s[c, i] += react
    pop.cred_r[entry] += push * p["credibility_weight"] * discount * explained
    pop.cred_s[entry] += react
    if back > 0:
        tally["backfire"] += 1
    pop.aware[c, i] = True
    pop.last_claim[c, i] = post.claim
    pop.last_responsibility[c, i] = post.responsibility_claim
    pop.last_source[c, i] = entry
    if recognised:
        pop.persuasion[i] = pi + p["pk_learning"] * (1.0 - pi)
    if trust(pop.cred_r[entry], pop.cred_s[entry]) < p["unfollow_threshold"]:
        pop.following[entry] = False
        tally["unfollow"] += 1
    return liked, recognised


def expose(pop: ConsumerPopulation, post: Post, draws: WeekDraws, p: dict,
           tally: Counter) -> tuple[int, int, int]:
    """Step 1 for one influencer's post: who attends, and how they weigh it.

    Every follow entry of the influencer whose follower still follows
    attends with :func:`attention_probability`; each attending follower then
    goes through :func:`evaluate_message`.

    Returns:
        (impressions, likes, recognised): followers who attended, liked, and
        recognised the message as paid.
    """
    start = int(pop.follows.indptr[post.influencer])
    stop = int(pop.follows.indptr[post.influencer + 1])
    attend_p = attention_probability(post)
    seen = liked = recognised = 0
    for entry in range(start, stop):
        if not pop.following[entry]:
            continue
        if not draws.exposure[entry] < attend_p:
            continue
        seen += 1
        like, rec = evaluate_message(pop, post, entry, draws, p, tally)
        liked += like
        recognised += rec
    tally["impression"] += seen
    tally["recognised"] += recognised
    return seen, liked, recognised


# --------------------------------------------------------------------------
# Step 2: purchase
# --------------------------------------------------------------------------
def utility(pop: ConsumerPopulation, c: int, i: int, market: Market, p: dict) -> float:
    """Utility of brand ``c`` to consumer ``i``.

    trust_utility x (E - 0.5) + responsibility_utility x nu x (responsibility - 0.5)
    - price_sensitivity x (price - 1): trust and care for responsible products
    pull, price above the reference price of 1 pushes away.
    """
    e = trust(pop.brand_r[c, i], pop.brand_s[c, i])
    return (p["trust_utility"] * (e - 0.5)
            + p["responsibility_utility"] * float(pop.care[i])
            * (float(market.responsibility[c]) - 0.5)
            - p["price_sensitivity"] * (float(market.price[c]) - 1.0))


def choose(pop: ConsumerPopulation, i: int, market: Market, draws: WeekDraws, p: dict) -> int:
    """Multinomial-logit choice of consumer ``i`` among the brands they know.

    P(brand c) = exp(U_c) / (exp(U_outside) + sum over known brands of exp(U_k)),
    and unknown brands are not in the choice set. The uniform draw
    ``draws.choice[i]`` walks the cumulative probabilities in company order;
    the remainder is the outside option (buy nothing).

    Returns:
        The chosen company, or -1 for the outside option.
    """
    n_comp = pop.brand_r.shape[0]
    weights = [math.exp(utility(pop, c, i, market, p)) if pop.aware[c, i] else 0.0
               for c in range(n_comp)]
    known = 0.0
    for w in weights:
        known += w
    total = math.exp(p["outside_utility"]) + known
    u = float(draws.choice[i])
    cumulative = 0.0
    for c, w in enumerate(weights):
        cumulative += w
        if u < cumulative / total:
            return c
    return -1


def purchase(pop: ConsumerPopulation, market: Market, draws: WeekDraws, p: dict,
             tally: Counter) -> list[int]:
    """Step 2: each consumer shops this week with probability ``in_market_rate``;
    a shopper makes the :func:`choose` choice.

    Returns:
        Per consumer, the company bought from, or -1.
    """
    buyers = []
    for i in range(pop.n):
        bought = choose(pop, i, market, draws, p) if draws.in_market[i] < p["in_market_rate"] \
            else -1
        tally["purchase" if bought >= 0 else "no_purchase"] += 1
        buyers.append(bought)
    return buyers


# --------------------------------------------------------------------------
# Step 3: experience against the claim
# --------------------------------------------------------------------------
def promise_kept(experienced: float, claim: float, p: dict) -> bool:
    """A claim holds unless it exceeds the experienced quality by more than the tolerance.

    A buyer nobody made a claim to (claim NaN) compares with a neutral 0.5.
    """
    told = 0.5 if math.isnan(claim) else claim
    return experienced >= told - p["claim_tolerance"]


def experience(pop: ConsumerPopulation, i: int, c: int, market: Market, draws: WeekDraws,
               p: dict, reports: dict[str, np.ndarray], tally: Counter) -> int:
    """Consumer ``i`` bought from ``c`` and compares what they got with the last claim.

    Experienced quality = true quality + experience_noise x (standard normal draw).
    A kept promise is experience_weight evidence *for* the brand and
    influencer_blame *for* the influencer who made the claim; a broken one is
    kappa x experience_weight *against* the brand and kappa x influencer_blame
    *against* that influencer (trust asymmetry). The influencer who made the
    claim gets a report, a complaint or a praise, and the sale is attributed
    to them (last touch). Influencers are only judged when one made the claim.
    The buyer is aware of the brand, one purchase richer, and remembers the
    outcome (+1 kept, -1 broken).

    Returns:
        The fresh experience: +1 or -1.
    """
    kappa = p["asymmetry"]
    w = p["experience_weight"]
    got = float(market.quality[c]) + p["experience_noise"] * float(draws.quality[i])
    claim = float(pop.last_claim[c, i])
    if math.isnan(claim):
        tally["untold_buyer"] += 1
    kept = promise_kept(got, claim, p)
    if kept:
        pop.brand_r[c, i] += w
    else:
        pop.brand_s[c, i] += kappa * w
    source = int(pop.last_source[c, i])
    if source != NO_SOURCE:
        owner = influencer_of_entry(pop, source)
        reports["attributed"][owner] += 1
        judge_influencer(pop, source, owner, kept, p, reports, tally)
    pop.aware[c, i] = True
    pop.purchases[c, i] += 1
    outcome = 1 if kept else -1
    pop.last_experience[c, i] = outcome
    tally["kept" if kept else "broken"] += 1
    return outcome


def judge_influencer(pop: ConsumerPopulation, source: int, owner: int, kept: bool, p: dict,
                     reports: dict[str, np.ndarray], tally: Counter) -> None:
    """A claim from follow entry ``source`` (influencer ``owner``) was checked.

    Kept: influencer_blame *for* the influencer's credibility and a praise;
    broken: kappa x influencer_blame *against* it and a complaint.
    """
    if kept:
        pop.cred_r[source] += p["influencer_blame"]
        reports["praises"][owner] += 1
    else:
        pop.cred_s[source] += p["asymmetry"] * p["influencer_blame"]
        reports["complaints"][owner] += 1
        tally["complaint"] += 1


def press(pop: ConsumerPopulation, c: int, market: Market, p: dict,
          reports: dict[str, np.ndarray], tally: Counter) -> None:
    """Step 4: the press reports company ``c``'s true responsibility.

    Every consumer who was told a responsibility claim about ``c`` (not NaN)
    compares it with the truth: kept if truth >= claim - claim_tolerance.
    Kept: experience_weight *for* the brand; broken: kappa x experience_weight
    *against* it; the influencer who made the claim is judged as after an
    experience (:func:`judge_influencer`), without a sale.
    """
    truth = float(market.responsibility[c])
    for i in range(pop.n):
        claim = float(pop.last_responsibility[c, i])
        if math.isnan(claim):
            continue
        kept = truth >= claim - p["claim_tolerance"]
        if kept:
            pop.brand_r[c, i] += p["experience_weight"]
        else:
            pop.brand_s[c, i] += p["asymmetry"] * p["experience_weight"]
        tally["press_kept" if kept else "press_broken"] += 1
        source = int(pop.last_source[c, i])
        if source != NO_SOURCE:
            judge_influencer(pop, source, influencer_of_entry(pop, source), kept, p,
                             reports, tally)


def influencer_of_entry(pop: ConsumerPopulation, entry: int) -> int:
    """The influencer (row of the follow matrix) that follow entry ``entry`` belongs to."""
    for row in range(pop.follows.shape[0]):
        if pop.follows.indptr[row] <= entry < pop.follows.indptr[row + 1]:
            return row
    raise IndexError(f"follow entry {entry} is outside the follow matrix")


# --------------------------------------------------------------------------
# Step 5: word of mouth
# --------------------------------------------------------------------------
def word_of_mouth(pop: ConsumerPopulation, fresh: dict[tuple[int, int], int],
                  draws: WeekDraws, p: dict, tally: Counter) -> None:
    """Step 5: consumers with a fresh experience may tell every friend.

    A consumer with at least one fresh experience talks this week with
    probability ``word_of_mouth`` (one draw per consumer); a talker tells each
    friend (each tie of the social network) the story of each brand they just
    bought: good if the promise held, bad if it broke. Stories are all heard
    after everyone has spoken, so a story heard this week is not retold this
    week.

    Each story is taken in with probability ``listening`` (lambda_L). A
    listener told m stories about brand c (good and bad together) becomes
    aware of c with probability 1 - (1 - lambda_L)^m, the chance that at least
    one got through, decided by the listener's one draw ``draws.listen[j]``
    for the week (shared by all brands). The evidence is its expected value:
    lambda_L x friend_weight *for* the brand per good story, lambda_L x kappa x
    friend_weight *against* it per bad one: a friend weighs more than an
    advertisement, and bad news more than good.
    """
    n_comp = pop.brand_r.shape[0]
    good = [[0] * pop.n for _ in range(n_comp)]
    bad = [[0] * pop.n for _ in range(n_comp)]
    friends = pop.friends
    for (c, teller), outcome in sorted(fresh.items()):
        if not draws.talk[teller] < p["word_of_mouth"]:
            continue
        for k in range(friends.indptr[teller], friends.indptr[teller + 1]):
            listener = int(friends.indices[k])
            if outcome > 0:
                good[c][listener] += 1
            else:
                bad[c][listener] += 1
            tally["story"] += 1
    lam = p["listening"]
    w = p["friend_weight"]
    for c in range(n_comp):
        for j in range(pop.n):
            if good[c][j]:
                pop.brand_r[c, j] += lam * w * good[c][j]
            if bad[c][j]:
                pop.brand_s[c, j] += lam * p["asymmetry"] * w * bad[c][j]
            told = good[c][j] + bad[c][j]
            if told == 0:
                continue
            if draws.listen[j] < story_heard_probability(told, lam):
                pop.aware[c, j] = True
                tally["heard"] += 1
            else:
                tally["unheard"] += 1


def story_heard_probability(stories: int, listening: float) -> float:
    """Chance that at least one of ``stories`` stories gets through: 1 - (1 - lambda_L)^m."""
    return 1.0 - (1.0 - listening) ** stories


# --------------------------------------------------------------------------
# Step 6: forgetting and maturation
# --------------------------------------------------------------------------
def forget_and_mature(pop: ConsumerPopulation, p: dict) -> None:
    """Step 6: every piece of evidence keeps the share ``forgetting`` (lambda) of itself,
    brand and credibility evidence alike, followed or not; every consumer's
    persuasion knowledge creeps toward 1: pi += pk_drift x (1 - pi), and so
    does their care for responsible products: nu += care_drift x (1 - nu)."""
    keep = p["forgetting"]
    for c in range(pop.brand_r.shape[0]):
        for i in range(pop.n):
            pop.brand_r[c, i] = float(pop.brand_r[c, i]) * keep
            pop.brand_s[c, i] = float(pop.brand_s[c, i]) * keep
    for e in range(pop.follow_count):
        pop.cred_r[e] = float(pop.cred_r[e]) * keep
        pop.cred_s[e] = float(pop.cred_s[e]) * keep
    for i in range(pop.n):
        pi = float(pop.persuasion[i])
        pop.persuasion[i] = pi + p["pk_drift"] * (1.0 - pi)
        nu = float(pop.care[i])
        pop.care[i] = nu + p["care_drift"] * (1.0 - nu)


# --------------------------------------------------------------------------
# The week and the crisis
# --------------------------------------------------------------------------
def reference_week(pop: ConsumerPopulation, posts: Sequence[Post], market: Market,
                   draws: WeekDraws, p: dict, *, tally: Counter | None = None) -> WeekOutcome:
    """Advance every consumer by one week, one consumer at a time.

    Same contract as :meth:`ConsumerPopulation.week`: mutates ``pop`` in place
    and returns the week's :class:`WeekOutcome`. Order: exposure (influencer
    by influencer, in index order), purchase, experience, the press on the
    companies under scrutiny (in index order), word of mouth, forgetting and
    maturation; each step sees what the previous one left.
    """
    tally = Counter() if tally is None else tally
    n_inf = pop.follows.shape[0]
    n_comp = pop.brand_r.shape[0]
    impressions = np.zeros(n_inf, dtype=np.int64)
    likes = np.zeros(n_inf, dtype=np.int64)
    reports = {key: np.zeros(n_inf, dtype=np.int64)
               for key in ("complaints", "praises", "attributed")}
    recognised = 0
    for post in sorted(posts, key=lambda x: x.influencer):
        seen, liked, rec = expose(pop, post, draws, p, tally)
        impressions[post.influencer] = seen
        likes[post.influencer] = liked
        recognised += rec
    buyers = purchase(pop, market, draws, p, tally)
    fresh: dict[tuple[int, int], int] = {}
    sales = np.zeros(n_comp, dtype=np.int64)
    for i, c in enumerate(buyers):
        if c >= 0:
            fresh[(c, i)] = experience(pop, i, c, market, draws, p, reports, tally)
            sales[c] += 1
    if market.scrutinised is not None:
        for c in range(n_comp):
            if market.scrutinised[c]:
                press(pop, c, market, p, reports, tally)
    word_of_mouth(pop, fresh, draws, p, tally)
    forget_and_mature(pop, p)
    return WeekOutcome(impressions, likes, reports["complaints"], reports["praises"], sales,
                       reports["attributed"], recognised)


def reference_crisis_news(pop: ConsumerPopulation, company: int, candid_entries: np.ndarray,
                          p: dict, explained: np.ndarray | float = 1.0, *,
                          tally: Counter | None = None) -> None:
    """A scandal at ``company`` reaches every consumer aware of the brand.

    Each aware consumer takes crisis_news_weight evidence against the brand,
    times 1 - prior_buffer x max(0, 2E - 1) for their expected trust E before
    the news (prior trust cushions a crisis); one who heard it first and
    honestly from an influencer (the follower of any entry in
    ``candid_entries``) takes only (1 - candour_buffer) of it,
    once, however many influencers told them. Each such follow entry credits
    its influencer once with credibility_weight x (1 + explained_bonus x
    explained), ``explained`` being that influencer's disclosure input (one
    value per entry, or one for all): an honest message.
    """
    tally = Counter() if tally is None else tally
    entries = sorted({int(e) for e in candid_entries})
    told_first = {int(pop.follows.indices[e]) for e in entries}
    for i in range(pop.n):
        if not pop.aware[company, i]:
            continue
        prior = expected_trust(pop.brand_r[company, i], pop.brand_s[company, i])
        damage = p["crisis_news_weight"] * (1.0 - p["prior_buffer"] * max(0.0, 2 * prior - 1))
        if i in told_first:
            damage *= 1.0 - p["candour_buffer"]
            tally["buffered"] += 1
        pop.brand_s[company, i] += damage
        tally["crisis_hit"] += 1
    share = np.broadcast_to(np.asarray(explained, dtype=float), (len(candid_entries),))
    share_of = {int(e): float(x) for e, x in zip(candid_entries, share, strict=True)}
    for e in entries:
        pop.cred_r[e] += p["credibility_weight"] * (1.0 + p["explained_bonus"] * share_of[e])
