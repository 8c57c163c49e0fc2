"""How often shareholder pressure moves a company off its strategy, and what that costs.

Shareholders in this model switch a company's deals only on evidence
(:meth:`simulation.companies.Company._shareholders`), so whether pressure acts
at all is an outcome, not a setting. This check runs one scenario over a range
of seeds and reports, for one company under pressure and one reference company:

* the share of runs in which the pressured company's strategy ever changes,
  and the week of its first change in each;
* the reference's final-week brand trust minus the pressured company's, as a
  mean and 95 % Student-t interval, over the runs that switched, the runs
  that did not, and all of them.

Splitting by whether a switch happened separates the two questions the
essay's hypothesis 7 runs together: how often short-termism acts, and what it
costs where it does. The split is by an outcome, so it describes the runs; it
is not a randomised comparison (the runs that switch are those whose early
books looked worst).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import click
import pandas as pd

from .cli import (
    _fail,
    _Integer,
    _parse_sets,
    build_config,
    check_memory,
    load_scenario,
    run_jobs_shown,
)
from .parameters import ParameterError
from .replicates import Job, interval

METRIC = "trust_mean"


@dataclass(frozen=True)
class Group:
    """The trust gap over one group of runs.

    Attributes:
        name: ``switched``, ``not switched`` or ``all``.
        runs: Number of runs in the group.
        mean: Mean of reference minus pressured company, final week (NaN if empty).
        low: Lower end of the 95 % Student-t interval (NaN under 2 runs).
        high: Upper end of the interval.
    """

    name: str
    runs: int
    mean: float
    low: float
    high: float


def per_run(runs: pd.DataFrame, company: str, reference: str) -> pd.DataFrame:
    """One row per seed: whether ``company`` switched, its first switch week, the gap.

    Args:
        runs: Stacked tidy frames with a ``seed`` column (:func:`run_jobs`).
        company: The company under pressure.
        reference: The company it is compared with.

    Returns:
        Columns ``seed``, ``switched``, ``first_switch`` (week, or -1) and ``gap``
        (reference's final ``trust_mean`` minus the company's).
    """
    rows = []
    for seed, own in runs.groupby("seed", sort=False):
        mine = own[own["company"] == company].sort_values("step")
        start = mine["strategy"].iloc[0]
        moved = mine[mine["strategy"] != start]
        last = own[own["step"] == own["step"].max()].set_index("company")[METRIC]
        rows.append({"seed": int(seed), "switched": not moved.empty,
                     "first_switch": int(moved["step"].iloc[0]) if not moved.empty else -1,
                     "gap": float(last[reference] - last[company])})
    return pd.DataFrame(rows)


def groups(table: pd.DataFrame) -> list[Group]:
    """The gap over switched runs, runs that did not switch, and all runs."""
    out = []
    for name, part in (("switched", table[table["switched"]]),
                       ("not switched", table[~table["switched"]]), ("all", table)):
        mean, low, high = interval(part["gap"].tolist())
        out.append(Group(name, len(part), mean, low, high))
    return out


def _number(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:+.3f}"


def report(table: pd.DataFrame, *, scenario: str, company: str, reference: str,
           first_seed: int) -> list[str]:
    """The check's printed lines."""
    n = len(table)
    switched = int(table["switched"].sum())
    weeks = sorted(int(w) for w in table.loc[table["switched"], "first_switch"])
    lines = [f"{scenario}: seeds {first_seed}-{first_seed + n - 1} ({n} runs)",
             f"{company} changes strategy in {switched} of {n} runs "
             f"({100.0 * switched / n:.0f} %)"
             + (f"; first change in weeks {', '.join(map(str, weeks))}" if weeks else ""),
             f"final-week {METRIC}, {reference} minus {company}, mean [95% CI, Student t]:"]
    for group in groups(table):
        lines.append(f"  {group.name:<13} {group.runs:>4} runs  {_number(group.mean)} "
                     f"[{_number(group.low)}, {_number(group.high)}]")
    return lines


@click.command(name="switches")
@click.argument("scenario", default="h07-shareholder-pressure")
@click.option("--company", default="Quarterly Co", show_default=True,
              help="The company whose strategy may change.")
@click.option("--reference", default="Patient Co", show_default=True,
              help="The company it is compared with.")
@click.option("--seeds", type=_Integer(2), default=96, show_default=True,
              help="Number of runs, seeds first-seed, first-seed + 1, ...")
@click.option("--first-seed", type=_Integer(0), default=0, show_default=True,
              help="Seed of the first run.")
@click.option("--workers", type=_Integer(1), default=1, show_default=True,
              help="Processes to run in; the results do not depend on it.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", callback=_parse_sets,
              help="Set a parameter on top of the scenario, e.g. companies[1].pressure=0. "
                   "Repeatable. See `influence params`.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def switches(scenario: str, company: str, reference: str, seeds: int, first_seed: int,
             workers: int, sets: list[tuple[str, str]], quiet: bool) -> None:
    """How often a company's strategy changes across seeds, and the trust gap it leaves.

    Runs SCENARIO (default h07-shareholder-pressure, --set on top) once per seed and prints
    the share of runs in which COMPANY's strategy changes, and REFERENCE's
    final-week trust minus COMPANY's over runs that switched, did not, and all.
    """
    found = load_scenario(scenario)
    try:
        resolved = build_config(sets, base=found.config)
    except ParameterError as error:
        raise _fail(str(error)) from None
    names = [c["name"] for c in resolved["companies"]]
    for option, name in (("--company", company), ("--reference", reference)):
        if name not in names:
            raise _fail(f"{option}: got {name!r}; allowed: a company of {scenario} "
                        f"({', '.join(map(str, names))})")
    if company == reference:
        raise _fail(f"--reference: got {reference!r}; allowed: a company other than --company")
    check_memory(resolved, copies=min(workers, seeds))
    jobs = [Job(found.name, resolved, i, first_seed + i, int(found.weeks))
            for i in range(seeds)]
    runs = run_jobs_shown(jobs, workers=workers, quiet=quiet)
    for line in report(per_run(runs, company, reference), scenario=scenario,
                       company=company, reference=reference, first_seed=first_seed):
        click.echo(line)
