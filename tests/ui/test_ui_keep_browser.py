"""In Chromium, network cut: what a visitor has in hand is kept when they move on.

* Learn's "Open in Explore" opens the lesson's world at the lesson's week:
  the same scenario, the same seed, the same week, so the trust chart's
  values in words are the lesson's.
* The page's state lives in its URL: after a changed parameter, another
  seed and a few weeks, a reload, and the same link opened in a fresh
  browser, show the same world at the same week; a bad value in a link is
  refused with the declaration's message.
* A scenario file can be chosen with a file picker, beside drop and paste;
  a bad one is refused with the loader's one line, naming no server path.
"""

from __future__ import annotations

import re

from test_ui_browser import assert_offline, open_explore, wait_for_charts, wait_week

from simulation.ui import explore, learn


def test_open_in_explore_opens_the_lessons_world_at_its_week(offline_page, ui_server) -> None:
    assert learn.LESSON_SEED == explore.DEFAULT_SEED
    page, traffic = offline_page
    page.goto(ui_server + "/learn")
    page.wait_for_selector(".lesson-step")
    run_to = page.locator(".btn-run-to")
    week = int(re.search(r"\d+", run_to.inner_text()).group())
    assert week > 0
    run_to.click()
    wait_week(page, week)
    page.wait_for_selector(f".chart-summary-trust:has-text('week {week}:')")
    lesson = page.locator(".chart-summary-trust").inner_text()
    page.click(".btn-open-explore")
    page.wait_for_selector(".btn-step")
    wait_week(page, week)
    wait_for_charts(page, 7)
    page.wait_for_selector(f".chart-summary-trust:has-text('week {week}:')")
    assert page.locator(".chart-summary-trust").inner_text() == lesson
    # And it goes on from there.
    page.click(".btn-step")
    wait_week(page, week + 1)
    assert_offline(traffic)


def pick(page, path) -> None:
    """Press the picker and choose ``path`` in the file chooser it opens."""
    with page.expect_file_chooser() as chooser:
        page.click(".scenario-picker")
    chooser.value.set_files(str(path))


def test_a_scenario_file_can_be_chosen_with_a_file_picker(offline_page, ui_server,
                                                          tmp_path) -> None:
    page, traffic = offline_page
    open_explore(page, ui_server)
    page.click("text=Load your own scenario (.toml)")
    picker = page.locator(".scenario-picker")
    picker.wait_for()
    assert "choose a file" in picker.inner_text().lower()
    bad = tmp_path / "broken.toml"
    bad.write_text("[world]\nconsumers = -3\n")
    pick(page, bad)
    error = page.locator(".scenario-error")
    error.wait_for()
    assert error.inner_text().startswith("broken.toml: world.consumers: got -3")
    assert str(tmp_path) not in error.inner_text() and "/tmp" not in error.inner_text()
    assert picker.is_visible(), "the error closed the fold"
    good = tmp_path / "my-town.toml"
    good.write_text('title = "My picked town"\nextends = "default"\n\n[world]\n'
                    "consumers = 300\n")
    pick(page, good)
    page.locator(".world-summary", has_text="My picked town").wait_for()
    assert "300 consumers" in page.locator(".world-summary").inner_text()
    assert page.locator(".scenario-error").count() == 0
    assert_offline(traffic)


def test_a_reload_or_a_shared_link_opens_the_same_world_at_the_same_week(
        browser, offline_page, ui_server) -> None:
    from conftest import PAGE_TIMEOUT_MS

    from simulation.ui import serve

    page, traffic = offline_page
    open_explore(page, ui_server)
    field = page.get_by_label("consumers", exact=True)
    field.fill("500")
    field.press("Enter")
    page.locator(".world-summary", has_text="500 consumers").wait_for()
    seed = page.get_by_label("Seed", exact=True)
    seed.fill("7")
    seed.press("Enter")
    page.locator(".world-summary", has_text="seed 7").wait_for()
    for week in (1, 2, 3):
        page.click(".btn-step")
        wait_week(page, week)
    page.wait_for_function("window.location.search.includes('week=3')")
    url = page.url
    assert "seed=7" in url and "consumers%3D500" in url, url
    page.wait_for_selector(".chart-summary-trust:has-text('week 3:')")
    before = page.locator(".chart-summary-trust").inner_text()

    page.reload()
    wait_week(page, 3)
    page.locator(".world-summary", has_text="seed 7").wait_for()
    assert "500 consumers" in page.locator(".world-summary").inner_text()
    page.wait_for_selector(".chart-summary-trust:has-text('week 3:')")
    assert page.locator(".chart-summary-trust").inner_text() == before

    context = browser.new_context()  # someone else, given the link
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    blocked: list[str] = []
    context.route("**/*", serve.offline_router(blocked))
    other = context.new_page()
    other.goto(url)
    wait_week(other, 3)
    other.wait_for_selector(".chart-summary-trust:has-text('week 3:')")
    assert other.locator(".chart-summary-trust").inner_text() == before
    other.goto(ui_server + "/?scenario=default&seed=7&set=consumers%3D-5")
    other.locator(".param-error", has_text="consumers: got '-5'").wait_for()
    assert "2,000 consumers" in other.locator(".world-summary").inner_text()
    context.close()
    assert blocked == []
    assert_offline(traffic)
