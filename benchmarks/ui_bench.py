"""Speed of the web UI: one Explore step, and a Compare of 2 scenarios x 10 x 156 weeks.

The UI promises a step in under 200 ms at the default world and a Compare of
2 scenarios x 10 replicates x 156 weeks in under 30 s on 2 cores. This
prints what this machine does:

* ``server``: clicking Step in the Explore page rendered with ``solara.render``
  (the model's week, the chart options, the re-render of every widget), the
  median over many steps;
* ``browser``: clicking Step in Chromium until the page shows the next week
  (the round trip and Echarts' redraw included), when ``/usr/bin/chromium``
  exists;
* ``compare``: :func:`simulation.compare.run_compare` as the Compare page
  calls it (one worker, in a thread's stead), plus its figure.

Usage: ``python benchmarks/ui_bench.py [--steps 30] [--no-browser]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

STEP_BUDGET_MS = 200.0
COMPARE_BUDGET_S = 30.0
CHROMIUM = Path(os.environ.get("UI_CHROMIUM", "/usr/bin/chromium"))


def server_step_ms(steps: int) -> list[float]:
    """Milliseconds per Step click in the Explore page rendered without a browser.

    Rendered inside an event loop, as the server does (Play is a coroutine).
    """
    import asyncio

    async def inside_loop() -> list[float]:
        return _server_step_ms(steps)

    return asyncio.run(inside_loop())


def _server_step_ms(steps: int) -> list[float]:
    import ipyvuetify as v
    import solara

    from simulation.ui.app import Layout
    from simulation.ui.explore import ExplorePage

    _, rc = solara.render(Layout(children=[ExplorePage()]), handle_error=False)
    button = rc.find(v.Btn, class_="btn-step").widget
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        button.click()
        times.append(1000 * (time.perf_counter() - start))
    return times


def browser_step_ms(steps: int) -> list[float]:
    """Milliseconds from a Step click in Chromium to the next week on screen."""
    from playwright.sync_api import sync_playwright

    from simulation.ui import serve

    port = 8790
    server = subprocess.Popen(serve.server_command("127.0.0.1", port),
                              env=serve.server_environment(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(180):
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector("text=Week 0", timeout=90_000)
            page.wait_for_function(
                "document.querySelectorAll('.solara-echarts canvas').length >= 7",
                timeout=90_000)
            times = []
            for week in range(1, steps + 1):
                start = time.perf_counter()
                page.click(".btn-step")
                page.wait_for_selector(f".week-display:text-is('Week {week}')")
                times.append(1000 * (time.perf_counter() - start))
            browser.close()
        return times
    finally:
        server.terminate()
        server.wait(timeout=15)


def compare_seconds(replicates: int, weeks: int) -> float:
    """Seconds for the Compare page's work on the default world against a variant."""
    from simulation import parameters
    from simulation.ui.compare_page import apply_changes, run_comparison

    base = parameters.resolve(parameters.defaults())
    chosen = [("default", base),
              ("siloed engaged", apply_changes(base, "companies[1].structure=siloed"))]
    import threading

    start = time.perf_counter()
    run_comparison(chosen, replicates=replicates, weeks=weeks, seed=42,
                   progress=lambda done, total: None, cancel=threading.Event())
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="Step clicks to time.")
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium timing.")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=156)
    args = parser.parse_args()
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")

    server = server_step_ms(args.steps)
    print(f"Explore step, server render: median {statistics.median(server):.1f} ms, "
          f"max {max(server):.1f} ms over {len(server)} steps "
          f"(budget {STEP_BUDGET_MS:.0f} ms)")
    if not args.no_browser and CHROMIUM.exists():
        browser = browser_step_ms(args.steps)
        print(f"Explore step, in Chromium (click to next week shown): median "
              f"{statistics.median(browser):.1f} ms, max {max(browser):.1f} ms "
              f"over {len(browser)} steps (budget {STEP_BUDGET_MS:.0f} ms)")
    elif not args.no_browser:
        print(f"Explore step, in Chromium: skipped, no browser at {CHROMIUM}")

    seconds = compare_seconds(args.replicates, args.weeks)
    print(f"Compare 2 scenarios x {args.replicates} replicates x {args.weeks} weeks: "
          f"{seconds:.1f} s (budget {COMPARE_BUDGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
