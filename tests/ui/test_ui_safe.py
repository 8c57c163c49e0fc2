"""Scenario texts stay text (no browser): escaping, tables, CSV cells, figures, templates.

The browser test (``test_ui_markup_browser.py``) shows no payload runs; these
check the pieces one by one, and that no page puts a scenario's text in a
template the browser compiles (``solara.Markdown``'s), where ``{{ … }}`` is code.
"""

from __future__ import annotations

import csv
import io
import threading

import ipyvuetify as v
import pandas as pd
import pytest
import solara

from simulation import parameters
from simulation.ui import state
from simulation.ui.app import Layout
from simulation.ui.compare_page import run_comparison
from simulation.ui.safe import csv_safe, escape, table_html

MARK = "M4rk"
TITLE = f"<img src=x onerror=alert(1)> {{{{7*7}}}} {MARK}"
#: Markup and a formula, though not at the start (a name beginning with = + - @ is
#: refused when a configuration resolves; csv_safe's quoting is tested on its own below).
COMPANY = f"Sum Co =SUM(A1:A9) <b>{MARK}</b>"


def test_escape_leaves_no_markup() -> None:
    assert escape('<img src=x onerror="a()">') == "&lt;img src=x onerror=&quot;a()&quot;&gt;"
    assert escape("it's & {{x}}") == "it&#x27;s &amp; {{x}}"  # braces are harmless as innerHTML


def test_a_table_escapes_every_header_and_cell() -> None:
    frame = pd.DataFrame({"<th>": [TITLE], "n": [1.5]})
    html = table_html(frame, "x")
    assert "<img" not in html and "<th>&lt;th&gt;</th>" in html
    assert escape(TITLE) in html and "<td>1.5</td>" in html


def test_csv_cells_that_would_be_formulas_are_quoted_and_numbers_kept() -> None:
    frame = pd.DataFrame({"company": ["=cmd()", "+1", "-x", "@x", "Plain Co"],
                          "value": [-1.5, 2.0, -3.0, 0.0, 1.0]})
    out = csv_safe(frame)
    assert list(out["company"]) == ["'=cmd()", "'+1", "'-x", "'@x", "Plain Co"]
    assert list(out["value"]) == [-1.5, 2.0, -3.0, 0.0, 1.0]
    assert list(frame["company"])[0] == "=cmd()"  # the caller's frame is left alone


def test_a_comparison_of_scenarios_named_in_markup_and_mathematics_downloads_them_as_text(
) -> None:
    config = parameters.resolve({**parameters.defaults(), "consumers": 200})
    config["companies"][0]["name"] = COMPANY
    label = r"$\notacommand$ " + TITLE  # Matplotlib would fail on this as mathematics
    outcome = run_comparison([(label, config), ("plain", config)], replicates=1, weeks=2,
                             seed=1, progress=lambda done, total: None,
                             cancel=threading.Event())
    assert outcome.png[:4] == b"\x89PNG"
    rows = list(csv.DictReader(io.StringIO(outcome.csv.decode("utf-8"))))
    assert {r["Scenario"] for r in rows} == {label, "plain"}
    assert COMPANY in {r["company"] for r in rows}


@pytest.fixture
def markup_scenario():
    """A visitor's scenario whose title, summary, company names and lesson hold markup."""
    base = state.catalogue()[state.DEFAULT_KEY]
    config = parameters.resolve({**parameters.defaults(), "consumers": 200})
    config["companies"][0]["name"] = COMPANY
    scenario = state.UiScenario(
        key="file:markup.toml", title=TITLE, summary=f"<script>{MARK}</script>", config=config,
        teaching={"what": TITLE, "notice": [TITLE]},
        lesson=({"week": 1, "watch": TITLE, "ask": TITLE, "try": TITLE},),
        fr={"title": TITLE})
    state.user_scenarios.set({scenario.key: scenario})
    state.language.set("en")
    yield scenario
    state.user_scenarios.set({})
    assert base  # the shipped catalogue is untouched


def templates(rc) -> str:
    """Every template the page sends the browser to compile."""
    return "\n".join(w.template if isinstance(w.template, str) else w.template.template
                     for w in rc.find(v.VuetifyTemplate).widgets if w.template)


@pytest.mark.anyio
@pytest.mark.parametrize("page", ["explore", "learn", "compare"])
async def test_no_page_puts_a_scenario_text_in_a_template(markup_scenario, page) -> None:
    from simulation.ui.compare_page import ComparePage
    from simulation.ui.explore import ExplorePage
    from simulation.ui.learn import LearnPage

    component = {"explore": ExplorePage, "learn": LearnPage, "compare": ComparePage}[page]
    if page == "explore":
        state.explore_request.set(markup_scenario.key)
    _, rc = solara.render(Layout(children=[component()]), handle_error=False)
    if page == "learn":
        select = rc.find(v.Select, label="Lesson").widget
        select.v_model = TITLE
    shown = templates(rc)
    assert MARK not in shown, "a scenario text went into a compiled template"
    if page == "learn":
        html = "".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)
        assert escape(TITLE) in html and "<img" not in html
    state.explore_request.set(None)
