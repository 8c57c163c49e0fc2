"""In Chromium, network cut: a lesson shows what its steps ask about.

The lesson steps ask about trust, likes, sales and profit: the Learn page
draws the trust, vanity and sales-and-profit charts, each with its values
in words, at the lesson's week.
"""

from __future__ import annotations

import re

from test_ui_browser import assert_offline, wait_for_charts, wait_week


def test_a_lesson_shows_trust_vanity_and_sales_with_their_values(offline_page,
                                                                ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/learn")
    page.wait_for_selector(".lesson-step")
    wait_for_charts(page, 3)
    run_to = page.locator(".btn-run-to")
    week = int(re.search(r"\d+", run_to.inner_text()).group())
    run_to.click()
    wait_week(page, week)
    for name in ("trust", "vanity", "sales"):
        summary = page.locator(f".chart-summary-{name}")
        summary.wait_for(state="attached")
        assert f"week {week}:" in summary.inner_text(), name
    sales = page.locator(".chart-summary-sales").inner_text()
    assert "sales this week, cumulative profit" in sales and "Billboard Co" in sales
    assert_offline(traffic)
