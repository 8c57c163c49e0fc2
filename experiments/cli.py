"""``influence sweep``, ``influence results`` and ``influence analyze``.

Registered lazily in :data:`simulation.cli.LAZY_COMMANDS`, so ``influence
run`` never imports Dask or SALib. Bad input (a spec error, a folder holding
another sweep, conflicting options) is one ``error: ...`` line and exit
status 2, before any run starts.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from pathlib import Path

import click

from simulation import limits
from simulation.cli import _empty_out_given, _fail, _Integer, _isatty, check_memory


def _format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _format_bytes(size: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


class ProgressLine:
    """A progress line on stderr: runs finished, failures, rate and ETA.

    On a terminal it redraws one line; in a log it prints a line every 10 %.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = _isatty(sys.stderr)
        self.start = time.perf_counter()
        self.last_decile = -1

    def __call__(self, finished: int, failed: int, total: int) -> None:
        """Draw the state after ``finished`` of ``total`` runs, ``failed`` of them failed."""
        if self.quiet or total == 0:
            return
        elapsed = time.perf_counter() - self.start
        eta = elapsed / finished * (total - finished) if finished else float("nan")
        width = 30
        filled = int(width * finished / total)
        bar = "#" * filled + "-" * (width - filled)
        eta_text = _format_seconds(eta) if finished else "?"
        line = (f"[{bar}] {finished}/{total} runs, {failed} failed, "
                f"elapsed {_format_seconds(elapsed)}, ETA {eta_text}")
        if self.tty:
            click.echo("\r" + line, err=True, nl=finished == total)
            return
        decile = finished * 10 // total
        if decile != self.last_decile:
            self.last_decile = decile
            click.echo(line, err=True)


#: A Dask scheduler address: an optional protocol, a host name or IP address, a port.
_SCHEDULER_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r"(?::\d{1,5})?/?")


def check_executor(workers: int | None, scheduler: str | None, dask_local: int | None) -> None:
    """Refuse more than one of --workers, --scheduler and --dask-local, or a scheduler
    address that is not one, with the usual one line (``sweep``, ``calibrate``)."""
    chosen = [name for name, value in (("--workers", workers), ("--scheduler", scheduler),
                                       ("--dask-local", dask_local)) if value is not None]
    if len(chosen) > 1:
        raise _fail(f"{' and '.join(chosen)}: got both; allowed: one of --workers, "
                    "--scheduler ADDRESS or --dask-local N")
    if scheduler is not None and not _SCHEDULER_ADDRESS.fullmatch(scheduler.strip()):
        raise _fail(f"--scheduler: got {scheduler!r}; allowed: a Dask scheduler address, "
                    "[tcp|tls|ws|wss|ucx://]HOST[:PORT] such as tcp://10.0.0.5:8786")


@click.command()
@click.argument("spec_file", metavar="SPEC", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Sweep folder: manifest.json, runs/*.parquet, failed/*.json.")
@click.option("--workers", type=_Integer(1), default=None,
              help="Local worker processes  [default: the number of CPU cores].")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Send the runs to a Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--dask-local", type=_Integer(1), default=None, metavar="N",
              help="Start a Dask LocalCluster of N worker processes and use it.")
@click.option("--retry-failed", is_flag=True, help="Run again the runs recorded as failed.")
@click.option("--rerun-changed", is_flag=True,
              help="Resume a folder made under other code or another spec or configuration: "
                   "redo the runs that changed, keep the others.")
@click.option("--yes", "-y", is_flag=True,
              help="Start a plan larger than the spec's max_runs  [default max_runs: "
                   f"{limits.CONFIRM_RUNS}].")
@click.option("--quiet", "-q", is_flag=True, help="No progress line.")
def sweep(spec_file: Path, out: Path, workers: int | None, scheduler: str | None,
          dask_local: int | None, retry_failed: bool, rerun_changed: bool, yes: bool,
          quiet: bool) -> None:
    """Run every run of an experiment SPEC into --out, skipping runs already there.

    Interrupt it at any moment and run the same command again: finished
    runs are kept, the rest are run, and the folder ends as if never
    interrupted. A run file that is missing, truncated or not as written is
    run again. A folder made under other code, or by another spec, is refused
    unless --rerun-changed. A second sweep into a folder another sweep is
    writing is refused (a killed sweep's lock is taken over). A failing run is
    recorded (see `influence results`) and the sweep goes on; exit status 1
    when some runs failed.
    """
    from .executors import DaskExecutor, LocalPool, run_sweep
    from .spec import SpecError, load
    from .storage import Store, StoreError

    if _empty_out_given():
        raise _fail("--out: got ''; allowed: a folder path (not empty)")
    check_executor(workers, scheduler, dask_local)
    try:
        spec = load(spec_file)
    except SpecError as error:
        raise _fail(str(error)) from None
    planned = spec.planned_runs()
    processes = dask_local if dask_local is not None else (workers or os.cpu_count() or 1)
    seconds, size = spec.estimate(processes)
    plan = (f"{planned:,} runs, about {_format_seconds(seconds)} on {processes} process(es) "
            f"and {_format_bytes(size)} on disk")
    if planned > spec.max_runs and not yes:
        raise _fail(f"SPEC: got {str(spec_file)!r} planning {plan}; allowed: at most "
                    f"{spec.max_runs:,} runs unless --yes, or max_runs = {planned} in the spec, "
                    "says so")
    runs = spec.runs()
    if scheduler is None and runs:  # runs on this machine: its memory, cgroup and ulimit
        from simulation.memory import needed_memory

        check_memory(max((run.config for run in runs), key=needed_memory),
                     copies=min(processes, len(runs)))
    from .lock import LockedError, sweep_lock

    held = contextlib.ExitStack()
    try:
        held.enter_context(sweep_lock(out))
    except LockedError as error:
        raise _fail(f"--out: got {str(out)!r}; allowed: a folder no other sweep is writing "
                    f"(another sweep holds it: {error.holder}; wait for it to end or stop it, "
                    "then run this again to resume)") from None
    with held:
        store = Store(out)
        try:
            store.open_for(spec, runs, spec_text=spec_file.read_text(encoding="utf-8"),
                           rerun_changed=rerun_changed)
        except StoreError as error:
            raise _fail(str(error)) from None
        except OSError as error:
            raise _fail(f"--out: got {str(out)!r}; allowed: a folder that can be written "
                        f"({error.strerror or error})") from None

        if scheduler is not None:
            executor: LocalPool | DaskExecutor = DaskExecutor(address=scheduler)
        elif dask_local is not None:
            executor = DaskExecutor(local=dask_local)
        else:
            executor = LocalPool(workers or os.cpu_count() or 1)
        progress = ProgressLine(quiet)
        if not quiet:
            click.echo(f"{spec.title}: {len(spec.experiments)} experiment(s), plan: {plan}; "
                       f"on a {executor}", err=True)
        if isinstance(executor, DaskExecutor):
            try:
                with executor:
                    report = run_sweep(runs, store, executor, progress=progress,
                                       retry_failed=retry_failed)
            except OSError as error:
                raise _fail(f"--scheduler: got {scheduler!r}; allowed: a reachable Dask scheduler "
                            f"address ({error})") from None
        else:
            report = run_sweep(runs, store, executor, progress=progress, retry_failed=retry_failed)
        failed_total = len(store.failed())
        click.echo(f"{report.done} runs done now, {report.failed} failed, {report.skipped} already "
                   f"on disk; {len(store.done())}/{report.total} done in {out} "
                   f"({_format_seconds(report.seconds)})", err=quiet is False)
        if failed_total:
            click.echo(f"{failed_total} failed runs: see `influence results {out}`", err=True)
            sys.exit(1)


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--export", "export", type=click.Path(path_type=Path), default=None,
              help="Write every finished run into one file: .csv or .parquet.")
@click.option("--errors", is_flag=True, help="Print every failed run's error.")
def results(folder: Path, export: Path | None, errors: bool) -> None:
    """Status of a sweep folder (done, failed, missing) and export to one CSV or Parquet file.

    The run files can also be queried in place with DuckDB:
    SELECT * FROM read_parquet('DIR/runs/*.parquet', union_by_name = true).
    """
    from simulation.output import atomic_write_many

    from .storage import Store, StoreError, parquet_bytes

    store = Store(folder)
    try:
        manifest = store.manifest()
    except StoreError as error:
        raise _fail(str(error)) from None
    if export is not None and export.suffix not in (".csv", ".parquet"):
        raise _fail(f"--export: got {str(export)!r}; allowed: a file name ending in .csv or "
                    ".parquet")
    planned = manifest["runs"]
    done = store.done()
    failed = store.failed()
    missing = [r for r in planned if r["id"] not in done and r["id"] not in failed]
    click.echo(f"{manifest['title']}  ({folder})")
    click.echo(f"spec {manifest['spec_file']}, digest {manifest['digest'][:12]}, "
               f"code {manifest['code_version']}")
    experiments: dict[str, list[int]] = {}
    for entry in planned:
        counts = experiments.setdefault(entry["experiment"], [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += entry["id"] in done
        counts[2] += entry["id"] in failed
        counts[3] += entry["id"] not in done and entry["id"] not in failed
    width = max(len("experiment"), *(len(n) for n in experiments))
    click.echo(f"{'experiment'.ljust(width)}  {'runs':>6} {'done':>6} {'failed':>6} "
               f"{'missing':>7}")
    for name, (total, d, f, m) in experiments.items():
        click.echo(f"{name.ljust(width)}  {total:>6} {d:>6} {f:>6} {m:>7}")
    click.echo(f"{'total'.ljust(width)}  {len(planned):>6} {len(done):>6} {len(failed):>6} "
               f"{len(missing):>7}")
    corrupt = store.corrupt()
    if corrupt:
        click.echo(f"{len(corrupt)} run file(s) no longer as the sweep wrote them (missing, "
                   f"truncated or changed), e.g. {sorted(corrupt)[0]}: counted as missing; "
                   "resuming the sweep runs them again")
    shown = list(failed.items()) if errors else list(failed.items())[:5]
    for run_id, record in shown:
        click.echo(f"failed {run_id} (seed {record.get('seed')}): {record.get('error')}")
    if len(failed) > len(shown):
        click.echo(f"... {len(failed) - len(shown)} more (--errors lists them all)")
    if export is not None:
        table = store.table()
        if export.suffix == ".parquet":
            data = parquet_bytes(table)
        else:
            data = table.to_pandas().to_csv(index=False, lineterminator="\n").encode("utf-8")
        atomic_write_many(export.parent, {export.name: data})  # a folder it made goes on failure
        click.echo(f"wrote {export} ({table.num_rows} rows from {len(done)} runs)")


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="Markdown report to write  [default: DIR/report.md]; figures go to "
                   "a figures/ folder next to it.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the report's path.")
def analyze(folder: Path, report: Path | None, quiet: bool) -> None:
    """Statistics over replicates (95 % CI), sensitivity indices, figures and a report.

    Writes DIR/stats.csv (every point, company, kept week and metric: mean,
    sd, n, 95 % CI), DIR/sensitivity.csv for Morris and Sobol designs,
    DIR/hypotheses.csv when the spec states hypotheses, and the Markdown
    report with its figures.
    """
    from .analysis import analyze_folder
    from .storage import Store, StoreError

    try:
        store = Store(folder)
        store.manifest()
        if not store.done():
            raise _fail(f"DIR: got {str(folder)!r}, a sweep folder with no finished run; "
                        f"allowed: a folder with at least one (influence sweep SPEC --out "
                        f"{folder} runs them)")
        written = analyze_folder(folder, report)
    except StoreError as error:
        raise _fail(str(error)) from None
    if not quiet:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)
