"""How fast sweeps run: runs per minute on 2 workers, local pool and Dask, and the overhead.

Usage::

    python benchmarks/sweep_bench.py                    # 16 runs of the default world
    python benchmarks/sweep_bench.py --runs 8 --weeks 52 --consumers 500   # a quick look
    python benchmarks/sweep_bench.py --json sweep.json  # also write the figures

The same runs (the default world, ``--weeks`` weeks, ``--runs`` replicates of
one point, seeds derived as in any sweep) go three ways:

* one process: every run in this process, one after the other, through the
  sweep machinery (``LocalPool(1)``: Parquet bytes, atomic files);
* a local pool of ``--workers`` spawned processes (the default of
  ``influence sweep``);
* a Dask LocalCluster of ``--workers`` single-threaded worker processes
  (started before timing, as a cluster would be).

Overhead per run = (wall x workers / runs) / (one process's wall / runs) - 1:
what a run costs in worker time beyond the same run in one process. It
counts everything a user waits for after the command starts (the pool's
process start-up, imports in the workers, transfers, writing the files), so
it shrinks as sweeps grow; the steady-state column leaves start-up out (the
runs' own time in the workers against the same in one process). Target: under
5 % at the default world size. On a shared machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPEC = """
title = "sweep benchmark"
scenario = "default"
seed = 1
replicates = {runs}
weeks = {weeks}
[set]
consumers = {consumers}
[outputs]
every = 4
"""


def timed_sweep(spec_path: Path, folder: Path, executor) -> tuple[float, float]:
    """Wall seconds of one sweep and the runs' own seconds summed over workers."""
    from experiments.executors import run_sweep
    from experiments.spec import load
    from experiments.storage import Store

    spec = load(spec_path)
    runs = spec.runs()
    store = Store(folder)
    store.open_for(spec, runs, spec_text="")
    start = time.perf_counter()
    report = run_sweep(runs, store, executor)
    wall = time.perf_counter() - start
    assert report.done == len(runs), f"{report.failed} runs failed"
    return wall, report.run_seconds


def bare_run(job: tuple[dict, int, int]) -> float:
    """One model run and nothing else: no Parquet, no files, no sweep bookkeeping."""
    from simulation.model import InfluenceModel

    config, seed, weeks = job
    model = InfluenceModel(rng=seed, **config)
    for _ in range(weeks):
        model.step()
    return float(model.companies[0].metrics["trust_mean"])


def timed_bare_pool(spec_path: Path, workers: int) -> float:
    """Wall seconds of the same runs in a plain spawn pool: the machine's own parallel speed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from experiments.spec import load

    jobs = [(run.config, run.seed, run.weeks) for run in load(spec_path).runs()]
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(bare_run, jobs))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--consumers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from experiments.executors import DaskExecutor, LocalPool

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = folder / "bench.toml"
        spec.write_text(SPEC.format(runs=args.runs, weeks=args.weeks, consumers=args.consumers))
        # Warm up this process (imports, first model) so one-process timing is fair.
        timed_sweep(spec, folder / "warm", LocalPool(1))
        serial, serial_runs = timed_sweep(spec, folder / "serial", LocalPool(1))
        bare = timed_bare_pool(spec, args.workers)
        pool, pool_runs = timed_sweep(spec, folder / "pool", LocalPool(args.workers))
        with DaskExecutor(local=args.workers) as dask:
            dask.client.wait_for_workers(args.workers)
            dask_wall, dask_runs = timed_sweep(spec, folder / "dask", dask)

    per_run = serial / args.runs
    rows = [("one process", 1, serial, serial_runs), (f"local pool x{args.workers}",
             args.workers, pool, pool_runs), (f"Dask LocalCluster x{args.workers}",
                                              args.workers, dask_wall, dask_runs)]
    print(f"{args.runs} runs of {args.consumers:,} consumers x {args.weeks} weeks; "
          f"{os.cpu_count()} CPU cores")
    print(f"plain spawn pool x{args.workers} (the same runs, no sweep machinery): "
          f"{bare:.1f} s, {args.runs / bare * 60.0:.1f} runs/min")
    print(f"{'executor':<24}{'wall s':>8}{'runs/min':>10}{'vs 1 proc':>10}{'vs plain':>10}"
          f"{'outside':>9}")
    figures: dict[str, float] = {"serial_seconds_per_run": per_run,
                                 "plain_pool_seconds": bare}
    for name, workers, wall, run_seconds in rows:
        rate = args.runs / wall * 60.0
        against_serial = (wall * workers / args.runs) / per_run - 1.0
        against_plain = wall / bare - 1.0 if workers > 1 else float("nan")
        outside = (wall * workers - run_seconds) / run_seconds
        print(f"{name:<24}{wall:>8.1f}{rate:>10.1f}{against_serial:>9.1%}"
              f"{against_plain:>10.1%}{outside:>9.1%}")
        key = name.split()[0].lower()
        figures[f"{key}_runs_per_minute"] = rate
        figures[f"{key}_overhead_vs_one_process"] = against_serial
        figures[f"{key}_overhead_vs_plain_pool"] = against_plain
        figures[f"{key}_time_outside_runs"] = outside
    print("vs 1 proc: worker time per run against one process, start-up included; it also "
          "counts how much two runs at once slow each other on this machine.\n"
          "vs plain: wall time against a plain spawn pool running the same runs: the cost of "
          "the sweep machinery itself (target < 5 %).\n"
          "outside: worker time not spent inside the runs (start-up, Parquet, transfers, "
          "idle), against the runs' own time.")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
