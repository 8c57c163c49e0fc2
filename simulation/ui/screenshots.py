"""The README's screenshots of the web UI, made again from scratch, offline.

``python -m simulation.ui.screenshots [--out docs/figures] [--week 129]``
serves the UI as ``influence ui`` does, opens it in Debian's Chromium (as the
browser tests do) with every request off the loopback server refused, and
saves:

* ``ui_explore.png``: Explore on the default scenario (seed 42), stepped to
  ``--week`` with the Step button, once the charts show that week;
* ``ui_compare.png``: Compare with its defaults (the first two scenarios,
  10 replicates, 156 weeks, seed 42), once done, scrolled down to the
  settings above the result.

Everything shown is fixed by the seeds except the two timings on screen
(the last step's milliseconds, the comparison's seconds). Each image is
written to a temporary file and renamed, so an interrupted run leaves the
previous image in place.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import serve

VIEWPORT = {"width": 1500, "height": 950}
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "figures"
DEFAULT_WEEK = 129
START_TIMEOUT_S = 120
COMPARE_TIMEOUT_MS = 600_000


def _save(page, path: Path) -> None:
    """A viewport screenshot, written atomically."""
    partial = path.with_name(f".{path.stem}.partial.png")
    page.screenshot(path=str(partial))
    os.replace(partial, path)


def explore(page, url: str, week: int, out: Path) -> Path:
    """Step the default scenario to ``week`` and photograph it."""
    page.goto(url + "/")
    page.wait_for_selector(".chart-trust .live-chart canvas")
    for target in range(1, week + 1):
        page.click(".btn-step")
        page.wait_for_function(
            "(w) => document.querySelector('.chart-trust .live-chart').dataset.stamp === w",
            arg=str(target))
    page.wait_for_function(
        "(w) => [...document.querySelectorAll('.live-chart')].slice(0, 4)"
        ".every((c) => c.dataset.stamp === w)", arg=str(week))
    page.evaluate("window.scrollTo(0, 0)")
    time.sleep(1.0)  # the last frame painted
    path = out / "ui_explore.png"
    _save(page, path)
    return path


def compare(page, url: str, out: Path) -> Path:
    """Run Compare with its defaults and photograph the result."""
    page.goto(url + "/compare")
    page.click(".btn-compare")
    page.wait_for_selector(".compare-done", timeout=COMPARE_TIMEOUT_MS)
    page.wait_for_selector(".compare-page img")
    # From the third scenario slot down: the settings, the notice and the figure.
    page.locator(".compare-slot-2").first.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    time.sleep(1.0)
    path = out / "ui_compare.png"
    _save(page, path)
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: make both screenshots."""
    parser = argparse.ArgumentParser(prog="python -m simulation.ui.screenshots",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Folder for the images.")
    parser.add_argument("--week", type=int, default=DEFAULT_WEEK,
                        help="Week Explore is stepped to.")
    args = parser.parse_args(argv)
    if args.week < 1:
        print(f"error: --week: got {args.week}; allowed: an integer >= 1", file=sys.stderr)
        return 2
    if not serve.CHROMIUM.exists():
        print(f"error: browser: got none at {serve.CHROMIUM}; allowed: Debian's chromium "
              "(apt-get install chromium) or UI_CHROMIUM", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with serve.served(timeout=START_TIMEOUT_S) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(serve.CHROMIUM),
                                             args=serve.CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(120_000)
        context.route("**/*", serve.offline_router(blocked))
        page = context.new_page()
        for path in (explore(page, url, args.week, args.out), compare(page, url, args.out)):
            print(f"wrote {path}")
        browser.close()
    if blocked:
        print(f"note: the pages asked the internet for {len(blocked)} URLs (refused): "
              f"{blocked[:3]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
