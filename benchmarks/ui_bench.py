"""Speed of the web UI: one Explore step, and a Compare of 2 scenarios x 10 x 156 weeks.

The UI promises a step in under 200 ms at the default world and a Compare of
2 scenarios x 10 replicates x 156 weeks in under 30 s on 2 cores. This
prints what this machine does:

* ``server``: clicking Step in the Explore page rendered with ``solara.render``
  inside an event loop, as the server does (the model's week, the chart
  options, the widgets updated), the median over many steps;
* ``browser``: in Chromium, from the click event to the next week on screen
  with the four time-series charts drawn for it (each chart marks the week
  it drew, ``data-stamp``) and the frame painted, timed inside the page;
  early weeks, then again after Play has run the world to week ``--late``
  (longer series to send and draw), when ``/usr/bin/chromium`` exists;
* ``browser (Playwright)``: the same step timed from Python, Playwright's
  ``click`` (which first checks the button is visible, stable and
  unobscured) to the week's text: the figure earlier versions printed, and
  what such a click costs on a text that does nothing;
* ``compare``: :func:`simulation.compare.run_compare` as the Compare page
  calls it, plus its figure.

Usage: ``python benchmarks/ui_bench.py [--steps 30] [--late 150] [--no-browser]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time

STEP_BUDGET_MS = 200.0
COMPARE_BUDGET_S = 30.0


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

    with contextlib.redirect_stdout(io.StringIO()):  # the layout prints its links off-router
        _, rc = solara.render(Layout(children=[ExplorePage()]), handle_error=False)
    button = rc.find(v.Btn, class_="btn-step").widget
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        button.click()
        times.append(1000 * (time.perf_counter() - start))
    return times


#: One Step, timed inside the page: click, then wait for the week's text and the
#: four time-series charts drawn for that week, then for the frame to be painted.
STEP_IN_PAGE = """async (week) => {
  const charts = ['trust', 'vanity', 'sales', 'knowledge'].map(
    (name) => document.querySelector(`.chart-${name} .live-chart`));
  const done = () => {
    const shown = document.querySelector('.week-display');
    return shown && shown.innerText.match(/\\d+/)[0] === String(week)
      && charts.every((chart) => chart.dataset.stamp === String(week));
  };
  const started = performance.now();
  document.querySelector('.btn-step').click();
  await new Promise((resolve) => {
    const check = () => (done() ? resolve() : requestAnimationFrame(check));
    requestAnimationFrame(check);
  });
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - started;
}"""


def week_shown(page) -> int:
    """The week the page shows."""
    return int(page.locator(".week-display").first.inner_text().split()[-1])


def browser_step_ms(steps: int, late: int) -> dict[str, list[float]]:
    """Milliseconds per Step in Chromium: in-page early and late, and as Playwright sees it."""
    from playwright.sync_api import sync_playwright

    from simulation.ui import serve

    times: dict[str, list[float]] = {}
    with serve.served(timeout=90) as base:
        url = base + "/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(serve.CHROMIUM), args=serve.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector("text=Week 0", timeout=90_000)
            page.wait_for_function(
                "document.querySelectorAll('.chart-knowledge .live-chart canvas').length",
                timeout=90_000)
            time.sleep(1.0)
            times["early"] = [page.evaluate(STEP_IN_PAGE, week) for week in range(1, steps + 1)]
            clicked = []
            for week in range(steps + 1, 2 * steps + 1):
                start = time.perf_counter()
                page.click(".btn-step")
                page.wait_for_selector(f".week-display:text-is('Week {week}')")
                clicked.append(1000 * (time.perf_counter() - start))
            times["playwright"] = clicked
            idle = []  # Playwright's click on a text that does nothing: its own cost
            for _ in range(steps):
                start = time.perf_counter()
                page.click(".week-display")
                idle.append(1000 * (time.perf_counter() - start))
            times["playwright_idle"] = idle
            if late > 2 * steps:
                page.click(".play-speed >> text='max'")
                page.click(".btn-play")
                page.wait_for_function(
                    "parseInt(document.querySelector('.week-display').innerText"
                    f".match(/\\d+/)[0]) >= {late}", timeout=600_000)
                page.click(".btn-play")
                page.wait_for_selector(".btn-play:has-text('Play')")
                time.sleep(1.0)
                now = week_shown(page)
                times["late"] = [page.evaluate(STEP_IN_PAGE, week)
                                 for week in range(now + 1, now + 1 + steps)]
                times["late_week"] = [float(now)]
            browser.close()
    return times


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


def _line(label: str, values: list[float], unit: str = "ms") -> str:
    return (f"  {label:<58} median {statistics.median(values):6.1f} {unit}, "
            f"max {max(values):6.1f} {unit} ({len(values)} steps)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="Step clicks to time.")
    parser.add_argument("--late", type=int, default=150,
                        help="Week Play runs to before timing late steps (0: skip).")
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium timing.")
    parser.add_argument("--no-compare", action="store_true", help="Skip the Compare timing.")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=156)
    args = parser.parse_args()
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"python {sys.version.split()[0]}", flush=True)

    server = server_step_ms(args.steps)
    print(f"Explore step at the default world (budget {STEP_BUDGET_MS:.0f} ms):")
    print(_line("server: click handled, week simulated, widgets updated", server))
    from simulation.ui.serve import CHROMIUM

    if not args.no_browser and CHROMIUM.exists():
        browser = browser_step_ms(args.steps, args.late)
        print(_line("browser: click to new week and its charts drawn, weeks 1+",
                    browser["early"]))
        if "late" in browser:
            print(_line(f"browser: the same from week {browser['late_week'][0]:.0f}",
                        browser["late"]))
        print(_line("browser, timed by Playwright's click (its own checks incl.)",
                    browser["playwright"]))
        print(_line("  of which Playwright's click alone (on a plain text)",
                    browser["playwright_idle"]))
    elif not args.no_browser:
        print(f"  browser: skipped, no browser at {CHROMIUM}")

    if not args.no_compare:
        seconds = compare_seconds(args.replicates, args.weeks)
        print(f"Compare 2 scenarios x {args.replicates} replicates x {args.weeks} weeks: "
              f"{seconds:.1f} s (budget {COMPARE_BUDGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
