"""The vectorised consumer kernel, mechanism by mechanism.

Each test builds a small ``ConsumerPopulation`` by hand and, where a mechanism
is deterministic given the draws, hand-made ``WeekDraws`` so that the
expected evidence can be written down exactly. Stochastic rates are checked
against their formula within a stated sampling tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import InfluenceModel
from simulation.consumers import ConsumerPopulation, Market, Post, WeekDraws, draw_week
from simulation.network import build_network
from simulation.parameters import resolve

P = resolve()  # default world parameters
KEEP = P["forgetting"]


def population(n: int, audiences: list[list[int]], *, persuasion: float | np.ndarray = 0.3,
               friends: sp.csr_matrix | None = None, companies: int = 1) -> ConsumerPopulation:
    """A population with the given audiences (one list of followers per influencer)."""
    rows = np.repeat(np.arange(len(audiences)), [len(a) for a in audiences])
    cols = np.concatenate([np.asarray(a, dtype=np.int64) for a in audiences]) \
        if audiences else np.empty(0, dtype=np.int64)
    follows = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)),
                            shape=(len(audiences), n))
    if friends is None:
        friends = sp.csr_matrix((n, n), dtype=np.float32)
    pi = np.broadcast_to(np.asarray(persuasion, dtype=float), (n,))
    return ConsumerPopulation(friends=friends, follows=follows, companies=companies,
                              persuasion=pi, care=np.full(n, 0.5))


def quiet_draws(pop: ConsumerPopulation, **overrides: np.ndarray) -> WeekDraws:
    """Draws under which every follower attends, nobody recognises, likes, shops or talks,
    and every story told would be taken in; tests switch single mechanisms on through
    ``overrides``."""
    n, f = pop.n, pop.follow_count
    base = dict(exposure=np.zeros(f), recognise=np.ones(f), like=np.ones(f),
                in_market=np.ones(n), choice=np.zeros(n), quality=np.zeros(n),
                talk=np.ones(n), listen=np.zeros(n))
    base.update(overrides)
    return WeekDraws(**base)


def market(quality: float = 0.6, companies: int = 1) -> Market:
    return Market(quality=np.full(companies, quality), responsibility=np.full(companies, 0.5),
                  price=np.ones(companies))


def post(*, influencer: int = 0, company: int = 0, claim: float = 0.6, script: float = 1.0,
         explained: float = 0.0, salience: float = 0.5, engagement: float = 1.0,
         posts: float = 1.0, responsibility_claim: float = float("nan")) -> Post:
    return Post(influencer=influencer, company=company, posts=posts, engagement=engagement,
                claim=claim, script=script, explained=explained, salience=salience,
                responsibility_claim=responsibility_claim)


# ------------------------------------------------------------ recognition
@pytest.mark.parametrize("delta, pi", [(0.5, 0.3), (0.7, 0.1), (0.0, 0.6)])
def test_recognition_frequency_matches_formula(delta: float, pi: float) -> None:
    """P(recognised as paid) = 1 - (1 - delta)(1 - pi); over 20,000 followers the share
    must lie within 4 binomial standard errors of it."""
    n = 20_000
    pop = population(n, [list(range(n))], persuasion=pi)
    draws = draw_week(np.random.default_rng(0), n, pop.follow_count)
    out = pop.week([post(salience=delta, script=0.0)], market(), draws, P)
    expected = 1 - (1 - delta) * (1 - pi)
    se = math.sqrt(expected * (1 - expected) / n)
    assert out.impressions[0] == n, "engagement 1: everyone attends"
    assert abs(out.recognised / n - expected) <= 4 * se


def test_attention_rises_with_posts() -> None:
    """P(attend) = 1 - (1 - engagement)^posts; checked within 4 standard errors."""
    n = 20_000
    for posts, engagement in [(1.0, 0.1), (3.0, 0.1), (0.5, 0.4)]:
        pop = population(n, [list(range(n))])
        draws = draw_week(np.random.default_rng(1), n, pop.follow_count)
        out = pop.week([post(posts=posts, engagement=engagement)], market(), draws, P)
        expected = 1 - (1 - engagement) ** posts
        assert abs(out.impressions[0] / n - expected) <= 4 * math.sqrt(
            expected * (1 - expected) / n)


# --------------------------------------------------------------- reactance
def test_recognised_script_backfires_on_a_wary_consumer() -> None:
    pi, thr = 0.9, P["reactance_threshold"]
    pop = population(1, [[0]], persuasion=pi)
    draws = quiet_draws(pop, recognise=np.zeros(1))
    pop.week([post(script=1.0, salience=1.0)], market(), draws, P)
    react = P["reactance_weight"] * (pi - thr) / (1 - thr)
    assert pop.brand_r[0, 0] == 0.0, "a backfiring message brings no positive evidence"
    assert pop.brand_s[0, 0] == pytest.approx(react * KEEP)
    assert pop.cred_r[0] == 0.0
    assert pop.cred_s[0] == pytest.approx(react * KEEP)


@pytest.mark.parametrize("pi, scripted, recognised", [
    (0.3, True, True),    # below the reactance threshold
    (0.9, False, True),   # an engaged, unscripted message
    (0.9, True, False),   # not recognised as paid
])
def test_no_backfire_otherwise(pi: float, scripted: bool, recognised: bool) -> None:
    pop = population(1, [[0]], persuasion=pi)
    draws = quiet_draws(pop, recognise=np.zeros(1) if recognised else np.ones(1))
    pop.week([post(script=float(scripted), salience=1.0 if recognised else 0.0)], market(),
             draws, P)
    assert pop.brand_s[0, 0] == 0.0 and pop.cred_s[0] == 0.0
    assert pop.brand_r[0, 0] > 0.0 and pop.cred_r[0] > 0.0


@pytest.mark.parametrize("script", [0.25, 0.5, 0.75])
def test_reactance_scales_with_the_scripted_share(script: float) -> None:
    """No rule knows the deal: a post half in a script backfires half as much, and
    the other half of it still counts, on brand and influencer alike."""
    pi, thr = 0.9, P["reactance_threshold"]
    full, own, mixed = (population(1, [[0]], persuasion=pi) for _ in range(3))
    for pop, share in ((full, 1.0), (own, 0.0), (mixed, script)):
        pop.week([post(script=share, salience=1.0)], market(),
                 quiet_draws(pop, recognise=np.zeros(1)), P)
    assert mixed.brand_s[0, 0] == pytest.approx(script * full.brand_s[0, 0])
    assert mixed.brand_r[0, 0] == pytest.approx((1 - script) * own.brand_r[0, 0])
    assert mixed.cred_s[0] == pytest.approx(script * full.cred_s[0])
    assert mixed.cred_r[0] == pytest.approx((1 - script) * own.cred_r[0])
    assert full.brand_s[0, 0] == pytest.approx(
        P["reactance_weight"] * (pi - thr) / (1 - thr) * KEEP)


def test_recognition_discounts_a_message() -> None:
    """A message recognised as paid keeps only 1 - pk_discount * pi of its weight."""
    pi = 0.4
    plain = population(1, [[0]], persuasion=pi)
    plain.week([post(script=0.0, salience=0.0)], market(), quiet_draws(plain), P)
    seen = population(1, [[0]], persuasion=pi)
    seen.week([post(script=0.0, salience=1.0)], market(),
              quiet_draws(seen, recognise=np.zeros(1)), P)
    assert seen.brand_r[0, 0] == pytest.approx(plain.brand_r[0, 0] * (1 - P["pk_discount"] * pi))


# ---------------------------------------------------------------- explained
def test_explained_posts_weigh_more() -> None:
    """No recognition (pi = 0, delta = 0): only the explanation differs."""
    results = {}
    for explained in (False, True):
        pop = population(1, [[0]], persuasion=0.0)
        pop.week([post(script=0.0, explained=explained, salience=0.0, claim=0.8)],
                 market(), quiet_draws(pop), P)
        results[explained] = (pop.brand_r[0, 0], pop.cred_r[0])
    base = P["message_weight"] * 0.5 * 0.8 * KEEP  # weight * credibility * claim
    assert results[False][0] == pytest.approx(base)
    assert results[True][0] == pytest.approx(base * (1 + P["explained_bonus"]))
    assert results[True][1] == pytest.approx(results[False][1] * (1 + P["explained_bonus"]))


# --------------------------------------------------------------- experience
def _buy_after_claim(claim: float, quality: float, kappa: float) -> tuple:
    p = {**P, "asymmetry": kappa, "experience_noise": 0.0}
    pop = population(1, [[0]], persuasion=0.0)
    draws = quiet_draws(pop, in_market=np.zeros(1))
    out = pop.week([post(script=0.0, salience=0.0, claim=claim)], market(quality), draws, p)
    return pop, out


@pytest.mark.parametrize("kappa", [1.0, 2.5, 4.0])
def test_claim_above_experience_is_negative_evidence_weighted_by_kappa(kappa: float) -> None:
    pop, out = _buy_after_claim(claim=0.9, quality=0.5, kappa=kappa)
    assert out.sales[0] == 1
    assert out.complaints[0] == 1
    assert pop.last_experience[0, 0] == -1
    assert pop.brand_s[0, 0] == pytest.approx(kappa * P["experience_weight"] * KEEP)
    assert pop.cred_s[0] == pytest.approx(kappa * P["influencer_blame"] * KEEP)


def test_broken_claim_hurts_credibility_kept_claim_helps() -> None:
    broken, _ = _buy_after_claim(claim=0.9, quality=0.5, kappa=2.5)
    kept, out = _buy_after_claim(claim=0.5, quality=0.5, kappa=2.5)
    assert out.complaints[0] == 0
    assert kept.last_experience[0, 0] == 1
    assert kept.cred_s[0] == 0.0 and broken.cred_s[0] > 0.0
    assert kept.credibility()[0] > 0.5 > broken.credibility()[0]
    assert kept.brand_trust()[0, 0] > 0.5 > broken.brand_trust()[0, 0]


def test_claim_within_tolerance_is_kept() -> None:
    pop, out = _buy_after_claim(claim=0.5 + 0.9 * P["claim_tolerance"], quality=0.5, kappa=2.5)
    assert out.complaints[0] == 0 and pop.brand_s[0, 0] == 0.0


def test_unaware_consumers_never_buy() -> None:
    pop = population(50, [], persuasion=0.0)
    pop.aware[0, :10] = True
    draws = quiet_draws(pop, in_market=np.zeros(50))
    out = pop.week([], market(), draws, P)
    assert out.sales[0] == 10
    assert (pop.purchases[0, 10:] == 0).all() and (pop.purchases[0, :10] == 1).all()


# ------------------------------------------------------------- word of mouth
@pytest.mark.parametrize("quality, good", [(0.9, True), (0.1, False)])
def test_word_of_mouth_reaches_exactly_the_friends_of_a_teller(quality: float,
                                                               good: bool) -> None:
    n, teller = 40, 7
    friends = build_network("small_world", n, 4, np.random.default_rng(0), rewiring=0.3)
    pop = population(n, [], friends=friends)
    pop.aware[0, teller] = True
    shop = np.ones(n)
    shop[teller] = 0.0
    talk = np.ones(n)
    talk[teller] = 0.0
    p = {**P, "experience_noise": 0.0}
    pop.week([], market(quality), quiet_draws(pop, in_market=shop, talk=talk), p)
    told = set(friends[teller].indices.tolist())
    assert told, "the teller has friends"
    heard = pop.brand_r[0] + pop.brand_s[0] > 0
    heard[teller] = False
    assert set(np.flatnonzero(heard).tolist()) == told
    assert set(np.flatnonzero(pop.aware[0]).tolist()) == told | {teller}
    others = np.array(sorted(told))
    if good:
        assert np.allclose(pop.brand_r[0, others], P["friend_weight"] * KEEP)
        assert (pop.brand_s[0, others] == 0).all()
    else:
        assert np.allclose(pop.brand_s[0, others], P["asymmetry"] * P["friend_weight"] * KEEP)
        assert (pop.brand_r[0, others] == 0).all()


def test_silent_buyers_tell_nobody() -> None:
    friends = build_network("complete", 10, 2, np.random.default_rng(0))
    pop = population(10, [], friends=friends)
    pop.aware[0, 0] = True
    shop = np.ones(10)
    shop[0] = 0.0
    pop.week([], market(), quiet_draws(pop, in_market=shop), P)
    assert pop.aware[0].sum() == 1


def _listening_world(n: int, stories: int) -> tuple[ConsumerPopulation, np.ndarray]:
    """``stories`` tellers (consumers 0..stories-1), each tied to all ``n`` listeners
    and to nobody else: every listener is told exactly ``stories`` stories."""
    tellers = np.arange(stories)
    listeners = np.arange(stories, stories + n)
    src = np.repeat(tellers, n)
    dst = np.tile(listeners, stories)
    rows, cols = np.concatenate([src, dst]), np.concatenate([dst, src])
    size = stories + n
    friends = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)),
                            shape=(size, size))
    pop = population(size, [], friends=friends, persuasion=0.0)
    pop.aware[0, tellers] = True
    return pop, listeners


@pytest.mark.parametrize("listening, stories", [(0.3, 1), (0.3, 3), (0.05, 4), (1.0, 2),
                                                (0.0, 3)])
def test_listening_awareness_and_evidence(listening: float, stories: int) -> None:
    """Told m stories, a consumer becomes aware with probability 1 - (1 - listening)^m and
    receives listening x friend_weight x m evidence (its expectation, not a draw).

    The awareness share over 20,000 listeners must lie within 4 binomial standard
    errors of the formula (a false alarm about once in 16,000 runs); at the bounds
    listening = 1 and 0 the outcome is certain and is checked exactly.
    """
    n = 20_000
    pop, listeners = _listening_world(n, stories)
    shop, talk = np.ones(pop.n), np.ones(pop.n)
    shop[:stories] = talk[:stories] = 0.0
    p = {**P, "listening": listening, "experience_noise": 0.0}
    draws = draw_week(np.random.default_rng(11), pop.n, 0)
    draws.in_market, draws.talk, draws.choice = shop, talk, np.zeros(pop.n)
    out = pop.week([], market(0.9), draws, p)
    assert out.sales[0] == stories
    expected = 1 - (1 - listening) ** stories
    share = pop.aware[0, listeners].mean()
    se = math.sqrt(expected * (1 - expected) / n)
    assert abs(share - expected) <= 4 * se, (share, expected)
    if listening in (0.0, 1.0):
        assert share == expected
    np.testing.assert_allclose(pop.brand_r[0, listeners],
                               listening * P["friend_weight"] * stories * KEEP, rtol=1e-12)
    assert (pop.brand_s[0, listeners] == 0).all()


def test_listening_draw_decides_awareness_and_is_shared_by_brands() -> None:
    """One draw per consumer and week: told one story about each of two brands, a
    listener whose draw is below 1 - (1 - 0.4)^1 hears of both brands, one above
    hears of neither."""
    world, listeners = _listening_world(4, 2)
    pop = population(world.n, [], friends=world.friends, persuasion=0.0, companies=2)
    pop.aware[0, 0] = pop.aware[1, 1] = True  # teller 0 knows brand 0, teller 1 brand 1
    shop, talk = np.ones(pop.n), np.ones(pop.n)
    shop[:2] = talk[:2] = 0.0
    listen = np.array([0.0, 0.0, 0.1, 0.39, 0.41, 0.9])
    p = {**P, "listening": 0.4, "experience_noise": 0.0}
    out = pop.week([], market(0.9, companies=2),
                   quiet_draws(pop, in_market=shop, talk=talk, listen=listen), p)
    assert out.sales.tolist() == [1, 1]
    assert pop.aware[0, listeners].tolist() == [True, True, False, False]
    assert pop.aware[1, listeners].tolist() == [True, True, False, False]
    np.testing.assert_allclose(pop.brand_r[:, listeners], 0.4 * P["friend_weight"] * KEEP)


# ------------------------------------------------------ forgetting, maturing
def test_forgetting_shrinks_every_evidence_count() -> None:
    rng = np.random.default_rng(4)
    pop = population(30, [list(range(0, 30, 2))], companies=2)
    for arr in (pop.brand_r, pop.brand_s, pop.cred_r, pop.cred_s):
        arr[...] = rng.random(arr.shape) * 5
    before = [a.copy() for a in (pop.brand_r, pop.brand_s, pop.cred_r, pop.cred_s)]
    pk = pop.persuasion.copy()
    pop.week([], market(companies=2), quiet_draws(pop), P)
    for old, new in zip(before, (pop.brand_r, pop.brand_s, pop.cred_r, pop.cred_s),
                        strict=True):
        np.testing.assert_allclose(new, old * KEEP)
        assert (new < old).all()
    np.testing.assert_allclose(pop.persuasion, pk + P["pk_drift"] * (1 - pk))


def test_unfollowing_when_credibility_collapses() -> None:
    pop = population(3, [[0, 1, 2]], persuasion=0.0)
    pop.cred_s[1] = 20.0  # credibility 1/22, below the 0.3 threshold
    pop.week([post(script=0.0, salience=0.0)], market(), quiet_draws(pop), P)
    assert pop.following.tolist() == [True, False, True]
    out = pop.week([post(script=0.0, salience=0.0)], market(), quiet_draws(pop), P)
    assert out.impressions[0] == 2, "a former follower no longer sees the posts"


def test_likes_follow_credibility() -> None:
    """P(like) = like_rate * credibility; with no evidence credibility is 0.5."""
    n = 20_000
    pop = population(n, [list(range(n))], persuasion=0.0)
    draws = draw_week(np.random.default_rng(5), n, pop.follow_count)
    out = pop.week([post(salience=0.0)], market(), draws, P)
    expected = P["like_rate"] * 0.5
    assert abs(out.likes[0] / n - expected) <= 4 * math.sqrt(expected * (1 - expected) / n)


def test_crisis_news_spares_candid_followers_and_credits_the_influencer() -> None:
    pop = population(4, [[1, 2]])
    pop.aware[0, :3] = True
    candid = np.array([0])  # the follow entry of consumer 1
    pop.crisis_news(0, candid, P)
    w = P["crisis_news_weight"]
    np.testing.assert_allclose(pop.brand_s[0], [w, w * (1 - P["candour_buffer"]), w, 0.0])
    assert pop.cred_r[0] > 0 and pop.cred_r[1] == 0


# --------------------------------------------------------------- invariants
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), pk_initial=st.floats(0.0, 1.0),
       pk_learning=st.floats(0.0, 1.0), pk_drift=st.floats(0.0, 0.1),
       asymmetry=st.floats(1.0, 10.0), forgetting=st.floats(0.5, 1.0),
       network=st.sampled_from(["small_world", "scale_free", "random"]))
def test_invariants_over_a_run(seed, pk_initial, pk_learning, pk_drift, asymmetry,
                               forgetting, network) -> None:
    """Whatever the parameters: persuasion knowledge never falls and stays in [0, 1];
    evidence is never negative; trust quantiles stay in [0, 1] and ordered."""
    model = InfluenceModel(rng=seed, consumers=300, network=network, pk_initial=pk_initial,
                           pk_learning=pk_learning, pk_drift=pk_drift, asymmetry=asymmetry,
                           forgetting=forgetting)
    pop = model.population
    for _ in range(25):
        pk = pop.persuasion.copy()
        model.step()
        assert (pop.persuasion >= pk).all()
        assert (pop.persuasion >= 0).all() and (pop.persuasion <= 1).all()
        for arr in (pop.brand_r, pop.brand_s, pop.cred_r, pop.cred_s):
            assert (arr >= 0).all()
    frame = model.timeseries()
    for col in ("trust_mean", "trust_p10", "trust_p50", "trust_p90", "trusting_share"):
        assert frame[col].between(0, 1).all()
    assert (frame["trust_p10"] <= frame["trust_p50"]).all()
    assert (frame["trust_p50"] <= frame["trust_p90"]).all()
