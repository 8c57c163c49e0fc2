"""Compare scenarios over replicates, with honest uncertainty.

One run of a stochastic model is an anecdote: a comparison of scenarios needs
each scenario run many times, from independent seeds, and a statement of how
sure the mean is. :func:`run_compare` runs every scenario ``replicates`` times,
each run seeded by :func:`simulation.seeds.derive_seed` from the root seed,
the scenario's resolved configuration and the replicate number, so that the
result does not depend on how many processes ran it, in what order, or on
which machine. It returns every run (tidy: one row per scenario, replicate,
week and company) and, per scenario, company, week and metric, the mean with
a 95 % confidence interval from Student's t (:func:`simulation.replicates.confidence`).

The ``influence compare`` command wraps it: it resolves scenario names and
files, validates everything before the first run, shows a progress bar,
prints trust, likes, sales and cumulative profit at a few checkpoint weeks as
``mean [lo, hi]``, and writes ``runs.parquet``, ``runs.csv``,
``summary.parquet``, ``summary.csv``, ``compare.png`` and ``compare.json``
atomically. Those files hold no timestamp and no worker count, so the same
command with the same seed writes byte-identical files whatever ``--workers``.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import limits, parameters
from .cli import (
    DEFAULT_SEED,
    _fail,
    _Integer,
    check_memory,
    check_out_dir,
    horizon_notes,
    load_scenario,
    run_jobs_shown,
    write_outputs,
)
from .memory import needed_memory
from .metrics import COLUMNS
from .parameters import ParameterError
from .replicates import Job, confidence, run_jobs
from .seeds import MAX_KEY, derive_seed

#: Columns that identify a row of the statistics.
KEYS = ("scenario", "company", "step")

#: Columns of the tidy frame that are labels, not measurements.
_LABELS = ("step", "company", "structure", "strategy")

#: Every numeric measurement of the tidy frame; all are summarised.
METRICS = tuple(c for c in COLUMNS if c not in _LABELS)

#: What the printed table and the figure show: value (trust), vanity (likes),
#: and what the company gets out of it (sales, cumulative profit).
HEADLINE = ("trust_mean", "likes", "sales", "profit_cumulative")

#: Checkpoint weeks shown when none are given (those within the run, plus its last week).
DEFAULT_CHECKPOINTS = (12, 52, 156)

#: Replicates per scenario when none are given.
DEFAULT_REPLICATES = 10

#: Files written by ``influence compare --out``, in order.
COMPARE_FILES = ("runs.parquet", "runs.csv", "summary.parquet", "summary.csv", "compare.png",
                 "compare.json")

#: How each headline metric is titled and printed.
_DISPLAY = {
    "trust_mean": ("brand trust (mean, 0-1)", "trust", "{:.3f}"),
    "likes": ("likes per week", "likes/wk", "{:.1f}"),
    "sales": ("sales per week", "sales/wk", "{:.1f}"),
    "profit_cumulative": ("cumulative profit", "profit (cum.)", "{:.0f}"),
}

_LINE_STYLES = ("-", "--", ":", "-.")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CompareResult:
    """What a comparison produced.

    Attributes:
        runs: Every run, tidy: ``scenario, replicate, seed`` then the model's
            columns (:data:`simulation.metrics.COLUMNS`), in job order.
        stats: Per ``scenario, company, step`` and ``metric``: ``mean, sd, n,
            half_width, lo, hi`` (95 % Student-t interval of the mean).
        jobs: The runs as planned (label, resolved config, replicate, seed, steps).
    """

    runs: pd.DataFrame
    stats: pd.DataFrame
    jobs: tuple[Job, ...]


# --------------------------------------------------------------------------
# Python API
# --------------------------------------------------------------------------
def plan(scenarios: Sequence[tuple[str, Mapping[str, Any]]], *, replicates: int, steps: int,
         seed: int, posterior: Any = None) -> list[Job]:
    """The jobs of a comparison, scenario by scenario, replicate by replicate.

    Each configuration is resolved first (defaults filled in, values checked),
    so the seeds depend on what is run, not on how it was spelled. With a
    ``posterior`` (:class:`simulation.posterior.Posterior`), replicate ``r``
    of every scenario takes the parameters drawn for ``(seed, r)`` on top of
    its configuration before its seed is derived: the scenarios are compared
    under the same draws, and the fit's uncertainty enters the intervals.

    Raises:
        ValueError: for no scenarios, an empty or repeated label, or counts
            out of range.
        ParameterError: for a configuration the model refuses.
    """
    _check_count("replicates", replicates, 1)
    _check_count("steps", steps, 1)
    _check_count("seed", seed, 0)
    if seed > MAX_KEY:
        raise ValueError(f"seed must be at most 2**64 - 1, got {seed}")
    if not scenarios:
        raise ValueError("no scenarios to compare")
    labels = [label for label, _ in scenarios]
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"a scenario label must be a non-empty string, got {label!r}")
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ValueError(f"scenario labels must be distinct; repeated: {', '.join(repeated)}")
    jobs = []
    for label, config in scenarios:
        resolved = parameters.resolve(config)
        for r in range(replicates):
            own = resolved if posterior is None else posterior.apply(resolved, seed, r)
            jobs.append(Job(label, own, r, derive_seed(seed, own, r), steps))
    return jobs


def _check_count(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")


def run_compare(scenarios: Sequence[tuple[str, Mapping[str, Any]]], *, replicates: int,
                steps: int, seed: int, workers: int = 1,
                progress: Progress | None = None) -> CompareResult:
    """Run each scenario ``replicates`` times and summarise with 95 % intervals.

    Safe to call from a thread (the web UI does): the runs go to worker
    processes when ``workers > 1``, and ``progress`` is called in the calling
    thread.

    Args:
        scenarios: ``(label, configuration)`` pairs; labels must be distinct.
            A configuration is what ``InfluenceModel(**config)`` takes (a
            scenario's ``config``, or :func:`simulation.parameters.defaults`).
        replicates: Runs per scenario (>= 1; with 1 there is no interval).
        steps: Weeks per run (>= 1).
        seed: Root seed (>= 0); every run's seed is derived from it.
        workers: Processes to run in (1: in this process).
        progress: Called as ``progress(done, total)`` after each run.

    Returns:
        The runs and their statistics; identical for any ``workers``.

    Raises:
        ValueError: for bad labels or counts.
        ParameterError: for a configuration the model refuses.
    """
    jobs = plan(scenarios, replicates=replicates, steps=steps, seed=seed)
    runs = run_jobs(jobs, workers=workers, progress=progress)
    stats = confidence(runs, KEYS, METRICS)
    return CompareResult(runs=runs, stats=stats, jobs=tuple(jobs))


# --------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------
def figure(stats: pd.DataFrame, metrics: Sequence[str] = HEADLINE,
           title: str | None = None) -> Figure:
    """Mean lines with 95 % bands, one panel per metric.

    One colour per scenario, one line style per company, so that the same
    company in two scenarios reads as the same kind of line in two colours.

    Args:
        stats: :attr:`CompareResult.stats` (or ``summary.parquet``).
        metrics: Metrics to draw, one panel each.
        title: Optional subtitle (replicates, seed).

    Returns:
        A Matplotlib Figure bound to an Agg canvas (no pyplot, no display).

    Raises:
        ValueError: for no metrics or a metric not in ``stats``.
    """
    metrics = list(metrics)
    if not metrics:
        raise ValueError("no metrics to draw")
    unknown = [m for m in metrics if m not in set(stats["metric"])]
    if unknown:
        raise ValueError(f"metrics not in the statistics: {unknown}")
    columns = 1 if len(metrics) == 1 else 2
    rows = math.ceil(len(metrics) / columns)
    fig = Figure(figsize=(6.2 * columns, 3.6 * rows + 0.9), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    scenarios = list(dict.fromkeys(stats["scenario"]))
    companies = list(dict.fromkeys(stats["company"]))
    colours = {s: f"C{i % 10}" for i, s in enumerate(scenarios)}
    styles = {c: _LINE_STYLES[i % len(_LINE_STYLES)] for i, c in enumerate(companies)}

    for ax, metric in zip(axes, metrics, strict=False):
        own = stats[stats["metric"] == metric]
        for (scenario, company), line in own.groupby(["scenario", "company"], sort=False):
            line = line.sort_values("step")
            steps = line["step"].to_numpy()
            ax.fill_between(steps, line["lo"].to_numpy(), line["hi"].to_numpy(),
                            color=colours[scenario], alpha=0.18, linewidth=0)
            ax.plot(steps, line["mean"].to_numpy(), color=colours[scenario],
                    linestyle=styles[company], linewidth=1.8)
        ax.set_title(_DISPLAY.get(metric, (metric.replace("_", " "),))[0])
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
        ax.set_xlim(stats["step"].min(), max(stats["step"].max(), 1))
    for ax in axes[len(metrics):]:
        ax.set_visible(False)

    handles = [Line2D([], [], color=colours[s], linewidth=2.5) for s in scenarios]
    handles += [Line2D([], [], color="#444444", linestyle=styles[c]) for c in companies]
    labels = [*scenarios, *companies]
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6),
               fontsize=8, frameon=False)
    fig.suptitle("Scenarios compared: mean and 95 % confidence band"
                 + (f" ({title})" if title else ""))
    return fig


def figure_png(stats: pd.DataFrame, metrics: Sequence[str] = HEADLINE,
               title: str | None = None) -> bytes:
    """Render :func:`figure` to PNG bytes without any timestamp or software tag."""
    buffer = io.BytesIO()
    figure(stats, metrics, title).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Printed table
# --------------------------------------------------------------------------
def default_checkpoints(steps: int) -> tuple[int, ...]:
    """The usual checkpoints (weeks 12, 52, 156) within the run, plus its last week."""
    return tuple(sorted({*(w for w in DEFAULT_CHECKPOINTS if w <= steps), steps}))


def _interval(row: Mapping[str, Any], pattern: str) -> str:
    def number(value: float) -> str:
        if value is None or math.isnan(value):
            return "-"
        text = pattern.format(value)
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0"

    return f"{number(row['mean'])} [{number(row['lo'])}, {number(row['hi'])}]"


def checkpoint_table(stats: pd.DataFrame, checkpoints: Sequence[int],
                     metrics: Sequence[str] = HEADLINE) -> str:
    """The headline metrics at the checkpoint weeks as ``mean [lo, hi]``, per scenario.

    Args:
        stats: :attr:`CompareResult.stats`.
        checkpoints: Weeks to show (each must be a step in ``stats``).
        metrics: Metrics to show, one column each.

    Returns:
        One block per scenario: a title line (the scenario and its number of
        replicates), then an aligned table with one row per company and week.
        An interval that cannot be estimated (one replicate) prints ``-``.
    """
    wanted = stats[stats["step"].isin(list(checkpoints)) & stats["metric"].isin(list(metrics))]
    cells = {(r["scenario"], r["company"], int(r["step"]), r["metric"]): r
             for r in wanted.to_dict(orient="records")}
    headers = ["company", "week", *(_DISPLAY.get(m, ("", m))[1] for m in metrics)]
    blocks = []
    for scenario in dict.fromkeys(stats["scenario"]):
        own = stats[stats["scenario"] == scenario]
        companies = list(dict.fromkeys(own["company"]))
        rows = []
        for company in companies:
            for week in sorted(checkpoints):
                row = [company, str(week)]
                for metric in metrics:
                    record = cells.get((scenario, company, int(week), metric))
                    pattern = _DISPLAY.get(metric, ("", "", "{:.4g}"))[2]
                    row.append("-" if record is None else _interval(record, pattern))
                rows.append(row)
        replicates = int(own.loc[own["metric"] == metrics[0], "n"].max()) if len(own) else 0
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

        def line(cells_: Sequence[str], widths: Sequence[int] = widths) -> str:
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells_, widths, strict=True))).rstrip()

        blocks.append("\n".join([f"{scenario} ({replicates} replicates)", line(headers),
                                 line(["-" * w for w in widths]), *map(line, rows)]))
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------
def _parquet(frame: pd.DataFrame) -> bytes:
    """Parquet bytes without the pandas index (its content alone decides the bytes)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow", compression="snappy")
    return buffer.getvalue()


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def compare_record(result: CompareResult, *, seed: int, checkpoints: Sequence[int],
                   sources: Sequence[Mapping[str, Any]],
                   posterior: Sequence[str] = ()) -> dict[str, Any]:
    """What was compared, to know it and run it again (``compare.json``).

    It holds no timestamp and no worker count, on purpose: neither changes
    the results, and leaving them out keeps the files byte-identical for the
    same command and seed.

    Args:
        result: The comparison.
        seed: Root seed.
        checkpoints: Weeks of the printed table.
        sources: Per scenario, in order: ``name``, ``ref`` (as given),
            ``source`` (file path or None), ``title``.
        posterior: Paths drawn from a posterior file: each run records its values.
    """
    from .output import jsonable, versions
    from .posterior import value_at

    jobs = result.jobs
    by_label: dict[str, Job] = {}
    for job in jobs:
        by_label.setdefault(job.label, job)
    scenarios = []
    for entry in sources:
        job = by_label[entry["name"]]
        scenarios.append({**entry, "config": job.config})
    return jsonable({
        "arguments": {
            "scenarios": [entry["ref"] for entry in sources],
            "replicates": max(job.replicate for job in jobs) + 1,
            "steps": jobs[0].steps,
            "seed": seed,
            "checkpoints": list(checkpoints),
        },
        "scenarios": scenarios,
        "runs": [{"scenario": j.label, "replicate": j.replicate, "seed": j.seed,
                  **({"drawn": {p: value_at(j.config, p) for p in posterior}}
                     if posterior else {})} for j in jobs],
        "files": list(COMPARE_FILES),
        "versions": versions(),
    })


def render_files(result: CompareResult, record: Mapping[str, Any],
                 title: str | None = None) -> dict[str, bytes]:
    """Every output file of a comparison, rendered in memory, in :data:`COMPARE_FILES` order."""
    text = json.dumps(record, indent=2, allow_nan=False) + "\n"
    return {
        "runs.parquet": _parquet(result.runs),
        "runs.csv": _csv(result.runs),
        "summary.parquet": _parquet(result.stats),
        "summary.csv": _csv(result.stats),
        "compare.png": figure_png(result.stats, HEADLINE, title),
        "compare.json": text.encode("utf-8"),
    }


# --------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------
def _parse_checkpoints(text: str | None, steps: int) -> tuple[int, ...]:
    if text is None:
        return default_checkpoints(steps)
    allowed = f"comma-separated weeks in [1, {steps}] (e.g. 12,52,156)"
    weeks = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece.isdigit() or not 1 <= int(piece) <= steps:
            raise _fail(f"--checkpoints: got {text!r}; allowed: {allowed}")
        weeks.append(int(piece))
    return tuple(sorted(set(weeks)))


@click.command(name="compare")
@click.argument("refs", metavar="NAME|FILE...", nargs=-1, required=True)
@click.option("--replicates", type=_Integer(1, limits.MAX_REPLICATES),
              default=DEFAULT_REPLICATES,
              show_default=True, help="Runs per scenario, each from its own derived seed.")
@click.option("--steps", type=_Integer(1, limits.MAX_STEPS), default=None,
              help="Weeks per run.  [default: the longest scenario's recommended weeks]")
@click.option("--seed", type=_Integer(0), default=DEFAULT_SEED, show_default=True,
              help="Root seed: every run's seed is derived from it, the scenario and the "
                   "replicate.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
              default=None, help="Folder for runs/summary (Parquet and CSV), compare.png "
                                 "and compare.json.")
@click.option("--workers", type=_Integer(1), default=1, show_default=True,
              help="Processes to run in; the results do not depend on it.")
@click.option("--checkpoints", default=None, metavar="WEEKS",
              help="Weeks of the printed table, e.g. 12,52,156.  [default: those of 12,52,156 "
                   "within the run, and its last week]")
@click.option("--posterior", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Draw fitted parameters per replicate from a posterior (posterior.csv of "
                   "`influence calibrate`): replicate r of every scenario gets the same draw.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no notes on stderr.")
def compare(refs: tuple[str, ...], replicates: int, steps: int | None, seed: int,
                    out: Path | None, workers: int, checkpoints: str | None,
                    posterior: Path | None, quiet: bool) -> None:
    """Compare scenarios over replicates: mean and 95 % confidence interval.

    Each NAME is a shipped scenario (see `influence scenarios list`) or the
    path of a scenario file. Everything is checked before the first run; the
    same command with the same seed writes identical files whatever --workers.
    """
    if seed > MAX_KEY:
        raise _fail(f"--seed: got {seed}; allowed: an integer in [0, 2**64 - 1]")
    loaded = [load_scenario(ref) for ref in refs]  # the first bad one ends it (exit 2)
    names = [scenario.name for scenario in loaded]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise _fail(f"NAME|FILE: got {repeated[0]!r} more than once; allowed: distinct "
                    "scenarios (a scenario is named by its file name)")
    if steps is None:
        steps = max(int(scenario.weeks) for scenario in loaded)
    weeks = _parse_checkpoints(checkpoints, steps)
    if out is not None:
        check_out_dir(out)
    fitted = None
    try:
        if posterior is not None:
            from .posterior import load as load_posterior

            fitted = load_posterior(posterior)
        jobs = plan([(s.name, s.config) for s in loaded], replicates=replicates, steps=steps,
                    seed=seed, posterior=fitted)
    except (ParameterError, parameters.InputFileError) as error:
        raise _fail(str(error)) from None
    biggest = max((s.config for s in loaded), key=needed_memory)
    check_memory(biggest, copies=min(workers, len(jobs)))
    if not quiet:
        for scenario in loaded:
            for note in horizon_notes(scenario.config, steps):
                click.echo(f"{scenario.name}: {note}", err=True)

    runs = run_jobs_shown(jobs, workers=workers, quiet=quiet)
    result = CompareResult(runs=runs, stats=confidence(runs, KEYS, METRICS), jobs=tuple(jobs))

    plural = "scenario" if len(loaded) == 1 else "scenarios"
    click.echo(f"{len(loaded)} {plural} x {replicates} replicates, {steps} weeks, seed {seed}; "
               "mean [95% confidence interval]")
    if fitted is not None:
        click.echo(f"each replicate draws {', '.join(fitted.paths)} from {posterior} "
                   f"({len(fitted.weights)} particles); replicate r of every scenario the same")
    click.echo()
    click.echo(checkpoint_table(result.stats, weeks))

    if out is not None:
        sources = [{"name": s.name, "ref": ref, "source": str(s.source) if s.source else None,
                    "title": s.title} for s, ref in zip(loaded, refs, strict=True)]
        record = compare_record(result, seed=seed, checkpoints=weeks, sources=sources,
                                posterior=fitted.paths if fitted is not None else ())
        if fitted is not None:
            record["arguments"]["posterior"] = str(posterior)
        title = f"{replicates} replicates per scenario, seed {seed}"
        write_outputs(out, render_files(result, record, title), quiet=quiet)
