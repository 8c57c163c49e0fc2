"""The pages as components (solara.render, no browser): what they show and how they react.

Each test runs inside an event loop, as the server renders a page: Play and
the building of big worlds are coroutines on that loop.
"""

from __future__ import annotations

import json

import ipyvuetify as v
import pytest
import solara

from simulation import parameters
from simulation.ui import state
from simulation.ui.about import AboutPage
from simulation.ui.app import Layout
from simulation.ui.echart import LiveChartWidget
from simulation.ui.explore import ExplorePage

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def english():
    state.language.set("en")
    state.user_scenarios.set({})
    state.explore_request.set(None)
    yield
    state.language.set("en")


def render(page):
    box, rc = solara.render(Layout(children=[page()]), handle_error=False)
    return box, rc


def click(rc, css_class: str) -> None:
    rc.find(v.Btn, class_=css_class).widget.click()


def texts(rc) -> list[str]:
    """Every plain text span on the page."""
    return [w.children[0] for w in rc.find(v.Html, tag="span").widgets
            if w.children and isinstance(w.children[0], str)]


def markdown(rc) -> str:
    """The rendered HTML of every Markdown block on the page."""
    templates = [w.template if isinstance(w.template, str) else w.template.template
                 for w in rc.find(v.VuetifyTemplate).widgets]
    return "\n".join(t for t in templates if "solara-markdown" in t)


def week(rc) -> int:
    text = rc.find(v.Html, class_="week-display").widget.children[0]
    return int(text.split()[-1])


def options(rc) -> list[dict]:
    """The option of every chart on the page, as the browser receives it."""
    return [json.loads(w.option) for w in rc.find(LiveChartWidget).widgets]


def trust_series(rc) -> list:
    option = next(o for o in options(rc) if o["title"]["text"] == "Brand trust per company")
    return option["series"][0]["data"]


async def test_explore_starts_at_week_zero_with_every_chart() -> None:
    _, rc = render(ExplorePage)
    assert week(rc) == 0
    titles = {o["title"]["text"] for o in options(rc)}
    assert {"Brand trust per company", "Vanity metrics against trust",
            "Sales and cumulative profit",
            "Product knowledge reaching the influencers"} <= titles


async def test_step_advances_a_week_and_extends_the_charts() -> None:
    _, rc = render(ExplorePage)
    click(rc, "btn-step")
    click(rc, "btn-step")
    assert week(rc) == 2
    assert [point[0] for point in trust_series(rc)] == [0, 1, 2]


async def test_reset_returns_to_the_same_world_at_week_zero() -> None:
    _, rc = render(ExplorePage)
    click(rc, "btn-step")
    first = trust_series(rc)
    for _ in range(3):
        click(rc, "btn-step")
    click(rc, "btn-reset")
    assert week(rc) == 0
    click(rc, "btn-step")
    assert trust_series(rc) == first  # same seed, same settings: the same week 1


async def test_sliders_read_their_range_and_help_from_the_declaration() -> None:
    _, rc = render(ExplorePage)
    param = parameters.WORLD["forgetting"]
    slider = rc.find(v.Slider, label=f"forgetting: {param.default:g}").widget
    assert (slider.min, slider.max) == (param.low, param.high)
    helps = texts(rc)
    assert any(h.startswith(param.doc) for h in helps)


async def test_about_shows_every_parameter_and_a_citation() -> None:
    _, rc = render(AboutPage)
    html = markdown(rc)
    for param in (*parameters.WORLD_PARAMS, *parameters.COMPANY_PARAMS,
                  *parameters.INFLUENCER_PARAMS):
        assert f"<code>{param.name}</code>" in html
    assert "How to cite" in html


async def test_a_lesson_is_followed_to_its_end() -> None:
    from simulation.ui.learn import LearnPage

    _, rc = render(LearnPage)
    for _ in range(30):
        if rc.find(v.Alert, class_="lesson-end").widgets:
            break
        run_to = rc.find(v.Btn, class_="btn-run-to").widget
        if not run_to.disabled:
            run_to.click()
        rc.find(v.Btn, class_="btn-next").widget.click()
    assert rc.find(v.Alert, class_="lesson-end").widgets
    assert week(rc) > 0


async def test_french_changes_the_visible_text() -> None:
    _, rc = render(ExplorePage)
    state.language.set("fr")
    assert rc.find(v.Html, class_="week-display").widget.children[0] == "Semaine 0"
    assert rc.find(v.Btn, class_="btn-step").widget.children[0] == "Pas"
