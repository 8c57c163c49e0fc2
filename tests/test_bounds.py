"""Bounds that say so (issue 15, item 2): each declared once, in simulation.limits.

A typo that would mean "forever" (steps, replicates, a plan of millions of
runs, a huge or deeply nested file) is refused at once with one line naming
the argument and the declared bound; a sweep prints its plan and refuses one
above the spec's max_runs unless --yes.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import scenarios
from experiments.spec import SpecError, load
from simulation import limits
from simulation.cli import cli


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="influence")


def refused(result, *needles: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


SPEC = """
title = "bounded"
scenario = "default"
seed = 1
replicates = {replicates}
weeks = {weeks}
{extra}

[set]
consumers = 120

[[parameters]]
path = "companies[1].transparency"
{axis}

[outputs]
every = 1
metrics = ["trust_mean"]
"""


def spec_file(tmp_path: Path, *, replicates: int = 1, weeks: int = 2, extra: str = "",
              axis: str = "values = [0.2, 0.8]") -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(replicates=replicates, weeks=weeks, extra=extra, axis=axis))
    return path


@pytest.mark.parametrize("argv", [
    ["run", "--steps", "99999999999999999999"],
    ["run", "--steps", str(limits.MAX_STEPS + 1)],
    ["compare", "default", "--steps", "99999999999999"],
])
def test_steps_have_an_upper_bound(argv) -> None:
    start = time.perf_counter()
    refused(invoke(*argv), "--steps", f"[1, {limits.MAX_STEPS}]")
    assert time.perf_counter() - start < 10


def test_replicates_and_seeds_have_upper_bounds() -> None:
    refused(invoke("compare", "default", "--replicates", str(limits.MAX_REPLICATES + 1)),
            "--replicates", str(limits.MAX_REPLICATES))
    refused(invoke("run", "--seed", str(2**64)), "--seed", "2**64 - 1")


def test_a_scenario_file_over_the_size_bound_is_refused_without_reading_it(tmp_path) -> None:
    big = tmp_path / "big.toml"
    big.write_text('title = "Big"\n' + "# padding\n" * (limits.MAX_FILE_BYTES // 10 + 1))
    start = time.perf_counter()
    refused(invoke("scenarios", "show", big), f"{limits.MAX_FILE_BYTES:,} bytes")
    assert time.perf_counter() - start < 10
    with pytest.raises(scenarios.ScenarioError, match="at most"):
        scenarios.loads(big.read_text())
    small = tmp_path / "small.toml"
    small.write_text('extends = "default"\ntitle = "Small"\n')
    assert invoke("scenarios", "show", small).exit_code == 0


def test_a_spec_file_over_the_size_bound_is_refused(tmp_path) -> None:
    path = spec_file(tmp_path)
    path.write_text(path.read_text() + "#" * limits.MAX_FILE_BYTES)
    with pytest.raises(SpecError, match="at most"):
        load(path)


def test_scenario_and_spec_weeks_have_the_same_bound(tmp_path) -> None:
    scenario = tmp_path / "long.toml"
    scenario.write_text(f'extends = "default"\ntitle = "Long"\nweeks = {limits.MAX_STEPS + 1}\n')
    refused(invoke("scenarios", "show", scenario), f"[1, {limits.MAX_STEPS}]")
    with pytest.raises(SpecError, match=f"1, {limits.MAX_STEPS}"):
        load(spec_file(tmp_path, weeks=limits.MAX_STEPS + 1))
    with pytest.raises(SpecError, match=f"1, {limits.MAX_REPLICATES}"):
        load(spec_file(tmp_path, replicates=limits.MAX_REPLICATES + 1))


@pytest.mark.parametrize("design", [
    # a grid of 4 ranged axes of 1,000 levels each: 10^12 points
    "".join(f'\n[[parameters]]\npath = "{p}"\nrange = [0.0, 1.0]\nsteps = 1000\n'
            for p in ("companies[0].transparency", "companies[0].hoarding", "rewiring")),
    # a Latin hypercube of a million samples, crossed with 3 levels
    '\n[design]\nkind = "lhs"\nsamples = 1000000\n'
    '[[parameters]]\npath = "companies[0].transparency"\nrange = [0.0, 1.0]\n',
])
def test_a_plan_of_millions_of_runs_is_refused_before_it_is_built(tmp_path, design) -> None:
    path = spec_file(tmp_path, axis="range = [0.0, 1.0]\nsteps = 1000" if "lhs" not in design
                     else "values = [0.1, 0.5, 0.9]")
    path.write_text(path.read_text().replace("[outputs]", design + "\n[outputs]"))
    start = time.perf_counter()
    refused(invoke("sweep", path, "--out", tmp_path / "out"), "runs",
            f"at most {limits.MAX_SPEC_RUNS:,}")
    assert time.perf_counter() - start < 20, "counted, not built"
    assert not (tmp_path / "out").exists()


def test_a_sweep_prints_its_plan_and_refuses_above_max_runs_unless_yes(tmp_path) -> None:
    path = spec_file(tmp_path, replicates=2, extra="max_runs = 3")
    out = tmp_path / "out"
    result = invoke("sweep", path, "--out", out, "--workers", "1")
    line = refused(result, "planning 4 runs, about", "on disk", "at most 3", "--yes")
    assert "max_runs = 4" in line
    assert not out.exists()
    done = invoke("sweep", path, "--out", out, "--workers", "1", "--yes")
    assert done.exit_code == 0, done.output
    assert "plan: 4 runs, about" in done.stderr and "on disk" in done.stderr
    assert len(list((out / "runs").glob("*.parquet"))) == 4


def test_the_default_confirmation_bound_is_declared_once(tmp_path) -> None:
    spec = load(spec_file(tmp_path))
    assert spec.max_runs == limits.CONFIRM_RUNS
    assert spec.planned_runs() == len(spec.runs()) == 2
    with pytest.raises(SpecError, match=f"1, {limits.MAX_SPEC_RUNS}"):
        load(spec_file(tmp_path, extra=f"max_runs = {limits.MAX_SPEC_RUNS + 1}"))


@pytest.mark.parametrize("design", [
    ('kind = "lhs"\nsamples = 5', "values = [0.9, 0.95]", 5 * 2),  # crossed with 2 levels
    ('kind = "sobol"\nsamples = 4', "range = [0.9, 0.95]", 4 * (2 + 2)),
    ('kind = "morris"\nsamples = 3\nlevels = 4', "range = [0.9, 0.95]", 3 * (2 + 1)),
])
def test_the_counted_plan_is_the_built_plan(tmp_path, design) -> None:
    text, second, expected = design
    path = tmp_path / "s.toml"
    path.write_text(SPEC.format(replicates=1, weeks=2, extra="",
                                axis="range = [0.0, 1.0]").replace(
        "[outputs]", f'[[parameters]]\npath = "forgetting"\n{second}\n\n'
                     f"[design]\n{text}\n\n[outputs]"))
    spec = load(path)
    assert spec.planned_runs() == len(spec.runs()) == expected


@pytest.mark.parametrize(("where", "text"), [
    ("set.consumers", 'consumers = "200"'),
    ("parameters[0].values[1]", None),
])
def test_a_spec_takes_numbers_as_numbers_like_a_scenario_file(tmp_path, where, text) -> None:
    path = spec_file(tmp_path, axis='values = [0.2, "0.8"]' if text is None
                     else "values = [0.2, 0.8]")
    if text is not None:
        path.write_text(path.read_text().replace("consumers = 120", text))
    with pytest.raises(SpecError, match=re.escape(where)):
        load(path)


def test_events_and_crises_after_the_last_week_are_said_not_silent(tmp_path) -> None:
    common = ["--steps", "3", "--set", "consumers=100", "--set", "companies[0].crisis_week=50"]
    result = invoke("run", *common)
    assert result.exit_code == 0, result.output
    assert "companies[0].crisis_week = 50 is after the 3 weeks run" in result.stderr
    within = invoke("run", "--steps", "3", "--set", "consumers=100",
                    "--set", "companies[0].crisis_week=2")
    assert "note:" not in within.stderr
    scenario = tmp_path / "late.toml"
    scenario.write_text('extends = "default"\ntitle = "Late"\nweeks = 3\n[world]\n'
                        'consumers = 100\n[[events]]\nweek = 9\nkind = "crisis"\ncompany = 0\n')
    compared = invoke("compare", scenario, "--replicates", "2", "--steps", "3")
    assert compared.exit_code == 0, compared.output
    assert "late: note: events[0] (crisis, week 9) is after the 3 weeks run" in compared.stderr
    assert "note:" not in invoke("run", *common, "-q").stderr
