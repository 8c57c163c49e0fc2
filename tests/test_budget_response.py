"""`influence dock budget`: one company's budget at two values, paired by seed."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from simulation.budget_response import OUTCOMES, paired
from simulation.cli import cli


def test_paired_differences_are_high_minus_low_seed_by_seed() -> None:
    rows = []
    for seed, (low, high) in enumerate([(0.5, 0.6), (0.4, 0.7)]):
        for label, value in (("low", low), ("high", high)):
            row = {"scenario": label, "seed": seed, "step": 52, "company": "A"}
            row.update({outcome: value for outcome in OUTCOMES})
            rows.append(row)
            rows.append({**row, "company": "B", **{o: 9.0 for o in OUTCOMES}})
    table = paired(pd.DataFrame(rows), "A", (52,)).set_index("outcome")
    assert table.loc["trust_mean", "difference"] == pytest.approx(0.2)  # (0.1 + 0.3) / 2
    assert table.loc["trust_mean", "low"] == pytest.approx(0.45)
    # two seeds: sd 0.1414, t(0.975, 1) = 12.706, half-width 12.706 * 0.1414 / sqrt 2 = 1.271
    assert table.loc["trust_mean", "ci_high"] == pytest.approx(0.2 + 1.2706, abs=1e-3)


def invoke(*args: str):
    return CliRunner().invoke(cli, ["dock", "budget", "-q", *args])


def test_more_money_buys_an_engaged_company_more_posts_and_reach() -> None:
    result = invoke("--seeds", "3", "--weeks", "26", "--set", "consumers=400")
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.output.splitlines()[2:]}
    assert lines["posts"].endswith("higher"), lines["posts"]
    assert "Engaged Co's budget 5 against 20" in result.output


@pytest.mark.parametrize("args, needle", [
    (["--low", "-1"], "--low: got -1"),
    (["--company", "7"], "--company: got 7"),
    (["--weeks", "0"], "--weeks: got '0'"),
    (["--weeks", "x"], "--weeks: got 'x'"),
    (["--set", "consumers=1"], "--set: consumers"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str) -> None:
    result = invoke("--seeds", "2", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output
