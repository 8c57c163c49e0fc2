"""Companies: the information cascade, the liaison, budgets, shareholders, crises.

The essay's claim "information is power" is a mechanism here; these tests
check each gate of it (hoarding, strategic facts, transparency, liaison) in
isolation, against analytic values where one exists, and check the money and
the scheduled events.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import InfluenceModel
from simulation.companies import department_graph, effective_hoarding, spread_fact


def one_company_world(seed: int = 0, weeks: int = 0, *, consumers: int = 300,
                      influencers: int = 2, keep_influencers: bool = True,
                      **company) -> InfluenceModel:
    """A world with one company; its influencers never churn unless asked to, so that
    "no fact reached them" cannot pass just because nobody was left to reach."""
    model = InfluenceModel(
        rng=seed, consumers=consumers, influencers_per_company=influencers,
        companies=[company],
        influencer={"churn_threshold": 0.0} if keep_influencers else {})
    for _ in range(weeks):
        model.step()
    return model


# ------------------------------------------------------------- departments
@pytest.mark.parametrize("count", range(1, 13))
def test_department_graph_is_a_ring_of_degree_four(count: int) -> None:
    adj = department_graph(count)
    assert adj.shape == (count, count)
    assert not adj.diagonal().any()
    assert (adj == adj.T).all()
    assert (adj.sum(axis=1) == min(4, count - 1)).all()


def test_effective_hoarding_adds_rivalry_and_caps() -> None:
    assert effective_hoarding(0.5, 0.05, 2) == 0.5
    assert effective_hoarding(0.5, 0.05, 6) == pytest.approx(0.7)
    assert effective_hoarding(0.9, 0.1, 12) == 1.0


# ----------------------------------------------------------- spread_fact
def test_full_hoarding_keeps_a_fact_in_its_department() -> None:
    rng = np.random.default_rng(0)
    adj = department_graph(8)
    for origin in range(8):
        for _ in range(200):
            known = spread_fact(adj, origin, 1.0, 1.0, rng)
            assert known[origin]
            assert known.sum() == 1


def test_no_inside_spread_means_nobody_knows() -> None:
    rng = np.random.default_rng(1)
    adj = department_graph(6)
    for _ in range(500):
        assert not spread_fact(adj, 2, 0.0, 0.0, rng).any()


def _within_four_se(hits: int, trials: int, p: float) -> None:
    """Binomial sampling check: 4 standard errors leave a false alarm about 1 in 16,000."""
    se = math.sqrt(p * (1 - p) / trials)
    assert abs(hits / trials - p) <= 4 * se, (hits / trials, p, se)


@pytest.mark.parametrize("inside, hoarding", [(0.8, 0.5), (0.6, 0.2), (1.0, 0.7)])
def test_cascade_on_two_departments_matches_analytic(inside: float, hoarding: float) -> None:
    """P(origin knows) = tau_in; P(the other knows) = tau_in * tau_in (1 - h)."""
    rng = np.random.default_rng(2)
    trials = 20_000
    known = np.array([spread_fact(department_graph(2), 0, inside, hoarding, rng)
                      for _ in range(trials)])
    cross = inside * (1 - hoarding)
    _within_four_se(int(known[:, 0].sum()), trials, inside)
    _within_four_se(int(known[:, 1].sum()), trials, inside * cross)


@pytest.mark.parametrize("inside, hoarding", [(0.8, 0.5), (0.9, 0.1)])
def test_cascade_on_three_departments_matches_analytic(inside: float, hoarding: float) -> None:
    """Live-edge view of the cascade on a triangle, with c = tau_in (1 - h): department 1
    learns directly (c) or through 2 ((1 - c) c^2), so P(1 knows) = tau_in (c + c^2 - c^3);
    all three know when both direct ties are live, or one is and so is the 1-2 tie:
    tau_in (c^2 + 2 c^2 (1 - c))."""
    rng = np.random.default_rng(3)
    trials = 20_000
    adj = department_graph(3)
    known = np.array([spread_fact(adj, 0, inside, hoarding, rng) for _ in range(trials)])
    c = inside * (1 - hoarding)
    p_one = inside * (c + c * c - c ** 3)
    p_all = inside * (c * c + 2 * c * (1 - c) * c)
    _within_four_se(int(known[:, 1].sum()), trials, p_one)
    _within_four_se(int(known[:, 2].sum()), trials, p_one)
    _within_four_se(int(known.all(axis=1).sum()), trials, p_all)


# ---------------------------------------------------- facts to influencers
def test_siloed_full_hoarding_never_informs_an_engaged_influencer() -> None:
    model = one_company_world(4, structure="siloed", strategy="engaged", hoarding=1.0,
                              transparency=1.0, strategic_share=0.0)
    company = model.companies[0]
    assert not company.liaison and company.channel() == 0.0
    arisen = 0
    for _ in range(100):
        model.step()
        arisen += company.facts_arisen
        assert company.facts_shared == 0
        assert all(i.knowledge == 0.0 for i in company.influencers)
    assert arisen > 200, "facts did arise; they were blocked"
    assert all(i.alive and i.deal == "engaged" for i in company.influencers)


def test_siloed_channel_is_transparency_times_one_minus_hoarding() -> None:
    model = one_company_world(structure="siloed", strategy="engaged", hoarding=0.3,
                              rivalry=0.0, transparency=0.5)
    assert model.companies[0].channel() == pytest.approx(0.5 * 0.7)


def test_strategic_facts_never_leave_even_with_liaison_and_full_transparency() -> None:
    model = one_company_world(5, structure="transversal", strategy="engaged",
                              strategic_share=1.0, transparency=1.0, liaison_reach=1.0)
    company = model.companies[0]
    arisen = 0
    for _ in range(100):
        model.step()
        arisen += company.facts_arisen
        assert company.facts_shared == 0
    assert arisen > 200
    assert all(i.knowledge == 0.0 for i in company.influencers)


def test_zero_transparency_shares_nothing() -> None:
    model = one_company_world(6, 100, structure="transversal", strategy="engaged",
                              strategic_share=0.0, transparency=0.0, liaison_reach=1.0)
    assert all(i.knowledge == 0.0 for i in model.companies[0].influencers)


def test_liaison_with_full_reach_and_transparency_informs() -> None:
    """With a liaison who hears every department (reach 1), full transparency and no
    strategic facts, an influencer learns every fact that spread inside its department, so
    knowledge averages tau_in. Weekly shares have sd ~0.22 (about 4 facts a week), the mean
    over 120 weeks ~0.02; the tolerance is 0.08, four of those."""
    model = one_company_world(7, structure="transversal", strategy="engaged",
                              strategic_share=0.0, transparency=1.0, liaison_reach=1.0,
                              spread_inside=0.8)
    knowledge = []
    for week in range(150):
        model.step()
        if week >= 30:
            knowledge.append(np.mean([i.knowledge for i in model.companies[0].influencers]))
    assert min(knowledge) > 0.0
    assert np.mean(knowledge) == pytest.approx(0.8, abs=0.08)


def test_billboard_deals_get_no_knowledge() -> None:
    """Facts are passed to engaged influencers only: a billboard partner is never told."""
    model = one_company_world(8, 60, structure="transversal", strategy="billboard",
                              strategic_share=0.0, transparency=1.0, liaison_reach=1.0)
    assert all(i.deal == "billboard" and i.knowledge == 0.0
               for i in model.companies[0].influencers)
    assert model.companies[0].facts_shared == 0


# ------------------------------------------------------------------ budget
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000),
       budget=st.floats(0.0, 200.0),
       fee=st.floats(0.01, 5.0),
       max_posts=st.floats(0.0, 21.0),
       liaison_share=st.floats(0.0, 1.0),
       strategy=st.sampled_from(["billboard", "engaged"]),
       structure=st.sampled_from(["siloed", "transversal"]))
def test_spend_never_exceeds_budget_and_posts_respect_cap(
        seed, budget, fee, max_posts, liaison_share, strategy, structure) -> None:
    """Any budget, fee, cap and deal: what is paid stays within the budget, and no
    billboard deal buys more than ``max_posts``. The liaison costs at most the budget
    here; a liaison dearer than the whole budget is the separate test below."""
    liaison_cost = liaison_share * budget
    model = one_company_world(seed, consumers=200, influencers=3, keep_influencers=False,
                              budget=budget, billboard_fee=fee, max_posts=max_posts,
                              liaison_cost=liaison_cost, strategy=strategy,
                              structure=structure)
    company = model.companies[0]
    scale = 200 / 1000
    for _ in range(6):
        model.step()
        assert company.spend[-1] <= budget * scale + 1e-9
        for inf in company.influencers:
            if inf.deal == "billboard":
                assert inf.posts <= max_posts + 1e-9
            assert inf.fee_paid >= 0.0


@pytest.mark.parametrize("strategy", ["billboard", "engaged"])
def test_liaison_dearer_than_the_budget_does_not_overspend(strategy: str) -> None:
    """The budget is the most a company spends on influence, liaison included."""
    model = one_company_world(16, 3, consumers=1000, budget=2.0, liaison_cost=5.0,
                              structure="transversal", strategy=strategy)
    assert max(model.companies[0].spend) <= 2.0 + 1e-9


def test_billboard_budget_is_spent_in_full_until_every_cap_binds() -> None:
    """Water-filling: the weekly spend is min(budget, sum of what the caps can absorb)."""
    for budget in (1.0, 5.0, 40.0, 1000.0):
        model = one_company_world(9, 1, consumers=1000, influencers=3, budget=budget,
                                  strategy="billboard", structure="siloed",
                                  billboard_fee=0.4, max_posts=7.0)
        company = model.companies[0]
        fees = [0.4 * 100 * i.audience_share * 1.0 for i in company.influencers]
        assert company.spend[-1] == pytest.approx(min(budget, 7.0 * sum(fees)))
        if budget == 1000.0:
            assert all(i.posts == pytest.approx(7.0) for i in company.influencers)


def test_engaged_deals_share_what_the_liaison_leaves() -> None:
    model = one_company_world(10, 1, consumers=1000, influencers=4, budget=20.0,
                              liaison_cost=4.0, strategy="engaged", structure="transversal",
                              engaged_posts=2.0)
    company = model.companies[0]
    assert company.spend[-1] == pytest.approx(20.0)
    for inf in company.influencers:
        assert inf.posts == 2.0
        assert inf.fee_paid == pytest.approx(16.0 / 4)


# ------------------------------------------------------------ shareholders
def test_pressure_with_unreachable_target_switches_after_horizon() -> None:
    horizon = 4
    model = one_company_world(11, structure="transversal", strategy="engaged", pressure=1.0,
                              horizon=horizon, return_target=10.0)
    company = model.companies[0]
    for week in range(1, horizon + 1):
        model.step()
        assert company.strategy == "engaged", f"switched early, week {week}"
        assert company.liaison
    model.step()
    assert company.strategy == "billboard"
    assert not company.liaison
    assert all(i.deal == "billboard" for i in company.alive())
    events = [e for e in model.events if e["kind"] == "strategy"]
    assert len(events) == 1
    assert events[0]["step"] == horizon + 1
    assert events[0]["company"] == company.name
    frame = model.timeseries()
    assert frame.set_index("step").loc[horizon, "strategy"] == "engaged"
    assert frame.set_index("step").loc[horizon + 1, "strategy"] == "billboard"
    assert frame.set_index("step").loc[horizon + 1, "structure"] == "siloed"


def test_no_pressure_never_switches() -> None:
    model = one_company_world(12, 80, structure="transversal", strategy="engaged",
                              pressure=0.0, horizon=4, return_target=10.0)
    assert model.companies[0].strategy == "engaged"
    assert not [e for e in model.events if e["kind"] == "strategy"]
    assert set(model.timeseries()["strategy"]) == {"engaged"}


def test_reachable_target_never_switches() -> None:
    """A target of -10 (losing ten times the spend) is always met: pressure has no cause."""
    model = one_company_world(13, 60, structure="transversal", strategy="engaged",
                              pressure=1.0, horizon=4, return_target=-10.0)
    assert model.companies[0].strategy == "engaged"


# ------------------------------------------------------------------ crisis
def test_crisis_lowers_current_quality_for_its_duration() -> None:
    start, duration, severity = 5, 3, 0.3
    model = one_company_world(14, structure="transversal", strategy="engaged",
                              crisis_week=start, crisis_duration=duration,
                              crisis_severity=severity, quality=0.6)
    company = model.companies[0]
    lowered = []
    for week in range(1, 16):
        model.step()
        if company.current_quality < company.quality:
            assert company.current_quality == pytest.approx(company.quality - severity)
            lowered.append(week)
    assert lowered == list(range(start, start + duration))
    crises = [e for e in model.events if e["kind"] == "crisis"]
    assert [e["step"] for e in crises] == [start]


def test_no_crisis_by_default() -> None:
    model = one_company_world(15, 30)
    assert not [e for e in model.events if e["kind"] == "crisis"]
    assert model.companies[0].crisis_weeks_left == 0


# ------------------------------------------------------- unanswered feedback
def _trust_after_feedback(hoarding: float) -> list[float]:
    """Engaged influencers' trust after 30 weeks of sending feedback every week.

    No facts reach them (fact_rate 0) and no follower ever complains
    (audience_blame 0), so feedback is the only evidence about the company.
    """
    model = InfluenceModel(
        rng=3, consumers=300, influencers_per_company=3,
        companies=[{"structure": "siloed", "strategy": "engaged", "hoarding": hoarding,
                    "rivalry": 0.0, "fact_rate": 0.0, "spread_inside": 1.0}],
        influencer={"churn_threshold": 0.0, "feedback_rate": 1.0, "audience_blame": 0.0})
    for _ in range(30):
        model.step()
    return [inf.trust_in_company for inf in model.influencers]


def test_feedback_that_never_arrives_costs_the_influencers_trust() -> None:
    """Total hoarding without a liaison: every question goes unanswered, trust sinks below 0.5;
    no hoarding: every question is answered, trust rises above 0.5."""
    assert all(t < 0.5 for t in _trust_after_feedback(hoarding=1.0))
    assert all(t > 0.5 for t in _trust_after_feedback(hoarding=0.0))


def test_unanswered_influencers_leave_a_silo() -> None:
    """With a churn threshold, never getting answers alone ends the relationships."""
    model = InfluenceModel(
        rng=4, consumers=300, influencers_per_company=2,
        companies=[{"structure": "siloed", "strategy": "engaged", "hoarding": 1.0,
                    "fact_rate": 0.0}],
        influencer={"churn_threshold": 0.4, "feedback_rate": 1.0, "audience_blame": 0.0})
    for _ in range(20):
        model.step()
    assert not any(inf.alive for inf in model.influencers)
    assert sum(e["kind"] == "churn" for e in model.events) == 2


# ----------------------------------------------------------- per-role deals
def test_a_role_can_set_its_own_deal_and_the_company_reports_mixed() -> None:
    model = InfluenceModel(
        rng=5, consumers=300,
        companies=[{"strategy": "engaged", "structure": "transversal"}],
        influencers=[{"company": 0, "audience_share": 0.05},
                     {"company": 0, "audience_share": 0.05, "deal": "billboard"}],
        influencer={"churn_threshold": 0.0})
    assert [inf.deal for inf in model.influencers] == ["engaged", "billboard"]
    model.step()
    frame = model.timeseries()
    assert frame.loc[frame["step"] == 1, "strategy"].item() == "mixed"
    # only the engaged one gets a fixed number of posts; the billboard one buys them
    engaged, billboard = model.influencers
    assert engaged.posts == model.params["companies"][0]["engaged_posts"]
    assert billboard.posts > 0
