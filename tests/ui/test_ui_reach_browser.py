"""In Chromium, network cut: the UI in French, on a phone, and by keyboard.

* A French page shows no English catalogue string and no parameter in its
  English words: every fold of Explore is opened, and Explore, Compare, Learn
  and About are read in French; every declared parameter shows its French
  label; numbers are written the French way.
* At a phone's viewport (390 x 844) the app bar fits, the language switch is
  in view and works, Step runs, and no page (Explore, Compare, About) is
  wider than the screen: wide tables scroll inside their own box.
* Keyboard only: Tab reaches Step, the focus ring shows, Enter runs the week;
  the language switch too. ``<html lang>`` follows the language.
* Every chart is an image with a name and its latest values in words, and
  the text on the pages meets the WCAG contrast of 4.5:1 (3:1 large).
"""

from __future__ import annotations

import re
import string

import pytest
from conftest import PAGE_TIMEOUT_MS, screenshot
from test_ui_browser import assert_offline, open_explore, wait_for_charts, wait_week
from test_ui_controls_browser import open_every_fold

from simulation import parameters, parameters_fr
from simulation.ui.i18n import CATALOGUE

PHONE = {"width": 390, "height": 844}
#: English catalogue texts that are also French words (or names): not a leak.
SAME_IN_FRENCH = {"change", "Pages", "Influence world"}
#: What a French page may show in other words than the UI's: scenario texts (their
#: authors' French, which may name a parameter) and parameter names in the files.
NOT_UI_TEXT = ".lesson-text, .lesson-step-text, .parameter-table code"
#: Parameters shown on Explore once every fold is open.
SHOWN = (*parameters.WORLD_PARAMS, *parameters.COMPANY_PARAMS, *parameters.INFLUENCER_PARAMS)


def english_fragments() -> set[str]:
    """Pieces of English catalogue text a French page must not show.

    Each English string whose French differs is cut at its ``{placeholders}``
    and punctuation; pieces of at least two words are kept, and a string of one
    word of five letters or more (``trust``) as a whole.
    """
    pieces = set()
    for entry in CATALOGUE.values():
        english = entry["en"]
        if english == entry.get("fr") or english in SAME_IN_FRENCH:
            continue
        if re.fullmatch(r"[A-Za-z]{5,}", english):
            pieces.add(english)
            continue
        for literal, *_ in string.Formatter().parse(english):
            for piece in re.split(r"[.;:()·,?!]", literal or ""):
                piece = piece.strip(" -—…*\n")
                if len(piece.split()) >= 2 and piece not in SAME_IN_FRENCH:
                    pieces.add(piece)
    return pieces


ENGLISH = english_fragments()


def english_in(text: str) -> list[str]:
    """The English catalogue pieces and parameter words that ``text`` shows."""
    found = [piece for piece in ENGLISH
             if re.search(rf"(?<![\w']){re.escape(piece)}(?![\w'])", text)]
    found += [f"{p.name} (its name)" for p in SHOWN
              if "_" in p.name and re.search(rf"\b{re.escape(p.name)}\b", text)]
    found += [f"{p.name} (its English help)" for p in SHOWN if p.doc and p.doc in text]
    found += [f"{c} (an English choice)" for p in SHOWN for c in p.choices
              if "_" in c and c in text]
    return found


def body_text(page, leave_out: str = "") -> str:
    """The page's visible text, without the elements ``leave_out`` selects."""
    return page.evaluate("""(selector) => {
        const hidden = selector ? Array.from(document.querySelectorAll(selector)) : [];
        const before = hidden.map(e => e.style.display);
        hidden.forEach(e => { e.style.display = 'none'; });
        const text = document.body.innerText;
        hidden.forEach((e, i) => { e.style.display = before[i]; });
        return text; }""", leave_out)


def to_french(page) -> None:
    page.click(".language-switch >> text=fr")
    page.wait_for_function("document.documentElement.lang === 'fr'")
    page.wait_for_timeout(500)


def test_french_explore_with_every_fold_open_is_all_french(offline_page, ui_server) -> None:
    page, traffic = offline_page
    open_explore(page, ui_server)
    to_french(page)
    page.wait_for_selector("text=Semaine 0")
    page.click(".btn-step")
    wait_week(page, 1)
    open_every_fold(page)
    page.wait_for_timeout(800)
    text = body_text(page)
    screenshot(page, "explore-french-every-fold")
    assert not english_in(text), f"English on the French Explore page: {english_in(text)}"
    missing = sorted({parameters_fr.label(p, "fr") for p in SHOWN} - {
        label for label in (parameters_fr.label(p, "fr") for p in SHOWN) if label in text})
    assert not missing, f"parameters without their French label: {missing}"
    for choice in ("en silos", "transversale", "panneau publicitaire", "petit monde"):
        assert choice in text
    assert "2\u202f000 consommateurs" in text  # French thousands
    assert not re.search(r"\d\.\d", text), "a number with a decimal point on a French page"
    assert not re.search(r"\d%", text), "a percentage with no space before % on a French page"
    assert not re.search(r"[A-Za-zÀ-ÿ]: ", text), "a colon with no space before it in French"
    assert page.title().startswith("Explorer")
    assert_offline(traffic)


@pytest.mark.parametrize(("path", "marker"), [
    ("/compare", ".compare-page"), ("/learn", ".lesson-step"), ("/about", ".about-page")])
def test_other_french_pages_are_all_french(offline_page, ui_server, path, marker) -> None:
    page, traffic = offline_page
    page.goto(ui_server + path)
    page.wait_for_selector(marker)
    to_french(page)
    text = body_text(page, NOT_UI_TEXT)
    assert not english_in(text), f"English on the French {path} page: {english_in(text)}"
    assert not re.search(r"[A-Za-zÀ-ÿ]: ", text)
    if path == "/about":
        for param in SHOWN:
            assert parameters_fr.doc(param, "fr") in text
    assert_offline(traffic)


@pytest.fixture
def phone_page(browser, ui_server):
    """A page at a phone's viewport, with every non-loopback request cut."""
    from simulation.ui import serve

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    blocked: list[str] = []
    context.route("**/*", serve.offline_router(blocked))
    yield context.new_page()
    context.close()
    assert blocked == []


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_on_a_phone_the_language_switch_works_and_a_step_runs(phone_page, ui_server) -> None:
    page = phone_page
    page.goto(ui_server + "/")
    page.wait_for_selector("text=Week 0")
    wait_for_charts(page, 7)
    switch = page.locator(".language-switch").bounding_box()
    assert switch["x"] >= 0 and switch["x"] + switch["width"] <= PHONE["width"], switch
    page.tap(".language-switch >> text=fr")
    page.wait_for_selector("text=Semaine 0")
    page.tap(".btn-step")
    wait_week(page, 1)
    assert page.locator(".week-display").inner_text() == "Semaine 1"
    assert overflow(page) <= 0, "Explore is wider than the phone"
    for table in page.locator(".fairness-table, .influencer-table").all():
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    screenshot(page, "phone-explore-french")
    # The page links are folded behind one button.
    assert not page.locator(".wide-link").first.is_visible()
    page.tap(".nav-toggle")
    page.tap(".narrow-link.nav-compare")
    page.wait_for_selector("text=Comparer des scénarios")
    assert overflow(page) <= 0, "Compare is wider than the phone"
    for slider in page.locator(".compare-page .v-slider").all():
        assert slider.bounding_box()["width"] >= 150, "a slider too small to use"
    screenshot(page, "phone-compare-french")
    page.tap(".nav-toggle")
    page.tap(".narrow-link.nav-about")
    page.wait_for_selector("text=Comment citer")
    assert overflow(page) <= 0, "About is wider than the phone"


def focused_ring(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        const s = getComputedStyle(e);
        return {cls: e.className || '', style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                shadow: s.boxShadow}; }""")


def tab_to(page, selector: str, limit: int = 80) -> int:
    """Press Tab until the focus is in ``selector``; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement.closest({selector!r})"):
            return presses
    raise AssertionError(f"Tab never reached {selector} in {limit} presses")


def test_keyboard_only_reaches_step_runs_it_and_switches_language(offline_page,
                                                                   ui_server) -> None:
    page, traffic = offline_page
    open_explore(page, ui_server)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator("body").focus()
    tab_to(page, ".btn-step")
    ring = focused_ring(page)
    assert ring["style"] != "none" and ring["width"] >= 2, f"no visible focus: {ring}"
    page.keyboard.press("Enter")
    wait_week(page, 1)
    page.keyboard.press("Space")
    wait_week(page, 2)
    page.evaluate("document.activeElement.blur()")
    tab_to(page, ".language-fr")
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.lang === 'fr'")
    page.wait_for_selector("text=Semaine 2")
    screenshot(page, "explore-keyboard")
    assert_offline(traffic)


def test_every_chart_has_a_name_and_its_latest_values_in_words(offline_page,
                                                                ui_server) -> None:
    page, _ = offline_page
    open_explore(page, ui_server)
    page.click(".btn-step")
    wait_week(page, 1)
    page.wait_for_timeout(500)
    charts = page.evaluate("""() => Array.from(document.querySelectorAll('.live-chart')).map(c => {
        const next = c.nextElementSibling;
        return {role: c.getAttribute('role'), label: c.getAttribute('aria-label'),
                summary: next && next.classList.contains('chart-summary') ? next.innerText : null};
    })""")
    assert len(charts) >= 7
    for chart in charts:
        assert chart["role"] == "img" and chart["label"], chart
        assert chart["summary"] and "week 1:" in chart["summary"], chart
    trust = page.locator(".chart-summary-trust").inner_text()
    assert "Billboard Co mean trust" in trust and "Engaged Co" in trust
    to_french(page)
    page.wait_for_selector(".chart-summary-trust:has-text('semaine 1')")


CONTRAST = """() => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number);
                       return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => [r, g, b].map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => { let layers = [];
    for (; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let out = {r: 255, g: 255, b: 255};
    for (const c of layers.reverse()) out = {r: c.r * c.a + out.r * (1 - c.a),
        g: c.g * c.a + out.g * (1 - c.a), b: c.b * c.a + out.b * (1 - c.a)};
    return out; };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e || !e.offsetParent && getComputedStyle(e).position !== 'fixed')
      continue;
    if (e.closest('.sr-only, [disabled], .v-btn--disabled, .v-input--is-disabled, '
                  + '.v-list-item--disabled, .solara-watermark')) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || parseFloat(s.opacity) === 0) continue;
    const fg = parse(s.color), bg = background(e);
    const mixed = {r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a),
                   b: fg.b * fg.a + bg.b * (1 - fg.a)};
    const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) bad.push(`${n.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)}`);
  }
  return bad;
}"""


@pytest.mark.parametrize(("path", "marker"), [
    ("/", "text=Week 0"), ("/compare", ".compare-page"), ("/learn", ".lesson-step"),
    ("/about", ".about-page")])
def test_text_contrast_meets_wcag_aa(offline_page, ui_server, path, marker) -> None:
    page, _ = offline_page
    page.goto(ui_server + path)
    page.wait_for_selector(marker)
    page.wait_for_timeout(1000)
    low = page.evaluate(CONTRAST)
    assert not low, f"text below the WCAG contrast on {path}: {low}"
