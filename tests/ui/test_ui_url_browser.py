"""In Chromium, network cut: Compare and Learn keep their state in their URL.

* Compare: after choosing scenarios, a variant's changes, replicates, weeks,
  a seed and the weeks to compare at, and running, the URL holds them all
  and says the comparison shown was run with them; a reload, or the link in
  a fresh browser, shows the same settings and the same verdicts. A crafted
  link opens its settings and runs them. A bad link is refused value by
  value with the declaration's line, the rest applies, and the page still
  compares.
* Learn: the lesson, its step and the week its world was run to survive a
  reload (the same trust values in words); a crafted link opens there; a bad
  one is refused with its line and the lesson still steps.
"""

from __future__ import annotations

import re

from conftest import PAGE_TIMEOUT_MS
from test_ui_browser import _set_slider, assert_offline, wait_for_charts, wait_week

from simulation.ui import serve, state

#: A comparison small enough for a test (2 replicates of 12 weeks each).
DONE_TIMEOUT_MS = 120_000


def fresh_page(browser):
    """Someone else's browser, network cut: a link opened there proves it carries the state."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    blocked: list[str] = []
    context.route("**/*", serve.offline_router(blocked))
    return context, context.new_page(), blocked


def compare_settings(page) -> dict[str, str]:
    """What the Compare page's controls show."""
    return {
        "slot0": page.locator(".compare-slot-0").inner_text(),
        "slot1": page.locator(".compare-slot-1").inner_text(),
        "changes0": page.locator(".compare-changes-0 input").input_value(),
        "seed": page.locator(".compare-seed input").input_value(),
        "at": page.locator(".compare-at-weeks input").input_value(),
        "replicates": page.locator(".v-input:has-text('Replicates') .v-label").first.inner_text(),
        "weeks": page.locator(".v-input:has-text('weeks:') .v-label").first.inner_text(),
    }


def verdicts(page) -> list[str]:
    page.wait_for_selector(".compare-done", timeout=DONE_TIMEOUT_MS)
    return page.locator(".compare-verdict").all_inner_texts()


def test_compare_keeps_its_settings_and_result_in_its_url(browser, offline_page,
                                                           ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/compare")
    page.wait_for_selector(".btn-compare")
    silos = state.catalogue()["h03-silos"].title
    page.click(".compare-slot-1")
    page.get_by_role("option", name=silos, exact=True).click()
    changes = page.locator(".compare-changes-0 input")
    changes.fill("consumers=300")
    changes.press("Enter")
    _set_slider(page, "Replicates", 1)
    _set_slider(page, "weeks", 11)
    page.wait_for_selector("text=Replicates: 2")
    page.wait_for_selector("text=weeks: 12")
    seed = page.locator(".compare-seed input")
    seed.fill("7")
    seed.press("Enter")
    at = page.locator(".compare-at-weeks input")
    at.fill("4, 12")
    at.press("Enter")
    page.click(".btn-compare")
    lines = verdicts(page)
    assert lines and all(", week 12: " in line for line in lines), lines
    page.wait_for_function("window.location.search.includes('run=1')")
    url = page.url
    for part in ("scenario1=default", "scenario2=h03-silos", "changes1=consumers%3D300",
                 "replicates=2", "weeks=12", "seed=7", "at=4%2C+12"):
        assert part in url, (part, url)
    shown = compare_settings(page)
    assert shown["slot1"].endswith(silos) and shown["changes0"] == "consumers=300"

    page.reload()
    page.wait_for_selector(".btn-compare")
    assert verdicts(page) == lines  # run again from the link: the same seed, the same result
    assert compare_settings(page) == shown

    context, other, blocked = fresh_page(browser)
    other.goto(url)
    assert verdicts(other) == lines
    assert compare_settings(other) == shown
    context.close()
    assert blocked == []

    # Settings changed after the run: the URL no longer claims the result is theirs.
    seed.fill("8")
    seed.press("Enter")
    page.wait_for_function("window.location.search.includes('seed=8')")
    assert "run=1" not in page.url
    assert_offline(traffic)


def test_a_crafted_compare_link_opens_and_runs_its_settings(offline_page, ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/compare?scenario1=h01-billboard-vs-engaged&scenario2=h03-silos"
              "&changes2=companies%5B0%5D.hoarding%3D0.9&replicates=2&weeks=6&seed=3&at=6&run=1")
    lines = verdicts(page)
    assert lines and all(", week 6: " in line for line in lines), lines
    catalogue = state.catalogue()
    shown = compare_settings(page)
    assert shown["slot0"].endswith(catalogue["h01-billboard-vs-engaged"].title)
    assert shown["slot1"].endswith(catalogue["h03-silos"].title)
    assert page.locator(".compare-changes-1 input").input_value() == "companies[0].hoarding=0.9"
    assert shown["replicates"].endswith(": 2") and shown["weeks"].endswith(": 6")
    assert page.locator(".compare-error").count() == 0
    assert_offline(traffic)


def test_a_bad_compare_link_is_refused_value_by_value_and_the_page_still_works(
        offline_page, ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/compare?scenario1=default&scenario2=nope&changes1=consumers%3D-5"
              "&replicates=99&weeks=12&seed=x&at=40&run=1")
    error = page.locator(".compare-error")
    error.wait_for()
    message = error.inner_text()
    for line in ("scenario2: got 'nope'; allowed: one of default, ",
                 "consumers: got '-5'; allowed: an integer in [10, 10000000]",
                 "replicates: got '99'; allowed: whole numbers from 1 to 50",
                 "seed: got 'x'; allowed: an integer >= 0",
                 "weeks: got '40'; allowed: whole weeks from 1 to 12"):
        assert line in message, (line, message)
    # The rest applies; nothing ran, since the link's comparison is not what it said.
    shown = compare_settings(page)
    assert shown["weeks"].endswith(": 12") and shown["replicates"].endswith(": 10")
    assert shown["slot0"].endswith(state.catalogue()["default"].title)
    assert shown["changes0"] == "" and shown["seed"] == "42" and shown["at"] == ""
    assert page.locator(".compare-done").count() == 0
    # And the page still compares once a second scenario is chosen.
    page.click(".compare-slot-1")
    page.get_by_role("option", name=state.catalogue()["h03-silos"].title, exact=True).click()
    _set_slider(page, "Replicates", 1)
    page.wait_for_selector("text=Replicates: 2")
    page.click(".btn-compare")
    assert verdicts(page)
    page.wait_for_function("window.location.search.includes('run=1')")
    assert "scenario2=h03-silos" in page.url and "nope" not in page.url
    assert_offline(traffic)


def step_heading(page) -> str:
    return page.locator(".lesson-step-text h3").inner_text()


def lesson_week(page) -> int:
    text = page.locator(".lesson ~ * .week-display, .week-display").first.inner_text()
    return int(re.search(r"\d+", text).group())


def test_learn_keeps_its_lesson_step_and_week_in_its_url(browser, offline_page,
                                                          ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/learn")
    page.wait_for_selector(".lesson-step")
    silos = state.catalogue()["h03-silos"]
    page.click(".lesson-select")
    page.get_by_role("option", name=silos.title, exact=True).click()
    page.locator(".lesson-text", has_text=silos.title).wait_for()
    page.click(".btn-next")
    week = int(silos.lesson[1]["week"])
    page.locator(".lesson-step-text", has_text=f"Step 2 of {len(silos.lesson)}").wait_for()
    page.click(".btn-run-to")
    wait_week(page, week)
    page.wait_for_function(f"window.location.search.includes('week={week}')")
    url = page.url
    assert "lesson=h03-silos" in url and "step=2" in url, url
    page.wait_for_selector(f".chart-summary-trust:has-text('week {week}:')")
    before = page.locator(".chart-summary-trust").inner_text()
    heading = step_heading(page)

    page.reload()
    page.wait_for_selector(".lesson-step")
    wait_week(page, week)
    assert step_heading(page) == heading
    assert silos.title in page.locator(".lesson-select").inner_text()
    page.wait_for_selector(f".chart-summary-trust:has-text('week {week}:')")
    assert page.locator(".chart-summary-trust").inner_text() == before

    context, other, blocked = fresh_page(browser)
    other.goto(url)
    wait_week(other, week)
    assert step_heading(other) == heading
    other.wait_for_selector(f".chart-summary-trust:has-text('week {week}:')")
    assert other.locator(".chart-summary-trust").inner_text() == before
    context.close()
    assert blocked == []

    # The lesson goes on from there, and the URL follows it.
    page.click(".btn-lesson-step")
    wait_week(page, week + 1)
    page.wait_for_function(f"window.location.search.includes('week={week + 1}')")
    assert_offline(traffic)


def test_a_crafted_learn_link_opens_there_and_a_bad_one_is_refused(offline_page,
                                                                   ui_server) -> None:
    page, traffic = offline_page
    silos = state.catalogue()["h03-silos"]
    page.goto(ui_server + "/learn?lesson=h03-silos&step=3&week=10")
    page.wait_for_selector(".lesson-step")
    wait_week(page, 10)
    assert step_heading(page).startswith(f"Step 3 of {len(silos.lesson)}")
    assert page.locator(".lesson-error").count() == 0

    page.goto(ui_server + "/learn?lesson=h03-silos&step=9&week=5000")
    error = page.locator(".lesson-error")
    error.wait_for()
    message = error.inner_text()
    assert "step: got '9'; allowed: whole numbers from 1 to 5" in message, message
    assert "week: got '5000'; allowed: whole weeks from 0 to 156" in message, message
    # The lesson asked for opens, at its first step and week 0, and still steps.
    assert silos.title in page.locator(".lesson-select").inner_text()
    assert step_heading(page).startswith("Step 1 of")
    wait_week(page, 0)
    page.click(".btn-lesson-step")
    wait_week(page, 1)

    page.goto(ui_server + "/learn?lesson=nope")
    page.locator(".lesson-error", has_text="lesson: got 'nope'; allowed: one of ").wait_for()
    wait_for_charts(page, 3)
    page.click(".btn-lesson-step")
    wait_week(page, 1)
    assert_offline(traffic)
