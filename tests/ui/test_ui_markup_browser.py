"""In Chromium, network cut: a scenario file full of markup stays text on every page.

A visitor's scenario has HTML with event handlers, a script tag, Vue template
expressions (``{{ … }}``, code wherever a page compiles a template),
Matplotlib mathematics and a spreadsheet formula in its title, summary,
company names and teaching and lesson texts, in English and in French. It is
pasted on Explore, then shown on Explore, Compare (table, figure, CSV) and
Learn. No script may run (no dialog, no flag set by any payload, no image
requested) and each text must appear literally.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import screenshot
from test_ui_browser import _set_slider, assert_offline, open_explore, wait_week

#: Each payload sets ``window.__xss`` (and opens a dialog) if it ever runs.
IMG = '<img src=x onerror="window.__xss=\'img\';alert(1)">'
SCRIPT = "<script>window.__xss='script'</script>"
VUE = "{{ constructor.constructor('window.__xss=\"vue\";alert(2)')() }}"
SUM = "{{7*7}}"
TITLE = f"{IMG} Markup {SUM}"
TITLE_FR = f"<svg onload=\"window.__xss='svg'\"></svg> Balises {VUE}"
SUMMARY = f"Summary {SCRIPT} $\\alpha$ **not bold** {VUE}"
COMPANIES = (f"<b onmouseover=\"window.__xss='b'\">Bold</b> Co {SUM}",
             f"Formula Co =HYPERLINK(\"http://example.invalid\") {IMG}")
# (A name beginning with = + - @ is refused when the scenario loads, since 55d4b12;
# the quoting of formulas in CSV cells is tested in test_ui_safe.py.)
WHAT = f"What {IMG}"
NOTICE = f"Notice <a href=\"javascript:window.__xss='a'\">link</a> {VUE}"
ASK = f"Ask {SCRIPT} {SUM}"
FLAG = "() => window.__xss === undefined"


def scenario_toml() -> str:
    """The scenario, every text quoted as TOML (JSON's string escapes are TOML's)."""
    q = json.dumps
    companies = "".join(f"[[companies]]\nname = {q(name)}\nstrategy = {q(strategy)}\n\n"
                        for name, strategy in zip(COMPANIES, ("billboard", "engaged"),
                                                  strict=True))
    return (f"title = {q(TITLE)}\nsummary = {q(SUMMARY)}\nextends = \"default\"\nweeks = 20\n\n"
            f"[teaching]\nwhat = {q(WHAT)}\nhow = {q(SUMMARY)}\nnotice = [{q(NOTICE)}]\n"
            f"try = [{q(ASK)}]\n\n"
            f"[[lesson]]\nweek = 2\nwatch = {q(NOTICE)}\nask = {q(ASK)}\ntry = {q(WHAT)}\n\n"
            f"[fr]\ntitle = {q(TITLE_FR)}\nsummary = {q(SUMMARY)}\n\n"
            f"[world]\nconsumers = 300\n\n{companies}")


def watch_for_scripts(page) -> list[str]:
    """Record (and dismiss) every dialog the page opens."""
    dialogs: list[str] = []

    def seen(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    return dialogs


def assert_no_script_ran(page, dialogs: list[str], where: str) -> None:
    assert dialogs == [], f"{where}: a payload opened dialogs {dialogs}"
    assert page.evaluate(FLAG), f"{where}: payload {page.evaluate('window.__xss')!r} ran"
    assert page.locator("img[src=x], svg[onload], b[onmouseover], a[href^=javascript]"
                        ).count() == 0, f"{where}: markup from the scenario became elements"


def assert_literal(page, selector: str, *texts: str) -> None:
    shown = page.locator(selector).first.inner_text()
    for text in texts:
        assert text in shown, f"{text!r} not shown literally in {selector}: {shown[:400]!r}"


def load_markup_scenario(page, url: str) -> None:
    open_explore(page, url)
    page.click("text=Load your own scenario (.toml)")
    page.get_by_label("TOML").fill(scenario_toml())
    page.click(".load-pasted")
    page.locator(".world-summary", has_text=TITLE).wait_for()


def hover_chart(page, css_class: str) -> None:
    """Move the mouse across a chart so Echarts shows its tooltip (company names in it)."""
    box = page.locator(f".{css_class} .solara-echarts").first.bounding_box()
    for fraction in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(200)


def test_markup_in_a_scenario_is_shown_as_text_on_every_page(offline_page, ui_server,
                                                            tmp_path: Path) -> None:
    page, traffic = offline_page
    dialogs = watch_for_scripts(page)
    load_markup_scenario(page, ui_server)

    # Explore: selector, summary, folds, charts and their tooltips, the companies inside.
    for week in (1, 2, 3):
        page.click(".btn-step")
        wait_week(page, week)
    assert_literal(page, ".world-summary", TITLE)
    assert_literal(page, ".explore-controls", TITLE, SUMMARY, *COMPANIES)
    hover_chart(page, "chart-trust")
    page.wait_for_function(  # the tooltip, company names in it as text
        "n => document.querySelector('.chart-trust').innerText.includes(n)", arg=COMPANIES[0])
    hover_chart(page, "chart-sales")
    assert_no_script_ran(page, dialogs, "Explore")
    screenshot(page, "markup-explore")

    # Compare: the visitor's scenario against the default, one replicate, a few weeks.
    page.click(".nav-compare")
    page.wait_for_selector(".btn-compare")
    page.click(".compare-slot-0")
    page.get_by_role("option", name=TITLE, exact=True).click()
    _set_slider(page, "Replicates", 0)
    _set_slider(page, "weeks", 4)
    page.wait_for_selector("text=weeks: 5")
    page.click(".btn-compare")
    page.wait_for_selector(".compare-done", timeout=120_000)
    page.wait_for_load_state("networkidle")
    assert_no_script_ran(page, dialogs, "Compare's table")
    assert_literal(page, ".compare-summary", TITLE, *COMPANIES)
    with page.expect_download() as csv_download:
        page.click("text=Download data (CSV)")
    saved = tmp_path / "runs.csv"
    csv_download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert TITLE in {row["Scenario"] for row in rows}
    names = {row["company"] for row in rows}
    assert set(COMPANIES) <= names  # as written
    with page.expect_download() as png_download:
        page.click("text=Download figure (PNG)")
    png = tmp_path / "compare.png"
    png_download.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # $\alpha$ did not break the figure
    assert_no_script_ran(page, dialogs, "Compare")
    screenshot(page, "markup-compare")

    # Learn: the lesson's texts and its step.
    page.click(".nav-learn")
    page.click(".lesson-select")
    page.get_by_role("option", name=TITLE, exact=True).click()
    page.locator(".lesson", has_text="Markup").wait_for()
    page.wait_for_load_state("networkidle")
    assert_no_script_ran(page, dialogs, "Learn's texts")
    assert_literal(page, ".lesson-text", TITLE, SUMMARY, WHAT, NOTICE, ASK)
    assert_literal(page, ".lesson-step", NOTICE, ASK, WHAT)
    page.click(".btn-run-to")
    wait_week(page, 2)
    assert_no_script_ran(page, dialogs, "Learn")
    screenshot(page, "markup-learn")

    # In French, the French title (its own markup) is text too, on every page.
    page.click(".language-switch >> text=fr")
    page.locator(".lesson-text", has_text=TITLE_FR).wait_for()
    page.click(".nav-explore")
    page.wait_for_selector(".btn-step")
    page.click(".nav-compare")
    page.wait_for_selector(".btn-compare")
    page.click(".nav-about")
    page.wait_for_selector("text=Comment citer")
    assert_no_script_ran(page, dialogs, "French pages")
    assert_offline(traffic)
