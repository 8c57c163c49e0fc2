"""Docking: the model's mechanisms reduce to published models under limiting settings.

Every stochastic check states its tolerance as a multiple of a standard error
computed in the test (binomial, or from independent replicates), never a
number chosen to make it pass; deterministic checks compare to exact values.
See docs/validation.md for the figures and the references.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from simulation.cli import cli
from simulation.companies import department_graph, spread_fact
from simulation.docking import (
    bass_curve,
    bass_map,
    bass_peak_time,
    bass_runs,
    beta_table,
    cascade_exact_frontier,
    cascade_exact_live_edges,
    cascade_frequencies,
    recognition_share,
    ring_bass_curve,
    trust_path,
)
from simulation.model import InfluenceModel

P, Q = 0.03, 0.38  # Sultan, Farley & Lehmann (1990) averages, as in Rand & Rust (2011)


# ------------------------------------------------------------------- Bass
def test_closed_form_facts() -> None:
    """t* = ln(q/p)/(p+q) = 6.19 and F(t*) = (q-p)/(2q) = 0.4605 for p = 0.03, q = 0.38."""
    t_star = bass_peak_time(P, Q)
    assert t_star == pytest.approx(6.1926, abs=1e-4)
    assert bass_curve(t_star, P, Q) == pytest.approx((Q - P) / (2 * Q), rel=1e-12)
    t = np.linspace(0, 30, 3001)
    f = bass_curve(t, P, Q)
    dfdt = np.gradient(f, t)
    np.testing.assert_allclose(dfdt[1:-1], ((P + Q * f) * (1 - f))[1:-1], atol=1e-4)
    assert np.all(ring_bass_curve(t[1:], P, Q) < f[1:])


def test_weekly_rule_converges_to_closed_form_at_first_order() -> None:
    """The kernel's weekly rule (its mean field, large population) is a first-order scheme
    for the Bass equation: halving dt halves the gap at common times (ratio 2 up to O(dt)
    terms), so it vanishes as dt -> 0."""
    gaps = []
    for dt in (0.4, 0.2, 0.1, 0.05):
        weeks = int(round(25 / dt))
        curve = bass_map(p=P, q=Q, dt=dt, mean_degree=1e6, weeks=weeks)
        common = slice(None, None, int(round(0.4 / dt)))  # t = 0, 0.4, 0.8, ...
        times = np.arange(weeks + 1)[common] * dt
        gaps.append(np.max(np.abs(curve[common] - bass_curve(times, P, Q))))
    ratios = np.array(gaps[:-1]) / np.array(gaps[1:])
    assert np.all((ratios > 1.8) & (ratios < 2.2)), ratios


def _replicates(consumers: int, dt: float, runs: int, **kw) -> np.ndarray:
    return np.array([r.adoption for r in bass_runs(runs=runs, seed=100, p=P, q=Q,
                                                   consumers=consumers, dt=dt, horizon=20,
                                                   **kw)])


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_kernel_follows_its_weekly_rule_within_sampling_error(dt: float) -> None:
    """On a complete graph the kernel with the Bass settings is a Bass ABM: the mean of 16
    runs of 300 consumers follows the weekly rule's mean-field curve.

    Tolerance per week: 5 standard errors of the mean (from the replicates' spread;
    with 15 degrees of freedom P(|t| > 5) = 1.6e-4 per week) plus the mean-field
    (Jensen) bias, bounded from the same spread: the weekly map G has
    |G''| <= 2 q dt + (q dt)^2 and G' <= 1 + q dt, so the mean drifts from the map by at
    most sum_k (1 + q dt)^(K-k) (q dt + (q dt)^2 / 2) Var(F_k).
    """
    runs, n = 16, 300
    curves = _replicates(n, dt, runs)
    mean, var = curves.mean(axis=0), curves.var(axis=0, ddof=1)
    field = bass_map(p=P, q=Q, dt=dt, mean_degree=n - 1, weeks=curves.shape[1] - 1,
                     consumers=n)
    qdt = Q * dt
    jensen = np.zeros_like(mean)
    for k in range(1, mean.size):
        jensen[k] = (1 + qdt) * jensen[k - 1] + (qdt + qdt**2 / 2) * var[k - 1]
    tolerance = 5 * np.sqrt(var / runs) + jensen
    assert np.all(np.abs(mean - field) <= tolerance + 1e-12), np.max(np.abs(mean - field))
    assert mean[-1] > 0.99  # it did diffuse


def test_gap_to_closed_form_shrinks_as_consumers_grow() -> None:
    """Sampling noise falls like 1/sqrt(N): the mean largest gap to the closed form at
    N = 400 lies below that at N = 50 by more than 4 standard errors of the difference
    (the errors computed from 16 replicates each)."""
    gaps = {}
    for n in (50, 400):
        curves = _replicates(n, 1.0, 16)
        g = np.max(np.abs(curves - bass_curve(np.arange(curves.shape[1]) * 1.0, P, Q)), axis=1)
        gaps[n] = (g.mean(), g.std(ddof=1) / 4)
    diff = gaps[50][0] - gaps[400][0]
    assert diff > 4 * math.hypot(gaps[50][1], gaps[400][1]), gaps


def test_sparse_ties_slow_diffusion() -> None:
    """Fibich & Gibori (2010): with the same p and q, adoption on a ring (each neighbour
    weighing q/2) is slower than Bass, and follows their 1-D result. At t* the mean of
    4 runs of 2,000 consumers lies 5 standard errors below Bass and within 5 standard
    errors (plus the weekly rule's first-order time bias, bounded by the largest
    weekly adoption step) of the 1-D curve."""
    dt = 0.25
    curves = _replicates(2000, dt, 4, network="small_world", degree=2, rewiring=0.0)
    times = np.arange(curves.shape[1]) * dt
    k = int(np.argmin(np.abs(times - bass_peak_time(P, Q))))
    mean, se = curves[:, k].mean(), curves[:, k].std(ddof=1) / 2
    assert mean < bass_curve(times[k], P, Q) - 5 * se
    step = np.max(np.diff(curves.mean(axis=0)))
    assert abs(mean - ring_bass_curve(times[k], P, Q)) <= 5 * se + step


# ------------------------------------------------------------------- Beta
def test_beta_reputation_values() -> None:
    """E is the mean of Beta(r+1, s+1) (from scipy, not from the model's formula);
    (0,0) -> 0.5 with u = 1; (8,2) -> 0.75 with u = 1/6."""
    rows = {(r["r"], r["s"]): r for r in beta_table()}
    for row in rows.values():
        assert row["E"] == pytest.approx(row["E_beta_mean"], rel=1e-12)
        assert row["u"] == pytest.approx(row["u_formula"], rel=1e-12)
    assert (rows[(0, 0)]["E"], rows[(0, 0)]["u"]) == (0.5, 1.0)
    assert rows[(8, 2)]["E"] == pytest.approx(0.75)
    assert rows[(8, 2)]["u"] == pytest.approx(1 / 6)
    assert stats.beta(9, 3).mean() == pytest.approx(0.75)


def test_forgetting_saturates_evidence_at_one_over_one_minus_lambda() -> None:
    """One unit a week with forgetting lambda tends to lambda/(1 - lambda) units after
    the week's decay: E -> (r + 1)/(r + 2) with that r; uncertainty never reaches 0."""
    keep = 0.9
    trust, unc = trust_path(weeks=400, keep=keep, asymmetry=2.5)
    r = keep / (1 - keep)
    assert trust[-1] == pytest.approx((r + 1) / (r + 2), rel=1e-9)
    assert unc[-1] == pytest.approx(2 / (r + 2), rel=1e-9)
    assert np.all(np.diff(trust[:60]) > 0) and np.all(np.diff(unc[:60]) < 0)


@pytest.mark.parametrize("kappa", [1.5, 2.5, 4.0])
def test_trust_destroyed_faster_than_built(kappa: float) -> None:
    """Slovic (1993): with kappa > 1 the same news turned bad undoes trust faster
    than with kappa = 1; one bad unit cancels exactly kappa good ones (no forgetting)."""
    keep, half = 0.97, 30
    sym, _ = trust_path(weeks=2 * half, keep=keep, asymmetry=1.0, bad_from=half)
    asym, _ = trust_path(weeks=2 * half, keep=keep, asymmetry=kappa, bad_from=half)
    assert np.all(asym[half:] < sym[half:])
    assert np.array_equal(asym[:half], sym[:half])
    flat, _ = trust_path(weeks=10, keep=1.0, asymmetry=kappa, bad_from=5)
    # 5 good units then 5 x kappa bad: E = 6 / (5 + 5 kappa + 2).
    assert flat[-1] == pytest.approx(6 / (7 + 5 * kappa), rel=1e-12)


# ---------------------------------------------------------- information flow
@pytest.mark.parametrize("count", [2, 3, 4])
@pytest.mark.parametrize("inside, hoarding", [(0.8, 0.5), (0.9, 0.0), (0.6, 0.8), (1.0, 1.0)])
def test_two_exact_methods_agree(count: int, inside: float, hoarding: float) -> None:
    """Live-edge enumeration (Kempe et al. 2003) and enumeration of cascade states are
    two independent exact computations of the same probabilities."""
    adj = department_graph(count)
    live = cascade_exact_live_edges(adj, 0, inside, hoarding)
    front = cascade_exact_frontier(adj, 0, inside, hoarding)
    np.testing.assert_allclose(live, front, rtol=1e-12, atol=1e-15)
    c = inside * (1 - hoarding)
    if count == 2:
        assert live[1] == pytest.approx(inside * c, rel=1e-12)
    if count == 3:  # direct, or through the third department
        assert live[1] == pytest.approx(inside * (c + (1 - c) * c * c), rel=1e-12)


@pytest.mark.parametrize("count, inside, hoarding", [(4, 0.8, 0.5), (6, 0.8, 0.3),
                                                     (6, 0.9, 0.1)])
def test_spread_fact_matches_exact_probabilities(count: int, inside: float,
                                                 hoarding: float) -> None:
    """Each department's share over 6,000 cascades lies within 4.5 binomial standard
    errors of the exact chance (about 7e-6 per department: a false alarm in
    ~20,000 runs of this test)."""
    adj = department_graph(count)
    exact = (cascade_exact_live_edges(adj, 0, inside, hoarding) if count <= 4
             else cascade_exact_frontier(adj, 0, inside, hoarding))
    trials = 6000
    seen = cascade_frequencies(adj, 0, inside, hoarding, trials, seed=count)
    se = np.sqrt(exact * (1 - exact) / trials)
    assert np.all(np.abs(seen - exact) <= 4.5 * se), (seen, exact)


def test_full_hoarding_reaches_nothing_beyond_the_origin() -> None:
    """h = 1: exactly tau_in for the origin and 0 elsewhere, exact and simulated."""
    adj = department_graph(6)
    np.testing.assert_array_equal(cascade_exact_frontier(adj, 2, 0.8, 1.0),
                                  [0, 0, 0.8, 0, 0, 0])
    rng = np.random.default_rng(0)
    for _ in range(500):
        known = spread_fact(adj, 2, 0.8, 1.0, rng)
        assert not known[[0, 1, 3, 4, 5]].any()


def test_silo_with_full_hoarding_informs_no_influencer_but_a_liaison_does() -> None:
    """K_I = 0 exactly for h = 1 without a liaison, over a whole run; the same company with
    a liaison informs its influencers (every fact's chance is then positive)."""
    def knowledge(structure: str) -> list[float]:
        model = InfluenceModel(rng=3, consumers=200,
                               companies=[{"structure": structure, "hoarding": 1.0,
                                           "strategy": "engaged"}])
        reached = []
        for _ in range(20):
            model.step()
            reached += [i.knowledge for i in model.companies[0].influencers]
        return reached

    assert max(knowledge("siloed")) == 0.0
    assert max(knowledge("transversal")) > 0.0


# ----------------------------------------------------------- persuasion knowledge
@pytest.mark.parametrize("delta, pi", [(0.5, 0.3), (0.2, 0.8), (0.0, 0.5), (0.9, 0.0)])
def test_recognition_share_matches_formula(delta: float, pi: float) -> None:
    """Through the kernel, the share of 20,000 followers recognising the post lies within
    4 binomial standard errors of 1 - (1 - delta)(1 - pi)."""
    share, predicted = recognition_share(salience=delta, persuasion=pi, followers=20_000,
                                         seed=7)
    assert predicted == pytest.approx(1 - (1 - delta) * (1 - pi))
    assert abs(share - predicted) <= 4 * math.sqrt(predicted * (1 - predicted) / 20_000)


def test_recognition_bounds_are_exact() -> None:
    """delta = pi = 0: nobody recognises; delta = 1: everyone does."""
    assert recognition_share(salience=0.0, persuasion=0.0, followers=500, seed=1)[0] == 0.0
    assert recognition_share(salience=1.0, persuasion=0.2, followers=500, seed=1)[0] == 1.0


# -------------------------------------------------------------------- CLI
def test_dock_bass_prints_gap_and_peak_and_writes_figure(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["dock", "bass", "--consumers", "200", "--dt", "1",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "max |F_model - F_Bass|" in result.output
    assert "peak time: predicted 6.19" in result.output
    assert (tmp_path / "dock_bass.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, needle", [
    (["--p", "0"], "--p: got 0; allowed"),
    (["--dt", "5"], "--dt: got 5; allowed"),
    (["--consumers", "9000"], "--consumers: got 9000; allowed"),
])
def test_dock_bass_rejects_bad_input_in_one_line(tmp_path, args, needle) -> None:
    out = tmp_path / "never"
    result = CliRunner().invoke(cli, ["dock", "bass", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert needle in result.output
    assert not out.exists()


# --------------------------------------------------------------- patterns
PATTERN_FIGURES = ("pattern_engagement.png", "pattern_friends.png", "pattern_disclosure.png",
                   "pattern_asymmetry.png", "pattern_crisis_buffer.png")


def test_dock_patterns_prints_each_pattern_and_writes_five_figures(tmp_path) -> None:
    """A small world (150 consumers, one seed) keeps this fast; the verdicts at that size
    are not the documented ones, so only the report's shape and the files are checked."""
    result = CliRunner().invoke(cli, ["dock", "patterns", "--seeds", "1", "--consumers", "150",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for title in ("Engagement rate falls with audience size", "Friends trusted above advertising",
                  "Disclosure lowers credibility", "Trust destroyed faster than built",
                  "Crisis damage buffered by prior trust"):
        assert title in result.output
    assert result.output.count("verdict: ") == 5
    assert "150 consumers" in result.output
    assert "patterns reproduced" in result.output
    for name in PATTERN_FIGURES:
        png = (tmp_path / name).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(PATTERN_FIGURES)


@pytest.mark.parametrize("args, needle", [
    (["--seeds", "0"], "--seeds: got 0; allowed"),
    (["--consumers", "5"], "--consumers: got 5; allowed"),
])
def test_dock_patterns_rejects_bad_input_in_one_line(tmp_path, args, needle) -> None:
    out = tmp_path / "never"
    result = CliRunner().invoke(cli, ["dock", "patterns", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert needle in result.output
    assert not out.exists()
