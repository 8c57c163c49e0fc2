"""Hypotheses judged from a sweep: a metric, an effect with its 95 % CI, a verdict.

A ``[[hypotheses]]`` table of a spec says how one claim is read off runs::

    [[hypotheses]]
    id = "H1"
    claim = "At equal spend, engaged relationships give higher long-run trust"
    metric = "trust_mean"            # a column the runs keep (or a run-level summary)
    week = 156                       # or weeks = [a, b] (mean over the window); default: the end
    contrast = ["Engaged Co", "Billboard Co"]   # effect = A - B within each run
    expect = "positive"              # predicted sign: positive, negative, or none (|effect| small)
    margin = 0.02                    # smallest effect of interest, in the outcome's units
    margin_why = "2 points of mean trust: ..."   # why that margin, stated in advance
    why = "trust is what the claim is about; ..."  # why this measure measures the claim
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

With ``before = w`` (a contrast or factor on a weekly metric), each run's
value is the metric at the week read minus the metric at week ``w``: the
effect is then a difference in differences, the gap's change since ``w``
(e.g. since before a crisis), free of a gap that was already there.

Effects are in the outcome's units, with 95 % CIs. Each hypothesis reaches
one of four verdicts by one-sided t tests against its margin ``m`` (the
effect signed so that the predicted side is positive):

* **supported**: the effect is beyond ``+m`` (H0 effect <= m rejected);
* **contradicted**: beyond ``-m``, the other way (H0 effect >= -m rejected);
* **no effect**: within ``(-m, m)`` by two one-sided tests (TOST, H0
  |effect| >= m rejected);
* **inconclusive**: none of these at the family's level.

Each hypothesis's p-value is that of its best-supported conclusion; the
family's p-values are Holm-adjusted and a conclusion stands where the
adjusted p-value is below ``ALPHA`` = 0.05. (The three conclusions are
disjoint, so reading the best of them costs no more than one test's error
rate.) A claim with ``expect = "none"`` (a quantity that should stay small,
such as a weak correlation) is *supported* by equivalence and *contradicted*
beyond the margin on either side.

In the region, each sampled point gets the same four verdicts from its own
replicates at level ``ALPHA``, without correction (a map of where the claim
holds, not a family of claims), and the report counts the points of each.
Where the claim fails is looked for by PRIM with a permutation test
(:mod:`experiments.discovery`); only boxes with p < 0.05 count as failure
regions.
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

from . import discovery

if TYPE_CHECKING:
    from .spec import Experiment

HYPOTHESIS_KEYS = ("id", "claim", "metric", "week", "weeks", "contrast", "factor", "high",
                   "low", "company", "threshold", "before", "expect", "margin", "margin_why",
                   "why", "baseline", "region", "note")

#: Family-wise error rate of the verdicts (Holm), and the level of each region point's test.
ALPHA = 0.05

#: The fewest replicates a region point may have (each point is judged by its own CI).
MIN_REGION_REPLICATES = 8

#: The four verdicts, in report order.
VERDICTS = ("supported", "contradicted", "no effect", "inconclusive")


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
        if expect not in ("positive", "negative", "none"):
            raise error(label, f"{where}.expect", expect, "positive, negative or none")
        margin = table.get("margin")
        if isinstance(margin, bool) or not isinstance(margin, int | float) or not \
                math.isfinite(margin) or margin <= 0:
            raise error(label, f"{where}.margin", margin,
                        "a positive number: the smallest effect of interest, in the "
                        "outcome's units")
        if not isinstance(table.get("margin_why"), str) or not table["margin_why"].strip():
            raise error(label, f"{where}.margin_why", table.get("margin_why"),
                        "a non-empty string: why this margin is the smallest effect of interest")
        if not isinstance(table.get("why"), str) or not table["why"].strip():
            raise error(label, f"{where}.why", table.get("why"),
                        "a non-empty string: why this measure measures the claim")
        used = [table["baseline"]] + ([table["region"]] if "region" in table else [])
        for key, name in zip(("baseline", "region"), used, strict=False):
            if name not in experiments:
                raise error(label, f"{where}.{key}", name,
                            "the name of an experiment (" + ", ".join(experiments) + ")")
        forms = [k for k in ("contrast", "factor", "threshold") if k in table]
        if len(forms) != 1:
            raise error(label, where, forms, "exactly one of contrast, factor or threshold")
        form = forms[0]
        if "region" in table and experiments[table["region"]].replicates < \
                MIN_REGION_REPLICATES:
            raise error(label, f"{where}.region", table["region"],
                        f"an experiment with at least {MIN_REGION_REPLICATES} replicates per "
                        f"point (experiment {table['region']} has "
                        f"{experiments[table['region']].replicates}): each point is judged "
                        "by its own confidence interval")
        if "before" in table:
            _check_before(table, where, label, error, form, metric, SUMMARY_METRICS)
        for name in used:
            experiment = experiments[name]
            _check_window(table, where, label, error, experiment, metric, SUMMARY_METRICS)
            if "before" in table:
                _check_window({"week": table["before"]}, where, label, error, experiment,
                              metric, SUMMARY_METRICS, name="before")
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


def _check_before(table: Mapping[str, Any], where: str, label: str, error: type[ValueError],
                  form: str, metric: str, summaries: Sequence[str]) -> None:
    """A difference in differences needs a weekly metric and a week before the one read."""
    before = table["before"]
    if isinstance(before, bool) or not isinstance(before, int):
        raise error(label, f"{where}.before", before, "a week (an integer)")
    if metric in summaries:
        raise error(label, f"{where}.before", before,
                    f"no before week with a run-level summary ({metric})")
    if form == "threshold":
        raise error(label, f"{where}.before", before,
                    "a contrast or factor hypothesis (a threshold cancels in a difference)")
    first = table["week"] if "week" in table else table.get("weeks", [None])[0]
    if first is None or not before < first:
        raise error(label, f"{where}.before", before,
                    "a week before the one read (give week or weeks)")


def _check_window(table: Mapping[str, Any], where: str, label: str, error: type[ValueError],
                  experiment: Experiment, metric: str, summaries: Sequence[str],
                  name: str | None = None) -> None:
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
            key = name or ("week" if "week" in table else "weeks")
            raise error(label, f"{where}.{key}", week,
                        f"a week experiment {experiment.name} keeps (0 to {experiment.weeks}, "
                        f"every {experiment.every or experiment.weeks} weeks, and the last)")


# --------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """An effect in outcome units with its 95 % CI, standard error and degrees of freedom."""

    effect: float
    lo: float
    hi: float
    se: float
    df: float
    n: int


@dataclass(frozen=True)
class Tests:
    """One-sided p-values of the three conclusions a hypothesis may reach.

    ``p_supported``: H0 "the effect is not beyond the margin on the predicted
    side"; ``p_contradicted``: H0 "not beyond it on the other side" (for
    ``expect = "none"``: beyond it on either side); ``p_equivalent``: the
    TOST p-value, H0 "the effect is at least the margin away from zero".
    """

    p_supported: float
    p_contradicted: float
    p_equivalent: float

    def best(self) -> tuple[str, float]:
        """The conclusion with the smallest p-value and that p-value."""
        options = (("supported", self.p_supported), ("contradicted", self.p_contradicted),
                   ("no effect", self.p_equivalent))
        return min(options, key=lambda kv: (kv[1], ("supported", "contradicted",
                                                      "no effect").index(kv[0])))


@dataclass
class Verdict:
    """What the runs say about one hypothesis."""

    id: str
    claim: str
    measure: str
    expect: str
    margin: float
    margin_why: str
    n: int
    effect: float
    lo: float
    hi: float
    p: float
    p_holm: float
    conclusion: str
    verdict: str
    region_points: int = 0
    region_counts: dict[str, int] = field(default_factory=dict)
    where_fails: str = "no region explored"
    box: discovery.Box | None = None
    note: str = ""
    region: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    region_parameters: tuple[str, ...] = ()

    @property
    def region_fails(self) -> int:
        """Region points where the claim is not supported."""
        return self.region_points - self.region_counts.get("supported", 0)

    def row(self) -> dict[str, Any]:
        """A flat record for hypotheses.csv."""
        return {"id": self.id, "claim": self.claim, "measure": self.measure,
                "expect": self.expect, "margin": self.margin, "n": self.n,
                "effect": self.effect, "lo": self.lo, "hi": self.hi, "p": self.p,
                "p_holm": self.p_holm, "verdict": self.verdict,
                "region_points": self.region_points,
                **{f"region_{k.replace(' ', '_')}": self.region_counts.get(k, 0)
                   for k in VERDICTS},
                "where_fails": self.where_fails,
                "box_density": self.box.density if self.box else math.nan,
                "box_coverage": self.box.coverage if self.box else math.nan,
                "box_p": self.box.p if self.box else math.nan,
                "box_limits": self.box.conditions() if self.box else ""}


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
    values = values.rename(columns={metric: "value"})
    if "before" in hypothesis:  # a difference in differences: minus the value before
        every = frame[(frame["experiment"] == experiment["name"])
                      & (frame["company"] == company) & (frame["step"] == hypothesis["before"])]
        earlier = every.groupby(keys, sort=True, dropna=False)[metric].mean().rename("earlier")
        values = values.merge(earlier.reset_index(), on=keys, how="left")
        values["value"] = values["value"] - values.pop("earlier")
    return values


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


_NAN_ESTIMATE = Estimate(math.nan, math.nan, math.nan, math.nan, math.nan, 0)


def estimate(values: pd.DataFrame, hypothesis: Mapping[str, Any]) -> Estimate:
    """The effect in outcome units with its 95 % CI.

    Paired (contrast, threshold): the one-sample t interval of the per-run
    effects. Factor: Welch's interval of the difference of the two groups' means.
    """
    if hypothesis["form"] != "factor":
        x = values["value"].to_numpy(np.float64)
        x = x[np.isfinite(x)]
        n = x.size
        if n == 0:
            return _NAN_ESTIMATE
        mean = float(x.mean())
        if n < 2:
            return Estimate(mean, math.nan, math.nan, math.nan, math.nan, n)
        se = float(x.std(ddof=1)) / math.sqrt(n)
        df = float(n - 1)
    else:
        factor = hypothesis["factor"]
        high = values.loc[values[factor] == hypothesis["high"], "value"].to_numpy(np.float64)
        low = values.loc[values[factor] == hypothesis["low"], "value"].to_numpy(np.float64)
        high, low = high[np.isfinite(high)], low[np.isfinite(low)]
        n1, n2 = high.size, low.size
        if not n1 or not n2:
            return Estimate(math.nan, math.nan, math.nan, math.nan, math.nan, n1 + n2)
        mean = float(high.mean() - low.mean())
        n = n1 + n2
        if n1 < 2 or n2 < 2:
            return Estimate(mean, math.nan, math.nan, math.nan, math.nan, n)
        v1, v2 = high.var(ddof=1) / n1, low.var(ddof=1) / n2
        se = math.sqrt(v1 + v2)
        df = ((v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))) if se > 0 \
            else float(n - 2)
    half = float(_stats.t.ppf(1 - ALPHA / 2, df)) * se
    return Estimate(mean, mean - half, mean + half, se, df, n)


def _p_above(effect: float, se: float, df: float, bound: float) -> float:
    """One-sided p-value of H0 "effect <= bound" (a zero standard error is a point mass)."""
    if se > 0:
        return float(_stats.t.sf((effect - bound) / se, df))
    return 0.0 if effect > bound else 1.0


def _p_below(effect: float, se: float, df: float, bound: float) -> float:
    """One-sided p-value of H0 "effect >= bound"."""
    if se > 0:
        return float(_stats.t.cdf((effect - bound) / se, df))
    return 0.0 if effect < bound else 1.0


def margin_tests(estimate_: Estimate, margin: float, expect: str) -> Tests:
    """One-sided t tests of the effect against the margin (see :class:`Tests`).

    With ``expect`` positive or negative the effect is first signed so that
    the predicted side is positive. Fewer than 2 values give p-values of 1:
    nothing can be concluded.
    """
    if not (math.isfinite(estimate_.effect) and math.isfinite(estimate_.se)):
        return Tests(1.0, 1.0, 1.0)
    sign = -1.0 if expect == "negative" else 1.0
    effect, se, df = sign * estimate_.effect, estimate_.se, estimate_.df
    above = _p_above(effect, se, df, margin)
    below = _p_below(effect, se, df, -margin)
    equivalent = max(_p_above(effect, se, df, -margin), _p_below(effect, se, df, margin))
    if expect == "none":  # the claim is equivalence; beyond the margin either way refutes it
        return Tests(equivalent, min(above, below), 1.0)
    return Tests(above, below, equivalent)


def decide(tests_: Tests, alpha: float = 0.05) -> tuple[str, float]:
    """The verdict at level ``alpha`` and the p-value that decided it."""
    conclusion, p = tests_.best()
    return (conclusion if p < alpha else "inconclusive"), p


def holm(p: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error control)."""
    p = np.asarray(p, np.float64)
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def _point_verdicts(values: pd.DataFrame, hypothesis: Mapping[str, Any],
                    names: Sequence[str]) -> pd.DataFrame:
    """Per sampled point of the region: the effect, its CI and its own verdict."""
    others = [n for n in names if n != hypothesis.get("factor")]
    rows = []
    for sample, own in values.groupby("sample", sort=True):
        est = estimate(own, hypothesis)
        if not math.isfinite(est.effect):
            continue
        verdict, _ = decide(margin_tests(est, float(hypothesis["margin"]), hypothesis["expect"]))
        rows.append({"sample": sample, **{n: own[n].iloc[0] for n in others},
                     "effect": est.effect, "lo": est.lo, "hi": est.hi, "n": est.n,
                     "verdict": verdict})
    return pd.DataFrame(rows, columns=["sample", *others, "effect", "lo", "hi", "n", "verdict"])


def region_effects(values: pd.DataFrame, hypothesis: Mapping[str, Any],
                   names: Sequence[str]) -> pd.DataFrame:
    """Per sampled point: the effect with its CI, its verdict and whether the claim fails."""
    region = _point_verdicts(values, hypothesis, names)
    region["fails"] = region["verdict"] != "supported"
    return region


def judge(frame: pd.DataFrame, described: Mapping[str, Any], hypothesis: Mapping[str, Any],
          p_holm: float | None = None) -> Verdict:
    """Effect at the baseline with its verdict, and each region point's verdict.

    ``p_holm`` is the hypothesis's Holm-adjusted p-value within its family
    (:func:`judge_all`); alone, the unadjusted p-value decides.
    """
    experiments = {e["name"]: e for e in described["experiments"]}
    base = experiments[hypothesis["baseline"]]
    est = estimate(effects(frame, base, hypothesis), hypothesis)
    margin = float(hypothesis["margin"])
    conclusion, p = margin_tests(est, margin, hypothesis["expect"]).best()
    adjusted = p if p_holm is None else p_holm
    verdict = conclusion if adjusted < ALPHA else "inconclusive"
    region = pd.DataFrame()
    names: list[str] = []
    where = "no region explored"
    counts: dict[str, int] = {}
    box = None
    if "region" in hypothesis:
        experiment = experiments[hypothesis["region"]]
        names = [p["name"] for p in experiment["parameters"]
                 if p["name"] != hypothesis.get("factor")]
        region = region_effects(effects(frame, experiment, hypothesis), hypothesis,
                                [p["name"] for p in experiment["parameters"]])
        counts = {k: int((region["verdict"] == k).sum()) for k in VERDICTS}
        try:
            box = discovery.failure_box(region, names, key=hypothesis["id"])
            where = discovery.describe_box(box, hypothesis["claim"],
                                           int(region["fails"].sum()), len(region))
        except ImportError:
            where = ("scenario discovery skipped: ema-workbench is not installed "
                     "(pip install -e '.[experiments]')")
    return Verdict(id=hypothesis["id"], claim=hypothesis["claim"], measure=describe(hypothesis),
                   expect=hypothesis["expect"], margin=margin,
                   margin_why=hypothesis.get("margin_why", ""), n=est.n, effect=est.effect,
                   lo=est.lo, hi=est.hi, p=p, p_holm=adjusted, conclusion=conclusion,
                   verdict=verdict,
                   region_points=len(region), region_counts=counts, where_fails=where, box=box,
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
    if "before" in hypothesis:
        when += f" minus at week {hypothesis['before']}"
    form = hypothesis["form"]
    if form == "contrast":
        a, b = hypothesis["contrast"]
        return f"{metric}{when}: {a} minus {b}, same run"
    if form == "factor":
        return (f"{metric}{when} of {hypothesis['company']}: {hypothesis['factor']} = "
                f"{hypothesis['high']} minus {hypothesis['factor']} = {hypothesis['low']}")
    if not hypothesis["threshold"]:
        return f"{metric}{when} of {hypothesis['company']}"
    return f"{metric}{when} of {hypothesis['company']} minus {hypothesis['threshold']}"


_RUN_LEVEL = ("billboard_share", "cum_impressions", "cum_likes", "cum_sales", "cum_spend",
              "likes_vs_trust", "likes_vs_sales", "impressions_vs_trust",
              "likes_vs_trust_changes", "likes_vs_sales_changes", "crisis_depth",
              "weeks_to_recover")


def judge_all(frame: pd.DataFrame, described: Mapping[str, Any]) -> list[Verdict]:
    """Every hypothesis of the spec, in file order, Holm-corrected across the family."""
    verdicts = [judge(frame, described, h) for h in described["hypotheses"]]
    for v, p in zip(verdicts, holm([v.p for v in verdicts]), strict=True):
        v.p_holm = float(p)
        v.verdict = v.conclusion if p < ALPHA else "inconclusive"
    return verdicts


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.3g}"


def _counts(v: Verdict) -> str:
    return ", ".join(f"{v.region_counts.get(k, 0)} {k}" for k in VERDICTS)


def _p(x: float) -> str:
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def hypotheses_section(verdicts: Sequence[Verdict], described: Mapping[str, Any],
                       figures: Path, report_path: Path) -> tuple[list[str], list[Path]]:
    """Markdown for the hypotheses and their figures (a forest plot, one panel set each)."""
    from simulation.output import atomic_write_bytes

    from .analysis import png

    written = []
    lines = [f"# {described['title']}", "",
             "Each hypothesis of the model's design (MODEL.md) states in advance its measure, "
             "its predicted sign and its smallest effect of interest (the margin *m*, in the "
             "outcome's units, with a reason). The effect is read off the baseline "
             "experiment's runs with its 95 % confidence interval (Student t on paired runs; "
             "Welch for two groups of runs), and one-sided t tests against the margin give "
             "one of four verdicts: **supported** (beyond +m on the predicted side), "
             "**contradicted** (beyond m on the other side), **no effect** (within (-m, m) by "
             "two one-sided tests, TOST) or **inconclusive**. A claim that a quantity stays "
             "small (predicted sign *none*) is supported by equivalence. Each hypothesis's "
             "p-value is that of its best-supported conclusion; the p-values of the family of "
             f"{len(verdicts)} hypotheses are Holm-adjusted and a conclusion stands when the "
             f"adjusted p-value is below {ALPHA}. Every sampled point of a hypothesis's "
             "parameter region gets the same four verdicts from its own replicates (level "
             f"{ALPHA}, uncorrected: a map of where the claim holds). Where it fails (any "
             "verdict but supported) is looked for with PRIM (EMA Workbench): the box of its "
             "peeling trajectory with the highest density x coverage, reported with its "
             "density (share of its points that fail), coverage (share of the failing points "
             "it holds) and restricted parameters, and kept as a failure region only when a "
             f"permutation test (the same search on {discovery.PERMUTATIONS} shuffles of the "
             f"labels) gives p < {discovery.ALPHA}. No standardised effect "
             "size (Cohen's d) is given: in a simulation the spread between replicates is "
             "set by the world's size and the number of runs, not by a population, so d "
             "measures the noise of the design rather than the size of an effect. The forest "
             "plot shows each effect divided by its margin instead: beyond +1 is an effect "
             "larger than the smallest one of interest.", "",
             "| id | claim | measure | margin | effect [95 % CI] | p (Holm) | region points "
             "(supported / contradicted / no effect / inconclusive) | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        region = (" / ".join(str(v.region_counts.get(k, 0)) for k in VERDICTS)
                  if v.region_points else "none")
        lines.append(f"| {v.id} | {v.claim} | {v.measure} | {_fmt(v.margin)} | "
                     f"{_fmt(v.effect)} [{_fmt(v.lo)}, {_fmt(v.hi)}] | {_p(v.p_holm)} | "
                     f"{region} | **{v.verdict}** |")
    lines.append("")
    fig = forest_figure(verdicts)
    if fig is not None:
        path = atomic_write_bytes(figures / f"{report_path.stem}-effects.png", png(fig))
        written.append(path)
        lines += [f"![effects in units of their margins]"
                  f"({os.path.relpath(path, report_path.parent)})", ""]
    lines += planted_section(report_path.parent / "planted.json")
    for v, h in zip(verdicts, described["hypotheses"], strict=True):
        lines += [f"## {v.id}: {v.claim}", "",
                  f"- Measure: {v.measure}; predicted sign: {v.expect}.",
                  f"- Why this measure: {h['why']}",
                  f"- Smallest effect of interest: {_fmt(v.margin)}; {v.margin_why}",
                  f"- Baseline (experiment `{h['baseline']}`, {v.n} runs): effect "
                  f"{_fmt(v.effect)}, 95 % CI [{_fmt(v.lo)}, {_fmt(v.hi)}]; best-supported "
                  f"conclusion *{v.conclusion}*, p = {_p(v.p)}, Holm-adjusted {_p(v.p_holm)}."]
        if v.region_points:
            lines.append(f"- Region (experiment `{h['region']}`, {v.region_points} sampled "
                         f"points over {', '.join(f'`{p}`' for p in v.region_parameters)}, "
                         f"each judged from its own replicates): {_counts(v)}; "
                         f"{v.where_fails}.")
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


def planted_section(path: Path) -> list[str]:
    """The planted checks' counts (:mod:`experiments.planted`), when their JSON file exists."""
    import json

    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    n = len(data["rows"])
    null, effect = data["null_counts"], data["effect_counts"]

    def tally(counts: Mapping[str, int]) -> str:
        return ", ".join(f"{counts.get(k, 0)} {k}" for k in VERDICTS)

    return ["## Planted checks", "",
            "Can this protocol say *no effect* when there is none, and still see an effect "
            f"that is there? {n} reruns, each with its own root seed (from "
            f"{data['first_seed']}), of {data['replicates']} runs of a world of two identical "
            f"companies (both copies of the default world's Engaged Co; "
            f"{data['consumers']:,} consumers, {data['weeks']} weeks), judged as this study "
            f"judges its claims (paired contrast of final brand trust, margin "
            f"{data['margin']}, Holm across the family of the two claims):", "",
            f"- **planted null** (Twin A minus Twin B, true effect 0): {tally(null)}; "
            f"*no effect* in {null.get('no effect', 0)}/{n};",
            f"- **planted effect** (the same runs with {data['delta']} of trust added to Twin "
            f"A's, a spike-in of known size): {tally(effect)}; *supported* in "
            f"{effect.get('supported', 0)}/{n}.", "",
            f"The bar is {data['rate']:.0%} of reruns for each: "
            f"**{'met' if data['passed'] else 'not met'}**. Made by `influence check "
            f"planted`, which writes `{path.name}` next to this report "
            "(`make study` runs it).", ""]


_COLORS = {"supported": "C2", "contradicted": "C3", "no effect": "C0", "inconclusive": "C7"}


def forest_figure(verdicts: Sequence[Verdict]) -> Any:
    """Each effect and its 95 % CI divided by its margin, signed so that right = as predicted."""
    from .analysis import _figure

    shown = [v for v in verdicts if math.isfinite(v.effect) and v.margin > 0]
    if not shown:
        return None
    fig = _figure(7.0, 0.45 * len(shown) + 1.4)
    ax = fig.subplots()
    for y, v in enumerate(reversed(shown)):
        sign = -1.0 if v.expect == "negative" else 1.0
        mid = sign * v.effect / v.margin
        ends = [sign * x / v.margin for x in (v.lo, v.hi) if math.isfinite(x)] or [mid]
        color = _COLORS.get(v.verdict, "C7")
        ax.plot([min(ends), max(ends)], [y, y], color=color, lw=2)
        ax.plot([mid], [y], "o", color=color)
    for x in (-1.0, 1.0):
        ax.axvline(x, color="grey", lw=0.8, ls="--")
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set_yticks(range(len(shown)), [v.id for v in reversed(shown)])
    ax.set_xscale("symlog", linthresh=2.0)
    low, high = ax.get_xlim()
    ticks = [t for t in (-100, -20, -5, -2, -1, 0, 1, 2, 5, 20, 100, 1000) if low <= t <= high]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlabel("effect / margin at the baseline, signed: > 1 is beyond the smallest effect "
                  "of interest as predicted", fontsize=8)
    ax.set_title("Effects with 95 % CI (green supported, red contradicted, blue no effect, "
                 "grey inconclusive)", fontsize=8)
    return fig


def region_figure(verdict: Verdict) -> Any:
    """The effect at each region point against each region parameter, coloured by verdict.

    A failure region (a PRIM box with permutation p < 0.05) is shaded on the
    parameters it restricts.
    """
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
    for ax, name in zip(axes, names, strict=False):
        x = region[name].to_numpy(np.float64)
        y = region["effect"].to_numpy(np.float64)
        for label in VERDICTS:
            mask = (region["verdict"] == label).to_numpy(bool)
            if mask.any():
                ax.scatter(x[mask], y[mask], s=14, color=_COLORS[label], label=label)
        ax.axhline(0.0, color="grey", lw=0.8)
        for m in (-verdict.margin, verdict.margin):
            ax.axhline(m, color="grey", lw=0.8, ls="--")
        box = verdict.box
        if box is not None and box.significant and name in box.limits:
            low, high = box.limits[name]
            ax.axvspan(x.min() if low is None else low, x.max() if high is None else high,
                       color="C3", alpha=0.1, lw=0)
        ax.set_xlabel(name, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    axes[0].set_ylabel("effect", fontsize=8)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{verdict.id}: effect at each region point ({_counts(verdict)})",
                 fontsize=10)
    return fig
