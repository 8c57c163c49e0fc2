"""The `influence` command line: runs, outputs, and one clear line for every bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from simulation import cli, parameters
from simulation.output import RUN_FILES

SMALL = ["--steps", "8", "--set", "consumers=300"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(cli.cli, list(args), prog_name="influence")


def _strict_json(path: Path) -> dict:
    def reject(token: str):
        raise ValueError(f"non-strict JSON constant {token}")

    return json.loads(path.read_text(), parse_constant=reject)


# ---------------------------------------------------------------- help, version
@pytest.mark.parametrize("args", [["--help"], ["-h"], ["run", "--help"], ["params", "--help"]])
def test_help_everywhere(runner, args):
    result = invoke(runner, *args)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: influence")


def test_version(runner):
    from importlib.metadata import version

    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert version("influence-world") in result.output


# ---------------------------------------------------------------- a good run
def test_run_prints_summary_and_writes_nothing_without_out(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "run", *SMALL, "--seed", "3")
    assert result.exit_code == 0, result.stderr
    title, *lines = result.stdout.splitlines()
    assert title == "Billboard or relationship? (default)"
    assert lines[0].startswith("300 consumers, 2 companies")
    assert "8 weeks, seed 3" in lines[0]
    header = lines[1].split()
    for column in ("company", "strategy", "trust", "trusting", "impressions", "likes", "sales",
                   "profit"):
        assert column in header
    assert lines[3].startswith("Billboard Co")
    assert lines[4].startswith("Engaged Co")
    assert list(tmp_path.iterdir()) == []


def test_summary_shows_crisis_columns_only_when_a_crisis_happened(runner):
    plain = invoke(runner, "run", *SMALL, "--quiet")
    crisis = invoke(runner, "run", *SMALL, "--quiet", "--set", "companies[0].crisis_week=4")
    assert plain.exit_code == crisis.exit_code == 0
    assert "crisis depth" not in plain.stdout
    assert "crisis depth" in crisis.stdout
    lines = crisis.stdout.split("\n\n")[0].splitlines()[1:]  # the summary, not the fairness table
    header = re.split(r"\s{2,}", lines[1].strip())
    rows = {cells[0]: dict(zip(header, cells, strict=True))
            for cells in (re.split(r"\s{2,}", line.strip()) for line in lines[3:])}
    assert math.isfinite(float(rows["Billboard Co"]["crisis depth"]))  # a number, not "-"
    assert rows["Engaged Co"]["crisis depth"] == "-"


def test_out_writes_the_three_files(runner, tmp_path):
    out = tmp_path / "nested" / "run"
    result = invoke(runner, "run", *SMALL, "--seed", "5", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)
    assert (out / "trust.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    record = _strict_json(out / "run.json")
    assert record["seed"] == 5
    assert record["steps"] == 8
    assert record["scenario"]["name"] == "default"
    assert record["scenario"]["title"] == "Billboard or relationship?"
    assert record["parameters"] == parameters.resolve({"consumers": 300})
    assert record["command"][0] == "influence"
    assert record["command"][1:] == ["run", *SMALL, "--seed", "5", "--out", str(out)]
    assert shlex.split(record["command_line"]) == record["command"]
    assert set(record["versions"]) == {"python", "mesa", "numpy", "scipy", "pandas",
                                       "influence-world"}
    assert isinstance(record["events"], list)
    created = dt.datetime.fromisoformat(record["created"])
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)

    frame = pd.read_csv(out / "timeseries.csv")
    assert frame["step"].max() == 8
    assert len(frame) == 9 * 2  # weeks 0..8, two companies
    assert [s["company"] for s in record["summary"]] == ["Billboard Co", "Engaged Co"]


# ---------------------------------------------------------------- --set paths
def test_nested_set_takes_effect_in_run_json_and_csv(runner, tmp_path):
    out = tmp_path / "o"
    result = invoke(runner, "run", *SMALL, "--out", str(out),
                    "--set", "companies[0].strategy=engaged",
                    "--set", "companies.1.budget=35",
                    "--set", "influencer.churn_threshold=0.1")
    assert result.exit_code == 0, result.stderr
    params = _strict_json(out / "run.json")["parameters"]
    assert params["companies"][0]["strategy"] == "engaged"
    assert params["companies"][1]["budget"] == 35.0
    assert params["influencer"]["churn_threshold"] == 0.1
    frame = pd.read_csv(out / "timeseries.csv")
    first = frame[frame["company"] == "Billboard Co"]
    assert set(first["strategy"]) == {"engaged"}


def test_set_influencer_roles_without_generated_ones(runner, tmp_path):
    out = tmp_path / "o"
    result = invoke(runner, "run", *SMALL, "--quiet", "--out", str(out),
                    "--set", "influencers_per_company=0",
                    "--set", "influencers[0].followers=250000",
                    "--set", "influencers[1].company=1", "--set", "candidates_per_company=0")
    assert result.exit_code == 0, result.stderr
    assert "2 influencers recruited (0 candidates left)" in result.stdout.splitlines()[1]
    roles = _strict_json(out / "run.json")["parameters"]["influencers"]
    assert [r["company"] for r in roles] == [0, 1]
    assert roles[0]["followers"] == 250_000


def test_later_set_wins(runner, tmp_path):
    out = tmp_path / "o"
    result = invoke(runner, "run", *SMALL, "--quiet", "--out", str(out),
                    "--set", "consumers=400")
    assert result.exit_code == 0, result.stderr
    assert _strict_json(out / "run.json")["parameters"]["consumers"] == 400


def test_build_config_applies_overrides_on_a_base():
    base = parameters.set_path(parameters.defaults(), "consumers", 500)
    config = cli.build_config([("companies[1].strategy", "billboard")], base=base)
    assert config["consumers"] == 500
    assert config["companies"][1]["strategy"] == "billboard"


# ---------------------------------------------------------------- determinism
def test_same_seed_gives_byte_identical_timeseries(runner, tmp_path):
    outs = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    for out, seed in zip(outs, ("7", "7", "8"), strict=True):
        result = invoke(runner, "run", *SMALL, "--quiet", "--seed", seed, "--out", str(out))
        assert result.exit_code == 0, result.stderr
    same = [(o / "timeseries.csv").read_bytes() for o in outs]
    assert same[0] == same[1]
    assert same[0] != same[2]


# ---------------------------------------------------------------- bad input
BAD_INPUT = [
    (["--steps", "-1"], ["--steps", "'-1'", "integer in [1, 10000]"]),
    (["--steps", "0"], ["--steps", "'0'", "integer in [1, 10000]"]),
    (["--steps", "ten"], ["--steps", "'ten'", "integer in [1, 10000]"]),
    (["--steps", "2.5"], ["--steps", "'2.5'", "integer in [1, 10000]"]),
    (["--seed", "1.5"], ["--seed", "'1.5'", "integer in [0, 2**64 - 1]"]),
    (["--seed", "abc"], ["--seed", "'abc'", "integer in [0, 2**64 - 1]"]),
    (["--seed", "-4"], ["--seed", "'-4'", "integer in [0, 2**64 - 1]"]),
    (["--set", "nosuch=1"], ["nosuch", "'1'", "a known parameter"]),
    (["--set", "companies[0].nosuch=1"], ["companies[0].nosuch", "'1'", "a known key"]),
    (["--set", "consumers=5"], ["consumers", "'5'", "an integer in [10, 10000000]"]),
    (["--set", "forgetting=1.5"], ["forgetting", "'1.5'", "a number in [0.5, 1]"]),
    (["--set", "consumers=many"], ["consumers", "'many'", "an integer in"]),
    (["--set", "influencer.churn_threshold=high"],
     ["influencer.churn_threshold", "'high'", "a number in [0, 1]"]),
    (["--set", "companies[1].strategy=maybe"],
     ["companies[1].strategy", "'maybe'", "one of billboard, engaged"]),
    (["--set", "companies[7].budget=3"], ["companies[7].budget", "'3'", "an index in [0, 2]"]),
    (["--set", "consumers"], ["--set", "'consumers'", "KEY=VALUE"]),
    (["--set", "=300"], ["--set", "'=300'", "KEY=VALUE"]),
    (["--set", "followers_min=500000", "--set", "followers_max=100000"],
     ["followers_min", "500000", "no larger than followers_max"]),
    (["--set", "audience_min_share=0.01"],
     ["audience_min_share", "0.01", "replaced by followers_min"]),
]


@pytest.mark.parametrize(("args", "expected"), BAD_INPUT,
                         ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(runner, tmp_path, args, expected):
    out = tmp_path / "out"
    result = invoke(runner, "run", "--steps", "4", "--set", "consumers=300", *args,
                    "--out", str(out))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "allowed" in lines[0]
    for part in expected:
        assert part in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert not out.exists()


def test_bad_input_leaves_an_existing_out_folder_untouched(runner, tmp_path):
    out = tmp_path / "out"
    first = invoke(runner, "run", *SMALL, "--quiet", "--out", str(out))
    assert first.exit_code == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    result = invoke(runner, "run", *SMALL, "--out", str(out), "--set", "consumers=abc")
    assert result.exit_code == 2
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    assert after == before


def test_out_that_is_a_file_is_refused_before_running(runner, tmp_path, monkeypatch):
    target = tmp_path / "results"
    target.write_text("keep me")
    from simulation import model

    def must_not_run(self):
        raise AssertionError("the model ran although --out was invalid")

    monkeypatch.setattr(model.InfluenceModel, "step", must_not_run)
    for out in (target, target / "sub"):
        result = invoke(runner, "run", *SMALL, "--out", str(out))
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: --out:")
        assert str(target) in lines[0]
    assert target.read_text() == "keep me"


def test_unknown_option_and_command_are_one_line(runner):
    for args in (["run", "--bogus"], ["nosuchcommand"], ["run", "--steps"]):
        result = invoke(runner, *args)
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("error: ")


def test_a_run_that_fails_midway_writes_nothing(runner, tmp_path, monkeypatch):
    from simulation import model

    real_step = model.InfluenceModel.step

    def failing_step(self):
        if self.steps == 3:
            raise RuntimeError("simulated failure in week 4")
        real_step(self)

    monkeypatch.setattr(model.InfluenceModel, "step", failing_step)
    out = tmp_path / "out"
    result = invoke(runner, "run", *SMALL, "--out", str(out))
    assert isinstance(result.exception, RuntimeError)
    assert not out.exists()


# ---------------------------------------------------------------- progress bar
def test_show_progress_rules():
    assert not cli.show_progress(True, True, 10**6, 10**6)
    assert cli.show_progress(False, True, 1, 10)
    assert not cli.show_progress(False, False, 8, 300)
    assert cli.show_progress(False, False, 156, cli.LARGE_RUN)


def test_progress_goes_to_stderr_and_never_touches_stdout(runner, monkeypatch):
    quiet = invoke(runner, "run", *SMALL, "--quiet")
    monkeypatch.setattr(cli, "LARGE_RUN", 1)
    shown = invoke(runner, "run", *SMALL)
    silenced = invoke(runner, "run", *SMALL, "--quiet")
    assert quiet.exit_code == shown.exit_code == silenced.exit_code == 0
    assert "weeks" in shown.stderr
    assert shown.stdout == quiet.stdout == silenced.stdout
    assert silenced.stderr == ""


def test_progress_bar_draws_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._progress(True, 4) as advance:
        for _ in range(4):
            advance(1)
    drawn = terminal.getvalue()
    assert "weeks" in drawn
    assert "4/4" in drawn


# ---------------------------------------------------------------- params
def test_params_lists_every_declared_parameter(runner):
    result = invoke(runner, "params")
    assert result.exit_code == 0
    names = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    declared = (*parameters.WORLD_PARAMS, *parameters.COMPANY_PARAMS,
                *parameters.INFLUENCER_PARAMS, *parameters.INFLUENCER_ROLE_PARAMS)
    assert {p.name for p in declared} <= names
    consumers = next(line for line in result.stdout.splitlines()
                     if line.startswith("consumers "))
    declared_consumers = parameters.WORLD["consumers"]
    for field in (str(declared_consumers.default), declared_consumers.allowed(),
                  declared_consumers.doc):
        assert field in consumers


def test_params_markdown_is_the_declared_table(runner):
    result = invoke(runner, "params", "--markdown")
    assert result.exit_code == 0
    assert result.stdout == parameters.parameter_table() + "\n"


# ---------------------------------------------------------------- real processes
def _python_m(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulation", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("bad", [["--steps", "-2"], ["--set", "consumers=abc"]])
def test_subprocess_bad_input_exits_2_with_one_line(tmp_path, bad):
    out = tmp_path / "out"
    proc = _python_m("run", *bad, "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert not out.exists()


def test_subprocess_run_writes_outputs(tmp_path):
    out = tmp_path / "res"
    proc = _python_m("run", *SMALL, "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Billboard Co" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)
    assert "Traceback" not in proc.stderr


def test_a_world_too_big_for_memory_is_refused_before_it_is_built(runner, monkeypatch):
    """The operating system would kill the process; the user gets one line instead."""
    from simulation import memory

    monkeypatch.setattr(memory, "available_memory", lambda: 50_000_000)  # 50 MB free
    result = invoke(runner, "run", "--set", "consumers=100000", "--steps", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: consumers: got 100000 (network small_world, "
                                    "network_degree 10: about ")
    assert "allowed: a world that fits in this machine's free memory (0.1 GB)" in result.stderr
    small = invoke(runner, "run", *SMALL, "--quiet")
    assert small.exit_code == 0  # 300 consumers fit in 50 MB


def test_compare_counts_one_world_per_worker(tmp_path, monkeypatch):
    from simulation import memory
    from simulation.compare import compare

    need = memory.needed_memory(parameters.resolve({"consumers": 2000}))
    monkeypatch.setattr(memory, "available_memory", lambda: int(need * 1.5 / memory.MEMORY_SHARE))
    args = ["default", "--replicates", "2", "--steps", "1", "--quiet"]
    alone = CliRunner().invoke(compare, [*args, "--workers", "1"])
    assert alone.exit_code == 0, alone.output
    two = CliRunner().invoke(compare, [*args, "--workers", "2"])
    assert two.exit_code == 2 and "x 2 worlds at once" in two.output
