"""Killing a sweep's main process takes its workers with it (issue 15, smaller defects)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SPEC = """
title = "slow"
scenario = "default"
seed = 1
replicates = 4
weeks = 400

[set]
consumers = 20000
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_kill_9_of_the_sweep_ends_its_workers(tmp_path) -> None:
    spec = tmp_path / "slow.toml"
    spec.write_text(SPEC)
    sweep = subprocess.Popen([sys.executable, "-m", "simulation", "sweep", str(spec), "--out",
                              str(tmp_path / "out"), "--workers", "2", "-q"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            # the spawn context starts a resource tracker too: workers are the children
            # that import the sweep (their command line names multiprocessing's spawn)
            workers = [c for c in _children(sweep.pid)
                       if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2, "the workers never started"
        time.sleep(1.0)  # each is inside a run now
        os.kill(sweep.pid, signal.SIGKILL)
        sweep.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "workers outlived the sweep"
    finally:
        if sweep.poll() is None:
            sweep.kill()
        for worker in workers:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
