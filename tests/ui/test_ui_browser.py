"""End to end, in Chromium with the network cut: every page renders and works offline."""

from __future__ import annotations

import re

import pytest
from conftest import PAGE_TIMEOUT_MS, screenshot

CHARTS = "document.querySelectorAll('.solara-echarts canvas').length"


def wait_for_charts(page, count: int) -> None:
    """Wait until ``count`` Echarts canvases exist: Echarts loaded from the local proxy."""
    page.wait_for_function(f"{CHARTS} >= {count}", timeout=PAGE_TIMEOUT_MS)


def week_shown(page) -> int:
    text = page.locator(".week-display").first.inner_text()
    return int(re.search(r"\d+", text).group())


def chart_pixels(page, css: str) -> bytes:
    return page.locator(css).first.screenshot()


@pytest.mark.parametrize(("path", "marker", "charts"), [
    ("/", "text=Week 0", 7),
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
    name = path.strip("/") or "explore"
    screenshot(page, name)
    assert traffic.blocked == [], f"asked the internet for {traffic.blocked}"
    assert traffic.failed == [], f"failed to load {traffic.failed}"
