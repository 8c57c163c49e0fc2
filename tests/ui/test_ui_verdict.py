"""Compare's differences, intervals and one-line verdicts (simulation.ui.verdict)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.ui import verdict


def runs(trust_a, trust_b, *, scenario="S", spend=2.0, revenue=(3.0, 1.0)) -> pd.DataFrame:
    """Two companies over weeks 0-2, one row per replicate, week and company."""
    rows = []
    for replicate, (ta, tb) in enumerate(zip(trust_a, trust_b, strict=True)):
        for step in range(3):
            for company, trust, rev in (("Engaged Co", ta, revenue[0]),
                                        ("Billboard Co", tb, revenue[1])):
                rows.append({"scenario": scenario, "replicate": replicate, "step": step,
                             "company": company, "trust_mean": trust if step else 0.5,
                             "likes": 1.0, "sales": 2.0, "profit_cumulative": 10.0 * step,
                             "impressions": 100.0 if company == "Billboard Co" else 10.0,
                             "spend": spend if step else 0.0, "revenue": rev if step else 0.0})
    return pd.DataFrame(rows)


def test_a_paired_difference_is_students_t_on_the_per_run_differences() -> None:
    a, b = np.array([0.7, 0.72, 0.69, 0.75]), np.array([0.6, 0.61, 0.62, 0.63])
    mean, lo, hi = verdict.interval(a, b, paired=True)
    diff = a - b
    half = stats.t.ppf(0.975, 3) * diff.std(ddof=1) / 2
    assert mean == pytest.approx(diff.mean())
    assert (lo, hi) == pytest.approx((diff.mean() - half, diff.mean() + half))


def test_an_unpaired_difference_is_welchs_interval() -> None:
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.5, 1.0])
    mean, lo, hi = verdict.interval(a, b, paired=False)
    result = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert mean == pytest.approx(2.0)
    assert (lo, hi) == pytest.approx((result.low, result.high))


def test_one_replicate_gives_a_difference_but_no_interval() -> None:
    mean, lo, hi = verdict.interval(np.array([1.0]), np.array([0.5]), paired=True)
    assert mean == 0.5 and math.isnan(lo) and math.isnan(hi)


def test_cumulative_reach_spend_and_return_on_spend() -> None:
    frame = verdict.with_cumulative(runs([0.7, 0.7], [0.6, 0.6]))
    week2 = frame[(frame["step"] == 2) & (frame["company"] == "Engaged Co")].iloc[0]
    assert week2["reach_cumulative"] == 30.0  # 10 impressions at weeks 0, 1, 2
    assert week2["spend_cumulative"] == 4.0
    assert week2["return_on_spend"] == pytest.approx(6.0 / 4.0)
    week0 = frame[frame["step"] == 0].iloc[0]
    assert math.isnan(week0["return_on_spend"])  # nothing spent yet: no return to speak of


def test_the_verdict_names_a_clear_lead_and_says_when_the_interval_includes_none() -> None:
    table = verdict.differences(runs([0.7, 0.72, 0.69, 0.75], [0.6, 0.61, 0.62, 0.63]),
                                weeks=(1, 2))
    assert sorted(set(table["week"])) == [1, 2]
    assert set(table["outcome"]) == set(verdict.OUTCOMES)
    (line,) = verdict.verdicts(table, "en")
    assert line.startswith("Engaged Co against Billboard Co, week 2: ")
    assert "Engaged Co ends with 0.100 more trust [" in line
    assert "Billboard Co ends with 270 more reach so far [270, 270]" in line
    assert "level in sales" in line
    noisy = verdict.differences(runs([0.7, 0.5, 0.9], [0.6, 0.8, 0.55]), weeks=(2,))
    (line,) = verdict.verdicts(noisy, "en")
    assert "Engaged Co ends with more trust, but the interval includes no difference (+0.050 [" \
        in line
    turned = verdict.differences(runs([0.6, 0.8, 0.55], [0.7, 0.5, 0.9]), weeks=(2,))
    (line,) = verdict.verdicts(turned, "en")  # the second leads: its advantage, its interval
    assert "Billboard Co ends with more trust, but the interval includes no difference " \
        "(+0.050 [" in line
    (ligne,) = verdict.verdicts(noisy, "fr")
    assert "Engaged Co finit avec plus en confiance, mais l'intervalle inclut" in ligne
    assert "(+0,050 [" in ligne and " ; " in ligne and "." not in ligne.split("(")[1][:6]


def test_two_scenarios_are_compared_company_by_company() -> None:
    both = pd.concat([runs([0.7, 0.72], [0.6, 0.61], scenario="A"),
                      runs([0.5, 0.52], [0.6, 0.61], scenario="B")], ignore_index=True)
    table = verdict.differences(both, weeks=(2,))
    pairs = set(zip(table["scenario_a"], table["company_a"], table["scenario_b"],
                    table["company_b"], table["paired"], strict=True))
    assert ("A", "Engaged Co", "B", "Engaged Co", False) in pairs
    assert ("A", "Engaged Co", "A", "Billboard Co", True) in pairs
    lines = verdict.verdicts(table, "en")
    assert lines[0].startswith("In A, Engaged Co against Billboard Co")
    assert any(line.startswith("Engaged Co (A) against Engaged Co (B)") for line in lines)


def test_the_csv_carries_units_intervals_and_verdicts() -> None:
    table = verdict.differences(runs([0.7, 0.72, 0.69], [0.6, 0.61, 0.62]), weeks=(2,))
    lines = verdict.verdicts(table, "en")
    frame = verdict.csv_table(table, lines, "en")
    assert {"unit", "ci95_low", "ci95_high", "verdict"} <= set(frame.columns)
    assert frame.loc[frame["outcome"] == "trust_mean", "unit"].iloc[0] == "0-1 scale"
    assert list(frame["verdict"].iloc[-len(lines):]) == lines


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_runs_column_has_a_readable_name_with_its_unit(lang) -> None:
    from simulation import metrics

    columns = ("scenario", "replicate", "seed", *metrics.COLUMNS)
    names = [verdict.run_column(c, lang) for c in columns]
    assert len(set(names)) == len(names), names
    from simulation.compare import METRICS

    assert not set(names) & set(METRICS)  # no measurement goes by its code name
    # The headline outcomes carry the words and units the differences use.
    label, unit, _ = verdict.OUTCOMES["profit_cumulative"]
    from simulation.ui.i18n import t
    assert verdict.run_column("profit_cumulative", lang) == f"{t(label, lang)} ({t(unit, lang)})"
    with pytest.raises(KeyError):
        verdict.run_column("a_new_measurement", lang)


def test_the_runs_table_renames_columns_and_keeps_the_numbers() -> None:
    frame = runs([0.7, 0.72], [0.6, 0.61]).assign(strategy="billboard", structure="siloed")
    english = verdict.runs_table(frame, "en")
    french = verdict.runs_table(frame, "fr")
    assert english["trust (0-1 scale)"].tolist() == frame["trust_mean"].tolist()
    assert french["confiance (échelle de 0 à 1)"].tolist() == frame["trust_mean"].tolist()
    assert set(english["strategy"]) == {"billboard"}
    assert set(french["Stratégie"]) == {"panneau publicitaire"}
    assert set(french["Structure"]) == {"en silos"}
    assert list(frame.columns)[0] == "scenario"  # the caller's frame is left alone
