"""Planted checks, reduced: the protocol says "no effect" for two identical companies and
"supported" for an effect of known size planted into the same runs (experiments.planted;
the full counts are in docs/results/planted.json and the study's report)."""

from __future__ import annotations

import json
from pathlib import Path

from experiments import planted
from experiments.hypotheses import planted_section


def test_the_twins_differ_only_in_their_names() -> None:
    spec = planted.twin_spec(planted.FIRST_SEED, 4, 300, 12)
    runs = spec.runs()
    a, b = runs[0].config["companies"]
    assert (a["name"], b["name"]) == planted.TWINS
    assert {k: v for k, v in a.items() if k != "name"} == \
        {k: v for k, v in b.items() if k != "name"}
    assert len({r.seed for r in runs}) == 4
    other = planted.twin_spec(planted.FIRST_SEED + 1, 4, 300, 12).runs()
    assert not {r.seed for r in runs} & {r.seed for r in other}  # a new root seed, new runs


def test_planted_null_and_planted_effect_meet_the_bar(tmp_path: Path) -> None:
    """20 reruns, each with its own root seed, in a small world (so a wider margin)."""
    result = planted.check(20, 10, 300, 52, margin=0.05, delta=0.125)
    null, effect = result.counts("null"), result.counts("effect")
    assert null["no effect"] >= 19, null
    assert effect["supported"] >= 19, effect
    assert result.passed()
    # The same counts, through the JSON file, in the study's report.
    path = tmp_path / "planted.json"
    path.write_text(json.dumps(result.as_dict()), encoding="utf-8")
    text = "\n".join(planted_section(path))
    assert f"*no effect* in {null['no effect']}/20" in text
    assert f"*supported* in {effect['supported']}/20" in text
    assert "**met**" in text
    assert planted_section(tmp_path / "absent.json") == []


def test_a_protocol_that_cannot_say_no_would_fail_the_planted_null() -> None:
    """The check has teeth: with a margin far below the noise, the twins are not 'no effect'."""
    result = planted.check(3, 4, 300, 26, margin=0.0005, delta=0.125)
    assert result.counts("null")["no effect"] < 3
    assert not result.passed()


def test_the_full_check_runs_at_the_power_of_the_studys_baselines() -> None:
    from experiments.spec import load

    study = load(Path(__file__).resolve().parent.parent / "experiments" / "hypotheses.toml")
    baselines = {h["baseline"] for h in study.hypotheses}
    assert {study.experiment(b).replicates for b in baselines} == {planted.FULL["replicates"]}
    saved = json.loads((Path(__file__).resolve().parent.parent / "docs" / "results"
                        / "planted.json").read_text(encoding="utf-8"))
    assert {k: saved[k] for k in planted.FULL} == planted.FULL
    assert saved["passed"] and len(saved["rows"]) == planted.FULL["reruns"]


def test_the_command_refuses_bad_options_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from simulation.cli import cli

    for args, needle in ((["--reruns", "1"], "--reruns"), (["--workers", "0"], "--workers"),
                         (["--consumers", "x"], "--consumers")):
        result = CliRunner().invoke(cli, ["check", "planted", *args,
                                          "--out", str(tmp_path / "p.json")])
        assert result.exit_code == 2, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and needle in errors[0]
    assert not (tmp_path / "p.json").exists()


def test_the_module_entry_point_runs_the_same_command(tmp_path: Path) -> None:
    out = tmp_path / "planted.json"
    code = planted.main(["--reruns", "2", "--replicates", "3", "--consumers", "200",
                         "--weeks", "4", "--workers", "1", "--out", str(out)])
    assert code in (0, 1) and out.exists()
