"""Results that do not depend on how many consumers are modelled.

The modelled consumers are a sample of the market (``market_size`` people,
each modelled consumer standing for ``market_size / consumers`` of them), and
influencers are counted in real followers. A researcher who models more
consumers for precision must then get the same answer, only sharper. This
check runs one scenario at a small and at a large number of modelled
consumers, over several seeds each, and compares what an agent reacts to and
what the headline reads:

* each company's final brand trust (mean over consumers);
* each company's relationships alive at the end;
* each company's share of its first partners' followers still following at
  the end (an influencer's audience kept, a rate);
* the engagement of each influencer tier (nano, micro, macro, mega by real
  follower count) at each company: likes per follower per post over the run
  (per company, because the companies' deals engage differently and a tier
  pooled over both would mix them in proportions that vary by seed).

Each row reports both means, the difference (large minus small) and its
two-sample Student interval. The variance is pooled over both sizes: the
seed-to-seed spread comes mostly from the drawn roster and network, which do
not shrink with the sample, and where it does shrink (binomial noise in small
audiences) the pooled interval is conservative, the small worlds having both
the larger spread and the larger weight; with 3 large worlds a Welch interval
would have about 2 degrees of freedom and could detect nothing. The intervals
are family-wise: Bonferroni over the m rows
(each at 1 - 0.05 / m), so that when nothing depends on the size the whole
check fails in at most 5 % of runs of it. The two sizes *agree* on a measure
when its interval contains 0: a difference within sampling error passes and a
systematic one fails.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from typing import Any

import click
import numpy as np
import pandas as pd
from scipy import stats

from .cli import (
    _fail,
    _Integer,
    _isatty,
    _parse_sets,
    build_config,
    check_memory,
    load_scenario,
    show_progress,
)
from .parameters import WORLD, ParameterError
from .replicates import map_in_processes

#: Influencer tiers by real follower count (the industry's usual bounds).
TIERS = (("nano", 1_000, 10_000), ("micro", 10_000, 100_000),
         ("macro", 100_000, 1_000_000), ("mega", 1_000_000, float("inf")))

#: Company measures, in order, with how they are printed.
COMPANY_MEASURES = (("trust", "final trust", ".3f"),
                    ("relationships", "relationships alive", ".2f"),
                    ("followers_kept", "first partners' followers kept", ".3f"))


def tier(followers: float) -> str:
    """The tier of an influencer with this many followers ("below nano" under 1,000)."""
    for name, low, high in TIERS:
        if low <= followers < high:
            return name
    return "below nano"


def measure_run(config: dict[str, Any], seed: int, weeks: int) -> list[dict[str, Any]]:
    """Run one world and return its measures as rows (``group``, ``measure``, ``value``).

    Module-level so that a ``spawn``-ed worker can import it.
    """
    from .model import InfluenceModel

    model = InfluenceModel(rng=seed, **config)
    pop = model.population
    first = {c.index: list(c.influencers) for c in model.companies}
    start = {c.index: sum(pop.audience(i.row).stop - pop.audience(i.row).start
                          for i in first[c.index]) for c in model.companies}
    tier_of = {inf.row: f"{tier(inf.followers)} ({inf.company.name})"
               for inf in model.influencers}
    likes: dict[str, float] = {}
    exposure: dict[str, float] = {}
    for _ in range(weeks):
        model.step()
        for inf in model.influencers:
            if inf.posts <= 0 or not inf.alive:
                continue
            span = pop.audience(inf.row)
            following = float(pop.following[span].sum())
            name = tier_of[inf.row]
            likes[name] = likes.get(name, 0.0) + inf.likes
            exposure[name] = exposure.get(name, 0.0) + following * inf.posts
    rows = []
    for company in model.companies:
        kept = sum(int(pop.following[pop.audience(i.row)].sum()) for i in first[company.index])
        values = {"trust": company.metrics["trust_mean"],
                  "relationships": company.metrics["relationships_alive"],
                  "followers_kept": kept / start[company.index] if start[company.index]
                  else float("nan")}
        rows += [{"group": company.name, "measure": m, "value": float(values[m])}
                 for m, _, _ in COMPANY_MEASURES]
    rows += [{"group": name, "measure": "engagement",
              "value": likes[name] / exposure[name] if exposure[name] > 0 else float("nan")}
             for name in likes]
    return rows


def _run(task: tuple[str, dict[str, Any], int, int]) -> list[dict[str, Any]]:
    label, config, seed, weeks = task
    return [{"size": label, "seed": seed, **row} for row in measure_run(config, seed, weeks)]


def run_all(tasks: Sequence[tuple[str, dict[str, Any], int, int]], *, workers: int,
            progress=None) -> pd.DataFrame:
    """Every task's rows in task order, run here or in ``workers`` spawned processes."""
    results = map_in_processes(_run, tasks, workers=workers, progress=progress)
    return pd.DataFrame([row for rows in results for row in rows])


def compare(runs: pd.DataFrame, family_level: float = 0.95) -> pd.DataFrame:
    """Per group and measure: both sizes' means, the difference and its pooled-t interval.

    Args:
        runs: One row per run, group and measure (``size`` "small" or "large").
        family_level: Chance that every interval covers its true difference:
            each is at ``1 - (1 - family_level) / m`` for m rows (Bonferroni).
    """
    m = max(1, runs.groupby(["group", "measure"]).ngroups)
    level = 1.0 - (1.0 - family_level) / m
    rows = []
    for (group, measure), part in runs.groupby(["group", "measure"], sort=False):
        small = part.loc[part["size"] == "small", "value"].dropna().to_numpy(float)
        large = part.loc[part["size"] == "large", "value"].dropna().to_numpy(float)
        row = {"group": group, "measure": measure, "small": small.mean() if small.size
               else np.nan, "small_sd": small.std(ddof=1) if small.size > 1 else np.nan,
               "n_small": small.size, "large": large.mean() if large.size else np.nan,
               "large_sd": large.std(ddof=1) if large.size > 1 else np.nan,
               "n_large": large.size}
        row["difference"] = row["large"] - row["small"]
        lo = hi = np.nan
        if small.size + large.size > 2 and small.size and large.size \
                and (small.std() > 0 or large.std() > 0):
            with warnings.catch_warnings():  # nearly equal samples: the interval is still right
                warnings.simplefilter("ignore", RuntimeWarning)
                ci = stats.ttest_ind(large, small, equal_var=True).confidence_interval(level)
            lo, hi = float(ci.low), float(ci.high)
        elif small.size and large.size and np.ptp(np.r_[small, large]) == 0:
            lo = hi = 0.0  # every run gave the same value at both sizes
        row["ci_low"], row["ci_high"], row["level"] = lo, hi, level
        row["agree"] = bool(lo <= 0.0 <= hi) if not np.isnan(lo) else False
        rows.append(row)
    return pd.DataFrame(rows)


def report(table: pd.DataFrame, *, scenario: str, small: int, large: int, weeks: int,
           small_seeds: Sequence[int], large_seeds: Sequence[int]) -> list[str]:
    """The check's printed lines, ending with the overall verdict."""
    names = {m: title for m, title, _ in COMPANY_MEASURES}
    names["engagement"] = "likes per follower per post"
    formats = {m: f for m, _, f in COMPANY_MEASURES} | {"engagement": ".4f"}
    lines = [f"{scenario}: {small:,} against {large:,} modelled consumers, {weeks} weeks, "
             f"seeds {small_seeds[0]}-{small_seeds[-1]} ({len(small_seeds)}) against "
             f"{large_seeds[0]}-{large_seeds[-1]} ({len(large_seeds)})",
             f"{'':<24} {'measure':<31} {'at ' + format(small, ','):>16} "
             f"{'at ' + format(large, ','):>16}  large - small [CI]"]
    for row in table.itertuples():
        f = formats[row.measure]
        a = f"{row.small:{f}} ± {row.small_sd:{f}}" if not np.isnan(row.small_sd) \
            else f"{row.small:{f}}"
        b = f"{row.large:{f}} ± {row.large_sd:{f}}" if not np.isnan(row.large_sd) \
            else f"{row.large:{f}}"
        ci = (f"[{row.ci_low:+{f}}, {row.ci_high:+{f}}]" if not np.isnan(row.ci_low)
              else "[no interval]")
        lines.append(f"{row.group:<24} {names[row.measure]:<31} {a:>16} {b:>16}  "
                     f"{row.difference:+{f}} {ci} {'agree' if row.agree else 'DIFFER'}")
    failed = int((~table["agree"]).sum())
    level = float(table["level"].iloc[0]) if len(table) else 0.95
    lines.append(f"(± is the standard deviation over seeds; intervals are {100 * level:.2f} % "
                 f"pooled Student intervals, Bonferroni over the {len(table)} rows for 95 % "
                 "family-wise; two sizes agree on a measure when its interval contains 0)")
    lines.append(f"size invariance: {'holds' if failed == 0 else 'fails'} "
                 f"({len(table) - failed} of {len(table)} measures agree)")
    return lines


def _size(value: int, option: str) -> int:
    try:
        return int(WORLD["consumers"].coerce(value, "consumers"))
    except ParameterError as error:
        raise _fail(f"{option}: got {value}; allowed: {error.allowed}") from None


@click.command(name="size")
@click.argument("scenario", default="default")
@click.option("--small", "small", type=int, default=2_000, show_default=True,
              help="Modelled consumers of the small worlds.")
@click.option("--large", "large", type=int, default=1_000_000, show_default=True,
              help="Modelled consumers of the large worlds.")
@click.option("--small-seeds", type=_Integer(2), default=20, show_default=True,
              help="Seeds of the small worlds (first-seed, first-seed + 1, ...).")
@click.option("--large-seeds", type=_Integer(2), default=3, show_default=True,
              help="Seeds of the large worlds (first-seed, first-seed + 1, ...).")
@click.option("--first-seed", type=_Integer(0), default=0, show_default=True,
              help="Seed of the first run at each size.")
@click.option("--weeks", type=_Integer(1), default=None,
              help="Weeks to run [default: the scenario's horizon].")
@click.option("--workers", type=_Integer(1), default=1, show_default=True,
              help="Processes to run in; the results do not depend on it.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", callback=_parse_sets,
              help="Set a parameter on top of the scenario (not consumers). Repeatable.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def size(scenario: str, small: int, large: int, small_seeds: int, large_seeds: int,
         first_seed: int, weeks: int | None, workers: int, sets: list[tuple[str, str]],
         quiet: bool) -> None:
    """Does the answer depend on how many consumers are modelled? SCENARIO at two sizes.

    Prints each company's final trust, relationships alive and followers kept,
    and each influencer tier's engagement, at both sizes, with the difference
    and its 95 % interval, and whether the sizes agree within sampling error.
    """
    small, large = _size(small, "--small"), _size(large, "--large")
    if large <= small:
        raise _fail(f"--large: got {large}; allowed: more consumers than --small ({small})")
    if any(key == "consumers" for key, _ in sets):
        raise _fail("--set: got 'consumers'; allowed: any other parameter (--small and "
                    "--large set the number of consumers)")
    found = load_scenario(scenario)
    steps = int(weeks if weeks is not None else found.weeks)
    try:
        configs = {label: build_config([*sets, ("consumers", str(n))], base=found.config)
                   for label, n in (("small", small), ("large", large))}
    except ParameterError as error:
        raise _fail(f"--set: {error}") from None
    check_memory(configs["large"], copies=min(workers, large_seeds))
    seeds = {"small": list(range(first_seed, first_seed + small_seeds)),
             "large": list(range(first_seed, first_seed + large_seeds))}
    # The large worlds first, so that the slowest runs start at once.
    tasks = [("large", configs["large"], s, steps) for s in seeds["large"]] + \
            [("small", configs["small"], s, steps) for s in seeds["small"]]
    work = sum(config["consumers"] * steps for _, config, _, _ in tasks)
    if show_progress(quiet, _isatty(sys.stderr), 1, work):
        with click.progressbar(length=len(tasks), label="runs", file=sys.stderr,
                               show_pos=True) as bar:
            runs = run_all(tasks, workers=workers,
                           progress=lambda done: bar.update(done - bar.pos))
    else:
        runs = run_all(tasks, workers=workers)
    for line in report(compare(runs), scenario=scenario, small=small, large=large,
                       weeks=steps, small_seeds=seeds["small"], large_seeds=seeds["large"]):
        click.echo(line)
