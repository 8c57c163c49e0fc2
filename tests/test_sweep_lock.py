"""Two sweeps into one folder (issue 15, item 6): the second is refused; a lock
left by a killed sweep does not stay stuck, and the resumed sweep gives the same data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from experiments.lock import LOCK_NAME, LockedError, sweep_lock
from simulation.cli import cli

SPEC = """
title = "locked"
scenario = "default"
seed = 5
replicates = 2
weeks = 3

[set]
consumers = 120

[[parameters]]
path = "companies[1].transparency"
values = [0.3, 0.7]

[outputs]
every = 1
metrics = ["trust_mean", "sales"]
"""


def sweep(spec: Path, out: Path):
    return CliRunner().invoke(cli, ["sweep", str(spec), "--out", str(out), "--workers", "1",
                                    "-q"], prog_name="influence")


def runs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "runs").glob("*.parquet"))}


def test_a_second_sweep_into_a_held_folder_is_refused(tmp_path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    with sweep_lock(out):
        result = sweep(spec, out)
        assert result.exit_code == 2, result.output
        line = result.stderr.strip()
        assert line.count("\n") == 0 and line.startswith("error: --out: got ")
        assert f"pid {os.getpid()}" in line and "no other sweep" in line
        assert not (out / "manifest.json").exists(), "the refused sweep wrote nothing"
    done = sweep(spec, out)
    assert done.exit_code == 0, done.output
    assert len(runs(out)) == 4
    assert not (out / LOCK_NAME).exists(), "the lock goes with the sweep"


def test_the_lock_is_exclusive_between_holders(tmp_path) -> None:
    with sweep_lock(tmp_path / "f"):
        try:
            with sweep_lock(tmp_path / "f"):
                raise AssertionError("two holders")
        except LockedError as error:
            assert str(os.getpid()) in error.holder


HOLD = """
import sys, time
from experiments.lock import sweep_lock
with sweep_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_killed_sweeps_lock_is_taken_over_and_the_resume_gives_the_same_data(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    fresh = tmp_path / "fresh"
    assert sweep(spec, fresh).exit_code == 0

    out = tmp_path / "out"
    first = sweep(spec, out)
    assert first.exit_code == 0
    victim = sorted((out / "runs").glob("*.parquet"))[0]
    victim.unlink()  # as if killed before this run was written
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE,
                              cwd=Path(__file__).resolve().parents[1], text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert sweep(spec, out).exit_code == 2, "held by a live process"
        os.kill(holder.pid, signal.SIGKILL)  # kill -9: no cleanup runs
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert (out / LOCK_NAME).exists(), "a killed holder leaves its file behind"
    start = time.perf_counter()
    resumed = sweep(spec, out)
    assert resumed.exit_code == 0, resumed.output
    assert time.perf_counter() - start < 60
    assert runs(out) == runs(fresh)
    assert not (out / LOCK_NAME).exists()


def test_a_sweep_refused_for_another_reason_leaves_no_folder(tmp_path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    other = tmp_path / "other.toml"
    other.write_text(SPEC.replace("seed = 5", "seed = 6"))
    assert sweep(spec, out).exit_code == 0
    refused = sweep(other, out)  # another spec's folder
    assert refused.exit_code == 2
    assert not (out / LOCK_NAME).exists()
    fresh = tmp_path / "fresh" / "deeper"
    with sweep_lock(fresh):
        pass
    assert not fresh.exists() or not any(fresh.iterdir())
