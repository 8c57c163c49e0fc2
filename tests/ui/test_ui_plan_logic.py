"""The Plan page's logic without a browser: files checked as the CLI checks them, a real job."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from experiments.plan import PlanError, read_company
from experiments.plan.company import parse_company
from experiments.plan.roster import parse_roster
from simulation.ui import plan_page as pp
from simulation.ui.jobs import job_folder


def test_the_company_file_the_page_writes_reads_back_as_the_same_company() -> None:
    company = read_company(pp.EXAMPLE / "company.toml")
    again = parse_company(pp.company_toml(company), "company.toml")
    assert again.values == company.values
    changed = parse_company(pp.company_toml(company, weekly_budget=12_345.5, weeks=30), "c")
    assert changed["weekly_budget"] == 12_345.5 and changed["weeks"] == 30
    assert changed["market.size"] == company["market.size"]


def test_check_names_the_uploaded_file_row_and_column_as_the_cli_does() -> None:
    inputs = pp.example_inputs()
    plan, text = pp.check(inputs, weeks=10)
    assert len(plan.table) == 20 and plan.weeks == 10 and b"weeks = 10\n" in text
    lines = inputs.roster.decode().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("name,"))
    cells = lines[header + 1].split(",")
    cells[2] = "lots"
    lines[header + 1] = ",".join(cells)
    bad = pp.Inputs("mine.csv", "\n".join(lines).encode(), "co.toml", inputs.company)
    with pytest.raises(PlanError) as caught:
        pp.check(bad)
    assert str(caught.value).startswith(f"mine.csv: row {header + 2}, column followers: "
                                        "got 'lots'; allowed: an integer")
    with pytest.raises(PlanError, match=r"^co\.toml: weekly_budget: got -5\.0; allowed: a "
                                        r"number >= 0"):
        pp.check(pp.Inputs("r.csv", inputs.roster, "co.toml", inputs.company),
                 weekly_budget=-5.0)
    with pytest.raises(PlanError, match=r"^roster\.csv: got nothing; allowed: a roster CSV"):
        pp.check(pp.Inputs(company_name="co.toml", company=inputs.company))


def test_the_editor_numbers_rows_as_the_roster_reader_does() -> None:
    inputs = pp.example_inputs()
    header, rows = pp.roster_table(inputs.roster, "roster.csv")
    assert header[:3] == ["name", "platform", "followers"] and len(rows) == 20
    parsed = parse_roster(inputs.roster)
    assert [n for n, _ in rows] == [r.row for r in parsed]
    edited = [list(cells) for _, cells in rows]
    edited[4][2] = "-3"
    with pytest.raises(PlanError, match=r"^roster\.csv: row 6, column followers: got '-3'"):
        parse_roster(pp.table_csv(header, edited))
    assert parse_roster(pp.table_csv(header, [c for _, c in rows])) == tuple(
        type(r)(**{**vars(r), "row": i + 2}) for i, r in enumerate(parsed))


def test_best_so_far_is_read_from_the_search_line() -> None:
    assert pp.parse_best("best profit (mean) 43,529,432 (plan 29)") == {"best": 43529432.0,
                                                                        "plan": 29}
    assert pp.parse_best("best trust (worst 10 % (CVaR)) 0.4693 (plan 3)") == {
        "best": 0.4693, "plan": 3}
    assert pp.parse_best("no feasible plan yet") == {}


def test_the_command_reruns_the_same_search() -> None:
    s = pp.Settings(trials=8, replicates=2, consumers=500, seed=3,
                    objectives=("profit:mean", "trust:cvar10"), min_engaged=0.25,
                    fixed=("liaison",))
    assert s.command() == ("influence plan search my-plan --out my-plan/search --trials 8 "
                           "--replicates 2 --consumers 500 --seed 3 --objective profit:mean "
                           "--objective trust:cvar10 --min-engaged 0.25 --fix liaison")
    assert [o.key for o in s.options().objectives] == ["profit_mean", "trust_cvar10"]


def test_the_search_work_reports_best_so_far_and_writes_the_report() -> None:
    inputs = pp.example_inputs()
    _, company = pp.check(inputs, weeks=6)
    folder = job_folder("plan-test")
    try:
        (folder / "roster.csv").write_bytes(inputs.roster)
        (folder / "company.toml").write_bytes(company)
        settings = pp.Settings(trials=8, replicates=1, consumers=300)
        calls: list[tuple[int, int, dict]] = []
        result = pp.search_work(lambda *call: calls.append(call), str(folder), settings)
        assert calls[0] == (0, 8, {"phase": "baselines"})
        assert calls[-1] == (8, 8, {"phase": "report"})
        best = [info for _, _, info in calls if "best" in info]
        assert best, calls  # the search's own best-so-far line was read
        outcome = pp.read_outcome(Path(result["out"]), settings, 1.0)
        trial = outcome.data["summary"]["best"]["trial"]
        assert best[-1]["plan"] == trial == result["trial"]
        measures = outcome.data["summary"]["best"]["measures"]
        assert best[-1]["best"] == pytest.approx(measures["profit_mean"], rel=1e-6, abs=1)
        assert outcome.files["report.en.pdf"].startswith(b"%PDF")
        assert b"--trials 8 --replicates 1 --consumers 300" in outcome.files["report.fr.html"]
        assert b"decision" in outcome.files["best_plan.csv"].splitlines()[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
