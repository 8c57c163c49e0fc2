"""The hypothesis scenarios quote the committed study, not an older one.

Each ``scenarios/hNN-*.toml`` states, in English and French, the verdicts and
figures the hypotheses study found for its claims. These tests fail when a
scenario's sentence differs from what ``docs/results/hypotheses.csv`` (written
with the report by ``influence analyze``) says, and when that file and the
report's table disagree, so a rerun study cannot leave stale teaching text.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from experiments import study_sentences as ss

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("h[0-9]*.toml"))


def test_every_hypothesis_has_a_scenario_quoting_it() -> None:
    study = ss.read_study()
    quoted = {row["id"] for path in SCENARIO_FILES for row in ss.scenario_claims(path, study)}
    assert quoted == set(study), f"not quoted by any scenario: {set(study) - quoted}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_scenario_sentences_say_what_the_study_says(path: Path) -> None:
    """Rewriting the file from the study changes nothing: its sentences are current."""
    study = ss.read_study()
    _, changed = ss.rewrite(path, study)
    assert not changed, (f"{path.name} quotes an older study: run "
                         "`python -m experiments.study_sentences`")
    text = path.read_text(encoding="utf-8")
    strings = list(_strings(tomllib.loads(text)))  # still a valid scenario file
    for lang, sentence in ss.expected_lines(path, study).items():
        assert text.count(ss.OPENINGS[lang]) == 1, f"{path.name}: one {lang} sentence"
        assert sentence in strings


def _strings(value):
    """Every string in a parsed TOML document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_csv_and_report_table_agree() -> None:
    """The verdicts as data and as the report's table are the same run of the analysis."""
    study = ss.read_study()
    report = (ROOT / "docs" / "results" / "hypotheses.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (H\d+b?) \|.*\| \*\*([a-z ]+)\*\* \|$", report, flags=re.M)
    assert dict(rows) == {key: row["verdict"] for key, row in study.items()}


def test_rewrite_replaces_a_stale_sentence_in_place(tmp_path: Path) -> None:
    source = next(p for p in SCENARIO_FILES if p.name.startswith("h01-"))
    text = source.read_text(encoding="utf-8")
    stale = re.sub(r"H1 is \w+: [^,]+,", "H1 is inconclusive: +0.5 [+0.1,", text, count=1)
    assert stale != text
    copy = tmp_path / source.name
    copy.write_text(stale, encoding="utf-8")
    new, changed = ss.rewrite(copy, ss.read_study())
    assert changed and new == text


def test_figures_show_the_half_width_to_two_significant_digits() -> None:
    assert ss.decimals(0.0272, 0.0419) == 4      # half-width 0.0074
    assert ss.decimals(18.0, 22.3) == 1          # 2.1
    assert ss.decimals(170.0, 540.0) == 0        # 185: no decimals below the units
    assert ss.number(0.0346, 4, "fr") == "+0,0346"
    assert ss.number(-0.006, 3, "en") == "-0.006"


def test_missing_study_is_one_clear_line_and_exit_2(tmp_path: Path, monkeypatch,
                                                     capsys) -> None:
    monkeypatch.setattr(ss, "STUDY_CSV", tmp_path / "hypotheses.csv")
    assert ss.main(["--check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "hypotheses.csv" in err and "allowed:" in err


def test_check_mode_changes_nothing_and_reports_stale(tmp_path: Path, monkeypatch,
                                                      capsys) -> None:
    source = next(p for p in SCENARIO_FILES if p.name.startswith("h01-"))
    stale = re.sub(r"H1 is \w+: [^,]+,", "H1 is inconclusive: +0.5 [+0.1,",
                   source.read_text(encoding="utf-8"), count=1)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / source.name).write_text(stale, encoding="utf-8")
    monkeypatch.setattr(ss, "SCENARIOS", folder)
    monkeypatch.setattr(ss, "ROOT", tmp_path)
    assert ss.main(["--check"]) == 1
    assert (folder / source.name).read_text(encoding="utf-8") == stale
    assert "stale: scenarios/h01-" in capsys.readouterr().out
    assert ss.main([]) == 0
    assert (folder / source.name).read_text(encoding="utf-8") == source.read_text(
        encoding="utf-8")
