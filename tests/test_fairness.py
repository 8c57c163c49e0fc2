"""The fairness table: what differs between the companies of a run, printed and written."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from simulation import InfluenceModel
from simulation.cli import cli
from simulation.metrics import FAIRNESS_COLUMNS, fairness


def _run(weeks: int, seed: int = 0, **params) -> InfluenceModel:
    model = InfluenceModel(rng=seed, **params)
    for _ in range(weeks):
        model.step()
    return model


@pytest.fixture(scope="module")
def default_year() -> pd.DataFrame:
    return fairness(_run(52)).set_index("company")


def test_default_world_spends_within_two_percent(default_year) -> None:
    spend = default_year["spend_total"]
    assert spend.min() > 0
    assert (spend.max() - spend.min()) / spend.max() <= 0.02
    # the budget over the year: 10 per week per 1,000 consumers, 2,000 consumers, 52 weeks
    assert default_year["budget_total"].tolist() == pytest.approx([10 * 2 * 52] * 2)


def test_default_world_gives_both_the_same_product_price_and_audiences(default_year) -> None:
    for column in ("quality_start", "price", "responsibility", "unit_cost", "influencers",
                   "followers_total", "audience_total", "audiences"):
        assert default_year[column].nunique() == 1, column
    assert default_year["audience_share"].iloc[0] == pytest.approx(
        default_year["audience_total"].iloc[0] / 2000)
    assert default_year.loc["Billboard Co", "strategy"] == "billboard"
    assert default_year.loc["Engaged Co", "structure"] == "transversal"


def test_the_table_shows_what_does_differ() -> None:
    """A dearer, more responsible product and a budget no one can absorb show up as such."""
    model = _run(10, companies=[{"price": 1.2, "responsibility": 0.9, "max_posts": 0.5},
                                {"max_posts": 0.5}], candidates_per_company=0)
    table = fairness(model).set_index("company")
    assert list(table.reset_index().columns) == list(FAIRNESS_COLUMNS)
    billboard, engaged = table.loc["Billboard Co"], table.loc["Engaged Co"]
    assert billboard["price"] == 1.2 and engaged["price"] == 1.0
    assert billboard["unit_cost"] > engaged["unit_cost"]  # responsibility costs to make
    for row in (billboard, engaged):
        assert row["unspent_total"] > 0
        assert row["spend_total"] + row["unspent_total"] == pytest.approx(10 * 2 * 10)
        assert 0 < row["posts"] <= 0.5 * 3 * 10


def test_a_strategy_changed_during_the_run_shows_then_and_now() -> None:
    model = _run(6, events=[{"week": 3, "kind": "change", "company": 1,
                             "strategy": "billboard", "structure": "siloed"}],
                 consumers=300)
    engaged = fairness(model).set_index("company").loc["Engaged Co"]
    assert engaged["strategy"] == "engaged -> billboard"
    assert engaged["structure"] == "transversal -> siloed"


def test_run_prints_the_table_and_writes_it(tmp_path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["run", "--steps", "8", "--set", "consumers=300",
                                      "--seed", "3", "--out", str(out)], prog_name="influence")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("What differs"))
    assert lines[start + 1].split() == ["Billboard", "Co", "Engaged", "Co"]
    titles = [line.split("  ")[0].strip() for line in lines[start + 2:]]
    for title in ("spend (realised, total)", "unspent (total)", "posts bought",
                  "influencers recruited", "price", "responsibility", "unit cost",
                  "quality at the start", "quality at the end", "strategy", "structure"):
        assert title in titles
    written = pd.read_csv(out / "fairness.csv")
    assert written["company"].tolist() == ["Billboard Co", "Engaged Co"]
    assert written["spend_total"].tolist() == pytest.approx([10 * 0.3 * 8] * 2)
