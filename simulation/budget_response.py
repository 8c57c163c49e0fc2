"""What a company's money buys: the same world at two budgets, paired by seed.

A comparison of strategies "at equal spend" means something only if money
matters to each strategy. This check runs a scenario twice per seed, once
with one company's weekly budget at a low value and once at a high value
(everything else, the seed included, the same), and reports the paired
difference (high minus low) of that company's outcomes at chosen weeks, as a
mean with a 95 % Student-t interval over seeds.

Outcomes: brand trust (``trust_mean``), awareness, influencer credibility,
followers, posts and weekly sales. Which of them the money moves, and when,
is the answer; a difference whose interval contains 0 is reported as such.
"""

from __future__ import annotations

import click
import numpy as np
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
from .parameters import COMPANY, ParameterError
from .replicates import Job, interval

#: Outcomes reported, in order.
OUTCOMES = ("trust_mean", "awareness", "influencer_credibility", "followers", "posts", "sales")


def paired(runs: pd.DataFrame, company: str, weeks: tuple[int, ...]) -> pd.DataFrame:
    """Per outcome and week: high-budget minus low-budget, mean and 95 % interval over seeds.

    Args:
        runs: Stacked runs with ``scenario`` ``low`` or ``high`` and a ``seed`` column.
        company: The company whose budget changed.
        weeks: Weeks to read.

    Returns:
        Columns ``week``, ``outcome``, ``low`` and ``high`` (means over seeds),
        ``difference``, ``ci_low``, ``ci_high``.
    """
    own = runs[(runs["company"] == company) & runs["step"].isin(weeks)]
    table = own.pivot_table(index=["step", "seed"], columns="scenario",
                            values=list(OUTCOMES), aggfunc="first")
    rows = []
    for week in weeks:
        at = table.xs(week, level="step")
        for outcome in OUTCOMES:
            low, high = at[(outcome, "low")], at[(outcome, "high")]
            diff, lo, hi = interval((high - low).to_numpy(dtype=float))
            rows.append({"week": week, "outcome": outcome, "low": float(low.mean()),
                         "high": float(high.mean()), "difference": diff,
                         "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def _verdict(lo: float, hi: float) -> str:
    if np.isnan(lo):
        return "no interval"
    return "higher" if lo > 0 else "lower" if hi < 0 else "not distinguishable from 0"


def report(table: pd.DataFrame, *, scenario: str, company: str, low: float, high: float,
           seeds: int, first_seed: int) -> list[str]:
    """The check's printed lines."""
    lines = [f"{scenario}: {company}'s budget {low:g} against {high:g} per week per 1,000 "
             f"consumers, seeds {first_seed}-{first_seed + seeds - 1}, paired by seed",
             f"{'week':>4}  {'outcome':<22} {'at ' + format(low, 'g'):>10} "
             f"{'at ' + format(high, 'g'):>10}  difference [95% CI]"]
    for row in table.itertuples():
        lines.append(f"{row.week:>4}  {row.outcome:<22} {row.low:>10.3f} {row.high:>10.3f}  "
                     f"{row.difference:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}] "
                     f"{_verdict(row.ci_low, row.ci_high)}")
    return lines


def _weeks(text: str, horizon: int) -> tuple[int, ...]:
    try:
        weeks = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        weeks = ()
    if not weeks or weeks[0] < 1 or weeks[-1] > horizon:
        raise _fail(f"--weeks: got {text!r}; allowed: comma-separated weeks in [1, {horizon}]")
    return weeks


@click.command(name="budget")
@click.argument("scenario", default="default")
@click.option("--company", type=_Integer(0), default=1, show_default=True,
              help="Index of the company whose budget changes (0 is the first).")
@click.option("--low", type=float, default=5.0, show_default=True, help="The low budget.")
@click.option("--high", type=float, default=20.0, show_default=True, help="The high budget.")
@click.option("--seeds", type=_Integer(2), default=16, show_default=True,
              help="Seeds first-seed, first-seed + 1, ...; each runs at both budgets.")
@click.option("--first-seed", type=_Integer(0), default=0, show_default=True,
              help="Seed of the first pair of runs.")
@click.option("--weeks", default="52,156", show_default=True,
              help="Weeks to report, comma-separated.")
@click.option("--workers", type=_Integer(1), default=1, show_default=True,
              help="Processes to run in; the results do not depend on it.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", callback=_parse_sets,
              help="Set a parameter on top of the scenario. Repeatable.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def budget(scenario: str, company: int, low: float, high: float, seeds: int,
           first_seed: int, weeks: str, workers: int, sets: list[tuple[str, str]],
           quiet: bool) -> None:
    """What one company's money buys: SCENARIO at two budgets, paired by seed.

    Prints, for the company (by default Engaged Co of the default world), the
    high-budget minus low-budget difference of trust, awareness, credibility,
    followers, posts and sales at the chosen weeks, with 95 % intervals.
    """
    found = load_scenario(scenario)
    weeks_read = _weeks(weeks, int(found.weeks))
    configs = {}
    for label, value in (("low", low), ("high", high)):
        try:
            COMPANY["budget"].coerce(value, "budget")
        except ParameterError as error:
            raise _fail(f"--{label}: got {value:g}; allowed: {error.allowed}") from None
        try:
            base = build_config(sets, base=found.config)
            if company >= len(base["companies"]):
                raise _fail(f"--company: got {company}; allowed: an index in "
                            f"[0, {len(base['companies']) - 1}]")
            configs[label] = build_config([*sets, (f"companies[{company}].budget",
                                                   repr(value))], base=found.config)
        except ParameterError as error:
            raise _fail(f"--set: {error}") from None
    name = configs["low"]["companies"][company]["name"]
    check_memory(configs["high"], copies=min(workers, 2 * seeds))
    jobs = [Job(label, configs[label], i, first_seed + i, weeks_read[-1])
            for i in range(seeds) for label in ("low", "high")]
    runs = run_jobs_shown(jobs, workers=workers, quiet=quiet)
    for line in report(paired(runs, name, weeks_read), scenario=scenario, company=name,
                       low=low, high=high, seeds=seeds, first_seed=first_seed):
        click.echo(line)
