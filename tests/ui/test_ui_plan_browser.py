"""In Chromium, network cut: the Plan page searches a roster for a plan, and can be stopped.

A tiny search of the shipped example (8 plans x 2 draws at 500 consumers, 12
weeks) runs to the end: the page shows the recommendation, its table, the
outcomes against the baselines with their bands and regret and the figure; the
downloaded report (HTML, PDF) and plan CSV hold the same plan. A long search
is cancelled: its process is gone and the page runs another. A bad roster
shows the command line's own line, naming the row and column and not the
server's temporary folder; the French page is French.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import screenshot
from test_ui_browser import assert_offline
from test_ui_reach_browser import body_text, english_in

from simulation.ui.plan_page import EXAMPLE

REPO = Path(__file__).resolve().parents[2]


def download(page, text: str, path: Path) -> bytes:
    with page.expect_download() as event:
        page.click(f"text={text}")
    event.value.save_as(path)
    return path.read_bytes()


def fill(page, css: str, value: object) -> None:
    box = page.locator(f"{css} input")
    box.fill(str(value))
    box.press("Enter")


def tiny(page, *, trials: int = 8, replicates: int = 2, consumers: int = 500,
         weeks: int = 12) -> None:
    fill(page, ".plan-trials", trials)
    fill(page, ".plan-replicates", replicates)
    fill(page, ".plan-consumers", consumers)
    fill(page, ".plan-weeks", weeks)


def open_example(page, url: str) -> None:
    page.goto(url + "/plan")
    page.click(".plan-example")
    page.wait_for_selector(".plan-loaded:has-text('Example Skincare: 20 influencers')")


def french_leaks(text: str) -> list[str]:
    """English catalogue pieces on a French page, less words French writes the same."""
    return [piece for piece in english_in(text) if piece not in ("liaison",)]


def spawned_children() -> list[int]:
    """Live processes started by multiprocessing's spawn below this test's process."""
    mine = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            status = (entry / "stat").read_text()
        except OSError:
            continue
        if b"spawn_main" not in command or status.split(")")[-1].split()[0] == "Z":
            continue
        pid = int(entry.name)
        while pid > 1:  # is it below us?
            try:
                pid = int(Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[1])
            except OSError:
                break
            if pid == mine:
                found.append(int(entry.name))
                break
    return found


def test_the_example_is_searched_to_a_recommendation_and_its_report(offline_page, ui_server,
                                                                    tmp_path: Path) -> None:
    page, traffic = offline_page
    open_example(page, ui_server)
    assert "8 plans" not in page.locator(".plan-sizes-note").inner_text()
    assert "Small by default (40 plans x 4 draws at 2,000 consumers" in \
        page.locator(".plan-sizes-note").inner_text()
    tiny(page)
    started = time.monotonic()
    page.click(".btn-plan-search")
    page.wait_for_selector(".plan-progress")
    page.wait_for_selector(".plan-done", timeout=120_000)
    seconds = time.monotonic() - started
    assert "Searched 8 plans x 2 draws at 500 consumers" in page.locator(".plan-done").inner_text()
    sentence = page.locator(".plan-sentence").inner_text()
    assert sentence.startswith("Work with ") and "expected profit (mean)" in sentence
    assert "her current plan" in sentence
    chosen = page.locator(".plan-table tbody tr td:first-child").all_inner_texts()
    assert chosen
    outcomes = page.locator(".plan-outcomes").inner_text()
    for label in ("recommended plan", "her current plan", "all billboard", "all engaged",
                  "Regret", "Draws won"):
        assert label in outcomes, label
    assert page.locator(".plan-outcomes tbody tr").count() == 5
    assert page.locator("img.plan-figure").get_attribute("src").startswith(
        "data:image/png;base64,")

    plan = list(csv.DictReader(io.StringIO(
        download(page, "Download the plan (CSV)", tmp_path / "plan.csv").decode())))
    assert len(plan) == 20
    assert [r["name"] for r in plan if r["decision"] != "none"] == chosen
    assert {r["decision"] for r in plan} <= {"none", "billboard", "engaged"}
    html = download(page, "Download the report (HTML)", tmp_path / "report.html").decode()
    assert sentence.replace("\u202f", " ") in html.replace("\u202f", " ").replace("&#39;", "'")
    assert "Reproducibility" in html and "--trials 8 --replicates 2 --consumers 500" in html
    assert "/tmp" not in html and str(tmp_path) not in html
    pdf = download(page, "Download the report (PDF)", tmp_path / "report.pdf")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Recommendation" in text and "Reproducibility" in text
    company = download(page, "The company as searched (TOML)", tmp_path / "company.toml")
    assert b"weeks = 12\n" in company and b'name = "Example Skincare"' in company
    screenshot(page, "plan-result")

    page.click(".language-switch >> text=fr")
    page.wait_for_selector(".plan-sentence:has-text('Travailler avec')")
    assert "Planifier votre budget d'influence" in page.inner_text(".plan-page")
    assert "plan recommandé" in page.locator(".plan-outcomes").inner_text()
    assert page.locator("text=Télécharger le rapport (PDF)").count() == 1
    french = download(page, "Télécharger le rapport (HTML)", tmp_path / "rapport.html").decode()
    assert 'lang="fr"' in french
    # left out: the command line, and the files' own names (roster.csv, company.toml)
    shown = body_text(page, ".plan-rerun, .plan-files-names")
    assert not french_leaks(shown), f"English on the French Plan page: {french_leaks(shown)}"
    assert seconds < 90, f"the tiny search took {seconds:.0f} s"
    assert_offline(traffic)


def test_cancel_stops_the_search_and_the_page_runs_again(offline_page, ui_server) -> None:
    page, traffic = offline_page
    open_example(page, ui_server)
    before = set(spawned_children())
    tiny(page, trials=2000, replicates=8, consumers=2000, weeks=52)
    page.click(".btn-plan-search")
    page.wait_for_selector(".plan-progress")
    deadline = time.monotonic() + 30
    while not set(spawned_children()) - before and time.monotonic() < deadline:
        time.sleep(0.2)
    running = set(spawned_children()) - before
    assert running, "no search process was started"
    page.click(".plan-cancel")
    page.wait_for_selector(".plan-cancelled")
    assert "the computation was stopped" in page.locator(".plan-cancelled").inner_text()
    deadline = time.monotonic() + 10
    while set(spawned_children()) & running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not set(spawned_children()) & running, "the cancelled search still runs"
    assert page.locator(".plan-progress").count() == 0
    # The page is usable again: a tiny search runs to its end.
    tiny(page)
    page.click(".btn-plan-search")
    page.wait_for_selector(".plan-done", timeout=120_000)
    assert page.locator(".plan-cancelled").count() == 0
    assert_offline(traffic)


def _cli_error(folder: Path) -> str:
    """The line ``influence plan check FOLDER`` prints for a bad file, without ``error: ``."""
    done = subprocess.run([sys.executable, "-m", "simulation", "plan", "check", str(folder)],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2, done
    line = done.stderr.strip().splitlines()[-1]
    return line.removeprefix("error: ").replace(f"{folder}/", "")


def test_a_bad_roster_shows_the_command_line_error_naming_row_and_column(
        offline_page, ui_server, tmp_path: Path) -> None:
    page, traffic = offline_page
    folder = tmp_path / "mine"
    folder.mkdir()
    rows = (EXAMPLE / "roster.csv").read_text().splitlines()
    header = next(i for i, line in enumerate(rows) if line.startswith("name,"))
    bad = rows[header + 2].split(",")
    bad[2] = "-200"  # followers
    rows[header + 2] = ",".join(bad)
    (folder / "roster.csv").write_text("\n".join(rows) + "\n")
    shutil.copy(EXAMPLE / "company.toml", folder / "company.toml")
    expected = _cli_error(folder)
    assert f"row {header + 3}, column followers: got '-200'" in expected

    page.goto(ui_server + "/plan")
    page.click(".plan-example")
    page.wait_for_selector(".plan-loaded")
    with page.expect_file_chooser() as chooser:
        page.click(".plan-roster-pick .scenario-picker")
    chooser.value.set_files(str(folder / "roster.csv"))
    error = page.locator(".plan-file-error")
    error.wait_for()
    assert error.inner_text() == expected
    assert "/tmp" not in error.inner_text() and str(tmp_path) not in error.inner_text()
    page.click(".btn-plan-search")
    assert page.locator(".plan-progress").count() == 0

    # Fixed in the page's table: the roster becomes the table, rows numbered as shown.
    page.click(".plan-edit-toggle")
    cell = page.locator(".plan-cell-1-2 input")
    assert cell.input_value() == "-200"
    cell.fill("4500")
    cell.press("Enter")
    page.wait_for_selector(".plan-loaded:has-text('20 influencers')")
    assert page.locator(".plan-file-error").count() == 0
    name = page.locator(".plan-cell-0-0 input")
    name.fill("=cmd")
    name.press("Enter")
    error.wait_for()
    assert error.inner_text().startswith("roster.csv: row 2, column name: got '=cmd'")
    assert_offline(traffic)


def test_the_french_plan_page_is_french(offline_page, ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/plan")
    page.click(".language-switch >> text=fr")
    page.wait_for_selector("text=Planifier votre budget d'influence")
    text = page.inner_text(".plan-page").lower()  # buttons are shown in capitals
    for french in ("Prendre l'exemple", "Choisir une liste (.csv)", "Plans candidats",
                   "Tirages par plan", "Consommateurs modélisés", "Petite par défaut",
                   "Objectif", "Horizon (semaines)", "Chercher"):
        assert french.lower() in text, french
    for english in ("Use the example", "Candidate plans", "Small by default", "Objective"):
        assert english.lower() not in text, english
    assert page.locator(".nav-plan").inner_text().strip().lower() == "plan"
    shown = body_text(page)
    assert not french_leaks(shown), f"English on the French Plan page: {french_leaks(shown)}"
    assert not re.search(r"[A-Za-zÀ-ÿ]: ", shown), "a colon with no space before it in French"
    assert_offline(traffic)
