"""Run a sweep's runs: here, in a local process pool (default) or on Dask distributed.

:func:`execute` runs one :class:`~experiments.spec.Run` and returns an
:class:`Outcome`: the run's table as Parquet bytes, or the error it raised
(as text, with its traceback), so one bad run never stops the others. It is a
module-level function of picklable data, so it travels to ``spawn``-ed
processes and to Dask workers alike. The bytes are made where the run ran
and written by the calling process (:class:`~experiments.storage.Store`), so
Dask workers need no shared file system.

Executors differ only in where the runs go:

* :class:`LocalPool`: ``spawn``-ed processes (``import mesa`` forces spawn
  anyway). A pool whose worker dies (killed, out of memory) breaks as a
  whole; the pool is started again and the unfinished runs resubmitted, up to
  :data:`MAX_ATTEMPTS` times each, after which the run is recorded as failed.
* :class:`DaskExecutor`: a scheduler address or a fresh
  ``LocalCluster`` of N single-threaded worker processes. Runs are submitted
  with ``pure=False`` and a key per run; the scheduler retries the runs of a
  worker that dies (``distributed.scheduler.allowed-failures``) and reports
  ``KilledWorker`` after that, which is recorded as a failure.

The result never depends on the executor: each run's seed is in the run.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .spec import SUMMARY_METRICS
from .storage import RunFileError, Store, parquet_bytes

if TYPE_CHECKING:
    from .spec import Run

#: Times a run is started before a worker that keeps dying under it counts as its failure.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    """What became of one run.

    Attributes:
        run_id: The run.
        data: Its table as Parquet bytes; None when it failed.
        error: ``Type: message`` of the error it raised; None when it finished.
        trace: The traceback text of that error.
        seconds: Wall time of the run in its worker.
    """

    run_id: str
    data: bytes | None
    error: str | None = None
    trace: str | None = None
    seconds: float = 0.0


RunFunction = Callable[["Run"], Outcome]
Progress = Callable[[int, int, int], None]


# --------------------------------------------------------------------------
# One run
# --------------------------------------------------------------------------
def execute(run: Run) -> Outcome:
    """Run one model and return its kept rows as Parquet bytes, or its error."""
    start = time.perf_counter()
    try:
        from simulation.model import InfluenceModel

        model = InfluenceModel(rng=run.seed, **run.config)
        for _ in range(run.weeks):
            model.step()
        data = parquet_bytes(run_table(run, model))
    except Exception as error:  # recorded, and the sweep goes on
        return Outcome(run.run_id, None, f"{type(error).__name__}: {error}",
                       traceback.format_exc(), time.perf_counter() - start)
    return Outcome(run.run_id, data, seconds=time.perf_counter() - start)


def run_table(run: Run, model: Any) -> pa.Table:
    """The rows a run keeps: identification, the varied values, the kept weeks and metrics.

    Rows are the weeks ``0, every, 2 every, ...`` (none when ``every`` is 0)
    and always the final week, one per company. ``final`` marks the final
    week's rows; when ``run.end`` is true they also carry the run-level
    summaries (:data:`~experiments.spec.SUMMARY_METRICS`), NaN on other rows.
    """

    frame = model.timeseries()
    steps = frame["step"].to_numpy()
    keep = steps == run.weeks
    if run.every:
        keep |= steps % run.every == 0
    kept = frame[keep].reset_index(drop=True)
    n = len(kept)
    columns: dict[str, Any] = {
        "experiment": pa.array([run.experiment] * n, pa.string()),
        "point": pa.array(np.full(n, run.point), pa.int64()),
        "sample": pa.array(np.full(n, run.sample), pa.int64()),
        "replicate": pa.array(np.full(n, run.replicate), pa.int64()),
        "seed": pa.array(np.full(n, run.seed), pa.int64()),
    }
    for name, value in run.values.items():
        columns[name] = pa.array([value] * n)
    final = kept["step"].to_numpy() == run.weeks
    columns["step"] = pa.array(kept["step"].to_numpy(np.int64), pa.int64())
    for name in ("company", "structure", "strategy"):
        columns[name] = pa.array(kept[name].astype(str).tolist(), pa.string())
    columns["final"] = pa.array(final, pa.bool_())
    for name in run.metrics:
        columns[name] = pa.array(kept[name].to_numpy(np.float64), pa.float64())
    if run.end:
        per_company = _summaries(model, frame)
        for name in SUMMARY_METRICS:
            values = [per_company[c][name] if f else math.nan
                      for c, f in zip(kept["company"], final, strict=True)]
            columns[name] = pa.array(np.asarray(values, np.float64), pa.float64())
    return pa.table(columns)


def changes_correlation(own: Any, x: str, y: str) -> float:
    """Spearman rho between the week-on-week changes of two of a company's weekly series.

    Two series that both rise over a run correlate in level whatever links
    them; their changes from one week to the next correlate only if one moves
    with the other. Weeks 1 to the end (week 0 is the starting state); NaN
    where a series of changes is constant.
    """
    from simulation.metrics import spearman

    rows = own[own["step"] > 0].sort_values("step")
    return spearman(np.diff(rows[x].to_numpy(dtype=float)),
                    np.diff(rows[y].to_numpy(dtype=float)))


def _summaries(model: Any, frame: Any) -> dict[str, dict[str, float]]:
    """Run-level summaries per company: totals, vanity against value, crisis recovery.

    The rank correlations are those of :func:`simulation.metrics.vanity_against_value`
    and :func:`changes_correlation`, computed here on each company's weekly series
    taken out of the frame once (a sweep makes these for every run).
    """
    from simulation import metrics

    out = {}
    for company in model.companies:
        own = frame[frame["company"] == company.name]
        weeks = own[own["step"] > 0].sort_values("step")
        series = {name: weeks[name].to_numpy(dtype=float)
                  for name in ("likes", "impressions", "trust_mean", "sales")}
        alive = company.alive()
        share = (float(np.mean([inf.deal == "billboard" for inf in alive])) if alive
                 else float(company.strategy == "billboard"))
        changes = {name: np.diff(values) for name, values in series.items()}
        row = {"billboard_share": share,
               "cum_impressions": float(own["impressions"].sum()),
               "cum_likes": float(own["likes"].sum()),
               "cum_sales": float(own["sales"].sum()),
               "cum_spend": float(own["spend"].sum()),
               "likes_vs_trust": metrics.spearman(series["likes"], series["trust_mean"]),
               "likes_vs_sales": metrics.spearman(series["likes"], series["sales"]),
               "impressions_vs_trust": metrics.spearman(series["impressions"],
                                                        series["trust_mean"]),
               "likes_vs_trust_changes": metrics.spearman(changes["likes"],
                                                          changes["trust_mean"]),
               "likes_vs_sales_changes": metrics.spearman(changes["likes"], changes["sales"]),
               "crisis_depth": math.nan, "weeks_to_recover": math.nan}
        if company.crises:
            recovery = metrics.crisis_recovery(frame, company.name, company.crises[0])
            row["crisis_depth"] = recovery["depth"]
            row["weeks_to_recover"] = recovery["weeks_to_recover"]
        out[company.name] = row
    return out


# --------------------------------------------------------------------------
# Executors
# --------------------------------------------------------------------------
def _failed(run: Run, error: BaseException) -> Outcome:
    """The outcome of a run whose function raised (the worker's traceback included)."""
    return Outcome(run.run_id, None, f"{type(error).__name__}: {error}",
                   "".join(traceback.format_exception(error)))


class LocalPool:
    """A pool of ``workers`` spawned processes (1: run in this process)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __str__(self) -> str:
        return f"local pool of {self.workers} process{'es' if self.workers > 1 else ''}"

    def map(self, function: RunFunction, runs: Sequence[Run]) -> Iterator[Outcome]:
        """Yield each run's outcome as it finishes (order not guaranteed)."""
        if self.workers == 1:
            for run in runs:
                try:
                    outcome = function(run)
                except Exception as error:  # a run function that raises instead of reporting
                    outcome = _failed(run, error)
                yield outcome
            return
        attempts = {run.run_id: 0 for run in runs}
        queue = list(reversed(runs))  # a stack: the next run is at the end
        context = multiprocessing.get_context("spawn")
        while queue:
            pool = ProcessPoolExecutor(max_workers=min(self.workers, len(queue)),
                                       mp_context=context, initializer=die_with_parent,
                                       initargs=(os.getpid(),))
            pending: dict[Future[Outcome], Run] = {}
            broken = False
            try:
                while (queue and not broken) or pending:
                    while queue and not broken and len(pending) < 2 * self.workers:
                        run = queue.pop()
                        attempts[run.run_id] += 1
                        pending[pool.submit(function, run)] = run
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        run = pending.pop(future)
                        try:
                            outcome = future.result()
                        except BrokenProcessPool:  # a worker died: start a new pool
                            broken = True
                            if attempts[run.run_id] >= MAX_ATTEMPTS:
                                yield Outcome(run.run_id, None,
                                              f"WorkerDied: a worker process died "
                                              f"{MAX_ATTEMPTS} times during this run")
                            else:
                                queue.append(run)
                            continue
                        except Exception as error:
                            outcome = _failed(run, error)
                        yield outcome
            finally:
                pool.shutdown(wait=True, cancel_futures=True)


def die_with_parent(parent: int) -> None:
    """In a worker: be killed when the sweep that started it dies (Linux; elsewhere a no-op).

    Without it a ``kill -9`` of the sweep leaves its workers computing runs
    nobody will record, for as long as a run takes.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the sweep died before the call: go now
        os._exit(1)


class DaskExecutor:
    """Runs on Dask distributed: at a scheduler ``address``, or a LocalCluster of ``local``."""

    def __init__(self, address: str | None = None, local: int | None = None) -> None:
        if (address is None) == (local is None):
            raise ValueError("give exactly one of a scheduler address or a local worker count")
        self.address = address
        self.local = local
        self._client: Any = None
        self._cluster: Any = None

    def __str__(self) -> str:
        if self.address is not None:
            return f"Dask scheduler at {self.address}"
        return f"Dask LocalCluster of {self.local} worker process" + ("es" if self.local != 1
                                                                     else "")

    def __enter__(self) -> DaskExecutor:
        from dask.distributed import Client, LocalCluster

        if self.address is not None:
            self._client = Client(self.address, timeout="30s")
        else:
            self._cluster = LocalCluster(n_workers=self.local, threads_per_worker=1,
                                         processes=True, host="127.0.0.1",
                                         dashboard_address=None, silence_logs=40)
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    @property
    def client(self) -> Any:
        """The Dask client (inside ``with``)."""
        return self._client

    def map(self, function: RunFunction, runs: Sequence[Run]) -> Iterator[Outcome]:
        """Submit every run and yield outcomes as they finish."""
        from dask.distributed import as_completed

        token = os.urandom(4).hex()
        futures = [self._client.submit(function, run, pure=False,
                                       key=f"influence-run-{run.run_id}-{token}")
                   for run in runs]
        by_key = {f.key: run for f, run in zip(futures, runs, strict=True)}
        for future in as_completed(futures):
            run = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as error:  # KilledWorker: the run's workers kept dying
                outcome = _failed(run, error)
            future.release()
            yield outcome


# --------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------
@dataclass
class SweepReport:
    """Counts of one sweep invocation."""

    total: int
    skipped: int
    done: int
    failed: int
    seconds: float
    run_seconds: float


def run_sweep(runs: Sequence[Run], store: Store, executor: LocalPool | DaskExecutor, *,
              function: RunFunction = execute, progress: Progress | None = None,
              retry_failed: bool = False) -> SweepReport:
    """Run every run not done yet and store each outcome as it arrives.

    A run is done when its file is on disk as the sweep wrote it (see
    :mod:`experiments.storage`): a missing, truncated or changed file is run
    again. Bytes that are not the run's file are recorded as its failure.

    Args:
        runs: The plan (:meth:`~experiments.spec.Spec.runs`).
        store: The sweep's folder, already opened for this spec.
        executor: Where runs go (a :class:`DaskExecutor` must be entered).
        function: What runs one run (:func:`execute`; tests inject faults here).
        progress: ``progress(finished, failed, to_do)`` after each outcome.
        retry_failed: Run again the runs recorded as failed (default: keep their record).

    Returns:
        Counts and times.
    """
    start = time.perf_counter()
    finished = store.done()
    if not retry_failed:
        finished |= set(store.failed())
    todo = [run for run in runs if run.run_id not in finished]
    by_id = {run.run_id: run for run in todo}
    done = failed = 0
    run_seconds = 0.0
    if progress is not None:
        progress(0, 0, len(todo))
    try:
        for outcome in executor.map(function, todo) if todo else ():
            run_seconds += outcome.seconds
            run = by_id[outcome.run_id]
            error, trace = outcome.error, outcome.trace
            if outcome.data is not None:
                try:
                    store.write_run(run, outcome.data)
                except RunFileError as problem:  # checked before it counts: recorded, redone
                    error, trace = f"RunFileError: {problem}", None
                else:
                    done += 1
            if error is not None or outcome.data is None:
                store.write_failure(outcome.run_id, {
                    "id": run.run_id, "experiment": run.experiment, "point": run.point,
                    "replicate": run.replicate, "seed": run.seed, "values": run.values,
                    "error": error, "traceback": trace})
                failed += 1
            if progress is not None:
                progress(done + failed, failed, len(todo))
    finally:
        store.close()
    return SweepReport(total=len(runs), skipped=len(runs) - len(todo), done=done, failed=failed,
                       seconds=time.perf_counter() - start, run_seconds=run_seconds)

