"""Scenario comparison: derived seeds, honest statistics, identical files whatever the workers."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from scipy import stats as scipy_stats

from simulation import parameters
from simulation.compare import (
    COMPARE_FILES,
    HEADLINE,
    KEYS,
    METRICS,
    CompareResult,
    checkpoint_table,
    compare_record,
    default_checkpoints,
    figure,
    plan,
    render_files,
    run_compare,
)
from simulation.parameters import ParameterError
from simulation.seeds import derive_seed

TINY = parameters.set_path(parameters.defaults(), "consumers", 200)
SILOED = parameters.set_path(TINY, "companies[1].structure", "siloed")
SCENARIOS = [("base", TINY), ("silo", SILOED)]
STEPS = 6
SOURCES = [{"name": "base", "ref": "base", "source": None, "title": "Base"},
           {"name": "silo", "ref": "silo", "source": None, "title": "Siloed"}]


@pytest.fixture(scope="module")
def result() -> CompareResult:
    return run_compare(SCENARIOS, replicates=3, steps=STEPS, seed=5)


# ---------------------------------------------------------------- plan and seeds
def test_plan_derives_each_seed_from_root_config_and_replicate():
    jobs = plan(SCENARIOS, replicates=3, steps=STEPS, seed=5)
    assert [(j.label, j.replicate) for j in jobs] == [
        ("base", 0), ("base", 1), ("base", 2), ("silo", 0), ("silo", 1), ("silo", 2)]
    for job in jobs:
        config = dict(SCENARIOS)[job.label]
        assert job.config == parameters.resolve(config)
        assert job.seed == derive_seed(5, parameters.resolve(config), job.replicate)
        assert job.steps == STEPS
    assert len({j.seed for j in jobs}) == len(jobs)


def test_a_partial_config_gets_the_seeds_of_its_resolved_form():
    partial = plan([("p", {"consumers": 200})], replicates=2, steps=1, seed=9)
    full = plan([("p", parameters.resolve({"consumers": 200}))], replicates=2, steps=1, seed=9)
    assert [j.seed for j in partial] == [j.seed for j in full]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"replicates": 0}, "replicates"), ({"steps": 0}, "steps"), ({"seed": -1}, "seed"),
    ({"seed": 2**64}, "seed"), ({"replicates": 2.0}, "replicates"),
])
def test_plan_refuses_bad_counts(kwargs, message):
    arguments = {"replicates": 2, "steps": 3, "seed": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        plan(SCENARIOS, **arguments)


def test_plan_refuses_repeated_or_empty_labels_and_bad_configs():
    with pytest.raises(ValueError, match="repeated: base"):
        plan([("base", TINY), ("base", SILOED)], replicates=1, steps=1, seed=0)
    with pytest.raises(ValueError, match="label"):
        plan([(" ", TINY)], replicates=1, steps=1, seed=0)
    with pytest.raises(ValueError, match="no scenarios"):
        plan([], replicates=1, steps=1, seed=0)
    with pytest.raises(ParameterError, match="consumers"):
        plan([("bad", {"consumers": 1})], replicates=1, steps=1, seed=0)


# ---------------------------------------------------------------- statistics
def test_runs_hold_every_replicate_week_and_company(result):
    runs = result.runs
    companies = len(TINY["companies"])
    assert len(runs) == 2 * 3 * (STEPS + 1) * companies
    counts = runs.groupby(["scenario", "company", "step"]).size()
    assert (counts == 3).all()
    per_run = runs.groupby(["scenario", "replicate"])["seed"].nunique()
    assert (per_run == 1).all()
    assert runs["seed"].tolist() == [s for j in result.jobs for s in
                                     [j.seed] * ((STEPS + 1) * companies)]


def test_stats_match_a_direct_computation(result):
    runs, table = result.runs, result.stats
    assert set(table["metric"]) == set(METRICS)
    assert len(table) == runs.groupby(list(KEYS)).ngroups * len(METRICS)
    checked = 0
    for scenario in ("base", "silo"):
        for company in ("Billboard Co", "Engaged Co"):
            for step in (1, STEPS):
                for metric in ("trust_mean", "likes", "profit_cumulative"):
                    values = runs.loc[(runs["scenario"] == scenario)
                                      & (runs["company"] == company)
                                      & (runs["step"] == step), metric].to_numpy(float)
                    row = table[(table["scenario"] == scenario) & (table["company"] == company)
                                & (table["step"] == step) & (table["metric"] == metric)]
                    assert len(row) == 1
                    row = row.iloc[0]
                    mean, sd = values.mean(), values.std(ddof=1)
                    half = scipy_stats.t.ppf(0.975, len(values) - 1) * sd / math.sqrt(3)
                    assert row["n"] == 3
                    assert row["mean"] == pytest.approx(mean, rel=1e-12, abs=1e-12)
                    assert row["sd"] == pytest.approx(sd, rel=1e-12, abs=1e-12)
                    assert row["lo"] == pytest.approx(mean - half, rel=1e-12, abs=1e-12)
                    assert row["hi"] == pytest.approx(mean + half, rel=1e-12, abs=1e-12)
                    checked += 1
    assert checked == 24


def test_one_replicate_has_means_but_no_intervals():
    single = run_compare([("base", TINY)], replicates=1, steps=2, seed=1)
    assert (single.stats["n"] == 1).all()
    assert single.stats[["sd", "half_width", "lo", "hi"]].isna().all().all()
    table = checkpoint_table(single.stats, [2])
    assert "[-, -]" in table


def test_same_config_under_two_labels_gives_the_same_runs():
    twin = run_compare([("a", TINY), ("b", TINY)], replicates=2, steps=3, seed=4)
    a = twin.runs[twin.runs["scenario"] == "a"].drop(columns="scenario").reset_index(drop=True)
    b = twin.runs[twin.runs["scenario"] == "b"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------- determinism
def test_worker_count_changes_neither_frames_nor_file_bytes(result):
    calls: list[tuple[int, int]] = []
    parallel = run_compare(SCENARIOS, replicates=3, steps=STEPS, seed=5, workers=2,
                           progress=lambda done, total: calls.append((done, total)))
    pd.testing.assert_frame_equal(result.runs, parallel.runs, check_exact=True)
    pd.testing.assert_frame_equal(result.stats, parallel.stats, check_exact=True)
    assert calls[-1] == (6, 6) and len(calls) == 6
    serial_files = render_files(result, compare_record(result, seed=5, checkpoints=[STEPS],
                                                       sources=SOURCES), "t")
    parallel_files = render_files(parallel, compare_record(parallel, seed=5,
                                                           checkpoints=[STEPS],
                                                           sources=SOURCES), "t")
    assert list(serial_files) == list(COMPARE_FILES)
    for name in COMPARE_FILES:
        assert serial_files[name] == parallel_files[name], name


def test_rendering_twice_gives_the_same_bytes(result):
    record = compare_record(result, seed=5, checkpoints=[STEPS], sources=SOURCES)
    assert render_files(result, record) == render_files(result, record)


def test_parquet_files_read_back_as_the_frames(result, tmp_path):
    files = render_files(result, compare_record(result, seed=5, checkpoints=[STEPS],
                                                sources=SOURCES))
    for name, frame in (("runs", result.runs), ("summary", result.stats)):
        (tmp_path / f"{name}.parquet").write_bytes(files[f"{name}.parquet"])
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, frame, check_dtype=False, check_exact=True)
        (tmp_path / f"{name}.csv").write_bytes(files[f"{name}.csv"])
        from_csv = pd.read_csv(tmp_path / f"{name}.csv")
        assert list(from_csv.columns) == list(frame.columns)
        assert len(from_csv) == len(frame)


# ---------------------------------------------------------------- the record
def test_record_lists_arguments_and_every_runs_seed(result):
    record = compare_record(result, seed=5, checkpoints=[1, STEPS], sources=SOURCES)
    assert record["arguments"] == {"scenarios": ["base", "silo"], "replicates": 3,
                                   "steps": STEPS, "seed": 5, "checkpoints": [1, STEPS]}
    assert [(r["scenario"], r["replicate"], r["seed"]) for r in record["runs"]] == [
        (j.label, j.replicate, j.seed) for j in result.jobs]
    assert [s["name"] for s in record["scenarios"]] == ["base", "silo"]
    assert record["scenarios"][1]["config"]["companies"][1]["structure"] == "siloed"
    assert {"python", "numpy", "mesa", "pandas"} <= set(record["versions"])
    assert "workers" not in str(record["arguments"])


# ---------------------------------------------------------------- table and figure
def _parse(value: str) -> tuple[float, float, float]:
    match = re.fullmatch(r"(-?[\d.]+) \[(-?[\d.]+), (-?[\d.]+)\]", value)
    assert match, value
    return tuple(float(g) for g in match.groups())


def test_checkpoint_table_prints_mean_and_interval(result):
    text = checkpoint_table(result.stats, [2, STEPS])
    blocks = text.split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["base (3 replicates)", "silo (3 replicates)"]
    runs = result.runs
    for block, scenario in zip(blocks, ("base", "silo"), strict=True):
        header, _, *rows = block.splitlines()[1:]
        assert header.split()[:3] == ["company", "week", "trust"]
        assert len(rows) == 2 * 2
        for line in rows:
            cells = re.split(r"\s{2,}", line.strip())
            company, week = cells[0], int(cells[1])
            values = runs[(runs["scenario"] == scenario) & (runs["company"] == company)
                          & (runs["step"] == week)]
            for cell, metric, decimals in zip(cells[2:], HEADLINE, (3, 1, 1, 0), strict=True):
                mean, lo, hi = _parse(cell)
                x = values[metric].to_numpy(float)
                half = scipy_stats.t.ppf(0.975, 2) * x.std(ddof=1) / math.sqrt(3)
                tolerance = 0.5 * 10**-decimals + 1e-9
                assert abs(mean - x.mean()) <= tolerance, (scenario, company, week, metric)
                assert abs(lo - (x.mean() - half)) <= tolerance
                assert abs(hi - (x.mean() + half)) <= tolerance


def test_default_checkpoints_stay_within_the_run():
    assert default_checkpoints(156) == (12, 52, 156)
    assert default_checkpoints(60) == (12, 52, 60)
    assert default_checkpoints(5) == (5,)


def test_figure_has_one_panel_per_metric_and_a_line_per_scenario_and_company(result):
    fig = figure(result.stats, ("trust_mean", "sales", "likes"))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 3
    for ax in panels:
        assert len(ax.lines) == 2 * 2
        colours = {line.get_color() for line in ax.lines}
        styles = {line.get_linestyle() for line in ax.lines}
        assert len(colours) == 2 and len(styles) == 2
    with pytest.raises(ValueError, match="nope"):
        figure(result.stats, ("nope",))


# ---------------------------------------------------------------- command line
BASE_TOML = """
title = "Tiny base"
weeks = 3
[world]
consumers = 200
"""

SILO_TOML = """
title = "Tiny, both siloed"
extends = "base.toml"
weeks = 4
[[companies]]
[[companies]]
structure = "siloed"
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "base.toml").write_text(BASE_TOML)
    (tmp_path / "silo.toml").write_text(SILO_TOML)
    return tmp_path


def invoke(*args: str):
    from click.testing import CliRunner

    from simulation.cli import cli

    return CliRunner().invoke(cli, list(args), prog_name="influence")


def _summary_cell(summary: pd.DataFrame, scenario: str, company: str, week: int,
                  metric: str) -> pd.Series:
    row = summary[(summary["scenario"] == scenario) & (summary["company"] == company)
                  & (summary["step"] == week) & (summary["metric"] == metric)]
    assert len(row) == 1
    return row.iloc[0]


def test_command_prints_the_table_and_writes_every_file(files):
    import json

    out = files / "out"
    result = invoke("compare", str(files / "base.toml"), str(files / "silo.toml"),
                    "--replicates", "3", "--seed", "8", "--out", str(out),
                    "--checkpoints", "1,4")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(COMPARE_FILES)

    # Steps default to the longest scenario's weeks (4), every run has weeks 0..4.
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["step"].max() == 4 and runs["step"].min() == 0
    assert runs.groupby(["scenario", "replicate"]).ngroups == 2 * 3

    record = json.loads((out / "compare.json").read_text())
    assert record["arguments"]["steps"] == 4
    assert record["arguments"]["checkpoints"] == [1, 4]
    assert [s["name"] for s in record["scenarios"]] == ["base", "silo"]
    assert record["scenarios"][1]["source"] == str((files / "silo.toml").resolve())
    assert record["scenarios"][1]["config"]["companies"][1]["structure"] == "siloed"
    seeds = {(r["scenario"], r["replicate"]): r["seed"] for r in record["runs"]}
    for (scenario, replicate), seed in seeds.items():
        config = record["scenarios"][["base", "silo"].index(scenario)]["config"]
        assert seed == derive_seed(8, config, replicate)
        assert set(runs.loc[(runs["scenario"] == scenario)
                            & (runs["replicate"] == replicate), "seed"]) == {seed}

    # The printed intervals are those of summary.csv, rounded.
    summary = pd.read_csv(out / "summary.csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2 scenarios x 3 replicates, 4 weeks, seed 8")
    rows = [line for line in lines if re.match(r"(Billboard|Engaged) Co\s", line)]
    assert len(rows) == 2 * 2 * 2
    scenario_of_row = ["base"] * 4 + ["silo"] * 4
    for line, scenario in zip(rows, scenario_of_row, strict=True):
        cells = re.split(r"\s{2,}", line.strip())
        company, week = cells[0], int(cells[1])
        assert week in (1, 4)
        for cell, metric, decimals in zip(cells[2:], HEADLINE, (3, 1, 1, 0), strict=True):
            mean, lo, hi = _parse(cell)
            expected = _summary_cell(summary, scenario, company, week, metric)
            for got, key in ((mean, "mean"), (lo, "lo"), (hi, "hi")):
                assert abs(got - expected[key]) <= 0.5 * 10**-decimals + 1e-9, (line, key)


def test_command_files_are_byte_identical_for_one_and_two_workers(files):
    outputs = {}
    for workers in ("1", "2"):
        out = files / f"out{workers}"
        result = invoke("compare", str(files / "base.toml"), str(files / "silo.toml"),
                        "--replicates", "2", "--steps", "3", "--seed", "3",
                        "--workers", workers, "--out", str(out))
        assert result.exit_code == 0, result.output
        outputs[workers] = ({name: (out / name).read_bytes() for name in COMPARE_FILES},
                            result.stdout)
    for name in COMPARE_FILES:
        assert outputs["1"][0][name] == outputs["2"][0][name], name
    assert outputs["1"][1] == outputs["2"][1]


@pytest.mark.parametrize(("args", "pattern"), [
    (["nosuch"], r"^error: nosuch: got 'nosuch'; allowed: a shipped scenario"),
    (["{d}/missing.toml"], r"^error: .*missing\.toml: got .*; allowed: a readable scenario"),
    (["{d}/broken.toml"], r"^error: .*broken\.toml: .*got .*; allowed: a valid TOML file$"),
    (["{d}/base.toml", "{d}/base.toml"],
     r"^error: NAME\|FILE: got 'base' more than once; allowed: distinct scenarios"),
    (["{d}/base.toml", "--replicates", "0"],
     r"^error: --replicates: got '0'; allowed: an integer in \[1, 10000\]$"),
    (["{d}/base.toml", "--workers", "0"],
     r"^error: --workers: got '0'; allowed: an integer >= 1$"),
    (["{d}/base.toml", "--steps", "0"],
     r"^error: --steps: got '0'; allowed: an integer in \[1, 10000\]$"),
    (["{d}/base.toml", "--seed", str(2**64)],
     r"^error: --seed: got 18446744073709551616; allowed: an integer in \[0, 2\*\*64 - 1\]$"),
    (["{d}/base.toml", "--checkpoints", "0,3"],
     r"^error: --checkpoints: got '0,3'; allowed: comma-separated weeks in \[1, 3\]"),
    (["{d}/base.toml", "--checkpoints", "4"],
     r"^error: --checkpoints: got '4'; allowed: comma-separated weeks in \[1, 3\]"),
    (["{d}/base.toml", "--steps", "5", "--checkpoints", "2,x"],
     r"^error: --checkpoints: got '2,x'; allowed: comma-separated weeks in \[1, 5\]"),
    (["{d}/base.toml", "--out", "{d}/base.toml"],
     r"^error: --out: got '.*base\.toml', which is a file; allowed: a folder path$"),
])
def test_command_bad_input_is_one_line_and_exit_2(files, args, pattern):
    (files / "broken.toml").write_text("title = \n")
    out = files / "never"
    args = [a.replace("{d}", str(files)) for a in args]
    if "--out" not in args:
        args += ["--out", str(out)]
    result = invoke("compare", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert not out.exists()


def test_command_needs_a_scenario():
    result = invoke("compare")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_progress_bar_goes_to_stderr_and_quiet_silences_it(files, monkeypatch):
    import simulation.cli as module  # the bar of runs is drawn by cli.run_jobs_shown

    monkeypatch.setattr(module, "_isatty", lambda stream: True)
    shown = invoke("compare", str(files / "base.toml"), "--replicates", "2", "--steps", "2")
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.startswith("runs")  # click prints the label only off a terminal
    assert "runs" not in shown.stdout.splitlines()[0]
    quiet = invoke("compare", str(files / "base.toml"), "--replicates", "2", "--steps", "2",
                   "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout == shown.stdout
