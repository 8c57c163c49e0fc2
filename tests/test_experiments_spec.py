"""Experiment specs: validation with one-line errors, designs, seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from experiments import designs
from experiments.spec import SpecError, load
from simulation.cli import cli
from simulation.seeds import derive_seed

GOOD = """
title = "tiny"
scenario = "default"
seed = 7
replicates = 2
weeks = 6

[set]
consumers = 200

[design]
kind = "grid"

[[parameters]]
path = "companies[1].transparency"
name = "transparency"
values = [0.2, 0.8]

[[parameters]]
paths = ["companies[0].budget", "companies[1].budget"]
name = "budget"
range = [5.0, 15.0]
steps = 3
"""


def write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_grid_plan_has_every_combination_and_derived_seeds(tmp_path: Path) -> None:
    spec = load(write(tmp_path, GOOD))
    runs = spec.runs()
    assert len(runs) == 2 * 3 * 2
    values = {(r.values["transparency"], r.values["budget"]) for r in runs}
    assert values == {(t, b) for t in (0.2, 0.8) for b in (5.0, 10.0, 15.0)}
    for run in runs:
        assert run.config["consumers"] == 200
        assert run.config["companies"][1]["transparency"] == run.values["transparency"]
        assert run.config["companies"][0]["budget"] == run.values["budget"]
        assert run.config["companies"][1]["budget"] == run.values["budget"]
        assert run.seed == derive_seed(7, run.config, run.replicate)
    assert len({r.run_id for r in runs}) == len(runs)
    assert len({r.seed for r in runs}) == len(runs)


def test_digest_ignores_spelling_but_not_content(tmp_path: Path) -> None:
    a = load(write(tmp_path, GOOD, "a.toml"))
    respelled = GOOD.replace('path = "companies[1].transparency"',
                             'path = "companies.1.transparency"')
    b = load(write(tmp_path, respelled, "b.toml"))
    c = load(write(tmp_path, GOOD.replace("weeks = 6", "weeks = 7"), "c.toml"))
    assert a.digest() == b.digest()
    assert a.digest() != c.digest()


def sampled(kind: str, samples: int, extra: str = "") -> str:
    return f"""
scenario = "default"
weeks = 3
[set]
consumers = 200
[design]
kind = "{kind}"
samples = {samples}
{extra}
[[parameters]]
path = "asymmetry"
range = [1.5, 4.0]
[[parameters]]
path = "companies[0].departments"
name = "departments"
range = [2, 10]
[[parameters]]
path = "forgetting"
range = [0.9, 0.99]
"""


@pytest.mark.parametrize(("kind", "samples", "points"),
                         [("lhs", 5, 5), ("sobol", 8, 8 * (3 + 2)), ("morris", 4, 4 * (3 + 1))])
def test_sampled_designs_sizes_bounds_and_integers(tmp_path: Path, kind: str, samples: int,
                                                   points: int) -> None:
    spec = load(write(tmp_path, sampled(kind, samples)))
    experiment = spec.experiments[0]
    found = designs.points(experiment, spec.seed)
    assert len(found) == points
    for _, values in found:
        assert 1.5 <= values["asymmetry"] <= 4.0
        assert 0.9 <= values["forgetting"] <= 0.99
        assert isinstance(values["departments"], int) and 2 <= values["departments"] <= 10
    assert designs.points(experiment, spec.seed) == found  # same spec, same points


def test_lhs_crosses_factor_levels_with_each_sample(tmp_path: Path) -> None:
    extra = ""
    text = sampled("lhs", 4, extra) + """
[[parameters]]
path = "companies[1].strategy"
name = "strategy1"
values = ["billboard", "engaged"]
"""
    spec = load(write(tmp_path, text))
    found = designs.points(spec.experiments[0], spec.seed)
    assert len(found) == 8
    for sample in range(4):
        pair = [v for s, v in found if s == sample]
        assert [v["strategy1"] for v in pair] == ["billboard", "engaged"]
        assert pair[0]["asymmetry"] == pair[1]["asymmetry"]


BAD = [
    ('replicates = 2', 'replicates = 0', "replicates: got 0; allowed: an integer in [1, 10000]"),
    ('kind = "grid"', 'kind = "factorial"', "design.kind: got 'factorial'; allowed: one of grid"),
    ('path = "companies[1].transparency"', 'path = "companies[1].transparancy"',
     "parameters[0].path: got 'companies[1].transparancy'; allowed: a parameter path"),
    ('values = [0.2, 0.8]', 'values = [0.2, 1.8]',
     "parameters[0].values[1]: got 1.8; allowed: a number in [0, 1]"),
    ('range = [5.0, 15.0]', 'range = [15.0, 5.0]',
     "parameters[1].range: got [15.0, 5.0]; allowed: [low, high] with low < high"),
    ('steps = 3', '', "parameters[1].steps: got None; allowed: an integer >= 2"),
    ('consumers = 200', 'consumers = 2', "set.consumers: got 2; allowed: an integer in [10,"),
    ('scenario = "default"', 'scenario = "no-such-world"', "scenario: got 'no-such-world'"),
    ('weeks = 6', 'weeks = 6\ncolour = "red"', "colour: got 'red'; allowed: a known key"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD)
def test_bad_specs_are_one_line_with_file_and_key_path(tmp_path: Path, old: str, new: str,
                                                       message: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(SpecError) as caught:
        load(path)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{caught.value.file}: ")
    assert message in text
    result = CliRunner().invoke(cli, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {text}"]
    assert not (tmp_path / "out").exists()


def test_sobol_needs_a_power_of_two_and_ranges(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"design.samples: got 6; allowed: a power of 2"):
        load(write(tmp_path, sampled("sobol", 6)))
    one = GOOD.replace('kind = "grid"', 'kind = "morris"\nsamples = 4').replace("steps = 3", "")
    with pytest.raises(SpecError, match=r"parameters: got .*at least two parameters"):
        load(write(tmp_path, one, "m.toml"))


def test_malformed_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="malformed TOML"):
        load(write(tmp_path, "title = "))
    with pytest.raises(SpecError, match="allowed: a readable experiment spec"):
        load(tmp_path / "nothing.toml")


def test_hypothesis_tables_are_checked_against_their_experiments(tmp_path: Path) -> None:
    text = GOOD + """
[[hypotheses]]
id = "H"
claim = "c"
metric = "trust_mean"
contrast = ["Engaged Co", "Nobody Co"]
baseline = "main"
"""
    with pytest.raises(SpecError, match=r"hypotheses\[0\].margin: got None; allowed: a positive"):
        load(write(tmp_path, text, "m.toml"))
    text += 'margin = 0.02\n'
    with pytest.raises(SpecError, match=r"hypotheses\[0\].margin_why: got None"):
        load(write(tmp_path, text, "m2.toml"))
    with pytest.raises(SpecError, match=r"hypotheses\[0\].margin: got -0.02"):
        load(write(tmp_path, text.replace("margin = 0.02", "margin = -0.02"), "m3.toml"))
    text += 'margin_why = "two points of trust"\n'
    with pytest.raises(SpecError, match=r"hypotheses\[0\].why: got None; allowed: a non-empty"):
        load(write(tmp_path, text, "m4.toml"))
    text += 'why = "trust is the outcome"\n'
    with pytest.raises(SpecError, match=r"hypotheses\[0\].contrast: got 'Nobody Co'"):
        load(write(tmp_path, text))
    text = text.replace('"Nobody Co"', '"Billboard Co"').replace('metric = "trust_mean"',
                                                                 'metric = "trust_mean"\nweek = 5')
    with pytest.raises(SpecError, match=r"hypotheses\[0\].week: got 5; allowed: a week"):
        load(write(tmp_path, text, "w.toml"))


def test_shipped_specs_load() -> None:
    root = Path(__file__).resolve().parent.parent / "experiments"
    smoke = load(root / "smoke.toml")
    assert smoke.runs()
    study = load(root / "hypotheses.toml")
    ids = {h["id"].rstrip("b") for h in study.hypotheses}
    assert ids == {f"H{i}" for i in range(1, 11)}
    assert np.all([e.weeks == 156 for e in study.experiments])


def test_every_region_brackets_the_world_its_hypothesis_is_judged_in() -> None:
    """A region meant to find where a claim fails around its scenario must contain the
    scenario's own value of each parameter it moves: a range that lies wholly above a
    (since recalibrated) default explores another world and says nothing about this one."""
    from simulation.parameters import split_path

    study = load(Path(__file__).resolve().parent.parent / "experiments" / "hypotheses.toml")
    outside = []
    for experiment in study.experiments:
        for param in experiment.parameters:
            if param.low is None:
                continue
            for path in param.paths:
                value: object = experiment.base
                for part in split_path(path):
                    value = value[part]  # type: ignore[index]
                if not param.low <= value <= param.high:
                    outside.append(f"{experiment.name}: {path} = {value} outside "
                                   f"[{param.low}, {param.high}]")
    assert not outside, outside


def test_region_points_need_enough_replicates_for_their_own_interval(tmp_path: Path) -> None:
    """Each region point is judged by its own CI: 2 replicates cannot give one worth reading."""
    study = Path(__file__).resolve().parent.parent / "experiments" / "hypotheses.toml"
    text = study.read_text(encoding="utf-8").replace("replicates = 8\n", "replicates = 2\n")
    with pytest.raises(SpecError, match=r"hypotheses\[0\].region: got 'h01-region'; allowed: "
                                        r"an experiment with at least 8 replicates"):
        load(write(tmp_path, text, "few.toml"))
    assert all(e.replicates >= 8 for e in load(study).experiments)


@pytest.mark.parametrize(("extra", "message"), [
    ("before = 0", r"before: got 0; allowed: a week before the one read"),
    ("week = 6\nbefore = 6", r"before: got 6; allowed: a week before the one read"),
    ("week = 6\nbefore = 5", r"before: got 5; allowed: a week experiment main keeps"),
    ('before = 0\nthreshold = 0.5\ncompany = "Engaged Co"', r"before: got 0; allowed: a contrast"),
])
def test_a_difference_in_differences_needs_an_earlier_kept_week(tmp_path: Path, extra: str,
                                                                message: str) -> None:
    text = GOOD + f"""
[[hypotheses]]
id = "H"
claim = "c"
metric = "trust_mean"
{extra}
{"" if "threshold" in extra else 'contrast = ["Engaged Co", "Billboard Co"]'}
margin = 0.02
margin_why = "m"
why = "w"
baseline = "main"
"""
    with pytest.raises(SpecError, match=message):
        load(write(tmp_path, text))


def test_common_seeds_give_every_design_point_the_same_random_numbers(tmp_path: Path) -> None:
    """Common random numbers: with design.common_seeds the seed depends on the replicate
    only, so the points of a sensitivity design differ by their parameters alone."""
    common = load(write(tmp_path, GOOD.replace('kind = "grid"',
                                               'kind = "grid"\ncommon_seeds = true'), "c.toml"))
    plain = load(write(tmp_path, GOOD, "p.toml"))
    by_replicate: dict[int, set[int]] = {}
    for run in common.runs():
        by_replicate.setdefault(run.replicate, set()).add(run.seed)
    assert all(len(seeds) == 1 for seeds in by_replicate.values())
    assert len({next(iter(s)) for s in by_replicate.values()}) == len(by_replicate)
    assert len({run.seed for run in plain.runs()}) == len(plain.runs())


def test_common_seeds_must_be_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="common_seeds"):
        load(write(tmp_path, GOOD.replace('kind = "grid"', 'kind = "grid"\ncommon_seeds = 1')))
