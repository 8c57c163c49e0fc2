"""In Chromium, network cut: the Calibrate page fits the synthetic example, and can be stopped.

A tiny ABC-SMC fit (population 10, 30 simulations) of the shipped example runs
to the end: the page shows the posterior table (median and 90 % interval per
parameter, the truth beside it) and the predictive figure, and the downloaded
posterior holds every fitted parameter. A large fit is cancelled and its
process is gone; the page then fits again. Bad data show the command's own
line (file, row, column), with no server path; the French page is French.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import screenshot
from test_ui_browser import assert_offline
from test_ui_plan_browser import download, fill, french_leaks, spawned_children
from test_ui_reach_browser import body_text

from simulation.ui.calibrate_page import EXAMPLE

PARAMETERS = ["companies[0].quality", "companies[1].quality", "word_of_mouth"]


def open_example(page, url: str) -> None:
    page.goto(url + "/calibrate")
    page.click(".calibrate-example")
    page.wait_for_selector(".calibrate-files-names:has-text('synthetic.csv')")


def test_the_example_is_fitted_and_its_posterior_shown_and_downloaded(
        offline_page, ui_server, tmp_path: Path) -> None:
    page, traffic = offline_page
    open_example(page, ui_server)
    fill(page, ".calibrate-population", 10)
    fill(page, ".calibrate-simulations", 30)
    page.click(".btn-calibrate")
    page.wait_for_selector(".calibrate-progress")
    page.wait_for_selector(".calibrate-done", timeout=120_000)
    rows = page.locator(".calibrate-posterior tbody tr")
    assert rows.count() == 3
    assert page.locator(".calibrate-posterior tbody tr td:first-child").all_inner_texts() \
        == PARAMETERS
    header = page.locator(".calibrate-posterior thead").inner_text()
    for label in ("median", "90% interval", "true value"):
        assert label in header
    cells = page.locator(".calibrate-posterior tbody tr:first-child td").all_inner_texts()
    low, high = (float(x) for x in cells[3].strip("[]").split(", "))
    assert 0.2 <= low <= float(cells[2]) <= high <= 0.95
    assert cells[4].startswith("0.55, ")
    assert page.locator(".calibrate-predictive").count() == 1
    posterior = list(csv.DictReader(io.StringIO(
        download(page, "Download the posterior (CSV)", tmp_path / "posterior.csv").decode())))
    assert set(PARAMETERS) <= set(posterior[0]) and len(posterior) == 10
    summary = download(page, "Its summary (TOML)", tmp_path / "posterior.toml").decode()
    assert 'spec = "spec.toml"' in summary and "/tmp" not in summary
    assert download(page, "The fit figure (PNG)", tmp_path / "fit.png")[:4] == b"\x89PNG"
    screenshot(page, "calibrate-result")

    page.click(".language-switch >> text=fr")
    page.wait_for_selector(".calibrate-posterior:has-text('médiane')")
    assert "uniforme [0,2 ; 0,95]" in page.locator(".calibrate-posterior").inner_text()
    shown = body_text(page, ".calibrate-files-names, .calibrate-posterior td:first-child")
    assert not french_leaks(shown), f"English on the French page: {french_leaks(shown)}"
    assert_offline(traffic)


def test_cancel_stops_the_fit_and_the_page_fits_again(offline_page, ui_server) -> None:
    page, traffic = offline_page
    open_example(page, ui_server)
    before = set(spawned_children())
    fill(page, ".calibrate-population", 500)
    fill(page, ".calibrate-simulations", 50000)
    page.click(".btn-calibrate")
    page.wait_for_selector(".calibrate-progress")
    deadline = time.monotonic() + 30
    while not set(spawned_children()) - before and time.monotonic() < deadline:
        time.sleep(0.2)
    running = set(spawned_children()) - before
    assert running, "no calibration process was started"
    page.click(".calibrate-cancel")
    page.wait_for_selector(".calibrate-cancelled")
    deadline = time.monotonic() + 10
    while set(spawned_children()) & running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not set(spawned_children()) & running, "the cancelled fit still runs"
    fill(page, ".calibrate-population", 10)
    fill(page, ".calibrate-simulations", 20)
    page.click(".btn-calibrate")
    page.wait_for_selector(".calibrate-done", timeout=120_000)
    assert_offline(traffic)


def test_bad_data_show_the_command_line_error(offline_page, ui_server, tmp_path: Path) -> None:
    page, traffic = offline_page
    shutil.copy(EXAMPLE / "spec.toml", tmp_path / "spec.toml")
    lines = (EXAMPLE / "synthetic.csv").read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("week,")) + 1
    cells = lines[first + 1].split(",")
    cells[2] = "-3"
    lines[first + 1] = ",".join(cells)
    (tmp_path / "synthetic.csv").write_text("\n".join(lines) + "\n")
    done = subprocess.run([sys.executable, "-m", "simulation", "calibrate", "spec.toml",
                           "--out", "out"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2
    expected = done.stderr.strip().splitlines()[-1].removeprefix("error: ")
    assert expected.startswith(f"synthetic.csv: row {first + 2}, column sales: got '-3'")

    open_example(page, ui_server)
    with page.expect_file_chooser() as chooser:
        page.click(".calibrate-data-pick .scenario-picker")
    chooser.value.set_files(str(tmp_path / "synthetic.csv"))
    page.click(".btn-calibrate")
    error = page.locator(".calibrate-error")
    error.wait_for()
    assert error.inner_text() == expected
    assert "/tmp" not in error.inner_text()
    assert page.locator(".calibrate-progress").count() == 0
    # A spec that names a file of the server instead of its uploaded data is refused.
    spec = (EXAMPLE / "spec.toml").read_text().replace('file = "synthetic.csv"',
                                                       'file = "/etc/passwd"')
    (tmp_path / "mine.toml").write_text(spec)
    with page.expect_file_chooser() as chooser:
        page.click(".calibrate-spec-pick .scenario-picker")
    chooser.value.set_files(str(tmp_path / "mine.toml"))
    page.click(".btn-calibrate")
    page.wait_for_selector(".calibrate-error:has-text('mine.toml: data.file')")
    assert "got '/etc/passwd'" in error.inner_text()
    assert_offline(traffic)


def test_the_french_calibrate_page_is_french(offline_page, ui_server) -> None:
    page, traffic = offline_page
    page.goto(ui_server + "/calibrate")
    page.click(".language-switch >> text=fr")
    page.wait_for_selector("text=Calibrer le modèle sur vos données")
    text = page.inner_text(".calibrate-page").lower()
    for french in ("Prendre l'exemple", "Choisir une spécification (.toml)", "Ajuster",
                   "Population (particules par génération)", "Petit par défaut"):
        assert french.lower() in text, french
    shown = body_text(page)
    assert not french_leaks(shown), f"English on the French page: {french_leaks(shown)}"
    assert page.locator(".nav-calibrate").inner_text().strip().lower() == "calibrer"
    assert_offline(traffic)
