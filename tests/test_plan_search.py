"""Search for a robust plan (issue 13, item 2): ``influence plan search``.

On a roster whose best plan is known by construction (one influencer better
and cheaper on every count, a budget it can absorb alone) the search finds
it; a search killed with SIGKILL and run again by the same command resumes
and ends with the same best plan as an uninterrupted one; the baselines run
on the same draws as every candidate; CVaR is right on a hand example; the
Pareto front is non-dominated; and every bad option, roster or company file
exits 2 with one line naming it, and writes nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fuzz_inputs import assert_clean, invoke_bounded
from test_plan_roster import BAD_COMPANIES, BAD_ROSTERS, SMALL_COMPANY
from test_plan_roster import _folder as roster_folder

from experiments.plan.search import Options, cvar, pareto_front, parse_objective, prepare, summarise
from experiments.plan.templates import ROSTER_CSV
from simulation import InfluenceModel

ROOT = Path(__file__).resolve().parents[1]

#: One influencer better and cheaper on every count: more followers, more engagement, a
#: lower fee; the weekly budget buys exactly its two engaged posts (100 x 1.5 x 2 = 300).
KNOWN_ROSTER = """name,platform,followers,engagement_pct,fee_per_post,deals
Star Best,instagram,60000,3.0,100,engaged
Mid Worse,instagram,6000,0.8,300,engaged
Low Worst,tiktok,4000,0.5,400,engaged
"""
KNOWN_COMPANY = """name = "Known Best Co"
currency = "EUR"
weekly_budget = 300
weeks = 20
strategy = "engaged"
[product]
price = 20.0
unit_cost = 8.0
[structure]
liaison = false
liaison_cost = 0
[market]
size = 200000
followers_in_market = 1.0
consumers = 1000
"""
#: The search over the known roster: a cap of 2 posts, the company's levers fixed.
KNOWN_ARGS = ["--replicates", "2", "--uncertainty", "none", "--max-posts", "2",
              "--fix", "liaison", "--fix", "transparency", "--fix", "feedback",
              "--objective", "sales", "--quiet"]


def _known(tmp: Path) -> Path:
    folder = tmp / "known"
    folder.mkdir()
    (folder / "roster.csv").write_text(KNOWN_ROSTER, encoding="utf-8")
    (folder / "company.toml").write_text(KNOWN_COMPANY, encoding="utf-8")
    return folder


def _search(folder: Path, out: Path, *extra: str):
    return invoke_bounded(["plan", "search", str(folder), "--out", str(out), *extra])


# --------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------
def test_cvar_is_the_mean_of_the_worst_tenth_on_hand_examples() -> None:
    assert cvar(list(range(1, 11))) == pytest.approx(1.0)            # worst 1 of 10
    assert cvar(list(range(1, 21))) == pytest.approx(1.5)            # worst 2 of 20
    assert cvar([5.0, 1.0, 3.0, 2.0, 4.0, 9.0, 8.0, 7.0]) == pytest.approx(1.0)  # n = 8
    # 15 values: the worst 1.5 of them, i.e. all of 1 and half of 2: (1 + 0.5 x 2) / 1.5
    assert cvar(list(range(1, 16))) == pytest.approx((1 + 0.5 * 2) / 1.5)
    assert cvar([3.0, 3.0], alpha=0.5) == 3.0
    assert summarise([1.0, 2.0, 6.0], "mean") == pytest.approx(3.0)


def test_the_pareto_front_is_exactly_the_non_dominated_points() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(60, 2))
    front = set(pareto_front(points).tolist())
    for i, p in enumerate(points):
        dominated = any(np.all(q >= p) and np.any(q > p) for q in points)
        assert (i in front) == (not dominated)
    assert set(pareto_front(np.array([[1, 1], [1, 1], [0, 2]])).tolist()) == {0, 1, 2}


def test_objectives_are_parsed_and_refused() -> None:
    assert parse_objective("profit").key == "profit_mean"
    assert parse_objective("Trust:CVaR10").key == "trust_cvar10"
    with pytest.raises(ValueError, match="--objective: got 'reach'"):
        parse_objective("reach")


# --------------------------------------------------------------------------
# The known best plan
# --------------------------------------------------------------------------
def test_the_search_finds_the_plan_that_is_best_by_construction(tmp_path) -> None:
    folder = _known(tmp_path)
    out = tmp_path / "out"
    result = _search(folder, out, "--trials", "40", *KNOWN_ARGS)
    assert result.exit_code == 0, result.output
    best = pd.read_csv(out / "best_plan.csv").set_index("name")
    assert best["decision"].to_dict() == {"Star Best": "engaged", "Mid Worse": "none",
                                          "Low Worst": "none"}
    assert best.loc["Star Best", "max_posts_per_week"] == 2
    assert best.loc["Star Best", "posts_per_week"] == pytest.approx(2.0)
    assert best.loc["Star Best", "weekly_cost"] == pytest.approx(300.0)
    plans = pd.read_parquet(out / "plans.parquet")
    trials = plans[plans["kind"] == "trial"]
    assert len(trials) == 40
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["best"]["measures"]["sales_mean"] == pytest.approx(trials["sales_mean"].max())
    # the baselines: every one of the four, beaten or matched by the best
    baselines = plans[plans["kind"] == "baseline"].set_index("plan")
    assert set(baselines.index) == {"current", "all-billboard", "all-engaged", "even-split"}
    for label in ("current", "all-engaged", "even-split"):
        assert baselines.loc[label, "sales_mean"] <= trials["sales_mean"].max()
    assert baselines.loc["all-billboard", "influencers"] == 0  # nobody accepts billboard
    front = pd.read_parquet(out / "pareto.parquet")
    points = front[["sales_mean", "trust_mean"]].to_numpy()
    assert len(pareto_front(points)) == len(front)
    everyone = trials[trials["feasible"]][["sales_mean", "trust_mean"]].to_numpy()
    for p in points:  # nothing evaluated dominates a point of the front
        assert not any(np.all(q >= p) and np.any(q > p) for q in everyone)


def test_every_plan_and_baseline_runs_on_the_same_draws(tmp_path) -> None:
    folder = _known(tmp_path)
    search = prepare(folder, Options(replicates=3, seed=5, uncertainty="ranges"))
    draws = [search.draw(r) for r in range(3)]
    assert draws[0] != draws[1]
    assert "forgetting" in draws[0] and "companies[0].quality" not in draws[0]
    again = prepare(folder, Options(replicates=3, seed=5, uncertainty="ranges"))
    assert [again.draw(r) for r in range(3)] == draws
    seeds = [search.seed(r) for r in range(3)]
    configs = {}
    for label, candidate in search.baselines().items():
        if not candidate.chosen:
            continue
        config = search.config(candidate)
        for r in range(3):
            drawn = search.drawn_config(config, r)
            assert drawn["forgetting"] == pytest.approx(draws[r]["forgetting"])
        configs[label] = config
    assert len(set(seeds)) == 3
    # the draws and seeds are not keyed by the plan: a candidate gets the same ones
    assert search.seed(0) == again.seed(0)


def test_the_baselines_share_the_candidates_draws_in_the_outputs(tmp_path) -> None:
    folder = _known(tmp_path)
    out = tmp_path / "out"
    result = _search(folder, out, "--trials", "8", "--replicates", "3", "--uncertainty",
                     "ranges", "--quiet")
    assert result.exit_code == 0, result.output
    draws = pd.read_parquet(out / "draws.parquet")
    assert draws["replicate"].tolist() == [0, 1, 2]
    reps = pd.read_parquet(out / "replicates.parquet")
    assert set(reps["plan"]) >= {"current", "all-engaged", "even-split", "plan 0"}
    assert (reps.groupby("plan")["replicate"].apply(sorted) == pd.Series(
        [[0, 1, 2]] * reps["plan"].nunique(), index=sorted(reps["plan"].unique()))).all()
    series = pd.read_parquet(out / "series.parquet")
    assert set(series["plan"]) == {"best", "current", "all-engaged", "even-split"}
    last = series[series["step"] == 20].set_index(["plan", "replicate"])
    current = reps[reps["plan"] == "current"].set_index("replicate")
    for r in range(3):  # the series' last week is the stored result of the same draw
        assert last.loc[("current", r), "trust"] == pytest.approx(current.loc[r, "trust"])


# --------------------------------------------------------------------------
# Resume after kill -9
# --------------------------------------------------------------------------
def _complete(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("select count(*) from trials where state = 'COMPLETE'") \
                .fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_search_killed_with_sigkill_resumes_to_the_same_best_plan(tmp_path) -> None:
    folder = _known(tmp_path)
    args = ["--trials", "48", "--seed", "7", *KNOWN_ARGS]
    straight = tmp_path / "straight"
    assert _search(folder, straight, *args).exit_code == 0

    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "simulation", "plan", "search", str(folder), "--out",
               str(killed), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while _complete(killed / "search.db") < 16 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.02)
    assert process.poll() is None, "the search ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = _complete(killed / "search.db")
    assert 16 <= done < 48
    assert not (killed / "best_plan.csv").exists()

    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    a = json.loads((straight / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((killed / "summary.json").read_text(encoding="utf-8"))
    assert b["best"] == a["best"]
    assert (killed / "best_plan.csv").read_bytes() == (straight / "best_plan.csv").read_bytes()
    pa = pd.read_parquet(straight / "plans.parquet")
    pb = pd.read_parquet(killed / "plans.parquet")
    assert pb["key"].tolist() == pa["key"].tolist()  # the same plans, in the same order
    assert _complete(killed / "search.db") == 48

    # the same command once more: nothing left to do, the same answer
    third = _search(folder, killed, *args)
    assert third.exit_code == 0, third.output
    assert json.loads((killed / "summary.json").read_text(encoding="utf-8"))["best"] == a["best"]


def test_a_changed_search_refuses_the_folder_and_writes_nothing(tmp_path) -> None:
    folder = _known(tmp_path)
    out = tmp_path / "out"
    assert _search(folder, out, "--trials", "8", *KNOWN_ARGS).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    result = _search(folder, out, "--trials", "8", *KNOWN_ARGS, "--seed", "3")
    assert_clean(result)
    assert result.exit_code == 2
    assert "--out: got" in result.stderr and "differs in: seed" in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    # more trials extend it
    more = _search(folder, out, "--trials", "16", *KNOWN_ARGS)
    assert more.exit_code == 0, more.output
    assert len(pd.read_parquet(out / "plans.parquet").query("kind == 'trial'")) == 16


# --------------------------------------------------------------------------
# Bad input: exit 2, one line naming it, nothing written
# --------------------------------------------------------------------------
BAD_OPTIONS = {
    "no trials": (["--trials", "0"], "--trials: got 0"),
    "no replicates": (["--replicates", "0"], "--replicates: got 0"),
    "unknown objective": (["--objective", "reach"], "--objective: got 'reach'"),
    "unknown measure": (["--objective", "profit:median"], "--objective: got 'profit:median'"),
    "three objectives": (["--objective", "profit", "--objective", "trust", "--objective",
                          "sales"], "--objective: got 3 different objectives"),
    "cap of zero": (["--max-posts", "0"], "--max-posts: got 0"),
    "share over one": (["--min-engaged", "1.5"], "--min-engaged: got 1.5"),
    "disclosure over one": (["--disclosure", "2"], "--disclosure: got 2.0"),
    "unknown lever": (["--fix", "budget"], "--fix: got 'budget'"),
    "missing posterior": (["--uncertainty", "nowhere.csv"], "--uncertainty nowhere.csv"),
    "too few consumers": (["--consumers", "5"], "--consumers: got 5"),
    "negative seed": (["--seed", "-1"], "--seed: got -1"),
    "no workers": (["--workers", "0"], "--workers: got '0'"),
    "bad scheduler": (["--scheduler", "not a url"], "--scheduler: got 'not a url'"),
    "no dask workers": (["--dask-local", "0"], "--dask-local: got '0'"),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_a_bad_option_is_one_line_and_nothing_is_written(case, tmp_path) -> None:
    args, part = BAD_OPTIONS[case]
    out = tmp_path / "out"
    result = _search(_known(tmp_path), out, *args)
    assert_clean(result)
    assert result.exit_code == 2, result.output
    assert part in result.stderr, result.stderr
    assert not out.exists()


def test_an_out_folder_with_other_files_or_a_file_is_refused(tmp_path) -> None:
    folder = _known(tmp_path)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    result = _search(folder, busy, "--trials", "2")
    assert result.exit_code == 2 and "a folder with other files" in result.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = _search(folder, tmp_path / "file", "--trials", "2")
    assert result.exit_code == 2 and "which is a file" in result.stderr


def test_a_share_no_roster_can_meet_is_refused_before_searching(tmp_path) -> None:
    folder = roster_folder(tmp_path, "name,platform,followers,fee_per_post,deals\n"
                                     "Ana,instagram,20000,200,billboard\n", SMALL_COMPANY)
    result = _search(folder, tmp_path / "out", "--min-engaged", "0.5")
    assert result.exit_code == 2 and "--min-engaged: got 0.5" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", sorted(BAD_ROSTERS))
def test_a_bad_roster_stops_the_search_naming_the_row_and_column(case, tmp_path) -> None:
    content, parts = BAD_ROSTERS[case]
    folder = roster_folder(tmp_path, content, SMALL_COMPANY)
    result = _search(folder, tmp_path / "out")
    assert_clean(result)
    assert result.exit_code == 2, result.output
    for part in parts:
        assert part in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() and not (folder / "search").exists()


@pytest.mark.parametrize("case", sorted(BAD_COMPANIES))
def test_a_bad_company_stops_the_search_naming_the_key(case, tmp_path) -> None:
    content, parts = BAD_COMPANIES[case]
    folder = roster_folder(tmp_path, ROSTER_CSV, content)
    result = _search(folder, tmp_path / "out")
    assert_clean(result)
    assert result.exit_code == 2, result.output
    for part in parts:
        assert part in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_priced_levers_cost_what_company_toml_says(tmp_path) -> None:
    """Design priced per idea a week is paid out of the budget before posts, in the
    allocation the plan shows and in the model; transparency's price per fact reaches the
    model's costs. Free levers (the default) buy the same posts whatever their level."""
    folder = _known(tmp_path)
    priced = KNOWN_COMPANY.replace("liaison_cost = 0",
                                   "liaison_cost = 0\ndesign_cost = 50\ndisclosure_cost = 4")
    (folder / "company.toml").write_text(priced, encoding="utf-8")
    search = prepare(folder, Options(replicates=1, seed=5, uncertainty="none"))
    base = search.baselines()["all-engaged"]
    spent = {}
    for ideas in (0.0, 2.0):
        candidate = type(base)(base.deals, base.posts, liaison=False,
                               transparency=base.transparency, feedback=ideas)
        frame = search.allocation(candidate)
        spent[ideas] = frame["weekly_cost"].sum()
        config = search.config(candidate)
        firm = config["companies"][0]
        factor = 1000.0 / 200000 / 20.0
        assert firm["design_cost"] == pytest.approx(50 * factor)
        assert firm["disclosure_cost"] == pytest.approx(4 * factor)
        assert firm["design_capacity"] == ideas
        model = InfluenceModel(rng=1, **config)
        model.step()
        company = model.companies[0]
        assert company.design_paid * search.money_factor == pytest.approx(50 * ideas)
        assert sum(i.fee_paid for i in company.influencers) * search.money_factor \
            == pytest.approx(spent[ideas])
    assert spent[0.0] - spent[2.0] == pytest.approx(100.0)


def test_a_dask_local_cluster_gives_the_same_search_as_one_process(tmp_path) -> None:
    """Where the plans run does not change the search: the same trials, measures and
    best plan on a Dask LocalCluster of two workers as in one local process."""
    folder = _known(tmp_path)
    outs = {}
    for name, where in (("one", ["--workers", "1"]), ("dask", ["--dask-local", "2"])):
        outs[name] = tmp_path / name
        result = _search(folder, outs[name], "--trials", "12", *KNOWN_ARGS, *where)
        assert result.exit_code == 0, result.output
    columns = ["plan", "kind", "sales_mean", "trust_mean", "profit_mean", "feasible"]
    one, dask = (pd.read_parquet(outs[n] / "plans.parquet")[columns]
                 .sort_values(["kind", "plan"]).reset_index(drop=True) for n in ("one", "dask"))
    pd.testing.assert_frame_equal(one, dask)
    best = [(outs[n] / "best_plan.csv").read_bytes() for n in ("one", "dask")]
    assert best[0] == best[1]


def test_two_executors_at_once_are_one_line(tmp_path) -> None:
    folder = _known(tmp_path)
    result = _search(folder, tmp_path / "out", "--workers", "2", "--dask-local", "2")
    assert result.exit_code == 2
    assert "--workers and --dask-local: got both" in result.output
    assert not (tmp_path / "out").exists()
