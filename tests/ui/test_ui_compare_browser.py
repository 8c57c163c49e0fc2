"""In Chromium, network cut: Compare says who ends ahead, by how much and how sure.

A small comparison (2 replicates, 12 weeks) is taken at weeks 4 and 12: the
page shows one verdict line per pair in plain words, a table of differences
with their 95 % intervals and units at both weeks, including the cumulative
view (reach, spend, return on spend); the downloaded CSV of differences
carries units, intervals and the verdicts, and the figure is redrawn in
French when the page is.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import screenshot
from test_ui_browser import _set_slider, assert_offline

from simulation import metrics, parameters_fr
from simulation.compare import METRICS
from simulation.ui import verdict


def download(page, text: str, path: Path) -> bytes:
    with page.expect_download() as event:
        page.click(f"text={text}")
    event.value.save_as(path)
    return path.read_bytes()


def test_compare_gives_differences_at_chosen_weeks_and_a_verdict(offline_page, ui_server,
                                                                  tmp_path: Path) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/compare")
    page.wait_for_selector(".btn-compare")
    _set_slider(page, "Replicates", 1)
    _set_slider(page, "weeks", 11)
    page.wait_for_selector("text=weeks: 12")
    page.locator(".compare-at-weeks input").fill("4, 12")
    page.locator(".compare-at-weeks input").press("Enter")
    page.click(".btn-compare")
    page.wait_for_selector(".compare-done", timeout=120_000)
    lines = page.locator(".compare-verdict").all_inner_texts()
    # Two scenarios of two companies: a pair of companies in each, and each company
    # across the two scenarios.
    assert len(lines) == 4, lines
    assert all(", week 12: " in line and " ends with " in line for line in lines), lines
    assert any(line.startswith("In ") for line in lines)
    table = page.locator(".compare-differences").inner_text()
    for header in ("difference [95% interval]", "outcome (unit)"):
        assert header in table
    for outcome in ("trust (0-1 scale)", "cumulative profit (money)",
                    "reach so far (impressions)", "spend so far (money)",
                    "return on spend (revenue per unit spent)"):
        assert outcome in table, outcome
    weeks = page.locator(".compare-differences tbody tr td:nth-child(3)").all_inner_texts()
    assert set(weeks) == {"4", "12"}
    summary = page.locator(".compare-summary thead").inner_text()
    assert "trust_mean" not in summary and "trust (0-1 scale), week 12" in summary

    rows = list(csv.DictReader(io.StringIO(
        download(page, "Download differences (CSV)", tmp_path / "d.csv").decode())))
    assert {"unit", "ci95_low", "ci95_high", "verdict"} <= set(rows[0])
    assert [r["verdict"] for r in rows if r["verdict"]] == lines
    assert {r["unit"] for r in rows if r["outcome"] == "trust_mean"} == {"0-1 scale"}
    runs = list(csv.DictReader(io.StringIO(
        download(page, "Download data (CSV)", tmp_path / "runs.csv").decode())))
    assert_readable_runs(runs, "en")
    assert {r["Scenario"] for r in runs} == {r["scenario_a"] for r in rows if r["scenario_a"]}
    english_png = download(page, "Download figure (PNG)", tmp_path / "en.png")
    assert english_png[:8] == b"\x89PNG\r\n\x1a\n"
    screenshot(page, "compare-verdict")

    page.click(".language-switch >> text=fr")
    page.wait_for_selector(".compare-verdict:has-text('face à')")
    lignes = page.locator(".compare-verdict").all_inner_texts()
    assert all(", semaine 12\u00a0: " in line for line in lignes), lignes
    assert "différence [intervalle à 95" in page.locator(".compare-differences").inner_text()
    french_png = download(page, "Télécharger la figure (PNG)", tmp_path / "fr.png")
    assert french_png[:8] == b"\x89PNG\r\n\x1a\n" and french_png != english_png
    rows = list(csv.DictReader(io.StringIO(
        download(page, "Télécharger les différences (CSV)", tmp_path / "fr.csv").decode())))
    assert [r["verdict"] for r in rows if r["verdict"]] == lignes
    lignes_brutes = list(csv.DictReader(io.StringIO(
        download(page, "Télécharger les données (CSV)", tmp_path / "fr-runs.csv").decode())))
    assert_readable_runs(lignes_brutes, "fr")
    # The same runs, the same numbers: only the names are the page's.
    assert len(lignes_brutes) == len(runs)
    assert ([r["confiance (échelle de 0 à 1)"] for r in lignes_brutes]
            == [r["trust (0-1 scale)"] for r in runs])
    strategies = {r["Stratégie"] for r in lignes_brutes}
    assert strategies and strategies <= set(parameters_fr.CHOICES.values()), strategies
    assert_offline(traffic)


def assert_readable_runs(rows: list[dict], lang: str) -> None:
    """The runs' CSV names every column in words with its unit, none by its code name."""
    headers = list(rows[0])
    for code in METRICS:  # every measurement (company, strategy ... are words already)
        assert code not in headers, (code, headers)
    assert verdict.run_column("profit_cumulative", lang) in headers
    assert headers == [verdict.run_column(c, lang)
                       for c in ("scenario", "replicate", "seed", *metrics.COLUMNS)]
    unit = "0-1 scale" if lang == "en" else "échelle de 0 à 1"
    assert headers[7].endswith(f"({unit})"), headers[7]
    assert all(float(r[headers[7]]) >= 0 for r in rows)
