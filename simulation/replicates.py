"""Run many seeded models, in one process or several, with the same result either way.

A :class:`Job` is everything one run needs: a label (the scenario it belongs
to), a configuration, a replicate number, the seed and the number of weeks.
:func:`run_job` runs it and returns the model's tidy frame tagged with the
label, replicate and seed; it is a module-level function of a frozen
dataclass, so it pickles into worker processes.

:func:`run_jobs` runs a list of jobs in the calling process (``workers=1``) or
in a pool of ``spawn``-ed processes (``import mesa`` forces ``spawn`` for the
whole process anyway, so the runner asks for it explicitly rather than rely on
a global). Each run depends only on its job (its seed is in it), and the
frames are put back in the order of the jobs, never in the order the workers
finish, so the concatenated result is the same whatever the number of workers.

:func:`confidence` turns the replicates into honest statistics: the mean, the
sample standard deviation, the number of replicates and a 95 % confidence
interval for the mean from Student's t distribution (replicates are few, so
the normal 1.96 would be too narrow).
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _stats

#: Columns :func:`run_job` puts before the model's own columns.
RUN_COLUMNS = ("scenario", "replicate", "seed")

#: Columns of :func:`confidence`'s result after the grouping keys and ``metric``.
STAT_COLUMNS = ("mean", "sd", "n", "half_width", "lo", "hi")

#: Confidence level of the intervals.
LEVEL = 0.95

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Job:
    """One run to do.

    Attributes:
        label: Name of the scenario (or sweep point) the run belongs to; it
            fills the ``scenario`` column of the result.
        config: Model configuration, as for ``InfluenceModel(**config)``.
        replicate: Repetition number within the label (0, 1, ...).
        seed: The run's seed (see :func:`simulation.seeds.derive_seed`).
        steps: Weeks to simulate.
    """

    label: str
    config: dict[str, Any] = field(repr=False)
    replicate: int
    seed: int
    steps: int


def run_job(job: Job) -> pd.DataFrame:
    """Run one job and return its tidy frame, tagged with scenario, replicate and seed.

    Module-level (not a closure or a method) so that a ``spawn``-ed worker can
    import it by name.

    Returns:
        ``model.timeseries()`` (one row per week 0..steps and company) with the
        columns ``scenario``, ``replicate`` and ``seed`` in front.
    """
    from .model import InfluenceModel

    model = InfluenceModel(rng=job.seed, **job.config)
    for _ in range(job.steps):
        model.step()
    frame = model.timeseries()
    tags = pd.DataFrame({"scenario": [job.label] * len(frame),
                         "replicate": np.full(len(frame), job.replicate, dtype=np.int64),
                         "seed": np.full(len(frame), job.seed, dtype=np.int64)})
    return pd.concat([tags, frame], axis=1)


class JobError(RuntimeError):
    """A run failed in a worker with an error that cannot travel back as itself.

    An exception whose class cannot be rebuilt from its pickle would otherwise
    break the whole process pool and hide the cause behind ``BrokenProcessPool``;
    this one carries the job and the original error's type and message instead.
    """


def _run_job_in_worker(job: Job) -> pd.DataFrame:
    """:func:`run_job` for a pool: an error that cannot be pickled becomes a :class:`JobError`."""
    try:
        return run_job(job)
    except Exception as error:
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:
            raise JobError(f"{job.label} replicate {job.replicate} (seed {job.seed}): "
                           f"{type(error).__name__}: {error}") from None
        raise


def run_jobs(jobs: Sequence[Job], workers: int = 1,
             progress: Progress | None = None) -> pd.DataFrame:
    """Run every job and concatenate their frames in job order.

    Args:
        jobs: The runs, in the order their rows should appear.
        workers: 1 runs them here, one after the other; more runs them in that
            many ``spawn``-ed processes (never more processes than jobs).
        progress: Called as ``progress(done, total)`` after each finished job,
            always from the calling thread.

    Returns:
        One frame: every job's :func:`run_job` frame, in the order of ``jobs``,
        with a fresh 0..n-1 index. Identical for any ``workers``.

    Raises:
        ValueError: for ``workers < 1`` or no jobs.
        Exception: the first error a run raised (a :class:`JobError` naming
            the job when that error cannot be pickled back from a worker);
            the runs not yet started are cancelled.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    if not jobs:
        raise ValueError("no jobs to run")
    total = len(jobs)
    frames: list[pd.DataFrame | None] = [None] * total
    if min(workers, total) == 1:  # one process is enough: skip the pool's start-up
        for index, job in enumerate(jobs):
            frames[index] = run_job(job)
            if progress is not None:
                progress(index + 1, total)
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context) as pool:
            try:
                pending = {pool.submit(_run_job_in_worker, job): index
                           for index, job in enumerate(jobs)}
                done_count = 0
                while pending:
                    done, _ = wait(pending, return_when=FIRST_EXCEPTION)
                    for future in done:
                        index = pending.pop(future)
                        frames[index] = future.result()  # re-raises a worker's error
                        done_count += 1
                        if progress is not None:
                            progress(done_count, total)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    return pd.concat(frames, ignore_index=True)


def confidence(frame: pd.DataFrame, by: Sequence[str], metrics: Sequence[str],
               level: float = LEVEL) -> pd.DataFrame:
    """Mean and Student-t confidence interval of each metric per group of replicates.

    Each row of ``frame`` is one replicate's value (e.g. one run's trust at one
    week); rows sharing the ``by`` keys are the replicates of one estimate.
    Missing values (NaN) are left out of that group's ``n``.

    Args:
        frame: Tidy frame, e.g. :func:`run_jobs`'s result.
        by: Grouping columns, e.g. ``["scenario", "company", "step"]``.
        metrics: Numeric columns to summarise.
        level: Confidence level (0.95 for a 95 % interval).

    Returns:
        A long frame: the ``by`` columns, ``metric``, then ``mean``, ``sd``
        (sample standard deviation, ddof = 1), ``n`` (non-missing replicates),
        ``half_width`` (``t(level, n - 1) * sd / sqrt(n)``), ``lo`` and ``hi``
        (``mean -+ half_width``). With ``n = 1`` there is no spread to
        estimate: ``sd``, ``half_width``, ``lo`` and ``hi`` are NaN, not zero.
        Rows follow the groups' first appearance in ``frame``, then the order
        of ``metrics``.

    Raises:
        KeyError: for a column not in ``frame``.
        ValueError: for a level outside (0, 1) or a metric that is also a key.
    """
    by, metrics = list(by), list(metrics)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    if set(by) & set(metrics):
        raise ValueError("a column cannot be both a grouping key and a metric")
    missing = [c for c in (*by, *metrics) if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the frame: {missing}")
    columns = {name: frame[name] for name in by}
    columns["_group"] = frame.groupby(by, sort=False, dropna=False).ngroup()
    columns.update({name: frame[name].astype(np.float64) for name in metrics})
    long = pd.DataFrame(columns).melt(id_vars=[*by, "_group"], value_vars=metrics,
                                      var_name="metric", value_name="value")
    grouped = long.groupby(["_group", *by, "metric"], sort=False, dropna=False)["value"]
    table = grouped.agg(["mean", "std", "count"]).reset_index()
    table = table.rename(columns={"std": "sd", "count": "n"})
    table["n"] = table["n"].astype(np.int64)
    table["_metric"] = table["metric"].map({m: i for i, m in enumerate(metrics)})
    table = table.sort_values(["_group", "_metric"], kind="stable")

    n = table["n"].to_numpy()
    sd = table["sd"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = np.where(n > 1, _stats.t.ppf(0.5 + level / 2.0, np.maximum(n - 1, 1)),
                            np.nan)
        half = np.where(n > 1, quantile * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    table["sd"] = np.where(n > 1, sd, np.nan)
    table["half_width"] = half
    table["lo"] = table["mean"] - half
    table["hi"] = table["mean"] + half
    return table[[*by, "metric", *STAT_COLUMNS]].reset_index(drop=True)


def interval(values: Sequence[float], level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and Student-t interval of independent values (one per seed), NaN left out.

    Returns ``(mean, low, high)``; the bounds are NaN with fewer than two values
    (no spread to estimate), and everything is NaN with none.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    half = float(_stats.t.ppf(0.5 + level / 2.0, x.size - 1) * x.std(ddof=1)
                 / np.sqrt(x.size))
    return mean, mean - half, mean + half


def map_in_processes(function: Callable[[Any], Any], items: Sequence[Any], *,
                     workers: int, progress: Callable[[int], None] | None = None) -> list[Any]:
    """``[function(item) for item in items]``, here or in ``workers`` spawned processes.

    The results come back in the order of ``items`` whatever the workers, so a
    check that runs seeds through it does not depend on how many processes ran
    them. ``function`` must be importable by name (module level) for a
    ``spawn``-ed worker; ``progress(done)`` is called from this thread.
    """
    if min(workers, len(items)) <= 1:
        results = []
        for done, item in enumerate(items, start=1):
            results.append(function(item))
            if progress is not None:
                progress(done)
        return results
    out: list[Any] = [None] * len(items)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context) as pool:
        futures = {pool.submit(function, item): index for index, item in enumerate(items)}
        done = 0
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                out[futures[future]] = future.result()
                done += 1
                if progress is not None:
                    progress(done)
    return out

