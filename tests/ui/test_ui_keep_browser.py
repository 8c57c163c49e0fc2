"""In Chromium, network cut: what a visitor has in hand is kept when they move on.

* Learn's "Open in Explore" opens the lesson's world at the lesson's week:
  the same scenario, the same seed, the same week, so the trust chart's
  values in words are the lesson's.
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
    assert "Choose a file" in picker.inner_text()
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
