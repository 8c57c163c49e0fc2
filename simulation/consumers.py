"""The consumer population: many consumers as arrays, one week at a time.

Consumers are far too many to be Mesa agents (about 5 microseconds per
agent-step in Python against nanoseconds here), so their state lives in numpy
arrays and every mechanism of the week is one vectorised update. The loops
that remain run over the few influencers and companies, never over consumers.

The week is a pure function of (state, posts, market, draws): all the random
numbers a week needs are drawn up front by :func:`draw_week`, so the readable
per-consumer reference in ``tests/reference.py`` can replay exactly the same
draws and must end in exactly the same state.

Schedule inside the week (each step reads the state the previous one left):

1. exposure and evaluation, influencer by influencer in index order;
2. purchase (a multinomial-logit choice among the brands one knows);
3. experience against the last claim heard;
4. the press: a company under scrutiny this week has its responsibility
   claims checked against the truth;
5. word of mouth to network neighbours;
6. forgetting and the slow maturation of persuasion knowledge and of care.

No rule here knows a deal type: a post carries its inputs (how much of it is
scripted, how much its disclosure explains), and the same arithmetic weighs
every post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .trust import expected_trust, forget

#: Word of mouth switches from gathering the tellers' ties to one sparse product over
#: all ties once the tellers hold more than 1 / FULL_PRODUCT_SHARE of them.
FULL_PRODUCT_SHARE = 8


@dataclass(frozen=True)
class Post:
    """What one influencer publishes for one company in one week.

    Attributes:
        influencer: Row of the influencer in the follow matrix.
        company: Index of the company the posts promote.
        posts: Number of posts this week (may be fractional: an expected count).
        engagement: Chance that a follower attends to one post.
        claim: Quality the posts claim, in [0, 1].
        script: Share of the words written by the company, in [0, 1]: a
            recognised persuasion attempt backfires on wary consumers in
            proportion.
        explained: Share of the disclosure that explains the relationship, in [0, 1].
        salience: Disclosure salience delta.
        responsibility_claim: Responsibility the posts claim, in [0, 1]; NaN
            (the default) for a post that claims nothing about it.
    """

    influencer: int
    company: int
    posts: float
    engagement: float
    claim: float
    script: float
    explained: float
    salience: float
    responsibility_claim: float = float("nan")


@dataclass(frozen=True)
class Market:
    """The products on offer this week, one entry per company."""

    quality: np.ndarray
    responsibility: np.ndarray
    price: np.ndarray
    #: (companies,) bool: the press reports the company's true responsibility this week
    scrutinised: np.ndarray | None = None


@dataclass
class WeekDraws:
    """Every random number one week of the consumer kernel consumes."""

    exposure: np.ndarray    # (follows,) uniform: attends to this week's posts
    recognise: np.ndarray   # (follows,) uniform: recognises the paid message
    like: np.ndarray        # (follows,) uniform: taps like
    in_market: np.ndarray   # (consumers,) uniform: shops this week
    choice: np.ndarray      # (consumers,) uniform: which brand
    quality: np.ndarray     # (consumers,) standard normal: experienced quality
    talk: np.ndarray        # (consumers,) uniform: tells friends
    listen: np.ndarray      # (consumers,) uniform: takes in the friends' stories


def draw_week(rng: np.random.Generator, consumers: int, follows: int) -> WeekDraws:
    """Draw one week's random numbers, always in the same order.

    ``follows`` may be less than the number of follow entries when the entries
    past it belong to influencers who do not post this week (the model's
    candidates, stored last): only posting influencers' entries are read.
    """
    return WeekDraws(
        exposure=rng.random(follows),
        recognise=rng.random(follows),
        like=rng.random(follows),
        in_market=rng.random(consumers),
        choice=rng.random(consumers),
        quality=rng.standard_normal(consumers),
        talk=rng.random(consumers),
        listen=rng.random(consumers),
    )


@dataclass
class WeekOutcome:
    """What the week produced, for influencers, companies and metrics."""

    impressions: np.ndarray  # (influencers,) followers who attended to a post
    likes: np.ndarray        # (influencers,)
    complaints: np.ndarray   # (influencers,) followers who found the influencer's claim false
    praises: np.ndarray      # (influencers,) followers who found the influencer's claim true
    sales: np.ndarray        # (companies,)
    attributed: np.ndarray   # (influencers,) sales whose buyer last heard this influencer
    recognised: int          # paid messages recognised as such
    recognised_by: np.ndarray | None = None  # (influencers,) the same, per influencer


class ConsumerPopulation:
    """State of all consumers, as arrays.

    Attributes:
        brand_r, brand_s: (companies, consumers) Beta evidence for and against
            each brand.
        aware: (companies, consumers) has heard of the brand.
        last_claim: (companies, consumers) quality last claimed to the
            consumer, or NaN when no influencer has made a claim to them.
        last_responsibility: (companies, consumers) responsibility last
            claimed to the consumer, or NaN.
        last_source: (companies, consumers) follow entry (position in the
            follow matrix) of the influencer who made that claim, or -1.
        purchases: (companies, consumers) units bought so far.
        last_experience: (companies, consumers) +1 kept promise, -1 broken,
            0 never bought.
        persuasion: (consumers,) persuasion knowledge pi in [0, 1].
        care: (consumers,) care for responsible products nu in [0, 1].
        follows: (influencers, consumers) CSR follow matrix; its stored
            entries are the "follow entries" below.
        following: (follows,) the follower still follows.
        cred_r, cred_s: (follows,) Beta evidence on the influencer's credibility.
        friends: (consumers, consumers) CSR social network.
    """

    def __init__(self, *, friends: sp.csr_matrix, follows: sp.csr_matrix, companies: int,
                 persuasion: np.ndarray, care: np.ndarray) -> None:
        n = friends.shape[0]
        self.friends = friends
        # Row j lists the consumers who hear consumer j (column j of ``friends``), so a
        # week's word of mouth only touches the few who talk, not every tie.
        self._listeners = sp.csr_matrix(friends).T.tocsr()
        self._listeners.sort_indices()
        self.follows = follows.tocsr()
        self.follows.sort_indices()
        self.n = n
        nnz = self.follows.nnz
        self.follow_owner = np.repeat(np.arange(self.follows.shape[0]),
                                      np.diff(self.follows.indptr))
        self.following = np.ones(nnz, dtype=bool)
        self.cred_r = np.zeros(nnz)
        self.cred_s = np.zeros(nnz)
        self.brand_r = np.zeros((companies, n))
        self.brand_s = np.zeros((companies, n))
        self.aware = np.zeros((companies, n), dtype=bool)
        self.last_claim = np.full((companies, n), np.nan)
        self.last_responsibility = np.full((companies, n), np.nan)
        self.last_source = np.full((companies, n), -1, dtype=np.int64)
        self.purchases = np.zeros((companies, n), dtype=np.int64)
        self.last_experience = np.zeros((companies, n), dtype=np.int8)
        self.persuasion = np.asarray(persuasion, dtype=float).copy()
        self.care = np.asarray(care, dtype=float).copy()

    # ------------------------------------------------------------------ views
    @property
    def follow_count(self) -> int:
        """Number of follow entries (stored entries of the follow matrix)."""
        return self.follows.nnz

    def audience(self, influencer: int) -> slice:
        """Slice of the follow entries that belong to ``influencer``."""
        ptr = self.follows.indptr
        return slice(int(ptr[influencer]), int(ptr[influencer + 1]))

    def brand_trust(self) -> np.ndarray:
        """(companies, consumers) expected trust in each brand."""
        return expected_trust(self.brand_r, self.brand_s)

    def credibility(self) -> np.ndarray:
        """(follows,) expected credibility of the followed influencer."""
        return expected_trust(self.cred_r, self.cred_s)

    # ------------------------------------------------------------------- week
    def week(self, posts: Sequence[Post], market: Market, draws: WeekDraws,
             p: dict) -> WeekOutcome:
        """Advance every consumer by one week.

        Args:
            posts: This week's posts, at most one per influencer.
            market: Products on offer.
            draws: Random numbers from :func:`draw_week`.
            p: Resolved world parameters.
        """
        n_inf = self.follows.shape[0]
        n_comp = self.brand_r.shape[0]
        impressions = np.zeros(n_inf, dtype=np.int64)
        likes = np.zeros(n_inf, dtype=np.int64)
        complaints = np.zeros(n_inf, dtype=np.int64)
        praises = np.zeros(n_inf, dtype=np.int64)
        attributed = np.zeros(n_inf, dtype=np.int64)
        recognised_by = np.zeros(n_inf, dtype=np.int64)
        for post in sorted(posts, key=lambda x: x.influencer):
            seen, liked, recognised = self._exposure(post, draws, p)
            impressions[post.influencer] = seen
            likes[post.influencer] = liked
            recognised_by[post.influencer] = recognised
        buyers = self._purchase(market, draws, p)
        fresh = self._experience(buyers, market, draws, p, complaints, praises, attributed)
        if market.scrutinised is not None:
            for c in np.flatnonzero(market.scrutinised):
                self._press(int(c), market, p, complaints, praises)
        self._word_of_mouth(fresh, draws, p)
        self._forget_and_mature(p)
        sales = np.array([(buyers == c).sum() for c in range(n_comp)], dtype=np.int64)
        return WeekOutcome(impressions, likes, complaints, praises, sales, attributed,
                           int(recognised_by.sum()), recognised_by)

    def _exposure(self, post: Post, draws: WeekDraws, p: dict) -> tuple[int, int, int]:
        """Step 1: followers attend to the posts and weigh them.

        Recognition as paid: P = 1 - (1 - delta)(1 - pi). A message's weight
        is discounted through the influencer's credibility (Josang), falls
        with recognised persuasion, rises with the share of the disclosure
        that explains the relationship, and scales with the quality it
        claims. A recognised message read by a consumer whose persuasion
        knowledge is above the reactance threshold backfires on brand and
        influencer alike, in proportion to its scripted share: that share of
        the message turns to negative evidence, the rest still counts.
        """
        span = self.audience(post.influencer)
        who = self.follows.indices[span]
        active = self.following[span]
        attend_p = 1.0 - (1.0 - post.engagement) ** post.posts
        seen = active & (draws.exposure[span] < attend_p)
        idx = who[seen]
        entries = np.arange(span.start, span.stop)[seen]
        c = post.company
        pi = self.persuasion[idx]
        recognise_p = 1.0 - (1.0 - post.salience) * (1.0 - pi)
        rec = draws.recognise[entries] < recognise_p
        cred = expected_trust(self.cred_r[entries], self.cred_s[entries])
        liked = draws.like[entries] < p["like_rate"] * cred
        explained = 1.0 + p["explained_bonus"] * post.explained
        discount = 1.0 - p["pk_discount"] * pi * rec
        thr = p["reactance_threshold"]
        backfire = post.script * (rec & (pi > thr))
        push = 1.0 - backfire
        react = p["reactance_weight"] * (pi - thr) / max(1.0 - thr, 1e-12) * backfire
        self.brand_r[c, idx] += push * p["message_weight"] * cred * discount * explained \
            * post.claim
        self.brand_s[c, idx] += react
        self.cred_r[entries] += push * p["credibility_weight"] * discount * explained
        self.cred_s[entries] += react
        self.aware[c, idx] = True
        self.last_claim[c, idx] = post.claim
        self.last_responsibility[c, idx] = post.responsibility_claim
        self.last_source[c, idx] = entries
        self.persuasion[idx] += rec * p["pk_learning"] * (1.0 - pi)
        # A follower who no longer finds the influencer credible stops following.
        unfollow = expected_trust(self.cred_r[entries], self.cred_s[entries]) \
            < p["unfollow_threshold"]
        self.following[entries[unfollow]] = False
        return int(seen.sum()), int(liked.sum()), int(rec.sum())

    def _purchase(self, market: Market, draws: WeekDraws, p: dict) -> np.ndarray:
        """Step 2: shoppers choose among the brands they know, or none.

        Multinomial logit: utility rises with expected trust and with care
        times responsibility, falls with price; unknown brands are not in the
        choice set. Returns the chosen company per consumer, -1 for none.
        """
        shop = np.flatnonzero(draws.in_market < p["in_market_rate"])
        trust = expected_trust(self.brand_r[:, shop], self.brand_s[:, shop])
        utility = (p["trust_utility"] * (trust - 0.5)
                   + p["responsibility_utility"] * self.care[None, shop]
                   * (market.responsibility[:, None] - 0.5)
                   - p["price_sensitivity"] * (market.price[:, None] - 1.0))
        weight = np.exp(utility) * self.aware[:, shop]
        total = np.exp(p["outside_utility"]) + weight.sum(axis=0)
        bounds = np.cumsum(weight, axis=0) / total
        choice = (draws.choice[None, shop] >= bounds).sum(axis=0)
        n_comp = self.brand_r.shape[0]
        buyers = np.full(self.n, -1, dtype=np.int64)
        buyers[shop] = np.where(choice < n_comp, choice, -1)
        return buyers

    def _experience(self, buyers: np.ndarray, market: Market, draws: WeekDraws, p: dict,
                    complaints: np.ndarray, praises: np.ndarray,
                    attributed: np.ndarray) -> np.ndarray:
        """Step 3: buyers compare what they got with what they were told.

        A claim that exceeded the experienced quality by more than the
        tolerance is a broken promise: negative evidence weighted by the
        asymmetry kappa, against the brand and the influencer who made the
        claim. Otherwise the experience is positive evidence. Buyers who were
        never told anything compare with a neutral 0.5. Each buyer told by an
        influencer reports back to them (a complaint or a praise), and the
        sale is attributed to that influencer (last touch). Returns the fresh
        experience per company and consumer (+1, -1, 0) for word of mouth.
        """
        n_comp = self.brand_r.shape[0]
        fresh = np.zeros((n_comp, self.n), dtype=np.int8)
        kappa = p["asymmetry"]
        for c in range(n_comp):
            idx = np.flatnonzero(buyers == c)
            if idx.size == 0:
                continue
            got = market.quality[c] + p["experience_noise"] * draws.quality[idx]
            told = self.last_claim[c, idx]
            told = np.where(np.isnan(told), 0.5, told)
            kept = got >= told - p["claim_tolerance"]
            w = p["experience_weight"]
            self.brand_r[c, idx] += w * kept
            self.brand_s[c, idx] += kappa * w * ~kept
            src = self.last_source[c, idx]
            has_src = src >= 0
            blame = p["influencer_blame"]
            self.cred_r[src[has_src & kept]] += blame
            self.cred_s[src[has_src & ~kept]] += kappa * blame
            n_inf = complaints.size
            complaints += np.bincount(self.follow_owner[src[has_src & ~kept]], minlength=n_inf)
            praises += np.bincount(self.follow_owner[src[has_src & kept]], minlength=n_inf)
            attributed += np.bincount(self.follow_owner[src[has_src]], minlength=n_inf)
            self.aware[c, idx] = True
            self.purchases[c, idx] += 1
            outcome = np.where(kept, 1, -1).astype(np.int8)
            self.last_experience[c, idx] = outcome
            fresh[c, idx] = outcome
        return fresh

    def _word_of_mouth(self, fresh: np.ndarray, draws: WeekDraws, p: dict) -> None:
        """Step 5: consumers with a fresh experience may tell their friends.

        One sparse product counts, for every consumer, the friends who told a
        good and a bad story about each brand. A friend's story is weighed
        above an advertisement (``friend_weight``), bad stories by kappa too.

        Not every story is taken in (``listening``, lambda_L): a consumer told
        m stories about brand c becomes aware of c with probability
        1 - (1 - lambda_L)^m, one uniform draw per consumer and week shared by
        the brands, and receives lambda_L times the evidence, its expected
        value (so trust does not depend on the draw). This per-story hazard is
        the imitation term of Bass diffusion: on a complete graph a consumer
        who has not heard of c becomes aware at rate about lambda_L x (tellers).
        With lambda_L = 1 every story is heard, whatever the draw.

        In a usual week only the few consumers who talk enter the product, and
        only those who hear someone are updated: the result is that of the full
        product ``friends @ stories`` without a pass over every tie and every
        consumer. When the tellers hold a large share of the ties (a complete
        graph, a market where everyone buys), the full sparse product is the
        faster way to the same counts.
        """
        talks = draws.talk < p["word_of_mouth"]
        tellers = np.flatnonzero(talks & (fresh != 0).any(axis=0))
        if tellers.size == 0:
            return
        listen = self._listeners
        reach = int((listen.indptr[tellers + 1] - listen.indptr[tellers]).sum())
        if reach * FULL_PRODUCT_SHARE >= listen.nnz:
            hearers, heard = self._stories_by_product(fresh, tellers)
        else:
            hearers, heard = self._stories_by_gather(fresh, tellers)
        n_comp = fresh.shape[0]
        good, bad = heard[:n_comp], heard[n_comp:]
        lam = p["listening"]
        w = p["friend_weight"]
        self.brand_r[:, hearers] += lam * w * good
        self.brand_s[:, hearers] += lam * p["asymmetry"] * w * bad
        take_in = 1.0 - (1.0 - lam) ** (good + bad)
        self.aware[:, hearers] |= draws.listen[None, hearers] < take_in

    def _stories_by_gather(self, fresh: np.ndarray,
                           tellers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stories heard, touching only the tellers' ties: for a week when few talk.

        Returns the hearers (sorted) and a (2 x companies, hearers) array of the good
        stories then the bad ones each hearer was told about each brand.
        """
        told = fresh[:, tellers]
        stories = np.concatenate([told > 0, told < 0]).T.astype(np.float64)
        # Every tie of every teller, teller by teller: who listens, and to which teller.
        listen = self._listeners
        tie, owner = _row_entries(listen.indptr, tellers)
        listeners = listen.indices[tie]
        hearing = np.zeros(self.n, dtype=bool)
        hearing[listeners] = True
        hearers = np.flatnonzero(hearing)
        # The hearers' rows of friends @ stories: the same products, added in the same order
        # (bincount sums its weights in input order, in float64).
        row = np.searchsorted(hearers, listeners)
        tie_weight = listen.data[tie].astype(np.float64)
        heard = np.stack([np.bincount(row, weights=tie_weight * stories[owner, col],
                                      minlength=hearers.size)
                          for col in range(stories.shape[1])])
        return hearers, heard

    def _stories_by_product(self, fresh: np.ndarray,
                            tellers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stories heard, as one sparse product over every tie: for a week when many talk.

        Same result as :meth:`_stories_by_gather` (story counts are whole numbers,
        exact in float64 in any order), in a fraction of the time when the tellers'
        ties are a large part of the network, as on a complete graph.
        """
        talking = np.zeros_like(fresh)
        talking[:, tellers] = fresh[:, tellers]
        stories = np.concatenate([talking > 0, talking < 0]).T.astype(np.float64)
        heard = np.asarray(self._listeners @ stories).T
        hearers = np.flatnonzero(heard.any(axis=0))
        return hearers, np.ascontiguousarray(heard[:, hearers])

    def _press(self, c: int, market: Market, p: dict, complaints: np.ndarray,
               praises: np.ndarray) -> None:
        """Step 4: the press reports company ``c``'s true responsibility.

        Responsibility is a credence attribute: a buyer cannot taste it, but
        a report can contradict what they were told. Every consumer who heard
        a responsibility claim about ``c`` compares it with the truth, by the
        same rule as an experience: a claim above the truth by more than the
        tolerance is a broken promise (weighted by kappa, against brand and
        influencer), one within it is kept.
        """
        told = self.last_responsibility[c]
        idx = np.flatnonzero(~np.isnan(told))
        if idx.size == 0:
            return
        kept = market.responsibility[c] >= told[idx] - p["claim_tolerance"]
        w = p["experience_weight"]
        kappa = p["asymmetry"]
        self.brand_r[c, idx] += w * kept
        self.brand_s[c, idx] += kappa * w * ~kept
        src = self.last_source[c, idx]
        has_src = src >= 0
        blame = p["influencer_blame"]
        self.cred_r[src[has_src & kept]] += blame
        self.cred_s[src[has_src & ~kept]] += kappa * blame
        n_inf = complaints.size
        complaints += np.bincount(self.follow_owner[src[has_src & ~kept]], minlength=n_inf)
        praises += np.bincount(self.follow_owner[src[has_src & kept]], minlength=n_inf)

    def _forget_and_mature(self, p: dict) -> None:
        """Step 6: evidence fades; persuasion knowledge and care for responsibility creep up."""
        keep = p["forgetting"]
        for evidence in (self.brand_r, self.brand_s, self.cred_r, self.cred_s):
            forget(evidence, keep)
        self.persuasion += p["pk_drift"] * (1.0 - self.persuasion)
        self.care += p["care_drift"] * (1.0 - self.care)

    def crisis_news(self, company: int, candid_entries: np.ndarray, p: dict,
                    explained: np.ndarray | float = 1.0) -> None:
        """A scandal reaches everyone who knows the brand.

        Prior trust cushions the news (Dawar & Pillutla 2000): a consumer whose
        expected trust E is above neutral takes ``1 - prior_buffer * (2E - 1)``
        of the damage. Followers who heard it first and honestly from an
        influencer (the follow entries in ``candid_entries``) take only
        ``1 - candour_buffer`` of what is left, and credit the influencer for
        telling them: ``credibility_weight x (1 + explained_bonus x explained)``,
        ``explained`` being the telling influencer's disclosure input (per entry).
        """
        prior = expected_trust(self.brand_r[company], self.brand_s[company])
        cushion = 1.0 - p["prior_buffer"] * np.maximum(0.0, 2.0 * prior - 1.0)
        damage = np.where(self.aware[company], p["crisis_news_weight"] * cushion, 0.0)
        candid = self.follows.indices[candid_entries]
        damage[candid] *= 1.0 - p["candour_buffer"]
        self.brand_s[company] += damage
        self.cred_r[candid_entries] += p["credibility_weight"] * (
            1.0 + p["explained_bonus"] * np.asarray(explained, dtype=float))


def _row_entries(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the stored entries of ``rows`` in a CSR matrix, row after row.

    Returns the positions (into ``indices`` and ``data``) and, for each, its
    place in ``rows``: a gather of a few rows without building a sub-matrix.
    """
    first = indptr[rows]
    counts = indptr[rows + 1] - first
    owner = np.repeat(np.arange(rows.size), counts)
    starts = np.repeat(first - (np.cumsum(counts) - counts), counts)
    return np.arange(counts.sum()) + starts, owner
