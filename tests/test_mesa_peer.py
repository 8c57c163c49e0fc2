"""The Mesa peer (``benchmarks/mesa_peer.py``) against the vectorised kernel, in distribution.

The peer writes the consumer rules again as Mesa agents with their own random
numbers, so it cannot match the kernel draw for draw; it must match it in
distribution. On a small default world, each seed builds the same world twice (the
same network, audiences, companies and initial consumers: they come from the seed
before any consumer draw), runs it for ``WEEKS`` weeks once with the kernel and once
with the peer, and records per company the final mean trust, the mean weekly sales
and the final credibility of its influencers. The per-seed differences peer - kernel
are independent across seeds, so their mean has a Student-t interval; with a
Bonferroni correction over the compared quantities, every interval must contain 0 at
family-wise level ``ALPHA``. The tolerance is that interval's half-width: the
sampling error, not a chosen constant.

Two worlds are compared: the default one, and one that reaches the rules the
default leaves quiet (a crisis at both companies, so crisis news, prior trust's
cushion and candour; the press every fifth week; stories taken in half the time).

The comparison has teeth: a peer whose consumers ignore the trust asymmetry (bad
news weighs as much as good) is found different, by more than the honest peer is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from mesa_peer import MesaPeerModel, SymmetricConsumer  # noqa: E402

from simulation.model import InfluenceModel  # noqa: E402

CONSUMERS = 1000
#: name -> (weeks, parameters beyond the default world)
WORLDS = {
    "default": (52, {}),
    "crisis": (36, {"scrutiny": 0.2, "listening": 0.5,
                    "events": [{"week": 30, "kind": "crisis", "company": c} for c in (0, 1)]}),
}
SEEDS = tuple(range(101, 117))   # 16 worlds
ALPHA = 0.01                      # family-wise, over every compared quantity
MEASURES = ("trust_mean", "sales", "influencer_credibility")


def outcomes(model_class, world: str, seed: int, **kwargs) -> dict[str, float]:
    """Run one world; its final mean trust and credibility and mean weekly sales per company."""
    weeks, params = WORLDS[world]
    model = model_class(rng=seed, consumers=CONSUMERS, **params, **kwargs)
    for _ in range(weeks):
        model.step()
    frame = model.timeseries()
    final = frame[frame["step"] == weeks].set_index("company")
    weekly = frame[frame["step"] > 0].groupby("company")["sales"].mean()
    out = {}
    for company in sorted(final.index):
        out[f"{company} trust_mean"] = float(final.loc[company, "trust_mean"])
        out[f"{company} sales"] = float(weekly[company])
        out[f"{company} influencer_credibility"] = float(
            final.loc[company, "influencer_credibility"])
    return out


def runs(model_class, world: str, **kwargs) -> tuple[list[str], np.ndarray]:
    """(names, (seeds, quantities) array) of ``outcomes`` over every seed."""
    rows = [outcomes(model_class, world, seed, **kwargs) for seed in SEEDS]
    names = list(rows[0])
    return names, np.array([[row[n] for n in names] for row in rows])


def compare(names: list[str], peer: np.ndarray, kernel: np.ndarray) -> list[dict]:
    """Per quantity: mean paired difference, its Bonferroni t half-width, and their ratio."""
    diff = peer - kernel
    n, m = diff.shape
    quantile = stats.t.ppf(1.0 - ALPHA / (2 * m), n - 1)
    half = quantile * diff.std(axis=0, ddof=1) / np.sqrt(n)
    mean = diff.mean(axis=0)
    return [{"name": name, "kernel": float(kernel[:, j].mean()), "peer": float(peer[:, j].mean()),
             "diff": float(mean[j]), "half": float(half[j]),
             "ratio": float(abs(mean[j]) / half[j]) if half[j] > 0 else float("inf")}
            for j, name in enumerate(names)]


def table(rows: list[dict]) -> str:
    """The comparison as text, for failure messages and ``-s`` runs."""
    lines = [f"{'quantity':<38} {'kernel':>9} {'peer':>9} {'diff':>9} {'+-':>8} {'|d|/+-':>7}"]
    lines += [f"{r['name']:<38} {r['kernel']:>9.4f} {r['peer']:>9.4f} {r['diff']:>+9.4f} "
              f"{r['half']:>8.4f} {r['ratio']:>7.2f}" for r in rows]
    return "\n".join(lines)


_kernel: dict[str, tuple[list[str], np.ndarray]] = {}
_honest: dict[str, list[dict]] = {}


def kernel_runs(world: str) -> tuple[list[str], np.ndarray]:
    """The kernel's runs of ``world``, computed once per session."""
    if world not in _kernel:
        _kernel[world] = runs(InfluenceModel, world)
    return _kernel[world]


def honest(world: str) -> list[dict]:
    """The honest peer against the kernel in ``world``, computed once per session."""
    if world not in _honest:
        names, kernel = kernel_runs(world)
        peer_names, peer = runs(MesaPeerModel, world)
        assert peer_names == names
        _honest[world] = compare(names, peer, kernel)
    return _honest[world]


@pytest.mark.parametrize("world", list(WORLDS))
def test_quantities_compared(world):
    names, kernel = kernel_runs(world)
    assert len(names) == 2 * len(MEASURES)  # two companies in either world
    assert np.isfinite(kernel).all()
    # Nothing degenerate: every quantity varies across worlds and sales are not zero.
    assert (kernel.std(axis=0) > 0).all()
    assert (kernel[:, [j for j, n in enumerate(names) if n.endswith("sales")]] > 0).all()


@pytest.mark.parametrize("world", list(WORLDS))
def test_peer_agrees_with_kernel_in_distribution(world):
    rows = honest(world)
    print(f"\n{world} world, peer against kernel\n" + table(rows))
    off = [r["name"] for r in rows if r["ratio"] > 1.0]
    assert not off, f"peer differs from kernel beyond sampling error on {off}:\n{table(rows)}"


def test_comparison_detects_a_bent_rule():
    names, kernel = kernel_runs("default")
    _, bent = runs(MesaPeerModel, "default", consumer_class=SymmetricConsumer)
    rows = compare(names, bent, kernel)
    print("\ndefault world, peer ignoring the asymmetry against kernel\n" + table(rows))
    worst = max(r["ratio"] for r in rows)
    assert worst > 1.0, f"a peer that ignores the asymmetry went unnoticed:\n{table(rows)}"
    assert worst > max(r["ratio"] for r in honest("default"))
    # The bend raises trust, as ignoring bad news must.
    trust = [r for r in rows if r["name"].endswith("trust_mean")]
    assert all(r["diff"] > 0 for r in trust), table(rows)
