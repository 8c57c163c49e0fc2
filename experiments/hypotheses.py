"""Hypotheses judged from a sweep: a metric, an effect with its 95 % CI, a verdict.

A ``[[hypotheses]]`` table of a spec says how one claim is read off runs::

    [[hypotheses]]
    id = "H1"
    claim = "At equal spend, engaged relationships give higher long-run trust"
    metric = "trust_mean"            # a column the runs keep (or a run-level summary)
    week = 156                       # or weeks = [a, b] (mean over the window); default: the end
    contrast = ["Engaged Co", "Billboard Co"]   # effect = A - B within each run
    expect = "positive"              # the sign the claim predicts
    baseline = "h01-base"            # experiment giving the effect and its CI
    region = "h01-region"            # experiment over a parameter region (optional)

Three ways to form the effect of a run (or pair of runs):

* ``contrast = [A, B]``: company A's value minus company B's, in the same run
  (the replicates give a paired estimate);
* ``factor = "column"``, ``high``, ``low``, ``company``: the company's value
  at the factor's high level minus at its low level (two independent groups of
  runs, Welch's interval);
* ``threshold = x``, ``company``: the company's value minus ``x`` (a claim
  that a quantity stays below or above a stated bound).

The verdict: the claim *holds at the baseline* when the baseline's 95 % CI
lies wholly on the predicted side of zero. In the region, each sampled point
is judged by the sign of its mean effect. Then:

* **supported**: holds at the baseline and at >= 90 % of the region's points;
* **conditional**: holds at the baseline but fails at > 10 % of the region's
  points, or fails at the baseline but holds at >= 25 % of them;
* **not supported**: otherwise.

Where it fails is described by the single parameter threshold that best
separates the failing points from the others (a decision stump), with the
failure rate on each side.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats as _stats

if TYPE_CHECKING:
    from .spec import Experiment

HYPOTHESIS_KEYS = ("id", "claim", "metric", "week", "weeks", "contrast", "factor", "high",
                   "low", "company", "threshold", "expect", "baseline", "region", "note")

#: Verdict thresholds (documented in the report).
SUPPORTED_SHARE = 0.9
CONDITIONAL_SHARE = 0.25


def check_hypotheses(tables: Any, experiments: Mapping[str, Experiment], label: str,
                     error: type[ValueError]) -> tuple[dict[str, Any], ...]:
    """Validate ``[[hypotheses]]`` tables against the experiments that feed them.

    Args:
        tables: The parsed list.
        experiments: Experiments by name.
        label: File name for messages.
        error: The spec's error class, built as ``error(file, path, value, allowed)``.

    Returns:
        The tables, with defaults filled (``expect``, ``region``).
    """
    from .spec import SERIES_METRICS, SUMMARY_METRICS

    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise error(label, "hypotheses", tables, "a list of [[hypotheses]] tables")
    out = []
    ids: set[str] = set()
    for i, table in enumerate(tables):
        where = f"hypotheses[{i}]"
        for key, value in table.items():
            if key not in HYPOTHESIS_KEYS:
                raise error(label, f"{where}.{key}", value,
                            "a known key (" + ", ".join(HYPOTHESIS_KEYS) + ")")
        for key in ("id", "claim", "metric", "baseline"):
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise error(label, f"{where}.{key}", table.get(key), "a non-empty string")
        if table["id"] in ids:
            raise error(label, f"{where}.id", table["id"], "an id no other hypothesis has")
        ids.add(table["id"])
        metric = table["metric"]
        if metric not in (*SERIES_METRICS, *SUMMARY_METRICS):
            raise error(label, f"{where}.metric", metric,
                        "one of " + ", ".join((*SERIES_METRICS, *SUMMARY_METRICS)))
        expect = table.get("expect", "positive")
        if expect not in ("positive", "negative"):
            raise error(label, f"{where}.expect", expect, "positive or negative")
        used = [table["baseline"]] + ([table["region"]] if "region" in table else [])
        for key, name in zip(("baseline", "region"), used, strict=False):
            if name not in experiments:
                raise error(label, f"{where}.{key}", name,
                            "the name of an experiment (" + ", ".join(experiments) + ")")
        forms = [k for k in ("contrast", "factor", "threshold") if k in table]
        if len(forms) != 1:
            raise error(label, where, forms, "exactly one of contrast, factor or threshold")
        form = forms[0]
        for name in used:
            experiment = experiments[name]
            _check_window(table, where, label, error, experiment, metric, SUMMARY_METRICS)
            companies = [c["name"] for c in experiment.base["companies"]]
            named = table["contrast"] if form == "contrast" else [table.get("company")]
            if form == "contrast" and (not isinstance(named, list) or len(named) != 2
                                       or named[0] == named[1]):
                raise error(label, f"{where}.contrast", named, "[company A, company B], distinct")
            for company in named:
                if company not in companies:
                    key = "contrast" if form == "contrast" else "company"
                    raise error(label, f"{where}.{key}", company,
                                f"a company of experiment {name} (" + ", ".join(companies) + ")")
            if form == "factor":
                factor = table["factor"]
                columns = {p.name: p for p in experiment.parameters}
                if factor not in columns or columns[factor].values is None:
                    raise error(label, f"{where}.factor", factor,
                                f"a parameter of experiment {name} given as values")
                for key in ("high", "low"):
                    if table.get(key) not in columns[factor].values:
                        raise error(label, f"{where}.{key}", table.get(key),
                                    f"one of the values of {factor} in experiment {name} "
                                    f"({list(columns[factor].values)})")
        if form == "threshold" and (isinstance(table["threshold"], bool)
                                    or not isinstance(table["threshold"], int | float)):
            raise error(label, f"{where}.threshold", table["threshold"], "a number")
        out.append({**table, "expect": expect, "form": form})
    return tuple(out)


def _check_window(table: Mapping[str, Any], where: str, label: str, error: type[ValueError],
                  experiment: Experiment, metric: str, summaries: Sequence[str]) -> None:
    """The weeks a hypothesis reads must be kept by its experiment."""
    if "week" in table and "weeks" in table:
        raise error(label, where, "week and weeks", "one of week or weeks")
    if metric in summaries and ("week" in table or "weeks" in table):
        raise error(label, f"{where}.metric", metric,
                    "a weekly metric when week or weeks is given (summaries exist at the end)")
    if metric in summaries and not experiment.end:
        raise error(label, f"{where}.metric", metric,
                    f"a weekly metric (experiment {experiment.name} has outputs.end = false)")
    if metric not in summaries and metric not in experiment.metrics:
        raise error(label, f"{where}.metric", metric,
                    f"a metric experiment {experiment.name} keeps (outputs.metrics)")
    weeks = [table["week"]] if "week" in table else table.get("weeks", [experiment.weeks])
    if "weeks" in table and (not isinstance(weeks, list) or len(weeks) != 2
                             or not weeks[0] <= weeks[1]):
        raise error(label, f"{where}.weeks", weeks, "[first, last] with first <= last")
    for week in weeks:
        kept = week == experiment.weeks or (experiment.every and week % experiment.every == 0)
        if isinstance(week, bool) or not isinstance(week, int) or not 0 <= week <= \
                experiment.weeks or not kept:
            key = "week" if "week" in table else "weeks"
            raise error(label, f"{where}.{key}", week,
                        f"a week experiment {experiment.name} keeps (0 to {experiment.weeks}, "
                        f"every {experiment.every or experiment.weeks} weeks, and the last)")


# --------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------
@dataclass
class Verdict:
    """What the runs say about one hypothesis."""

    id: str
    claim: str
    measure: str
    expect: str
    n: int
    effect: float
    lo: float
    hi: float
    d: float
    d_lo: float
    d_hi: float
    holds_at_baseline: bool
    region_points: int
    region_fails: int
    where_fails: str
    verdict: str
    note: str = ""
    region: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    region_parameters: tuple[str, ...] = ()

    def row(self) -> dict[str, Any]:
        """A flat record for hypotheses.csv."""
        return {"id": self.id, "claim": self.claim, "measure": self.measure,
                "expect": self.expect, "n": self.n, "effect": self.effect, "lo": self.lo,
                "hi": self.hi, "cohens_d": self.d, "d_lo": self.d_lo, "d_hi": self.d_hi,
                "holds_at_baseline": self.holds_at_baseline,
                "region_points": self.region_points, "region_fails": self.region_fails,
                "where_fails": self.where_fails, "verdict": self.verdict}


def run_values(frame: pd.DataFrame, experiment: Mapping[str, Any], hypothesis: Mapping[str, Any],
               company: str) -> pd.DataFrame:
    """One value per run of ``experiment`` for ``company``: the metric at the week asked.

    Returns:
        Columns ``point, sample, replicate``, the parameter values, ``value``.
    """
    names = [p["name"] for p in experiment["parameters"]]
    own = frame[(frame["experiment"] == experiment["name"]) & (frame["company"] == company)]
    metric = hypothesis["metric"]
    if "week" in hypothesis:
        own = own[own["step"] == hypothesis["week"]]
    elif "weeks" in hypothesis:
        first, last = hypothesis["weeks"]
        own = own[(own["step"] >= first) & (own["step"] <= last)]
    else:
        own = own[own["final"]]
    keys = ["point", "sample", "replicate", *names]
    values = own.groupby(keys, sort=True, dropna=False)[metric].mean().reset_index()
    return values.rename(columns={metric: "value"})


def effects(frame: pd.DataFrame, experiment: Mapping[str, Any],
            hypothesis: Mapping[str, Any]) -> pd.DataFrame:
    """Per run: the effect (contrast or threshold form) or the value (factor form)."""
    form = hypothesis["form"]
    if form == "contrast":
        a, b = hypothesis["contrast"]
        va = run_values(frame, experiment, hypothesis, a)
        vb = run_values(frame, experiment, hypothesis, b)
        keys = [c for c in va.columns if c != "value"]
        both = va.merge(vb, on=keys, suffixes=("_a", "_b"))
        both["value"] = both["value_a"] - both["value_b"]
        return both.drop(columns=["value_a", "value_b"])
    values = run_values(frame, experiment, hypothesis, hypothesis["company"])
    if form == "threshold":
        values["value"] = values["value"] - float(hypothesis["threshold"])
    return values


def _mean_ci(values: np.ndarray) -> tuple[float, float, float, float, int]:
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return (math.nan,) * 4 + (0,)  # type: ignore[return-value]
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan, n
    sd = float(values.std(ddof=1))
    half = float(_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half, sd, n


def baseline_effect(values: pd.DataFrame, hypothesis: Mapping[str, Any]
                    ) -> tuple[float, float, float, float, float, float, int]:
    """Effect, its 95 % CI, Cohen's d with an approximate 95 % CI, and n.

    Paired (contrast, threshold): one-sample t interval of the per-run
    effects, d = mean / sd. Factor: Welch's interval of the difference of
    means, d = difference / pooled sd.
    """
    if hypothesis["form"] != "factor":
        mean, lo, hi, sd, n = _mean_ci(values["value"].to_numpy(np.float64))
        d = mean / sd if sd and math.isfinite(sd) and sd > 0 else math.nan
        se_d = math.sqrt(1.0 / n + d * d / (2.0 * n)) if n and math.isfinite(d) else math.nan
        return mean, lo, hi, d, d - 1.96 * se_d, d + 1.96 * se_d, n
    factor = hypothesis["factor"]
    high = values.loc[values[factor] == hypothesis["high"], "value"].to_numpy(np.float64)
    low = values.loc[values[factor] == hypothesis["low"], "value"].to_numpy(np.float64)
    high, low = high[np.isfinite(high)], low[np.isfinite(low)]
    n1, n2 = high.size, low.size
    if n1 < 2 or n2 < 2:
        diff = float(high.mean() - low.mean()) if n1 and n2 else math.nan
        return diff, math.nan, math.nan, math.nan, math.nan, math.nan, n1 + n2
    v1, v2 = high.var(ddof=1), low.var(ddof=1)
    diff = float(high.mean() - low.mean())
    se = math.sqrt(v1 / n1 + v2 / n2)
    if se == 0:
        return diff, diff, diff, math.nan, math.nan, math.nan, n1 + n2
    df = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    half = float(_stats.t.ppf(0.975, df)) * se
    pooled = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    d = diff / pooled if pooled > 0 else math.nan
    se_d = math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2.0 * (n1 + n2)))
    return diff, diff - half, diff + half, d, d - 1.96 * se_d, d + 1.96 * se_d, n1 + n2


def region_effects(values: pd.DataFrame, hypothesis: Mapping[str, Any],
                   names: Sequence[str]) -> pd.DataFrame:
    """Per sampled point of the region: the mean effect and the point's parameter values."""
    others = [n for n in names if n != hypothesis.get("factor")]
    if hypothesis["form"] != "factor":
        grouped = values.groupby("sample", sort=True)
        out = grouped[others].first()
        out["effect"] = grouped["value"].mean()
        return out.reset_index()
    factor = hypothesis["factor"]
    high = values[values[factor] == hypothesis["high"]].groupby("sample")["value"].mean()
    low = values[values[factor] == hypothesis["low"]].groupby("sample")["value"].mean()
    out = values.groupby("sample", sort=True)[others].first()
    out["effect"] = high - low
    return out.dropna(subset=["effect"]).reset_index()


def failure_rule(region: pd.DataFrame, names: Sequence[str]) -> str:
    """The single threshold on one parameter that best separates failing region points."""
    fails = region["fails"].to_numpy(bool)
    if not fails.any():
        return "holds at every region point"
    if fails.all():
        return "fails at every region point"
    best: tuple[float, str] | None = None
    for name in names:
        column = region[name]
        if not pd.api.types.is_numeric_dtype(column):
            continue
        x = column.to_numpy(np.float64)
        levels = np.unique(x)
        for t in (levels[:-1] + levels[1:]) / 2.0:
            for side, inside in (("<", x < t), (">", x > t)):
                accuracy = float(np.mean(inside == fails))
                if best is None or accuracy > best[0]:
                    rate_in = f"{int(fails[inside].sum())}/{int(inside.sum())}"
                    rate_out = f"{int(fails[~inside].sum())}/{int((~inside).sum())}"
                    best = (accuracy, f"fails mostly where {name} {side} {t:.3g} "
                                      f"({rate_in} points fail there, {rate_out} elsewhere)")
    return best[1] if best is not None else f"fails at {int(fails.sum())} points"


def judge(frame: pd.DataFrame, described: Mapping[str, Any],
          hypothesis: Mapping[str, Any]) -> Verdict:
    """Effect at the baseline, failures in the region, and the verdict of one hypothesis."""
    experiments = {e["name"]: e for e in described["experiments"]}
    base = experiments[hypothesis["baseline"]]
    values = effects(frame, base, hypothesis)
    effect, lo, hi, d, d_lo, d_hi, n = baseline_effect(values, hypothesis)
    sign = 1.0 if hypothesis["expect"] == "positive" else -1.0
    holds = bool(math.isfinite(lo) and (lo > 0 if sign > 0 else hi < 0))
    region = pd.DataFrame()
    names: list[str] = []
    where = "no region explored"
    if "region" in hypothesis:
        experiment = experiments[hypothesis["region"]]
        names = [p["name"] for p in experiment["parameters"]
                 if p["name"] != hypothesis.get("factor")]
        region = region_effects(effects(frame, experiment, hypothesis), hypothesis,
                                [p["name"] for p in experiment["parameters"]])
        region["fails"] = ~(sign * region["effect"] > 0)
        where = failure_rule(region, names)
    points = len(region)
    fails = int(region["fails"].sum()) if points else 0
    share = (points - fails) / points if points else (1.0 if holds else 0.0)
    if holds and share >= SUPPORTED_SHARE:
        verdict = "supported"
    elif holds or share >= CONDITIONAL_SHARE and points:
        verdict = "conditional"
    else:
        verdict = "not supported"
    return Verdict(id=hypothesis["id"], claim=hypothesis["claim"], measure=describe(hypothesis),
                   expect=hypothesis["expect"], n=n, effect=effect, lo=lo, hi=hi, d=d, d_lo=d_lo,
                   d_hi=d_hi, holds_at_baseline=holds, region_points=points,
                   region_fails=fails, where_fails=where, verdict=verdict,
                   note=hypothesis.get("note", ""), region=region,
                   region_parameters=tuple(names))


def describe(hypothesis: Mapping[str, Any]) -> str:
    """The measure in words: which metric, when, and which difference."""
    metric = f"`{hypothesis['metric']}`"
    if "week" in hypothesis:
        when = f" at week {hypothesis['week']}"
    elif "weeks" in hypothesis:
        when = f", mean of weeks {hypothesis['weeks'][0]}-{hypothesis['weeks'][1]}"
    else:
        when = " at the end" if hypothesis["metric"] not in _RUN_LEVEL else " (whole run)"
    form = hypothesis["form"]
    if form == "contrast":
        a, b = hypothesis["contrast"]
        return f"{metric}{when}: {a} minus {b}, same run"
    if form == "factor":
        return (f"{metric}{when} of {hypothesis['company']}: {hypothesis['factor']} = "
                f"{hypothesis['high']} minus {hypothesis['factor']} = {hypothesis['low']}")
    return f"{metric}{when} of {hypothesis['company']} minus {hypothesis['threshold']}"


_RUN_LEVEL = ("billboard_share", "cum_impressions", "cum_likes", "cum_sales", "cum_spend",
              "likes_vs_trust", "likes_vs_sales", "impressions_vs_trust", "crisis_depth",
              "weeks_to_recover")


def judge_all(frame: pd.DataFrame, described: Mapping[str, Any]) -> list[Verdict]:
    """Every hypothesis of the spec, in file order."""
    return [judge(frame, described, h) for h in described["hypotheses"]]


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


def hypotheses_section(verdicts: Sequence[Verdict], described: Mapping[str, Any],
                       figures: Path, report_path: Path) -> tuple[list[str], list[Path]]:
    """Markdown for the hypotheses and their figures (a forest plot, one panel set each)."""
    from simulation.output import atomic_write_bytes

    from .analysis import png

    written = []
    lines = [f"# {described['title']}", "",
             "Each hypothesis of the model's design (MODEL.md) is read off runs as a metric "
             "and a difference, with the effect's 95 % confidence interval at the baseline "
             "(Student t; Welch for two groups of runs) and Cohen's d. The claim **holds at "
             "the baseline** when the whole interval lies on the predicted side of zero. "
             "Each sampled point of the parameter region is then judged by the sign of its "
             "mean effect over its replicates (no difference at all counts as a failure). "
             "Verdict: **supported** when it holds at the "
             f"baseline and at >= {SUPPORTED_SHARE:.0%} of the region's points; "
             "**conditional** when it holds at the baseline but fails at more of them, or "
             f"fails at the baseline but holds at >= {CONDITIONAL_SHARE:.0%} of them; **not "
             "supported** otherwise. Where it fails is the single parameter threshold that "
             "best separates failing points (a decision stump).", "",
             "| id | claim | measure | effect [95 % CI] | Cohen's d | baseline | region "
             "fails | verdict |", "|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        lines.append(f"| {v.id} | {v.claim} | {v.measure} | {_fmt(v.effect)} "
                     f"[{_fmt(v.lo)}, {_fmt(v.hi)}] | {_fmt(v.d)} | "
                     f"{'holds' if v.holds_at_baseline else 'fails'} (n={v.n}) | "
                     f"{v.region_fails}/{v.region_points} | **{v.verdict}** |")
    lines.append("")
    fig = forest_figure(verdicts)
    if fig is not None:
        path = atomic_write_bytes(figures / f"{report_path.stem}-effects.png", png(fig))
        written.append(path)
        lines += [f"![standardised effects]({os.path.relpath(path, report_path.parent)})", ""]
    for v, h in zip(verdicts, described["hypotheses"], strict=True):
        lines += [f"## {v.id}: {v.claim}", "",
                  f"- Measure: {v.measure}; predicted sign: {v.expect}.",
                  f"- Baseline (experiment `{h['baseline']}`, {v.n} runs): effect "
                  f"{_fmt(v.effect)}, 95 % CI [{_fmt(v.lo)}, {_fmt(v.hi)}], Cohen's d "
                  f"{_fmt(v.d)} [{_fmt(v.d_lo)}, {_fmt(v.d_hi)}]: "
                  f"{'holds' if v.holds_at_baseline else 'does not hold'}."]
        if v.region_points:
            lines.append(f"- Region (experiment `{h['region']}`, {v.region_points} sampled "
                         f"points over {', '.join(f'`{p}`' for p in v.region_parameters)}): "
                         f"fails at {v.region_fails}; {v.where_fails}.")
        lines.append(f"- Verdict: **{v.verdict}**.")
        if v.note:
            lines.append(f"- Note: {v.note}")
        lines.append("")
        fig = region_figure(v)
        if fig is not None:
            path = atomic_write_bytes(figures / f"{report_path.stem}-{v.id.lower()}.png",
                                      png(fig))
            written.append(path)
            lines += [f"![{v.id} over the region]({os.path.relpath(path, report_path.parent)})",
                      ""]
    return lines, written


def forest_figure(verdicts: Sequence[Verdict]) -> Any:
    """Cohen's d of each hypothesis with its 95 % CI, signed so that right = as predicted."""
    from .analysis import _figure

    shown = [v for v in verdicts if math.isfinite(v.d)]
    if not shown:
        return None
    fig = _figure(7.0, 0.45 * len(shown) + 1.4)
    ax = fig.subplots()
    for y, v in enumerate(reversed(shown)):
        sign = 1.0 if v.expect == "positive" else -1.0
        d, lo, hi = sign * v.d, sign * v.d_lo, sign * v.d_hi
        lo, hi = min(lo, hi), max(lo, hi)
        color = {"supported": "C2", "conditional": "C1"}.get(v.verdict, "C3")
        ax.plot([lo, hi], [y, y], color=color, lw=2)
        ax.plot([d], [y], "o", color=color)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set_yticks(range(len(shown)), [v.id for v in reversed(shown)])
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlabel("Cohen's d at the baseline, signed: > 0 is the predicted direction")
    ax.set_title("Effects with 95 % CI (green supported, orange conditional, red not)",
                 fontsize=9)
    return fig


def region_figure(verdict: Verdict) -> Any:
    """The effect at each region point against each region parameter; failures in red."""
    from .analysis import _figure

    region = verdict.region
    names = [n for n in verdict.region_parameters
             if n in region.columns and pd.api.types.is_numeric_dtype(region[n])]
    if region.empty or not names:
        return None
    columns = min(4, len(names))
    rows = math.ceil(len(names) / columns)
    fig = _figure(3.3 * columns, 2.7 * rows + 0.5)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    fails = region["fails"].to_numpy(bool)
    for ax, name in zip(axes, names, strict=False):
        x = region[name].to_numpy(np.float64)
        y = region["effect"].to_numpy(np.float64)
        ax.scatter(x[~fails], y[~fails], s=14, color="C0", label="holds")
        ax.scatter(x[fails], y[fails], s=14, color="C3", label="fails")
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.set_xlabel(name, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    axes[0].set_ylabel("effect", fontsize=8)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{verdict.id}: effect at each region point ({verdict.region_fails}/"
                 f"{verdict.region_points} fail)", fontsize=10)
    return fig
