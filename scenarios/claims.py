"""Check that a scenario shows what its text says it shows.

A scenario's ``[[expect]]`` entries are the claims its teaching text makes
("the transversal company ends with more trust"). :func:`check` runs the
scenario once per seed and judges each claim on the mean over the runs, the
way a class would read a chart averaged over a few runs. A claim that holds
only for some seeds is not a claim to teach: the shipped scenarios' claims
are tested at :data:`DEFAULT_SEEDS`.

Three kinds of claim:

* ``higher``/``lower``: company A's metric exceeds company B's at a week (or
  over a window of weeks, averaged);
* ``direction``: a company's metric rises or falls between two weeks;
* ``above``/``below``: a company's metric is above or below a bound;
* ``crisis_depth`` or ``weeks_to_recover`` with ``higher``/``lower``: how far
  trust fell in a company's first crisis, or how many weeks it took to win
  back 90 % of the loss (:func:`simulation.metrics.crisis_recovery`; a run
  that never recovers counts as infinitely slow).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from . import Scenario

#: The seeds a scenario's claims are checked with: "the default seed range".
DEFAULT_SEEDS: tuple[int, ...] = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class ClaimResult:
    """One claim judged on the mean over runs.

    Attributes:
        text: The claim in words.
        holds: Whether the replicate means show it.
        detail: The numbers it was judged on, in words.
        agreeing: How many single runs show it on their own.
        runs: How many runs there were.
    """

    text: str
    holds: bool
    detail: str
    agreeing: int
    runs: int


def run(scenario: Scenario, seeds: Iterable[int] = DEFAULT_SEEDS,
        weeks: int | None = None) -> pd.DataFrame:
    """The scenario's time series for each seed, stacked, with a ``seed`` column."""
    from simulation.replicates import Job, run_jobs

    weeks = scenario.weeks if weeks is None else weeks
    jobs = [Job(label=scenario.name, config=scenario.config, replicate=i, seed=seed,
                steps=weeks) for i, seed in enumerate(seeds)]
    return run_jobs(jobs)


def judge(claim: dict, runs: pd.DataFrame) -> ClaimResult:
    """Judge one validated claim on stacked runs (see :func:`run`)."""
    metric = claim["metric"]

    def per_run(company: str, first: int, last: int) -> pd.Series:
        rows = runs[(runs["company"] == company) & runs["step"].between(first, last)]
        return rows.groupby("seed")[metric].mean()

    kind = claim["kind"]
    if kind == "crisis":
        high = _crisis_per_run(runs, claim["higher"], claim["higher_crisis"], metric)
        low = _crisis_per_run(runs, claim["lower"], claim["lower_crisis"], metric)
        each = high > low
        holds = bool(high.mean() > low.mean())
        detail = (f"{metric} of the first crisis: {claim['higher']} {high.mean():.4g} vs "
                  f"{claim['lower']} {low.mean():.4g}")
    elif kind == "compare":
        first, last = claim["weeks"]
        high = per_run(claim["higher"], first, last)
        low = per_run(claim["lower"], first, last)
        each = high > low
        holds = bool(high.mean() > low.mean())
        span = f"week {first}" if first == last else f"weeks {first}-{last}"
        detail = (f"{metric} at {span}: {claim['higher']} {high.mean():.4g} vs "
                  f"{claim['lower']} {low.mean():.4g}")
    elif kind == "trend":
        before = per_run(claim["company"], claim["earlier"], claim["earlier"])
        after = per_run(claim["company"], claim["later"], claim["later"])
        each = after > before if claim["direction"] == "rises" else after < before
        mean_before, mean_after = before.mean(), after.mean()
        holds = bool(mean_after > mean_before if claim["direction"] == "rises"
                     else mean_after < mean_before)
        detail = (f"{claim['company']} {metric}: week {claim['earlier']} {mean_before:.4g}, "
                  f"week {claim['later']} {mean_after:.4g}")
    else:
        first, last = claim["weeks"]
        values = per_run(claim["company"], first, last)
        bound = claim["value"]
        each = values > bound if claim["bound"] == "above" else values < bound
        holds = bool(values.mean() > bound if claim["bound"] == "above"
                     else values.mean() < bound)
        detail = (f"{claim['company']} {metric} {values.mean():.4g} "
                  f"({claim['bound']} {bound:g}?)")
    return ClaimResult(text=claim["text"], holds=holds, detail=detail,
                       agreeing=int(each.sum()), runs=int(each.size))


def _crisis_per_run(runs: pd.DataFrame, company: str, week: int, metric: str) -> pd.Series:
    """Per seed: the depth of a company's crisis, or the weeks it took to recover 90 %."""
    from simulation.metrics import crisis_recovery

    key = "depth" if metric == "crisis_depth" else "weeks_to_recover"
    values = {}
    for seed, frame in runs.groupby("seed"):
        value = crisis_recovery(frame, company, week)[key]
        values[seed] = float("inf") if math.isnan(value) else value
    return pd.Series(values)


def check(scenario: Scenario, seeds: Sequence[int] = DEFAULT_SEEDS) -> list[ClaimResult]:
    """Run the scenario for each seed and judge every claim it makes.

    The runs stop at the last week any claim looks at (the whole
    recommended length when there are no claims).
    """
    if not scenario.expect:
        return []
    crisis = any(c["kind"] == "crisis" for c in scenario.expect)
    last = scenario.weeks if crisis else max(
        max(c.get("weeks", (0, 0))[1], c.get("later", 0)) for c in scenario.expect)
    runs = run(scenario, seeds, weeks=max(1, last))
    return [judge(claim, runs) for claim in scenario.expect]
