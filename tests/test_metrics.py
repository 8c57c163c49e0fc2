"""Measurement: crisis recovery on hand-made frames, and the per-run summary.

``crisis_recovery`` turns a trust curve into the two numbers the essay's
crisis argument rests on (how deep, how long), so it is checked on curves
whose answer is known by construction.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from simulation import InfluenceModel
from simulation.metrics import (
    cost_per_trust_point,
    crisis_recovery,
    summary,
    vanity_against_value,
)


def frame_from(curves: dict[str, list[float]]) -> pd.DataFrame:
    """A tidy frame with one trust_mean curve per company, weeks 0..len-1."""
    rows = [{"step": step, "company": name, "trust_mean": value}
            for name, curve in curves.items() for step, value in enumerate(curve)]
    return pd.DataFrame(rows)


#: Baseline 0.7 through week 9, crisis at week 10, trough 0.4 at week 11, then a climb
#: that first reaches 0.4 + 0.9 * 0.3 = 0.67 at week 16: recovery takes 16 - 10 = 6 weeks.
CURVE = [0.7] * 10 + [0.5, 0.4, 0.45, 0.5, 0.55, 0.6, 0.67, 0.69, 0.7, 0.7]


def test_crisis_recovery_known_curve() -> None:
    frame = frame_from({"A": CURVE, "B": [0.1] * len(CURVE)})
    rec = crisis_recovery(frame, "A", 10)
    assert rec["baseline"] == pytest.approx(0.7)
    assert rec["trough"] == pytest.approx(0.4)
    assert rec["depth"] == pytest.approx(0.3)
    assert rec["trough_week"] == 11
    assert rec["weeks_to_recover"] == 6


def test_crisis_recovery_just_below_target_waits_longer() -> None:
    """0.669 is short of the 0.67 target, so recovery comes a week later."""
    curve = list(CURVE)
    curve[16] = 0.669
    rec = crisis_recovery(frame_from({"A": curve}), "A", 10)
    assert rec["weeks_to_recover"] == 7


def test_crisis_recovery_never_recovered_is_nan() -> None:
    curve = [0.7] * 10 + [0.4] * 5 + [0.5] * 5
    rec = crisis_recovery(frame_from({"A": curve}), "A", 10)
    assert rec["depth"] == pytest.approx(0.3)
    assert rec["trough_week"] == 10
    assert math.isnan(rec["weeks_to_recover"])


def test_crisis_recovery_without_damage_is_zero_weeks() -> None:
    curve = [0.5] * 10 + [0.6] * 10
    rec = crisis_recovery(frame_from({"A": curve}), "A", 10)
    assert rec["depth"] <= 0
    assert rec["weeks_to_recover"] == 0.0


def test_crisis_after_the_run_is_all_nan_but_baseline() -> None:
    rec = crisis_recovery(frame_from({"A": [0.6] * 5}), "A", 8)
    assert rec["baseline"] == pytest.approx(0.6)
    assert all(math.isnan(rec[k]) for k in ("trough", "depth", "trough_week",
                                            "weeks_to_recover"))


def test_crisis_recovery_reads_only_its_company() -> None:
    frame = frame_from({"A": CURVE, "B": [0.0] * len(CURVE)})
    assert crisis_recovery(frame, "A", 10) == crisis_recovery(frame_from({"A": CURVE}), "A", 10)


def test_summary_matches_the_frame_and_reports_the_crisis() -> None:
    model = InfluenceModel(rng=8, consumers=400, companies=[{"crisis_week": 5}, {}])
    for _ in range(20):
        model.step()
    frame = model.timeseries()
    table = summary(model, frame).set_index("company")
    for name, part in frame.groupby("company"):
        assert table.loc[name, "impressions"] == part["impressions"].sum()
        assert table.loc[name, "sales"] == part["sales"].sum()
        assert table.loc[name, "trust"] == part["trust_mean"].iloc[-1]
    rec = crisis_recovery(frame, "Billboard Co", 5)
    assert table.loc["Billboard Co", "crisis_depth"] == pytest.approx(rec["depth"])
    assert rec["depth"] > 0, "the scandal's news costs the brand trust"
    assert np.isnan(table.loc["Engaged Co", "crisis_depth"])


def test_influencer_credibility_is_a_probability_and_starts_at_half() -> None:
    model = InfluenceModel(rng=9, consumers=400)
    for _ in range(10):
        model.step()
    frame = model.timeseries()
    assert (frame.loc[frame["step"] == 0, "influencer_credibility"] == 0.5).all()
    assert frame["influencer_credibility"].between(0, 1).all()
    assert (frame.loc[frame["step"] == 0, "trust_mean"] == 0.5).all()


def test_vanity_against_value_ranks_weeks_per_company() -> None:
    """Likes that rise with trust correlate +1; likes that fall as trust rises, -1."""
    weeks = range(6)
    rows = []
    for step in weeks:
        rows.append({"step": step, "company": "A", "impressions": step, "likes": step,
                     "followers": 5, "trust_mean": 0.5 + step / 20, "sales": step})
        rows.append({"step": step, "company": "B", "impressions": 10 - step, "likes": 10 - step,
                     "followers": 5, "trust_mean": 0.5 + step / 20, "sales": 3})
    table = vanity_against_value(pd.DataFrame(rows)).set_index(["company", "vanity"])
    assert table.loc[("A", "likes"), "trust_mean"] == pytest.approx(1.0)
    assert table.loc[("B", "likes"), "trust_mean"] == pytest.approx(-1.0)
    # constant series have no rank correlation
    assert math.isnan(table.loc[("A", "followers"), "trust_mean"])
    assert math.isnan(table.loc[("B", "impressions"), "sales"])


def test_cost_per_trust_point_divides_spend_by_points_gained() -> None:
    """40 spent for a rise from 0.50 to 0.60 (10 points) is 4 per point; no gain is NaN."""
    frame = pd.DataFrame([
        {"step": 0, "company": "A", "trust_mean": 0.5, "spend": 0.0},
        {"step": 1, "company": "A", "trust_mean": 0.55, "spend": 20.0},
        {"step": 2, "company": "A", "trust_mean": 0.6, "spend": 20.0},
        {"step": 0, "company": "B", "trust_mean": 0.5, "spend": 0.0},
        {"step": 1, "company": "B", "trust_mean": 0.45, "spend": 20.0},
    ])
    cost = cost_per_trust_point(frame)
    assert cost["A"] == pytest.approx(4.0)
    assert math.isnan(cost["B"])


# ---------------------------------------------------------------- trust quantiles
def _old_style_counts(trust: np.ndarray) -> tuple[np.ndarray, int]:
    """The histogram as the readable statement has it: one count per bin, 0.5 apart."""
    from simulation.kernel import TRUST_BINS

    mid = trust == 0.5
    bins = np.clip((trust[~mid] * TRUST_BINS).astype(np.int64), 0, TRUST_BINS - 1)
    return np.bincount(bins, minlength=TRUST_BINS), int(mid.sum())


@st.composite
def evidence(draw):
    """Brand evidence of a small population: many with none, some with a lot."""
    n = draw(st.integers(1, 300))
    values = st.one_of(st.just(0.0), st.floats(0.0, 50.0, allow_nan=False))
    r = draw(arrays(np.float64, n, elements=values))
    s = draw(arrays(np.float64, n, elements=values))
    aware = draw(arrays(np.bool_, n))
    return r, s, aware


@settings(max_examples=200, deadline=None)
@given(evidence(), st.floats(0.0, 1.0))
def test_trust_summary_pass_reads_the_histogram_as_stated(data, threshold: float) -> None:
    """The compiled summary gives the readable histogram_quantiles' values bit for bit,
    within half a bin of numpy's percentile, exact counts, and leaves its counts zeroed."""
    from simulation import kernel

    r, s, aware = data
    counts = np.zeros((4, kernel.TRUST_BINS), dtype=np.int64)
    groups = np.zeros(kernel.TRUST_BINS // kernel.BINS_PER_GROUP, dtype=np.int64)
    trust = np.empty(r.size)
    out = np.empty(3)
    qs = np.array([0.1, 0.5, 0.9])
    above, known = kernel.trust_summary_pass(r, s, aware, threshold, counts, groups, trust,
                                             qs, out)
    expected = (r + 1.0) / (r + s + 2.0)
    np.testing.assert_array_equal(trust, expected)
    assert above == int((expected > threshold).sum())
    assert known == int(aware.sum())
    assert not counts.any() and not groups.any()
    stated = kernel.histogram_quantiles(*_old_style_counts(expected), (0.1, 0.5, 0.9))
    assert list(out) == stated
    np.testing.assert_allclose(out, np.percentile(expected, [10, 50, 90]),
                               rtol=0, atol=0.5 / kernel.TRUST_BINS + 1e-15)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 9999, 10_000, 10_001, 262_147])
def test_trust_summary_pass_clears_its_counts_at_every_length(n: int) -> None:
    """Below the number of bins the pass clears the bins it touched, above it every bin:
    either way the next call starts from zeros and reads the stated quantiles."""
    from simulation import kernel

    rng = np.random.default_rng(n)
    r = rng.exponential(3.0, n) * (rng.random(n) < 0.6)
    s = rng.exponential(1.0, n) * (r > 0)
    counts = np.zeros((4, kernel.TRUST_BINS), dtype=np.int64)
    groups = np.zeros(kernel.TRUST_BINS // kernel.BINS_PER_GROUP, dtype=np.int64)
    out = np.empty(3)
    for _ in range(2):
        kernel.trust_summary_pass(r, s, np.zeros(n, dtype=bool), 0.5, counts, groups,
                                  np.empty(n), np.array([0.1, 0.5, 0.9]), out)
        assert not counts.any() and not groups.any()
        stated = kernel.histogram_quantiles(*_old_style_counts((r + 1.0) / (r + s + 2.0)),
                                            (0.1, 0.5, 0.9))
        assert list(out) == stated


def test_trust_summary_matches_numpy_on_a_run() -> None:
    """In a run, the week's summary is numpy's mean and percentile of the same trust."""
    from simulation.metrics import trust_summary
    from simulation.trust import expected_trust

    model = InfluenceModel(rng=3, consumers=500)
    for _ in range(30):
        model.step()
    pop = model.population
    for c in range(len(model.companies)):
        got = trust_summary(pop, c, 0.6)
        trust = expected_trust(pop.brand_r[c], pop.brand_s[c])
        assert got["trust_mean"] == float(trust.mean())
        assert got["trusting_share"] == float((trust > 0.6).mean())
        for q, key in ((10, "trust_p10"), (50, "trust_p50"), (90, "trust_p90")):
            assert abs(got[key] - np.percentile(trust, q)) <= 0.5 / 10_000 + 1e-15


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.floats(-5, 5, allow_nan=False)),
                min_size=0, max_size=60),
       st.floats(0.0, 0.3))
def test_spearman_is_pandas_spearman_to_the_last_bit(pairs, nan_share: float) -> None:
    """The fast rank correlation equals pandas' Series.corr(method="spearman") (ties,
    NaN pairs dropped), and is NaN exactly where a series is constant."""
    from simulation.metrics import spearman

    x = np.array([float(a) for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    if x.size:
        x[np.arange(x.size) % 7 == 3] = np.nan if nan_share > 0.15 else x[0]
    sx, sy = pd.Series(x, dtype=float), pd.Series(y, dtype=float)
    keep = sx.notna() & sy.notna()
    constant = sx[keep].nunique() < 2 or sy[keep].nunique() < 2
    got = spearman(x, y)
    if constant:
        assert math.isnan(got)
    else:
        assert got == float(sx.corr(sy, method="spearman"))


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 80),
              elements=st.sampled_from([0.0, 1.0, 2.5, -3.0, 7.0, 1e-9, 4.25])))
def test_average_ranks_are_scipys(values: np.ndarray) -> None:
    from scipy.stats import rankdata

    from simulation.metrics import average_ranks

    np.testing.assert_array_equal(average_ranks(values), rankdata(values))
