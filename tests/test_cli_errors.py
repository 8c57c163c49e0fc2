"""One error path for the command line (issue 15, item 1).

Errors a user can cause (a bad path, a folder that cannot be written, a file
in the way, an existing folder given as a file, a bad scheduler address, two
companies of one name, a file nested too deep, a long chain of extends) end
with exit status 2 and one line naming the argument, the value and what is
allowed; an internal bug keeps its traceback and exit status 1.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulation import cli as cli_module
from simulation import limits, output
from simulation.cli import cli, path_error_line

SPEC = """
title = "tiny sweep"
scenario = "default"
seed = 3
replicates = 2
weeks = 3

[set]
consumers = 150

[[parameters]]
path = "companies[1].transparency"
values = [0.2, 0.8]

[outputs]
every = 1
metrics = ["trust_mean"]
"""


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="influence")


def assert_one_line(result, *needles: str) -> str:
    """Exit 2, no traceback, exactly one ``error:`` line on stderr containing each needle."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    spec = root / "spec.toml"
    spec.write_text(SPEC)
    out = root / "out"
    result = invoke("sweep", spec, "--out", out, "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    return out


# ---------------------------------------------------------------- output paths
def test_export_onto_an_existing_folder(swept, tmp_path) -> None:
    target = tmp_path / "table.csv"
    target.mkdir()
    line = assert_one_line(invoke("results", swept, "--export", target),
                           "--export", repr(str(target)), "not an existing folder")
    assert "IsADirectoryError" not in line
    assert leftovers(tmp_path) == []


def test_export_under_a_file(swept, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "table.parquet"
    assert_one_line(invoke("results", swept, "--export", target),
                    "--export", repr(str(target)), "folders are folders")
    assert blocker.read_text() == "x"


def test_export_into_a_folder_that_refuses_writing(swept, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # as a read-only folder would, even for root
        if str(path).startswith(str(folder)) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(output.os, "open", refuse)
    target = folder / "t.csv"
    assert_one_line(invoke("results", swept, "--export", target),
                    "--export", repr(str(target)), "read and write")
    assert list(folder.iterdir()) == []


def test_export_on_a_full_disk_leaves_no_temp_file(swept, tmp_path, monkeypatch) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "fsync", full)
    target = tmp_path / "t.parquet"
    assert_one_line(invoke("results", swept, "--export", target), "--export", "disk space")
    assert list(tmp_path.iterdir()) == []


def test_report_under_a_file(swept, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "report.md"
    assert_one_line(invoke("analyze", swept, "--report", target, "-q"),
                    "--report", repr(str(target)))


def test_report_onto_an_existing_folder(swept, tmp_path) -> None:
    target = tmp_path / "report.md"
    target.mkdir()
    assert_one_line(invoke("analyze", swept, "--report", target, "-q"),
                    "--report", "not an existing folder")


def test_run_out_under_a_file(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_one_line(invoke("run", "--steps", "2", "--set", "consumers=100", "-q",
                           "--out", blocker / "o"), "--out")


def test_run_out_refused_while_writing(tmp_path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / "o"))

    monkeypatch.setattr(output, "_stage", refuse)
    assert_one_line(invoke("run", "--steps", "2", "--set", "consumers=100", "-q",
                           "--out", tmp_path / "o"), "--out", repr(str(tmp_path / "o")))
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- bad inputs
def test_bad_scheduler_address_is_refused_before_any_work(tmp_path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    assert_one_line(invoke("sweep", spec, "--out", out, "--scheduler", "not a url"),
                    "--scheduler", "'not a url'", "tcp://")
    assert not out.exists()


def test_two_companies_of_one_name_are_refused_before_any_work(tmp_path) -> None:
    scenario = tmp_path / "twins.toml"
    scenario.write_text('title = "Twins"\nweeks = 4\n[world]\nconsumers = 100\n'
                        '[[companies]]\nname = "Same"\n[[companies]]\nname = "Same"\n')
    out = tmp_path / "o"
    assert_one_line(invoke("run", scenario, "-q", "--out", out), "companies[1].name", "'Same'")
    assert not out.exists()
    assert_one_line(invoke("run", "-q", "--set", "companies[1].name=Billboard Co",
                           "--out", out), "companies[1].name")


@pytest.mark.parametrize("depth", [limits.MAX_NESTING + 1, 5000])
def test_deeply_nested_toml_is_refused(tmp_path, depth) -> None:
    scenario = tmp_path / "deep.toml"
    scenario.write_text('title = "Deep"\nx = ' + "[" * depth + "]" * depth + "\n")
    assert_one_line(invoke("scenarios", "show", scenario), "nested",
                    f"at most {limits.MAX_NESTING} levels")
    spec = tmp_path / "deep-spec.toml"
    spec.write_text('title = "Deep"\nx = ' + "[" * depth + "]" * depth + "\n")
    assert_one_line(invoke("sweep", spec, "--out", tmp_path / "out"), "nested")
    assert not (tmp_path / "out").exists()


def test_a_long_chain_of_extends_is_refused(tmp_path) -> None:
    (tmp_path / "s0.toml").write_text('extends = "default"\ntitle = "s0"\n')
    for i in range(1, limits.MAX_EXTENDS + 3):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i - 1}.toml"\ntitle = "s{i}"\n')
    last = tmp_path / f"s{limits.MAX_EXTENDS + 2}.toml"
    assert_one_line(invoke("scenarios", "show", last), "extends",
                    f"at most {limits.MAX_EXTENDS}")
    ok = tmp_path / f"s{limits.MAX_EXTENDS - 2}.toml"
    assert invoke("scenarios", "show", ok).exit_code == 0


def test_a_cycle_of_extends_is_still_a_cycle(tmp_path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\ntitle = "a"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\ntitle = "b"\n')
    assert_one_line(invoke("scenarios", "show", tmp_path / "a.toml"), "cycle")


# ---------------------------------------------------------------- internal bugs
@pytest.mark.parametrize("error", [
    OSError(errno.EACCES, "Permission denied", "/nowhere/the/user/named/internal.bin"),
    ValueError("a bug"),
    RecursionError("a bug"),
])
def test_an_internal_bug_keeps_its_traceback_and_exit_1(monkeypatch, error) -> None:
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli_module, "format_summary", broken)
    result = invoke("run", "--steps", "1", "--set", "consumers=100", "-q")
    assert result.exit_code == 1
    assert result.exception is error


def test_path_error_line_names_only_paths_from_the_command_line(tmp_path) -> None:
    target = tmp_path / "x" / "y.csv"
    error = FileExistsError(errno.EEXIST, "File exists", str(tmp_path / "x"))
    line = path_error_line(error, ["results", "d", "--export", str(target)])
    assert line is not None and line.startswith(f"--export: got {str(target)!r}")
    assert path_error_line(error, ["results", "d", "--export=" + str(target)]).startswith(
        "--export")
    assert path_error_line(error, ["results", str(tmp_path / "elsewhere")]) is None
    other = OSError(errno.EIO, "I/O error", str(target))
    assert path_error_line(other, ["--export", str(target)]) is None, "not a user error"


# ---------------------------------------------------------------- analyze edge cases
def test_analyze_with_no_finished_run_is_one_line(swept, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "manifest.json").write_bytes((swept / "manifest.json").read_bytes())
    assert_one_line(invoke("analyze", empty, "-q"), "DIR", "no finished run")
    assert not (empty / "report.md").exists()


def test_analyze_of_one_replicate_reports_means_without_intervals(tmp_path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.replace("replicates = 2", "replicates = 1"))
    out = tmp_path / "out"
    assert invoke("sweep", spec, "--out", out, "--workers", "1", "-q").exit_code == 0
    result = invoke("analyze", out, "-q")
    assert result.exit_code == 0, (result.output, result.exception)
    report = (out / "report.md").read_text()
    assert "| 0.2 | Billboard Co | 1 |" in report.replace("0.20", "0.2")


@pytest.mark.parametrize("name", ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)"])
def test_a_company_name_a_spreadsheet_would_run_is_refused(tmp_path, name) -> None:
    out = tmp_path / "o"
    assert_one_line(invoke("run", "-q", "--set", f"companies[0].name={name}", "--out", out),
                    "companies[0].name", "formula")
    assert not out.exists()
