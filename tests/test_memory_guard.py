"""The memory guard: every command that builds worlds, every bound that applies.

Free machine memory, a cgroup's limit and the process's ulimit each refuse a
world that would not fit under them, with one line and exit status 2, before
anything is built or written.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulation import memory, parameters
from simulation.cli import cli

BIG = ["--set", "consumers=100000"]  # about 0.1 GB by the estimate


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# ------------------------------------------------------------------ reading the bounds
def fake_cgroup_v2(tmp_path: Path, limits: dict[str, tuple[str, int, int]]) -> tuple[Path, Path]:
    """A cgroup v2 tree: folder -> (memory.max, memory.current, inactive_file)."""
    root = tmp_path / "cgroup"
    for folder, (limit, current, inactive) in limits.items():
        here = root / folder if folder else root
        here.mkdir(parents=True, exist_ok=True)
        (here / "memory.max").write_text(f"{limit}\n")
        (here / "memory.current").write_text(f"{current}\n")
        (here / "memory.stat").write_text(f"anon 1\ninactive_file {inactive}\nactive_file 2\n")
    proc = tmp_path / "proc-cgroup"
    proc.write_text("0::/user.slice/session.scope\n")
    return root, proc


def test_cgroup_v2_headroom_is_the_tightest_group_on_the_way_up(tmp_path: Path) -> None:
    root, proc = fake_cgroup_v2(tmp_path, {
        "": ("max", 10**10, 0),
        "user.slice": ("3000000000", 2_000_000_000, 500_000_000),   # 1.5 GB left
        "user.slice/session.scope": ("max", 10**9, 0),
    })
    assert memory.cgroup_headroom(root, proc) == 1_500_000_000
    root, proc = fake_cgroup_v2(tmp_path / "open", {"": ("max", 1, 0),
                                                    "user.slice/session.scope": ("max", 1, 0)})
    assert memory.cgroup_headroom(root, proc) is None


def test_cgroup_v1_headroom(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    group = root / "memory" / "docker" / "abc"
    group.mkdir(parents=True)
    (group / "memory.limit_in_bytes").write_text("2000000000\n")
    (group / "memory.usage_in_bytes").write_text("1200000000\n")
    (group / "memory.stat").write_text("total_inactive_file 200000000\n")
    proc = tmp_path / "proc-cgroup"
    proc.write_text("12:pids:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/x\n")
    assert memory.cgroup_headroom(root, proc) == 1_000_000_000
    (group / "memory.limit_in_bytes").write_text(f"{2**63 - 4096}\n")  # v1's "no limit"
    assert memory.cgroup_headroom(root, proc) is None
    assert memory.cgroup_headroom(root, tmp_path / "absent") is None


def test_a_process_limit_binds_each_worker_alone_free_memory_all_of_them() -> None:
    config = parameters.resolve({"consumers": 2000})
    need = memory.needed_memory(config)
    roomy = int(need * 1.5 / memory.MEMORY_SHARE)  # one world fits, two do not
    assert memory.memory_shortfall(config, 4, process=roomy, read_limits=False) is None
    for bound in ("free", "cgroup"):
        found = memory.memory_shortfall(config, 4, **{bound: roomy}, read_limits=False)
        assert found is not None and found.free == roomy
        assert found.need == 4 * (need + memory.BYTES_PER_PROCESS)
        assert found.bound == {"free": "machine", "cgroup": "cgroup"}[bound]
        assert memory.memory_shortfall(config, 1, **{bound: roomy}, read_limits=False) is None


def test_each_worker_process_counts_its_interpreter_not_only_its_world() -> None:
    config = parameters.resolve({"consumers": 2000})
    need = memory.needed_memory(config)
    assert need < 10_000_000, "a small world: the interpreters are what binds"
    room = int((2 * need + memory.BYTES_PER_PROCESS) / memory.MEMORY_SHARE)
    assert memory.memory_shortfall(config, 1, free=room, read_limits=False) is None
    found = memory.memory_shortfall(config, 2, free=room, read_limits=False)
    assert found is not None and found.need == 2 * (need + memory.BYTES_PER_PROCESS)


def test_the_ulimit_of_the_process_refuses_a_world_it_cannot_map() -> None:
    """Under ulimit -v a world that would die with MemoryError is refused in one line."""
    script = textwrap.dedent("""
        import resource, sys
        from simulation import memory
        from simulation.cli import main
        size = memory._status_bytes("VmSize")
        resource.setrlimit(resource.RLIMIT_AS, (size + 600_000_000, resource.RLIM_INFINITY))
        left = memory.process_headroom()
        assert left is not None and left <= 600_000_000, left
        main(["run", "--set", "consumers=1000000", "--steps", "1", "--quiet"])
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("error: consumers: got 1000000")
    assert "this process's memory limit (ulimit -v / RLIMIT_AS" in lines[0]


# ------------------------------------------------------------------ every command
def test_run_names_the_cgroup_limit(monkeypatch) -> None:
    monkeypatch.setattr(memory, "cgroup_headroom", lambda: 50_000_000)
    line = one_error_line(invoke("run", *BIG, "--steps", "1"))
    assert "allowed: a world that fits in this cgroup's memory limit (memory.max; 0.1 GB left)" \
        in line


SPEC = """
title = "big"
scenario = "default"
weeks = 1
[set]
consumers = {consumers}
[[parameters]]
path = "companies[1].transparency"
values = [0.2, 0.8]
"""


def test_sweep_refuses_before_writing_anything(tmp_path: Path, monkeypatch) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(consumers=100000))
    monkeypatch.setattr(memory, "available_memory", lambda: 50_000_000)
    line = one_error_line(invoke("sweep", spec, "--out", tmp_path / "out", "--workers", "1"))
    assert line.startswith("error: consumers: got 100000")
    assert "this machine's free memory" in line
    assert not (tmp_path / "out").exists()


def test_sweep_counts_one_world_per_worker(tmp_path: Path, monkeypatch) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(consumers=200))
    need = memory.needed_memory(parameters.resolve({"consumers": 200}))
    monkeypatch.setattr(memory, "available_memory",
                        lambda: int(need * 1.5 / memory.MEMORY_SHARE))
    line = one_error_line(invoke("sweep", spec, "--out", tmp_path / "two", "--workers", "2"))
    assert "x 2 worlds at once" in line
    line = one_error_line(invoke("sweep", spec, "--out", tmp_path / "dask", "--dask-local", "2"))
    assert "x 2 worlds at once" in line
    alone = invoke("sweep", spec, "--out", tmp_path / "one", "--workers", "1", "-q")
    assert alone.exit_code == 0, alone.output


def test_scenarios_check_refuses_a_world_too_big(monkeypatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 1_000_000)  # 1 MB
    line = one_error_line(invoke("scenarios", "check", "default"))
    assert line.startswith("error: consumers: got ") and "free memory" in line


@pytest.mark.parametrize("command", ["run", "compare"])
def test_run_and_compare_respect_the_process_limit(command, tmp_path, monkeypatch) -> None:
    world = tmp_path / "big.toml"
    world.write_text("title = 'big'\n[world]\nconsumers = 100000\n")
    monkeypatch.setattr(memory, "process_headroom", lambda: 50_000_000)
    line = one_error_line(invoke(command, world, "--steps", "1"))
    assert line.startswith("error: consumers: got 100000")
    assert "this process's memory limit" in line


@pytest.mark.parametrize("argv", [
    ["dock", "bass", "--consumers", "400000", "--network", "random", "--runs", "1"],
    ["dock", "networks", "--consumers", "4000", "--runs", "1"],
    ["dock", "patterns", "--consumers", "400000", "--seeds", "1"],
])
def test_the_dock_commands_refuse_a_world_too_big(monkeypatch, tmp_path, argv) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 10_000_000)
    line = one_error_line(invoke(*argv, "--out", str(tmp_path / "o")))
    assert line.startswith("error: consumers: got ") and "free memory" in line
    assert not (tmp_path / "o").exists()
