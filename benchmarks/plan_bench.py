"""Benchmark of ``influence plan search`` (issue 13 item 2's done-when).

The shipped example (examples/plan: 20 influencers, 52 weeks) searched with
200 candidate plans x 8 replicates at 5,000 consumers on 2 local workers,
the study's parameter ranges drawn per replicate; prints the wall time and
the runs it took (4 baselines and the best plan's series included). The
target is 15 minutes on 2 cores.

    python benchmarks/plan_bench.py [--trials 200] [--replicates 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 15 * 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--replicates", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--consumers", type=int, default=5000)
    parser.add_argument("--out", default=None, help="keep the search folder here")
    args = parser.parse_args()
    temp = None
    if args.out is None:
        temp = tempfile.mkdtemp(prefix="plan-bench-")
        out = Path(temp) / "search"
    else:
        out = Path(args.out)
    command = [sys.executable, "-m", "simulation", "plan", "search", str(ROOT / "examples/plan"),
               "--out", str(out), "--trials", str(args.trials), "--replicates",
               str(args.replicates), "--consumers", str(args.consumers), "--workers",
               str(args.workers), "--quiet"]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the search and its workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(done.stdout, end="")
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    runs = (args.trials + 4 + 5) * args.replicates
    print(f"plan search: {args.trials} plans x {args.replicates} replicates at "
          f"{args.consumers:,} consumers, {args.workers} workers: {seconds:.1f} s wall "
          f"({seconds / 60:.1f} min; at most {runs:,} runs, {seconds * args.workers / runs:.3f} "
          f"core-s a run); target {TARGET_S / 60:.0f} min: "
          + ("met" if seconds <= TARGET_S else f"missed by {seconds - TARGET_S:.0f} s"))
    print(f"CPU time of the search and its workers: {cpu:.1f} s ({cpu / args.workers:.1f} s "
          f"on {args.workers} free cores; {os.cpu_count()} cores here, load average "
          f"{os.getloadavg()[0]:.1f}: a busy machine stretches the wall time)")
    if temp is not None:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
