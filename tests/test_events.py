"""Scheduled events: validation, and what each kind does to a running world."""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.model import InfluenceModel
from simulation.parameters import CHANGEABLE, ParameterError, resolve

SMALL = {"consumers": 300, "network_degree": 6, "influencers_per_company": 2}


def _model(events, **extra) -> InfluenceModel:
    return InfluenceModel(rng=5, **SMALL, events=events, **extra)


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize(("events", "path", "allowed"), [
    ([{"kind": "crisis", "company": 0}], "events[0].week", "an integer in [1, 10000]"),
    ([{"week": 3, "company": 0}], "events[0].kind", "one of crisis, change, disclosure"),
    ([{"week": 3, "kind": "storm", "company": 0}], "events[0].kind", "one of crisis"),
    ([{"week": 0, "kind": "crisis", "company": 0}], "events[0].week", "[1, 10000]"),
    ([{"week": 3, "kind": "crisis"}], "events[0].company", "a company index or name"),
    ([{"week": 3, "kind": "crisis", "company": 2}], "events[0].company", "[0, 1]"),
    ([{"week": 3, "kind": "crisis", "company": "Nobody Co"}], "events[0].company",
     "Billboard Co, Engaged Co"),
    ([{"week": 3, "kind": "crisis", "company": 0, "salience": 1}], "events[0].salience",
     "a key of a crisis event"),
    ([{"week": 3, "kind": "change", "company": 0}], "events[0]", "at least one of"),
    ([{"week": 3, "kind": "change", "company": 0, "departments": 3}], "events[0].departments",
     "a key of a change event"),
    ([{"week": 3, "kind": "change", "company": 0, "strategy": "poster"}],
     "events[0].strategy", "one of billboard, engaged"),
    ([{"week": 3, "kind": "disclosure", "salience": 1.5}], "events[0].salience", "[0, 1]"),
    ({"week": 3}, "events", "a list of event tables"),
    (["crisis"], "events[0]", "a table"),
])
def test_bad_events_name_the_path_and_what_is_allowed(events, path, allowed) -> None:
    with pytest.raises(ParameterError) as info:
        resolve({"events": events})
    assert info.value.path == path
    assert allowed in info.value.allowed


def test_events_resolve_names_defaults_and_week_order() -> None:
    events = resolve({"events": [
        {"week": 9, "kind": "change", "company": "Billboard Co", "strategy": "engaged"},
        {"week": 4, "kind": "crisis", "company": 1},
        {"week": 9, "kind": "disclosure"},
    ]})["events"]
    assert [e["week"] for e in events] == [4, 9, 9]
    assert events[0] == {"week": 4, "kind": "crisis", "company": 1, "severity": 0.3,
                         "duration": 8}
    assert events[1] == {"week": 9, "kind": "change", "company": 0, "strategy": "engaged"}
    assert events[2] == {"week": 9, "kind": "disclosure", "salience": 0.9}


def test_identity_and_organisation_chart_cannot_change() -> None:
    assert "name" not in CHANGEABLE and "departments" not in CHANGEABLE
    assert {"strategy", "structure", "transparency", "budget"} <= set(CHANGEABLE)


# ------------------------------------------------------------------- effects
def test_a_crisis_event_is_the_crisis_week_shorthand() -> None:
    """Same seed, same crisis: the event and the company setting give the same run."""
    by_setting = InfluenceModel(rng=11, **SMALL, companies=[
        {}, {"crisis_week": 6, "crisis_severity": 0.4, "crisis_duration": 5}])
    by_event = InfluenceModel(rng=11, **SMALL, events=[
        {"week": 6, "kind": "crisis", "company": 1, "severity": 0.4, "duration": 5}])
    for m in (by_setting, by_event):
        for _ in range(15):
            m.step()
    pd.testing.assert_frame_equal(by_setting.timeseries(), by_event.timeseries())
    assert by_event.companies[1].crises == [6]
    assert [e["step"] for e in by_event.events if e["kind"] == "crisis"] == [6]


def test_crisis_lowers_quality_for_its_duration_only() -> None:
    model = _model([{"week": 3, "kind": "crisis", "company": 0, "severity": 0.5,
                     "duration": 2}])
    company = model.companies[0]
    seen = []
    for _ in range(6):
        model.step()
        seen.append(company.current_quality < company.quality)
    assert seen == [False, False, True, True, False, False]


def test_strategy_change_switches_company_deals_but_not_own_deals() -> None:
    model = InfluenceModel(rng=3, **{**SMALL, "influencers_per_company": 0},
                           candidates_per_company=0, influencers=[
        {"company": 0, "followers": 500_000},
        {"company": 0, "followers": 250_000, "deal": "billboard"},
        {"company": 1, "followers": 500_000},
    ], events=[{"week": 4, "kind": "change", "company": 1, "strategy": "billboard"},
               {"week": 4, "kind": "change", "company": 0, "strategy": "engaged",
                "structure": "transversal"}])
    billboard_co, engaged_co = model.companies
    for _ in range(3):
        model.step()
    assert [i.deal for i in model.influencers] == ["billboard", "billboard", "engaged"]
    assert not billboard_co.liaison
    model.step()
    assert [i.deal for i in model.influencers] == ["engaged", "billboard", "billboard"]
    assert billboard_co.liaison and billboard_co.structure == "transversal"
    assert engaged_co.strategy == "billboard"
    frame = model.timeseries()
    strategy = frame[frame["company"] == "Engaged Co"].set_index("step")["strategy"]
    assert strategy[3] == "engaged" and strategy[4] == "billboard"
    kinds = [(e["step"], e["company"], e["kind"]) for e in model.events]
    assert (4, "Engaged Co", "strategy") in kinds and (4, "Billboard Co", "strategy") in kinds


def test_change_of_hoarding_and_product_takes_effect() -> None:
    model = _model([{"week": 2, "kind": "change", "company": 0, "hoarding": 0.0,
                     "rivalry": 0.0, "quality": 0.9, "price": 2.0}])
    company = model.companies[0]
    assert company.hoarding > 0
    model.step()
    model.step()
    assert company.hoarding == 0.0
    assert company.quality >= 0.9 and company.price == 2.0
    assert company.settings["hoarding"] == 0.0


def test_disclosure_rule_raises_salience_from_its_week_for_its_companies() -> None:
    model = _model([{"week": 3, "kind": "disclosure", "company": 0, "salience": 0.95}])
    salience = {}
    for week in range(1, 5):
        model.step()
        posts = [inf.step() for inf in model.influencers]  # what they post under this week's rule
        salience[week] = {p.company: p.salience for p in posts if p is not None}
    assert salience[2][0] == pytest.approx(0.5)  # the plain 'paid' disclosure before the rule
    assert salience[3][0] == pytest.approx(0.95) and salience[4][0] == pytest.approx(0.95)
    assert salience[4][1] == pytest.approx(0.7)  # the other company is not concerned


def test_a_looser_rule_never_loosens_a_tighter_one() -> None:
    model = _model([{"week": 1, "kind": "disclosure", "salience": 0.9},
                    {"week": 2, "kind": "disclosure", "salience": 0.2}])
    model.step()
    model.step()
    assert all(c.disclosure_floor == 0.9 for c in model.companies)
