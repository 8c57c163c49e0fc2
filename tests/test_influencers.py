"""Influencers: audience sizes, engagement, knowledge, claims and churn.

An influencer is a person with an audience: these tests check the industry
regularities built in (heavy-tailed audiences, engagement falling with size)
and the person's side (what they know, what they claim, when they leave).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import InfluenceModel
from simulation.influencers import (
    audience_share,
    engagement_rate,
    follower_counts,
    recruit_audience,
)
from simulation.network import build_network


# --------------------------------------------------------------- audiences
@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 200),
       low=st.integers(1, 10**6),
       ratio=st.floats(1.0, 2000.0),
       tail=st.floats(0.1, 5.0),
       seed=st.integers(0, 2**32 - 1))
def test_follower_counts_within_bounds_whole_and_sorted(count, low, ratio, tail, seed) -> None:
    high = int(low * ratio)
    counts = follower_counts(count, low, high, tail, np.random.default_rng(seed))
    assert counts.shape == (count,)
    assert np.all(counts >= low) and np.all(counts <= high)
    assert np.all(counts == np.rint(counts)), "people are counted whole"
    assert np.all(np.diff(counts) <= 0), "largest first"


def test_follower_counts_are_heavy_tailed() -> None:
    """Many small influencers, few large ones: the median sits near the low end."""
    counts = follower_counts(10_000, 1_000, 200_000, 1.2, np.random.default_rng(0))
    assert np.median(counts) < 3_000
    assert (counts > 50_000).mean() < 0.01
    assert counts.max() > 100_000


@settings(max_examples=100, deadline=None)
@given(followers=st.integers(1, 10**9), in_market=st.floats(0.001, 1.0),
       market=st.integers(100, 10**10))
def test_audience_share_is_followers_in_the_market_over_its_size(followers, in_market,
                                                                  market) -> None:
    share = audience_share(followers, in_market, market)
    assert 0.0 < share <= 1.0
    assert share == pytest.approx(min(1.0, followers * in_market / market))


# -------------------------------------------------------------- engagement
@settings(max_examples=100, deadline=None)
@given(a=st.integers(1, 10**9), b=st.integers(1, 10**9),
       ref=st.floats(0.0, 1.0), ref_followers=st.integers(1, 10**9),
       exponent=st.floats(0.01, 1.0))
def test_engagement_falls_with_followers(a, b, ref, ref_followers, exponent) -> None:
    small, large = min(a, b), max(a, b)
    assert engagement_rate(large, ref, ref_followers, exponent) <= \
        engagement_rate(small, ref, ref_followers, exponent)
    assert 0.0 <= engagement_rate(small, ref, ref_followers, exponent) <= 1.0


def test_engagement_values() -> None:
    assert engagement_rate(50_000, 0.15, 50_000, 0.3) == pytest.approx(0.15)
    assert engagement_rate(500_000, 0.15, 50_000, 0.3) == pytest.approx(0.15 * 10 ** -0.3)
    assert engagement_rate(500_000, 0.15, 50_000, 0.3) < 0.15
    assert engagement_rate(2_500_000, 0.15, 50_000, 0.0) == pytest.approx(0.15)
    assert engagement_rate(10, 0.9, 100_000, 1.0) == 1.0, "a probability is capped at 1"


def test_engagement_reads_the_real_count_not_the_modelled_sample() -> None:
    """The same influencer engages the same share of followers at any number of consumers."""
    rates = []
    for consumers in (500, 20_000):
        model = InfluenceModel(rng=2, consumers=consumers, network="random",
                               influencers=[{"company": 0, "followers": 300_000}],
                               influencers_per_company=0, candidates_per_company=0)
        rates.append(model.influencers[0].engagement)
        assert model.influencers[0].followers == 300_000
    assert rates[0] == rates[1]



# --------------------------------------------------------------- recruiting
def test_recruit_audience_size_unique_sorted() -> None:
    rng = np.random.default_rng(1)
    friends = build_network("small_world", 1000, 10, rng)
    for size, locality in [(1, 0.7), (50, 0.0), (200, 0.7), (1000, 1.0), (5000, 0.5)]:
        audience = recruit_audience(friends, size, locality, rng)
        assert audience.size == min(size, 1000)
        assert np.all(np.diff(audience) > 0)
        assert audience.min() >= 0 and audience.max() < 1000


def test_local_audiences_cluster_in_the_network() -> None:
    """Followers recruited breadth first each have a friend among the followers (each was
    found through one). Picked at random, 100 of 2,000 consumers with 10 friends have one
    with chance 1 - (1 - 10/1999)^99 = 0.39 (sd of the share 0.05); the bound 0.6 is four
    sd away."""
    rng = np.random.default_rng(2)
    friends = build_network("small_world", 2000, 10, rng)
    local = recruit_audience(friends, 100, 1.0, rng)
    spread = recruit_audience(friends, 100, 0.0, rng)

    def share_with_friend_inside(audience: np.ndarray) -> float:
        inside = friends[audience][:, audience]
        return float((np.diff(inside.indptr) > 0).mean())

    assert share_with_friend_inside(local) == 1.0
    assert share_with_friend_inside(spread) < 0.6


# ------------------------------------------------------------- the person
@pytest.fixture
def model() -> InfluenceModel:
    """A small default world: companies[0] billboard, companies[1] engaged."""
    return InfluenceModel(rng=3, consumers=300)


def test_roles_follow_companies(model: InfluenceModel) -> None:
    per = model.params["influencers_per_company"]
    pool = model.params["candidates_per_company"]
    assert len(model.influencers) == (per + pool) * len(model.companies)
    for company in model.companies:
        assert len(company.influencers) == per and len(company.candidates) == pool
        assert all(i.deal == company.strategy and i.status == "partner"
                   for i in company.influencers)
        assert all(not i.alive and i.status == "candidate" for i in company.candidates)
    # every company gets the same audience sizes, partners and candidates alike
    first, second = model.companies
    assert [i.audience_share for i in first.influencers] == \
        [i.audience_share for i in second.influencers]
    assert [i.audience_share for i in first.candidates] == \
        [i.audience_share for i in second.candidates]


def test_review_churns_below_threshold_and_logs(model: InfluenceModel) -> None:
    inf = model.influencers[0]
    inf.trust_s = 10.0  # expected trust 1/12, below the 0.35 threshold
    inf.review(0, 0)
    assert not inf.alive
    assert model.events[-1]["kind"] == "churn"
    assert model.events[-1]["company"] == inf.company.name
    tenure = inf.tenure
    inf.review(0, 0)
    assert inf.tenure == tenure, "a former partner no longer counts weeks"
    assert inf.step() is None, "a former partner no longer posts"
    assert inf not in inf.company.alive()


def test_review_keeps_a_trusting_influencer(model: InfluenceModel) -> None:
    inf = model.influencers[1]
    inf.trust_r = 10.0
    inf.review(0, 0)
    assert inf.alive and inf.tenure == 1
    assert not [e for e in model.events if e["kind"] == "churn"]


def test_complaints_cost_trust_then_forgetting(model: InfluenceModel) -> None:
    inf = model.influencers[1]
    blame = inf.settings["audience_blame"]
    keep = model.params["forgetting"]
    inf.review(7, 0)
    assert inf.complaints == 7
    assert inf.trust_s == pytest.approx(7 * blame * 100 / inf.audience_size * keep)
    assert inf.trust_in_company < 0.5


def test_praise_builds_trust_as_complaints_cost_it(model: InfluenceModel) -> None:
    """Two-sided: a follower who found the claim true is evidence for the company,
    with the same weight as one who found it false is evidence against."""
    praised, blamed = model.influencers[0], model.influencers[1]
    praised.review(0, 7)
    blamed.review(7, 0)
    assert praised.praises == 7
    assert praised.trust_r == pytest.approx(blamed.trust_s)
    assert praised.trust_in_company > 0.5 > blamed.trust_in_company


def test_learn_is_a_moving_average_and_builds_trust(model: InfluenceModel) -> None:
    inf = model.influencers[1]
    memory = inf.settings["knowledge_memory"]
    inf.learn(3, 4)
    assert inf.knowledge == pytest.approx((1 - memory) * 0.75)
    assert inf.trust_r == pytest.approx(3 * inf.settings["answer_weight"])
    before = inf.knowledge
    inf.learn(0, 0)
    assert inf.knowledge == before, "a week without facts leaves knowledge as it was"
    for _ in range(500):
        inf.learn(2, 2)
    assert inf.knowledge == pytest.approx(1.0, abs=1e-6)


def test_claims(model: InfluenceModel) -> None:
    billboard, engaged = model.companies
    bb = billboard.influencers[0]
    assert bb.claim() == pytest.approx(min(1.0, billboard.quality
                                           + billboard.settings["overstatement"]))
    en = engaged.influencers[0]
    assert en.claim() == pytest.approx(engaged.scripted_claim), "knowing nothing, repeat script"
    en.knowledge = 1.0
    assert en.claim() == pytest.approx(engaged.quality), "knowing all, tell the truth"
    en.knowledge = 0.25
    assert en.claim() == pytest.approx(0.25 * engaged.quality + 0.75 * engaged.scripted_claim)
    engaged.schedule_crisis(0.3, 2)
    engaged.model.steps += 1  # the crisis breaks at the start of the next week
    engaged._crisis_onset(engaged.model.rng)
    assert engaged.crises == [engaged.model.steps]
    en.speaks_first = True
    assert en.claim() == pytest.approx(engaged.current_quality)
    assert engaged.current_quality < engaged.quality


def test_posts_carry_the_deal(model: InfluenceModel) -> None:
    model.step()
    for inf in (i for i in model.influencers if i.alive):
        post = inf.step()
        s = inf.company.settings
        assert post is not None
        assert post.influencer == inf.row and post.company == inf.company.index
        assert post.engagement == inf.engagement
        assert 0 < post.posts <= s["max_posts"]
        if inf.deal == "engaged":
            assert post.script == 0.0 and post.explained == 1.0
            assert post.salience == s["disclosure_engaged"]
        else:
            assert post.script == 1.0 and post.explained == 0.0
            assert post.salience == s["disclosure_billboard"]
        assert post.responsibility_claim == pytest.approx(inf.responsibility_claim())


def test_engagement_of_agents_follows_their_audience(model: InfluenceModel) -> None:
    p = model.params
    for inf in model.influencers:
        assert inf.engagement == pytest.approx(engagement_rate(
            inf.followers, p["engagement_ref"], p["engagement_ref_followers"],
            p["engagement_exponent"]))
        assert inf.audience_share == pytest.approx(audience_share(
            inf.followers, p["followers_in_market"], p["market_size"]))
        span = model.population.audience(inf.row)
        assert span.stop - span.start == max(1, round(inf.audience_share * p["consumers"]))


def test_audience_reports_count_as_shares_of_the_audience() -> None:
    """The same share of an audience complaining costs the same trust whatever the
    number of consumers modelled (10 % of a 20-follower and of a 2,000-follower audience)."""
    costs = []
    for consumers in (400, 40_000):
        model = InfluenceModel(rng=1, consumers=consumers, network="random",
                               influencers=[{"company": 0, "followers": 250_000}],
                               influencers_per_company=0, candidates_per_company=0)
        inf = model.influencers[0]
        inf.review(inf.audience_size // 10, 0)
        costs.append(inf.trust_s)
    assert costs[0] == pytest.approx(costs[1])
