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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
