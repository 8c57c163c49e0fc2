"""`influence dock switches`: how often pressure moves a company, and the trust gap."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from click.testing import CliRunner

from simulation.cli import cli
from simulation.switching import groups, interval, per_run


def frame(seed: int, strategies: list[str], trust: tuple[float, float]) -> pd.DataFrame:
    """A tiny stacked run: company A's strategy by week, B engaged; final trust given."""
    rows = []
    for week, strategy in enumerate(strategies):
        last = week == len(strategies) - 1
        rows.append({"seed": seed, "step": week, "company": "A", "strategy": strategy,
                     "trust_mean": trust[0] if last else 0.5})
        rows.append({"seed": seed, "step": week, "company": "B", "strategy": "engaged",
                     "trust_mean": trust[1] if last else 0.5})
    return pd.DataFrame(rows)


def test_per_run_finds_the_first_change_and_the_gap() -> None:
    runs = pd.concat([frame(1, ["engaged", "engaged", "billboard", "billboard"], (0.4, 0.7)),
                      frame(2, ["engaged"] * 4, (0.6, 0.5))])
    table = per_run(runs, "A", "B").set_index("seed")
    assert table.loc[1, "switched"] and table.loc[1, "first_switch"] == 2
    assert table.loc[1, "gap"] == pytest.approx(0.3)
    assert not table.loc[2, "switched"] and table.loc[2, "first_switch"] == -1
    assert table.loc[2, "gap"] == pytest.approx(-0.1)
    by = {g.name: g for g in groups(table.reset_index())}
    assert (by["switched"].runs, by["not switched"].runs, by["all"].runs) == (1, 1, 2)
    assert by["all"].mean == pytest.approx(0.1)
    assert math.isnan(by["switched"].low)  # one run: no interval


def test_interval_matches_student_t() -> None:
    mean, low, high = interval([0.0, 1.0, 2.0, 3.0])
    # sd = 1.291, t(0.975, 3) = 3.182: half-width 3.182 * 1.291 / 2 = 2.054
    assert mean == pytest.approx(1.5)
    assert (low, high) == pytest.approx((1.5 - 2.054, 1.5 + 2.054), abs=1e-3)
    assert all(math.isnan(v) for v in interval([]))


def invoke(*args: str):
    return CliRunner().invoke(cli, ["dock", "switches", "-q", *args])


def test_without_pressure_no_run_switches() -> None:
    result = invoke("--seeds", "6", "--set", "companies[1].pressure=0")
    assert result.exit_code == 0, result.output
    assert "Quarterly Co changes strategy in 0 of 6 runs" in result.output


def test_the_shipped_scenario_switches_in_some_runs_not_all() -> None:
    """Whether shareholders act is an outcome of their evidence, not of the scenario's set-up."""
    result = invoke("--seeds", "16", "--workers", "2")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "changes strategy in" in x)
    switched = int(line.split(" in ")[1].split(" of ")[0])
    assert 0 < switched < 16, line


@pytest.mark.parametrize("args, needle", [
    (["--company", "Nope"], "--company: got 'Nope'"),
    (["--reference", "Quarterly Co"], "--reference: got 'Quarterly Co'"),
    (["--set", "companies[1].pressure=7"], "pressure"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str) -> None:
    result = invoke("--seeds", "2", *args)
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output
