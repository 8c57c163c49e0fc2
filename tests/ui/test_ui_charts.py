"""Explore's charts: every legend entry in view, axes that say their units."""

from __future__ import annotations

import pytest

from simulation import parameters
from simulation.ui import charts
from simulation.ui.live import LiveRun


@pytest.fixture(scope="module")
def run() -> LiveRun:
    config = parameters.resolve({**parameters.defaults(), "consumers": 200})
    config["companies"] = [dict(config["companies"][i % 2], name=f"Company number {i}")
                           for i in range(4)]
    live = LiveRun(parameters.resolve(config), 1)
    live.step(2)
    return live


@pytest.mark.parametrize("chart", ["trust_option", "vanity_option", "sales_option",
                                   "knowledge_option"])
def test_no_legend_is_paged_and_the_plot_leaves_room_for_it(run, chart) -> None:
    option = getattr(charts, chart)(run, "en")
    assert option["legend"]["type"] == "plain"  # a "scroll" legend pages its entries (1/3)
    names = option["legend"].get("data") or {s["name"] for s in option["series"]}
    characters = sum(len(n) + 6 for n in names)
    lines = -(-characters // charts.LEGEND_LINE_CHARACTERS)
    assert option["grid"]["bottom"] >= charts.LEGEND_BASE + charts.LEGEND_LINE * lines


def test_the_axes_say_their_units(run) -> None:
    vanity = charts.vanity_option(run, "en")
    assert vanity["yAxis"][0]["type"] == "log"
    assert vanity["yAxis"][0]["name"] == "impressions / likes (per week, log scale)"
    assert charts.vanity_option(run, "fr")["yAxis"][0]["name"] == \
        "impressions / j'aime (par semaine, échelle log)"
    sales = charts.sales_option(run, "en")
    assert [a["name"] for a in sales["yAxis"]] == ["sales (per week)",
                                                   "cumulative profit (money)"]
