"""The Calibrate page's logic without a browser: the spec checked as the CLI checks it, a fit."""

from __future__ import annotations

import os
import shutil

import pytest

from experiments.calibration import CalibrationError
from simulation.ui import calibrate_page as cp
from simulation.ui.jobs import job_folder, tidy


@pytest.mark.parametrize("file", ["/etc/passwd", "../secret.csv", "data/../../x.csv",
                                  "C:\\data\\x.csv"])
def test_a_spec_may_not_name_a_file_outside_its_folder(file: str) -> None:
    inputs = cp.example_inputs()
    spec = inputs.spec.decode().replace('file = "synthetic.csv"', f"file = {file!r}")
    with pytest.raises(CalibrationError, match=r"^mine\.toml: data\.file: got "):
        cp.spec_table(cp.Inputs("mine.toml", spec.encode(), "d.csv", inputs.data))


def test_a_malformed_spec_is_one_line_naming_the_uploaded_file() -> None:
    with pytest.raises(CalibrationError, match=r"^mine\.toml: got 'malformed TOML: "):
        cp.spec_table(cp.Inputs("mine.toml", b"title = [", "", b""))
    with pytest.raises(CalibrationError, match=r"^mine\.toml: got 'bytes that are not UTF-8'"):
        cp.spec_table(cp.Inputs("mine.toml", b"\xff\xfe", "", b""))


def test_the_page_budget_overrides_the_spec_and_messages_name_no_server_folder() -> None:
    folder = job_folder("calibrate-test")
    try:
        raw, spec = cp.prepare(cp.example_inputs(), folder, 12, 50)
        assert (spec.population, spec.simulations) == (12, 50)
        assert spec.generations == 8  # the spec's own
        assert raw["budget"]["population"] == 12
        with pytest.raises(CalibrationError) as caught:
            cp.prepare(cp.example_inputs(), folder, 12, 5)
        message = tidy(str(caught.value), folder)
        assert message.startswith("spec.toml: budget.simulations: got 5")
        assert str(folder) not in message and "/tmp" not in message
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_fit_reports_each_generation_and_writes_the_posterior() -> None:
    folder = job_folder("calibrate-test")
    here = os.getcwd()
    try:
        raw, _ = cp.prepare(cp.example_inputs(), folder, 10, 30)
        calls: list[tuple[int, int, dict]] = []
        result = cp.calibrate_work(lambda *call: calls.append(call), str(folder), raw)
        assert calls[0] == (0, 30, {"generations": 8})
        generations = [info for _, _, info in calls if "generation" in info]
        assert generations and generations[0]["generation"] == 1
        assert 0 < generations[-1]["accepted"] <= 100 and generations[-1]["epsilon"] > 0
        assert calls[-1][0] == result["simulations"]
        outcome = cp.read_outcome(result, 1.0)
        assert [r["path"] for r in outcome.table] == ["companies[0].quality",
                                                      "companies[1].quality", "word_of_mouth"]
        header, rows = cp.posterior_rows(outcome.table, "en")
        assert header[2:4] == ["median", "90% interval"] and rows[0][1] == "uniform [0.2, 0.95]"
        assert outcome.files["predictive.png"][:4] == b"\x89PNG"
        assert str(folder).encode() not in outcome.files["posterior.toml"]
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)


def test_priors_are_written_in_french() -> None:
    assert cp.prior_text("uniform [0.2, 0.95]", "fr") == "uniforme [0,2 ; 0,95]"
    assert cp.prior_text("normal(0.5, 0.1) on [0, 1]", "fr") == "normale(0,5 ; 0,1) sur [0 ; 1]"
    assert cp.prior_text("uniform [0.2, 0.95]", "en") == "uniform [0.2, 0.95]"

