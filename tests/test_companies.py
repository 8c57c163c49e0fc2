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
        candidates_per_company=company.pop("candidates", 0), companies=[company],
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
                              liaison_exposure=0.0, spread_inside=0.8)
    knowledge = []
    for week in range(150):
        model.step()
        if week >= 30:
            knowledge.append(np.mean([i.knowledge for i in model.companies[0].influencers]))
    assert min(knowledge) > 0.0
    assert np.mean(knowledge) == pytest.approx(0.8, abs=0.08)


def test_billboard_deals_get_no_knowledge() -> None:
    """A billboard deal's input is "not briefed": its partner is never told a fact."""
    model = one_company_world(8, 60, structure="transversal", strategy="billboard",
                              strategic_share=0.0, transparency=1.0, liaison_reach=1.0)
    assert all(i.deal == "billboard" and i.knowledge == 0.0
               for i in model.companies[0].influencers)
    assert model.companies[0].facts_shared == 0


@pytest.mark.parametrize("departments, span, exposure, hoarding", [
    (6, 6, 0.5, 0.5), (12, 6, 0.5, 0.5), (4, 6, 1.0, 0.3), (8, 2, 0.0, 0.9)])
def test_liaison_reach_meets_hoarding_and_its_span(departments, span, exposure,
                                                   hoarding) -> None:
    """Reach per department = skill x min(1, span / departments) x (1 - exposure x h)."""
    model = one_company_world(structure="transversal", departments=departments,
                              liaison_span=span, liaison_exposure=exposure, hoarding=hoarding,
                              rivalry=0.0, liaison_reach=0.9)
    want = 0.9 * min(1.0, span / departments) * (1 - exposure * hoarding)
    assert model.companies[0].liaison_reach() == pytest.approx(want)


def _liaison_knowledge(hoarding: float, exposure: float, seed: int = 21) -> float:
    model = one_company_world(seed, structure="transversal", strategy="engaged",
                              hoarding=hoarding, rivalry=0.0, liaison_exposure=exposure,
                              liaison_reach=1.0, transparency=1.0, strategic_share=0.0,
                              fact_rate=10.0)
    knowledge = []
    for week in range(120):
        model.step()
        if week >= 30:
            knowledge.append(np.mean([i.knowledge for i in model.companies[0].influencers]))
    return float(np.mean(knowledge))


def test_hoarding_reduces_what_the_liaison_obtains_but_less_than_a_silo_path() -> None:
    """The essay: the liaison will meet retention and rivalry. With hoarding 0.8 the
    liaison obtains less than without hoarding (exposure 0.5), more than a liaison as
    exposed as a silo path (exposure 1). Knowledge means over 90 weeks of 10 facts have
    sampling sd about 0.01; the gaps asked for are several times that."""
    free = _liaison_knowledge(0.0, 0.5)
    exposed = _liaison_knowledge(0.8, 0.5)
    fully = _liaison_knowledge(0.8, 1.0)
    assert free - exposed > 0.05
    assert exposed - fully > 0.05


# ------------------------------------------------------------------ budget
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000),
       budget=st.floats(0.0, 200.0),
       fee=st.floats(0.01, 5.0),
       max_posts=st.floats(0.0, 21.0),
       premium=st.floats(0.0, 3.0),
       liaison_share=st.floats(0.0, 1.0),
       candidates=st.integers(0, 3),
       strategy=st.sampled_from(["billboard", "engaged", "mixed"]),
       structure=st.sampled_from(["siloed", "transversal"]))
def test_spend_never_exceeds_budget_and_posts_respect_cap(
        seed, budget, fee, max_posts, premium, liaison_share, candidates, strategy,
        structure) -> None:
    """Any budget, fee, cap, retainer and deal: what is paid stays within the budget, no
    deal buys more than ``max_posts``, and spend plus what is reported unspent is the
    budget. The liaison costs at most the budget here; a liaison dearer than the whole
    budget is the separate test below."""
    liaison_cost = liaison_share * budget
    model = one_company_world(seed, consumers=200, influencers=3, keep_influencers=False,
                              budget=budget, post_fee=fee, max_posts=max_posts,
                              involvement_premium=premium, candidates=candidates,
                              liaison_cost=liaison_cost, strategy=strategy,
                              structure=structure)
    company = model.companies[0]
    scale = 200 / 1000
    for _ in range(6):
        model.step()
        assert company.spend[-1] <= budget * scale + 1e-9
        assert company.spend[-1] + company.unspent[-1] == pytest.approx(budget * scale,
                                                                         abs=1e-9)
        for inf in company.influencers:
            assert inf.posts <= max_posts + 1e-9
            assert inf.fee_paid >= 0.0


@pytest.mark.parametrize("strategy", ["billboard", "engaged"])
def test_liaison_dearer_than_the_budget_is_not_paid_and_does_not_work(strategy: str) -> None:
    """The budget is the most a company spends on influence: a liaison it cannot pay
    does not work, and its contact is marketing again."""
    model = one_company_world(16, 3, consumers=1000, budget=2.0, liaison_cost=5.0,
                              structure="transversal", strategy=strategy)
    company = model.companies[0]
    assert max(company.spend) <= 2.0 + 1e-9
    assert company.liaison and not company.has_liaison
    assert company.channel() == pytest.approx(
        company.settings["transparency"] * (1 - company.hoarding))


@pytest.mark.parametrize("strategy", ["billboard", "engaged"])
def test_budget_is_spent_in_full_until_every_cap_binds(strategy: str) -> None:
    """Water-filling, for either deal: the weekly spend is min(budget, what the caps can
    absorb at each deal's price), the price being the market rate times 1 + premium for
    an involved deal."""
    premium = 0.5 if strategy == "engaged" else 0.0
    for budget in (1.0, 5.0, 40.0, 1000.0):
        model = one_company_world(9, 1, consumers=1000, influencers=3, budget=budget,
                                  strategy=strategy, structure="siloed", post_fee=40.0,
                                  max_posts=7.0, involvement_premium=0.5)
        company = model.companies[0]
        prices = [0.4 * 100 * i.audience_share * (1 + premium) for i in company.influencers]
        assert company.spend[-1] == pytest.approx(min(budget, 7.0 * sum(prices)))
        assert company.unspent[-1] == pytest.approx(budget - company.spend[-1])
        if budget == 1000.0:
            assert all(i.posts == pytest.approx(7.0) for i in company.influencers)


def test_the_liaison_is_paid_first_and_deals_share_the_rest() -> None:
    model = one_company_world(10, 1, consumers=1000, influencers=4, budget=20.0,
                              liaison_cost=4.0, strategy="engaged", structure="transversal",
                              max_posts=21.0)
    company = model.companies[0]
    assert company.spend[-1] == pytest.approx(20.0)
    assert company.liaison_paid == pytest.approx(4.0)
    for inf in company.influencers:
        assert inf.fee_paid == pytest.approx(16.0 / 4)


def test_design_is_paid_after_the_liaison_and_before_posts() -> None:
    """A priced design team takes design_cost x design_capacity out of the budget, the
    same for every deal; the posts share what is left."""
    for strategy in ("billboard", "engaged"):
        model = one_company_world(10, 1, consumers=1000, influencers=4, budget=20.0,
                                  liaison_cost=4.0, strategy=strategy,
                                  structure="transversal", max_posts=21.0,
                                  design_cost=3.0, design_capacity=2.0)
        company = model.companies[0]
        assert company.spend[-1] == pytest.approx(20.0)
        assert company.design_paid == pytest.approx(6.0)
        for inf in company.influencers:
            assert inf.fee_paid == pytest.approx((20.0 - 4.0 - 6.0) / 4)


def test_design_the_budget_cannot_pay_for_acts_on_fewer_ideas() -> None:
    """With 5 left after the liaison and ideas at 2 each, design acts on 2.5 a week."""
    model = one_company_world(10, 1, consumers=1000, budget=9.0, liaison_cost=4.0,
                              structure="transversal", design_cost=2.0, design_capacity=10.0)
    company = model.companies[0]
    assert company.design_funded == pytest.approx(2.5)
    assert company.design_paid == pytest.approx(5.0)
    assert company.spend[-1] == pytest.approx(9.0)
    free = one_company_world(10, 1, consumers=1000, design_capacity=10.0).companies[0]
    assert free.design_funded == 10.0 and free.design_paid == 0.0


def test_unpaid_design_answers_nothing() -> None:
    """Priced design with no money for it: engaged influencers' feedback goes unanswered,
    as with total hoarding (the trust test above)."""
    model = InfluenceModel(
        rng=3, consumers=300, influencers_per_company=2, candidates_per_company=0,
        companies=[{"structure": "siloed", "strategy": "engaged", "hoarding": 0.0,
                    "rivalry": 0.0, "fact_rate": 0.0, "spread_inside": 1.0,
                    "design_capacity": 100.0, "design_cost": 1.0, "budget": 0.0}],
        influencer={"churn_threshold": 0.0, "feedback_rate": 1.0, "audience_blame": 0.0})
    for _ in range(30):
        model.step()
    assert all(inf.trust_in_company < 0.5 for inf in model.influencers)


def test_money_left_over_recruits_candidates_largest_first() -> None:
    """When every partner is capped the company recruits from its pool, largest
    audience first, until the money is spent or the pool is empty."""
    model = one_company_world(17, 1, consumers=1000, influencers=2, candidates=3,
                              budget=1000.0, max_posts=1.0, strategy="billboard")
    company = model.companies[0]
    assert len(company.influencers) == 5 and not company.candidates
    joined = company.influencers[2:]
    assert [i.audience_share for i in joined] == sorted(
        (i.audience_share for i in joined), reverse=True)
    assert all(i.alive and i.posts == pytest.approx(1.0) for i in company.influencers)
    assert company.unspent[-1] > 0
    assert sum(e["kind"] == "recruit" for e in model.events) == 3


def test_a_partner_who_leaves_is_replaced_from_the_pool() -> None:
    model = one_company_world(18, 1, consumers=1000, influencers=2, candidates=2,
                              budget=3.0, strategy="engaged", structure="siloed")
    company = model.companies[0]
    assert len(company.influencers) == 2
    for inf in company.influencers:
        inf.alive = False
    model.step()
    assert len(company.alive()) >= 1 and len(company.influencers) > 2
    assert all(i.deal == "engaged" for i in company.alive())
    assert company.spend[-1] == pytest.approx(3.0)


@pytest.mark.parametrize("share, engaged", [(0.0, 0), (0.5, 2), (1.0, 4), (0.25, 1)])
def test_a_mixed_strategy_spreads_engaged_deals(share: float, engaged: int) -> None:
    model = one_company_world(19, consumers=500, influencers=4, strategy="mixed",
                              engaged_share=share)
    deals = [i.deal for i in model.companies[0].influencers]
    assert deals.count("engaged") == engaged and deals.count("billboard") == 4 - engaged


# ------------------------------------------------------------ shareholders
@pytest.mark.parametrize("start, other", [("engaged", "billboard"), ("billboard", "engaged")])
def test_pressure_moves_to_the_deal_the_evidence_favours_either_way(start: str,
                                                                     other: str) -> None:
    """A company that makes no margin (unit cost = price) returns -1 on its spend; a
    rival running the other deal earns more on its books, so shareholders move to that
    deal, whichever it is, once the strategy has run a whole horizon. The structure
    stays as it is."""
    horizon = 4
    model = InfluenceModel(
        rng=11, consumers=300, influencers_per_company=2, candidates_per_company=0,
        influencer={"churn_threshold": 0.0},
        companies=[{"structure": "transversal", "strategy": start, "pressure": 1.0,
                    "horizon": horizon, "return_target": 10.0, "switch_margin": 0.0,
                    "unit_cost": 1.0, "price": 1.0},
                   {"structure": "transversal", "strategy": other}])
    company = model.companies[0]
    for week in range(1, horizon + 1):
        model.step()
        assert company.strategy == start, f"switched early, week {week}"
    model.step()
    assert company.strategy == other
    assert company.liaison
    assert all(i.deal == other for i in company.alive())
    events = [e for e in model.events if e["kind"] == "strategy"]
    assert len(events) == 1 and events[0]["step"] == horizon + 1
    frame = model.timeseries()
    frame = frame[frame["company"] == company.name].set_index("step")
    assert frame.loc[horizon, "strategy"] == start
    assert frame.loc[horizon + 1, "strategy"] == other


def test_without_evidence_for_another_deal_pressure_changes_nothing() -> None:
    """Alone in its market, a company has no evidence that another deal pays better:
    a target it cannot meet is not reason enough to switch."""
    model = one_company_world(23, 60, structure="transversal", strategy="engaged",
                              pressure=1.0, horizon=4, return_target=10.0)
    assert model.companies[0].strategy == "engaged"
    assert not [e for e in model.events if e["kind"] == "strategy"]


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


def test_mixed_company_moves_to_the_deal_its_books_favour() -> None:
    """With both deals on its books a company under pressure takes the one whose
    attributed return is higher; here engaged posts cost eleven times the rate."""
    model = one_company_world(20, consumers=1000, influencers=4, structure="siloed",
                              strategy="mixed", engaged_share=0.5, pressure=1.0, horizon=8,
                              return_target=10.0, involvement_premium=10.0, max_posts=21.0,
                              switch_margin=0.0)
    company = model.companies[0]
    for _ in range(9):
        model.step()
    returns = company.deal_returns(8)
    assert returns["billboard"] > returns["engaged"]
    assert company.strategy == "billboard"


def test_deal_returns_count_attributed_margin_against_spend() -> None:
    model = one_company_world(22, 12, consumers=1000, influencers=3, strategy="engaged",
                              structure="transversal")
    company = model.companies[0]
    spend = sum(company.deal_spend["engaged"][-6:])
    margin = sum(company.deal_margin["engaged"][-6:])
    assert spend == pytest.approx(sum(company.spend[-6:]))
    assert company.deal_returns(6)["engaged"] == pytest.approx((margin - spend) / spend)
    assert company.deal_returns(6)["billboard"] is None


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
        candidates_per_company=0,
        companies=[{"structure": "siloed", "strategy": "engaged", "hoarding": hoarding,
                    "rivalry": 0.0, "fact_rate": 0.0, "spread_inside": 1.0,
                    "design_capacity": 100.0}],
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
        rng=4, consumers=300, influencers_per_company=2, candidates_per_company=0,
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
        rng=5, consumers=300, candidates_per_company=0, influencers_per_company=0,
        companies=[{"strategy": "engaged", "structure": "transversal"}],
        influencers=[{"company": 0, "followers": 250_000},
                     {"company": 0, "followers": 250_000, "deal": "billboard"}],
        influencer={"churn_threshold": 0.0})
    assert [inf.deal for inf in model.influencers] == ["engaged", "billboard"]
    model.step()
    frame = model.timeseries()
    assert frame.loc[frame["step"] == 1, "strategy"].item() == "mixed"
    # the same budget buys posts for both, the engaged ones at the retainer's price
    engaged, billboard = model.influencers
    assert engaged.fee_paid == pytest.approx(billboard.fee_paid)
    premium = model.params["companies"][0]["involvement_premium"]
    assert billboard.posts == pytest.approx(engaged.posts * (1 + premium))


# -------------------------------------------------------------- co-design
def _quality_after_feedback(accuracy: float, capacity: float, seed: int = 30,
                            weeks: int = 60) -> tuple[float, float, int]:
    """Start quality, end quality and ideas acted on, with own development off."""
    model = one_company_world(seed, consumers=300, influencers=3, structure="transversal",
                              strategy="engaged", feedback_accuracy=accuracy,
                              design_capacity=capacity, development_rate=0.0,
                              feedback_gain=0.01, liaison_reach=1.0, liaison_exposure=0.0)
    company = model.companies[0]
    start = company.quality
    heard = 0
    for _ in range(weeks):
        before = [i.trust_r for i in company.influencers]
        model.step()
        after = [i.trust_r for i in company.influencers]
        heard += sum(a > b for a, b in zip(after, before, strict=True))
    return start, company.quality, heard


def test_feedback_can_be_wrong() -> None:
    """Accuracy 1: quality only rises; accuracy 0: it only falls."""
    start, up, _ = _quality_after_feedback(1.0, 100.0)
    _, down, _ = _quality_after_feedback(0.0, 100.0)
    assert up > start > down


def test_design_capacity_bounds_what_feedback_does() -> None:
    """With no design capacity nothing changes; with some, quality moves at most one
    step per idea it can take a week."""
    start, none, _ = _quality_after_feedback(1.0, 0.0)
    assert none == start
    _, one, _ = _quality_after_feedback(1.0, 1.0, weeks=40)
    most = 1 - (1 - start) * (1 - 0.01) ** 40
    assert start < one <= most + 1e-12


def test_own_development_is_the_same_for_every_deal() -> None:
    """Without feedback (billboard deals have no channel) quality follows the
    development rate exactly: q_t = 1 - (1 - q_0)(1 - rate)^t."""
    model = one_company_world(31, 50, strategy="billboard", development_rate=0.01,
                              quality=0.6)
    assert model.companies[0].quality == pytest.approx(1 - 0.4 * 0.99 ** 50)


# ----------------------------------------------------------- responsibility
def test_responsibility_costs_to_make() -> None:
    model = one_company_world(32, responsibility=0.9, responsibility_cost=0.5, unit_cost=0.4)
    assert model.companies[0].unit_cost == pytest.approx(0.4 + 0.5 * 0.4)
    cheap = one_company_world(32, responsibility=0.1, responsibility_cost=0.5, unit_cost=0.4)
    assert cheap.companies[0].unit_cost == pytest.approx(0.4 - 0.5 * 0.4)
