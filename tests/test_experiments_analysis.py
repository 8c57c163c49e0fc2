"""Analysis: replicate statistics against direct computation, SALib indices on known
functions (Ishigami for Sobol, a linear function for Morris), hypothesis judging."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import designs
from experiments.analysis import morris_indices, replicate_stats, sobol_indices
from experiments.hypotheses import (
    Estimate,
    estimate,
    holm,
    judge,
    judge_all,
    margin_tests,
)
from experiments.spec import Experiment, Parameter


def sampled_experiment(kind: str, samples: int, bounds: list[tuple[float, float]],
                       levels: int = 4) -> Experiment:
    params = tuple(Parameter(f"x{i + 1}", ("asymmetry",), None, lo, hi, "float")
                   for i, (lo, hi) in enumerate(bounds))
    return Experiment(name="test", scenario="none", base={}, parameters=params, design=kind,
                      samples=samples, levels=levels, replicates=1, weeks=1, every=0, end=True,
                      metrics=("trust_mean",))


def test_sobol_on_ishigami_recovers_the_known_indices() -> None:
    pi = math.pi
    experiment = sampled_experiment("sobol", 1024, [(-pi, pi)] * 3)
    points = designs.points(experiment, root_seed=3)
    x = np.array([[v["x1"], v["x2"], v["x3"]] for _, v in points])
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    problem = designs.problem(experiment)
    table = sobol_indices(problem, y, seed=1).set_index("parameter")
    # Analytical values for a = 7, b = 0.1 (Ishigami and Homma 1990).
    s1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
    st = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
    for name in s1:
        assert table.loc[name, "S1"] == pytest.approx(s1[name], abs=0.05)
        assert table.loc[name, "ST"] == pytest.approx(st[name], abs=0.05)
        assert table.loc[name, "S1_lo"] <= table.loc[name, "S1"] <= table.loc[name, "S1_hi"]


def test_morris_on_a_linear_function_gives_scaled_coefficients() -> None:
    coefficients = np.array([3.0, -1.0, 0.0])
    bounds = [(0.0, 2.0), (1.0, 5.0), (0.0, 1.0)]
    experiment = sampled_experiment("morris", 10, bounds, levels=4)
    points = designs.points(experiment, root_seed=5)
    x = np.array([[v["x1"], v["x2"], v["x3"]] for _, v in points])
    y = x @ coefficients
    table = morris_indices(designs.problem(experiment), x, y, levels=4).set_index("parameter")
    # Elementary effects are taken on the unit cube: |coefficient| x range width, no spread.
    widths = np.array([hi - lo for lo, hi in bounds])
    np.testing.assert_allclose(table["mu_star"].to_numpy(), np.abs(coefficients) * widths,
                               atol=1e-9)
    np.testing.assert_allclose(table["sigma"].to_numpy(), 0.0, atol=1e-9)


def synthetic_runs(rng: np.random.Generator) -> pd.DataFrame:
    """A frame shaped like a sweep's: 2 points x 5 replicates x 2 companies x 2 weeks."""
    rows = []
    for point, level in enumerate((0.2, 0.8)):
        for replicate in range(5):
            for company in ("A", "B"):
                for step in (0, 10):
                    rows.append({"experiment": "e", "point": point, "sample": point,
                                 "replicate": replicate, "seed": 1, "level": level,
                                 "step": step, "company": company, "structure": "siloed",
                                 "strategy": "engaged", "final": step == 10,
                                 "trust_mean": rng.normal(0.5 + level * (company == "A"), 0.1),
                                 "cum_sales": rng.normal(100, 10) if step == 10 else np.nan})
    return pd.DataFrame(rows)


def test_replicate_statistics_match_direct_computation() -> None:
    frame = synthetic_runs(np.random.default_rng(0))
    experiment = {"name": "e", "parameters": [{"name": "level"}]}
    table = replicate_stats(frame, experiment)
    for (point, company, step), group in frame.groupby(["point", "company", "step"]):
        values = group["trust_mean"].to_numpy()
        row = table[(table["point"] == point) & (table["company"] == company)
                    & (table["step"] == step) & (table["metric"] == "trust_mean")].iloc[0]
        half = stats.t.ppf(0.975, 4) * values.std(ddof=1) / math.sqrt(5)
        assert row["n"] == 5
        assert row["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert row["lo"] == pytest.approx(values.mean() - half, rel=1e-12)
        assert row["hi"] == pytest.approx(values.mean() + half, rel=1e-12)
    sales = table[table["metric"] == "cum_sales"]
    assert set(sales["step"]) == {10}  # summaries only where they exist


def test_paired_and_welch_effects_match_scipy() -> None:
    rng = np.random.default_rng(1)
    paired = pd.DataFrame({"value": rng.normal(0.3, 1.0, 12)})
    est = estimate(paired, {"form": "contrast"})
    ci = stats.ttest_1samp(paired["value"], 0.0).confidence_interval(0.95)
    assert (est.effect, est.lo, est.hi, est.n) == pytest.approx(
        (paired["value"].mean(), ci.low, ci.high, 12))
    groups = pd.DataFrame({"f": [1] * 8 + [0] * 10,
                           "value": np.r_[rng.normal(2, 1, 8), rng.normal(1, 3, 10)]})
    est = estimate(groups, {"form": "factor", "factor": "f", "high": 1, "low": 0})
    high, low = groups["value"][:8], groups["value"][8:]
    ci = stats.ttest_ind(high, low, equal_var=False).confidence_interval(0.95)
    assert (est.effect, est.lo, est.hi) == pytest.approx((high.mean() - low.mean(), ci.low,
                                                          ci.high))


def test_one_sided_tests_against_the_margin_match_scipy() -> None:
    x = np.random.default_rng(4).normal(0.05, 0.1, 10)
    est = estimate(pd.DataFrame({"value": x}), {"form": "contrast"})
    t = margin_tests(est, 0.02, "positive")
    assert t.p_supported == pytest.approx(stats.ttest_1samp(x, 0.02,
                                                            alternative="greater").pvalue)
    assert t.p_contradicted == pytest.approx(stats.ttest_1samp(x, -0.02,
                                                               alternative="less").pvalue)
    tost = max(stats.ttest_1samp(x, -0.02, alternative="greater").pvalue,
               stats.ttest_1samp(x, 0.02, alternative="less").pvalue)
    assert t.p_equivalent == pytest.approx(tost)
    # Predicting a negative effect mirrors the tests.
    mirrored = margin_tests(est, 0.02, "negative")
    assert (mirrored.p_supported, mirrored.p_contradicted) == pytest.approx(
        (t.p_contradicted, t.p_supported))


@pytest.mark.parametrize(("mean", "sd", "expect", "verdict"), [
    (0.10, 0.02, "positive", "supported"),       # well beyond the margin as predicted
    (-0.10, 0.02, "positive", "contradicted"),   # well beyond it the other way
    (0.10, 0.02, "negative", "contradicted"),
    (0.00, 0.01, "positive", "no effect"),        # tight around zero: equivalence
    (0.02, 0.01, "positive", "inconclusive"),    # at the margin: nothing can be said
    (0.00, 0.30, "positive", "inconclusive"),     # too noisy to say anything
    (0.00, 0.01, "none", "supported"),            # a claim that the effect is small
    (0.10, 0.02, "none", "contradicted"),
    (-0.10, 0.02, "none", "contradicted"),
])
def test_four_verdicts_from_the_margin(mean: float, sd: float, expect: str,
                                       verdict: str) -> None:
    x = np.random.default_rng(5).normal(0.0, 1.0, 16)
    x = mean + sd * (x - x.mean()) / x.std(ddof=1)  # exactly this mean and sd
    frame = pd.DataFrame([{"experiment": "e", "point": 0, "sample": 0, "replicate": r,
                           "step": 1, "final": True, "company": c,
                           "trust_mean": (v if c == "A" else 0.0)}
                          for r, v in enumerate(x) for c in ("A", "B")])
    described = {"experiments": [{"name": "e", "parameters": []}]}
    hypothesis = {"id": "H", "claim": "c", "metric": "trust_mean", "form": "contrast",
                  "contrast": ["A", "B"], "expect": expect, "margin": 0.02, "baseline": "e"}
    judged = judge(frame, described, hypothesis)
    assert judged.verdict == verdict
    assert judged.effect == pytest.approx(mean)


def test_a_deterministic_effect_is_judged_without_noise() -> None:
    exact = Estimate(1.0, 1.0, 1.0, 0.0, 15.0, 16)
    assert margin_tests(exact, 0.1, "positive").best() == ("supported", 0.0)
    assert margin_tests(Estimate(0.0, 0.0, 0.0, 0.0, 15.0, 16), 0.1, "positive").best() == \
        ("no effect", 0.0)


def test_holm_adjusts_step_down() -> None:
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    assert holm([0.5]).tolist() == [0.5]


def test_judge_all_corrects_across_the_family() -> None:
    """A p-value of about 0.03 stands alone but not among ten hypotheses."""
    x = np.random.default_rng(6).normal(0.0, 1.0, 16)
    x = (x - x.mean()) / x.std(ddof=1)
    t_crit = stats.t.ppf(1 - 0.03, 15)
    values = 0.02 + t_crit * 0.1 / 4.0 + 0.1 * x  # p(effect <= 0.02) = 0.03
    frame = pd.DataFrame([{"experiment": "e", "point": 0, "sample": 0, "replicate": r,
                           "step": 1, "final": True, "company": c,
                           "trust_mean": (v if c == "A" else 0.0)}
                          for r, v in enumerate(values) for c in ("A", "B")])
    one = {"id": "H", "claim": "c", "metric": "trust_mean", "form": "contrast",
           "contrast": ["A", "B"], "expect": "positive", "margin": 0.02, "baseline": "e"}
    described = {"experiments": [{"name": "e", "parameters": []}], "hypotheses": [one]}
    alone = judge_all(frame, described)[0]
    assert alone.p == pytest.approx(0.03) and alone.verdict == "supported"
    family = judge_all(frame, {**described, "hypotheses": [{**one, "id": f"H{i}"}
                                                           for i in range(10)]})
    assert all(v.verdict == "inconclusive" and v.conclusion == "supported" for v in family)
    assert family[0].p_holm == pytest.approx(0.3)


def test_judge_gives_verdicts_from_baseline_and_region() -> None:
    frame = synthetic_runs(np.random.default_rng(3))
    described = {"experiments": [{"name": "e", "parameters": [{"name": "level"}]}]}
    hypothesis = {"id": "H", "claim": "A above B", "metric": "trust_mean", "form": "contrast",
                  "contrast": ["A", "B"], "expect": "positive", "margin": 0.01,
                  "baseline": "e", "region": "e"}
    verdict = judge(frame, described, hypothesis)
    assert verdict.verdict == "supported"
    assert verdict.region_points == 2 and verdict.region_counts["supported"] == 2
    opposite = judge(frame, described, {**hypothesis, "expect": "negative"})
    assert opposite.verdict == "contradicted"
    assert opposite.region_counts["contradicted"] == 2 and opposite.region_fails == 2


def test_changes_correlation_sees_through_a_shared_trend() -> None:
    """Two series that both trend correlate in level, not in their weekly changes."""
    from experiments.executors import changes_correlation

    rng = np.random.default_rng(7)
    weeks = np.arange(157)
    own = pd.DataFrame({"step": weeks, "likes": 100 - 0.5 * weeks + rng.normal(0, 3, 157),
                        "trust_mean": 0.5 + 0.001 * weeks + rng.normal(0, 0.002, 157)})
    assert own["likes"].corr(own["trust_mean"], method="spearman") < -0.8  # the trend
    assert abs(changes_correlation(own, "likes", "trust_mean")) < 0.2
    # A series whose changes follow the other's does track it.
    own["sales"] = np.cumsum(np.r_[0.0, np.diff(own["likes"].to_numpy())]) * 2 + 5
    assert changes_correlation(own, "likes", "sales") == pytest.approx(1.0)
    assert math.isnan(changes_correlation(own.assign(sales=1.0), "likes", "sales"))


def test_difference_in_differences_subtracts_the_gap_before() -> None:
    """A lead that was there before week 56 is not an effect of what happened after it."""
    rng = np.random.default_rng(8)
    rows = []
    for replicate in range(10):
        for step in (56, 80):
            base = rng.normal(0.5, 0.05)
            for company, lead in (("A", 0.1), ("B", 0.0)):
                rows.append({"experiment": "e", "point": 0, "sample": 0,
                             "replicate": replicate, "step": step, "final": step == 80,
                             "company": company,
                             "trust_mean": base + lead + rng.normal(0, 0.002)})
    frame = pd.DataFrame(rows)
    described = {"experiments": [{"name": "e", "parameters": []}]}
    raw = {"id": "H", "claim": "c", "metric": "trust_mean", "form": "contrast", "week": 80,
           "contrast": ["A", "B"], "expect": "positive", "margin": 0.02, "baseline": "e"}
    assert judge(frame, described, raw).verdict == "supported"
    did = judge(frame, described, {**raw, "before": 56})
    assert did.verdict == "no effect" and abs(did.effect) < 0.005
    assert "minus at week 56" in did.measure


def test_region_points_of_a_factor_are_judged_by_welch_within_each_sample() -> None:
    """Each sampled point compares the factor's two levels at that point, by its own CI."""
    rng = np.random.default_rng(9)
    rows = []
    for sample, (x, shift) in enumerate(((0.1, 0.2), (0.5, 0.0), (0.9, -0.2))):
        for level in (0.0, 1.0):
            for replicate in range(8):
                rows.append({"experiment": "r", "point": 2 * sample + int(level),
                             "sample": sample, "replicate": replicate, "f": level, "x": x,
                             "step": 1, "final": True, "company": "A",
                             "trust_mean": 0.5 + level * shift + rng.normal(0, 0.01)})
    frame = pd.DataFrame(rows)
    described = {"experiments": [{"name": "r", "parameters": [{"name": "f"}, {"name": "x"}]}]}
    hypothesis = {"id": "H", "claim": "c", "metric": "trust_mean", "form": "factor",
                  "factor": "f", "high": 1.0, "low": 0.0, "company": "A",
                  "expect": "positive", "margin": 0.02, "baseline": "r", "region": "r"}
    judged = judge(frame, described, hypothesis)
    region = judged.region.set_index("x")
    assert region.loc[0.1, "verdict"] == "supported"
    assert region.loc[0.5, "verdict"] == "no effect"
    assert region.loc[0.9, "verdict"] == "contradicted"
    assert region.loc[0.1, "n"] == 16 and judged.region_parameters == ("x",)
    assert judged.region_counts == {"supported": 1, "contradicted": 1, "no effect": 1,
                                    "inconclusive": 0}
    assert "too few for PRIM" in judged.where_fails
