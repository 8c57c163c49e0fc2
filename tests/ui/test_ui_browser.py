"""End to end, in Chromium with the network cut: every page renders and works offline."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import PAGE_TIMEOUT_MS, screenshot

CANVASES = "document.querySelectorAll('.solara-echarts canvas').length"
BAD_SCENARIO = '[world]\nconsumers = -5\n'


def wait_for_charts(page, count: int) -> None:
    """Wait until ``count`` Echarts canvases exist: Echarts loaded from the local proxy."""
    page.wait_for_function(f"{CANVASES} >= {count}", timeout=PAGE_TIMEOUT_MS)


def week_shown(page) -> int:
    text = page.locator(".week-display").first.inner_text()
    return int(re.search(r"\d+", text).group())


def wait_week(page, week: int) -> None:
    page.wait_for_selector(f".week-display:has-text('{week}')")
    page.wait_for_function(
        "(() => { const e = document.querySelector('.week-display');"
        f" return e && e.innerText.match(/\\d+/)[0] == '{week}'; }})()")


def open_explore(page, url: str) -> None:
    page.goto(url + "/")
    page.wait_for_selector("text=Week 0")
    wait_for_charts(page, 7)
    time.sleep(0.5)  # Echarts draws on the next animation frame


def trust_chart(page) -> bytes:
    return page.locator(".chart-trust .solara-echarts").first.screenshot()


def assert_offline(traffic) -> None:
    assert traffic.blocked == [], f"asked the internet for {traffic.blocked}"
    assert traffic.failed == [], f"failed to load {traffic.failed}"


@pytest.mark.parametrize(("path", "marker", "charts"), [
    ("/", "text=Week 0", 7),
    ("/compare", "text=Compare scenarios", 0),
    ("/learn", ".lesson-step", 2),
    ("/about", "text=How to cite", 0),
])
def test_page_renders_completely_with_no_network(offline_page, ui_server, path, marker,
                                                 charts) -> None:
    page, traffic = offline_page
    page.goto(ui_server + path)
    page.wait_for_selector(marker)
    if charts:
        wait_for_charts(page, charts)
    page.wait_for_load_state("networkidle")
    screenshot(page, path.strip("/") or "explore")
    assert_offline(traffic)


def test_step_advances_time_and_redraws_the_charts(offline_page, ui_server) -> None:
    page, traffic = offline_page
    open_explore(page, ui_server)
    before = trust_chart(page)
    for week in (1, 2, 3):
        page.click(".btn-step")
        wait_week(page, week)
    time.sleep(0.5)
    assert trust_chart(page) != before
    screenshot(page, "explore-week-3")
    assert_offline(traffic)


def test_play_then_pause_stops_time(offline_page, ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    page.click(".btn-play")
    page.wait_for_function(
        "(() => { const e = document.querySelector('.week-display');"
        " return e && parseInt(e.innerText.match(/\\d+/)[0]) >= 3; })()")
    page.click(".btn-play")  # now labelled Pause
    page.wait_for_selector(".btn-play:has-text('Play')")
    paused = week_shown(page)
    time.sleep(1.5)
    assert week_shown(page) == paused >= 3


def test_reset_restores_week_zero_and_the_same_world(offline_page, ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    page.click(".btn-step")
    wait_week(page, 1)
    time.sleep(0.5)
    week_one = trust_chart(page)
    page.click(".btn-step")
    wait_week(page, 2)
    page.click(".btn-reset")
    wait_week(page, 0)
    page.click(".btn-step")
    wait_week(page, 1)
    time.sleep(0.5)
    assert trust_chart(page) == week_one


def test_a_parameter_change_takes_effect(offline_page, ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    assert "2,000 consumers" in page.locator(".world-summary").inner_text()
    field = page.get_by_label("consumers", exact=True)
    field.fill("500")
    field.press("Enter")
    page.wait_for_selector(".world-summary:has-text('500 consumers')")
    wait_week(page, 0)


def test_an_out_of_range_value_is_refused_and_the_page_keeps_working(offline_page,
                                                                     ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    field = page.get_by_label("consumers", exact=True)
    field.fill("5")
    field.press("Enter")
    page.wait_for_selector("text=allowed: an integer in [10, 10000000]")
    assert "2,000 consumers" in page.locator(".world-summary").inner_text()
    page.click(".btn-step")
    wait_week(page, 1)


def test_a_bad_scenario_file_shows_its_error_and_the_app_keeps_working(offline_page,
                                                                      ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    page.click("text=Load your own scenario (.toml)")
    page.get_by_label("TOML").fill(BAD_SCENARIO)
    page.click(".load-pasted")
    error = page.wait_for_selector(".scenario-error")
    text = error.inner_text()
    assert "consumers" in text and "got -5" in text and "allowed" in text
    screenshot(page, "explore-bad-scenario")
    page.click(".btn-step")
    wait_week(page, 1)


def test_language_switch_changes_the_visible_text(offline_page, ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    page.click(".language-switch >> text=fr")
    page.wait_for_selector("text=Semaine 0")
    page.wait_for_selector(".nav-explore:has-text('Explorer')")
    page.click(".nav-about")
    page.wait_for_selector("text=Comment citer")
    page.click(".language-switch >> text=en")
    page.wait_for_selector("text=How to cite")


def test_a_lesson_can_be_followed_to_its_end(offline_page, ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/learn")
    page.wait_for_selector(".lesson-step")
    for _ in range(50):
        if page.locator(".lesson-end").count():
            break
        run_to = page.locator(".btn-run-to")
        if run_to.is_enabled():
            target = int(re.search(r"\d+", run_to.inner_text()).group())
            run_to.click()
            wait_week(page, target)
        page.click(".btn-next")
        page.wait_for_timeout(300)
    page.wait_for_selector(".lesson-end")
    screenshot(page, "learn-end")
    assert_offline(traffic)


def _set_slider(page, label: str, presses: int) -> None:
    """Put a slider at its minimum, then ``presses`` steps up, with the keyboard."""
    thumb = page.locator(f".v-input:has-text('{label}') [role=slider]").first
    thumb.focus()
    thumb.press("Home")
    for _ in range(presses):
        thumb.press("ArrowRight")


def test_compare_completes_and_offers_both_downloads(offline_page, ui_server,
                                                     tmp_path: Path) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/compare")
    page.wait_for_selector(".btn-compare")
    _set_slider(page, "Replicates", 1)
    _set_slider(page, "weeks", 11)
    page.wait_for_selector("text=Replicates: 2")
    page.wait_for_selector("text=weeks: 12")
    page.click(".btn-compare")
    page.wait_for_selector(".compare-done", timeout=120_000)
    page.wait_for_selector("text=Download data (CSV)")
    with page.expect_download() as csv_download:
        page.click("text=Download data (CSV)")
    csv = tmp_path / "runs.csv"
    csv_download.value.save_as(csv)
    assert csv.read_text().startswith("Scenario,replicate,Seed,week,company")
    with page.expect_download() as png_download:
        page.click("text=Download figure (PNG)")
    png = tmp_path / "compare.png"
    png_download.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    screenshot(page, "compare-done")
    assert_offline(traffic)


def _start_long_compare(page, url: str) -> None:
    """Start the default comparison (2 scenarios x 10 replicates x 156 weeks: many seconds)."""
    page.goto(url + "/compare")
    page.wait_for_selector(".btn-compare")
    page.click(".btn-compare")
    page.wait_for_selector(".compare-progress")


def _runs_done(page) -> int:
    return int(re.search(r"\d+", page.locator(".compare-progress").inner_text()).group())


def test_the_page_answers_while_a_comparison_runs(offline_page, ui_server) -> None:
    page, traffic = offline_page
    _start_long_compare(page, ui_server)
    first = _runs_done(page)
    # The language switch re-renders the page while the runs go on: the progress
    # line itself comes back in French, and keeps counting.
    page.click(".language-switch >> text=fr")
    page.wait_for_selector(".compare-progress:has-text('En cours')")
    page.wait_for_function(
        "(() => { const e = document.querySelector('.compare-progress');"
        f" return e && parseInt(e.innerText.match(/\\d+/)[0]) > {first}; }})()",
        timeout=120_000)
    assert page.locator(".btn-compare").is_disabled()
    # Another page opens at once, runs still going or not.
    page.click(".nav-about")
    page.wait_for_selector("text=Comment citer")
    assert_offline(traffic)


def test_cancel_stops_a_comparison(offline_page, ui_server) -> None:
    page, _ = offline_page
    _start_long_compare(page, ui_server)
    page.click(".btn-cancel")
    notice = page.wait_for_selector(".compare-cancelled", timeout=60_000)
    done, total = map(int, re.findall(r"\d+", notice.inner_text())[:2])
    assert done < total == 20
    assert page.locator(".btn-compare").is_enabled()
    assert page.locator(".compare-done").count() == 0


def test_a_big_world_is_built_while_the_page_keeps_answering(offline_page, ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    field = page.get_by_label("consumers", exact=True)
    field.fill("2000000")
    field.press("Enter")
    page.wait_for_selector(".world-building")
    # While the world is built the page still answers: the notice turns French.
    page.click(".language-switch >> text=fr")
    page.wait_for_selector(".world-building:has-text('Construction du monde')")
    # French writes its thousands with a narrow no-break space.
    page.wait_for_function("(() => { const e = document.querySelector('.world-summary');"
                           " return e && e.innerText.includes('2\\u202f000\\u202f000'); })()",
                           timeout=120_000)
    assert page.locator(".world-building").count() == 0
    page.click(".btn-step")
    wait_week(page, 1)
