"""The global sensitivity study (issue 12 item 5), on a reduced version of it.

A 200-consumer world for 30 weeks, three parameters, a few trajectories and
N = 8 run the whole Morris -> Sobol -> report pipeline through the sweep
machinery; the committed study (docs/results/sensitivity.md, ``make
sensitivity``) is the same pipeline at full size.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from fuzz_inputs import assert_clean, invoke_bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments import sensitivity as sens
from simulation import parameters
from simulation.cli import cli

#: The reduced study: a parameter only a crisis reads (the default world has none), and
#: two the trust and sales rules read every week.
INERT = "crisis_severity"
LIVE = ("company_quality", "in_market_rate")
WORLD = ["--consumers", "200", "--weeks", "30", "--workers", "2", "-q"]


def invoke(args: list[str]):
    """Run ``influence ARGS`` in-process (a whole stage: no per-case time bound)."""
    return CliRunner().invoke(cli, args, prog_name="influence")


def morris_args(out: Path, *extra: str) -> list[str]:
    return ["sensitivity", "morris", "--out", str(out), *WORLD, "--trajectories", "6",
            "--replicates", "2", "--noise-runs", "8",
            "--include", "^(" + "|".join((INERT, *LIVE)) + ")$", *extra]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("study") / "s"
    result = invoke(morris_args(out))
    assert result.exit_code == 0, result.output
    result = invoke(["sensitivity", "sobol", "--out", str(out), "--samples", "8",
                             "--max-params", "3", "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    result = invoke(["sensitivity", "report", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_the_rule_comes_from_the_declaration() -> None:
    base = sens._base(2000)
    chosen = sens.factors(base)
    names = [f.name for f in chosen]
    assert len(names) == len(set(names))
    swept = sens.study_ranges()
    for f in chosen:
        assert f.param.source.lower().startswith("assumption")
        assert f.param.kind in ("float", "int") and f.param.unit not in sens.SIZE_UNITS
        assert f.param.low <= f.low < f.high <= f.param.high
        if f.rule == "study":
            assert (f.low, f.high) == pytest.approx(swept[id(f.param)])
        else:
            assert f.low <= f.param.default <= f.high
        if f.group == "company":
            assert len(f.paths) == len(base["companies"])
    # every ungrounded number is screened (an integer band narrower than 1 aside)
    declared = [p for p in (*parameters.WORLD_PARAMS, *parameters.COMPANY_PARAMS,
                            *parameters.INFLUENCER_PARAMS) if sens.ungrounded(p)]
    assert {id(f.param) for f in chosen} == {id(p) for p in declared}
    assert not any(p.unit in sens.SIZE_UNITS for p in (f.param for f in chosen))


def test_band_rule() -> None:
    p = parameters.Param("x", 0.4, "float", 0.0, 0.5)
    assert sens.band(p) == pytest.approx((0.2, 0.5))
    assert sens.band(parameters.Param("z", 0.0, "float", -1.0, 1.0)) == pytest.approx((-0.1, 0.1))
    assert sens.band(parameters.Param("z", 0.0, "float", 0.0, 2.0)) == pytest.approx((0.0, 0.1))


def test_pipeline_end_to_end(study: Path) -> None:
    for name in ("morris.toml", "morris/manifest.json", "sobol-seed1/manifest.json",
                 "sobol-seed2/manifest.json", "factors.json", "morris.csv", "sobol.csv",
                 "budget.json", "selection.json", "sensitivity.md",
                 "figures/sensitivity-morris.png", "figures/sensitivity-sobol.png"):
        assert (study / name).is_file(), name
    morris = pd.read_csv(study / "morris.csv")
    assert set(morris["parameter"]) == {INERT, *LIVE}
    assert set(morris["output"]) == set(sens.OUTPUTS)
    sobol = pd.read_csv(study / "sobol.csv")
    assert set(sobol["seed"]) == {1, 2}
    chosen = json.loads((study / "selection.json").read_text())["chosen"]
    assert 2 <= len(chosen) <= 3 and set(chosen) & set(LIVE)
    assert set(sobol["parameter"]) == set(chosen)
    assert len(sobol) == 2 * len(sens.OUTPUTS) * len(chosen)
    assert (sobol["ST_lo"] <= sobol["ST"]).all() and (sobol["ST"] <= sobol["ST_hi"]).all()
    text = (study / "sensitivity.md").read_text(encoding="utf-8")
    for part in ("## Budget", "## Morris screening", "## Sobol, root seed 1",
                 "## Sobol, root seed 2", "## Criteria", "half-width", "core-hours"):
        assert part in text, part


def test_an_inert_parameter_shows_only_noise_and_a_live_one_ranks_above(study: Path) -> None:
    indices, noise, experiment = sens.morris_table(study / "morris")
    floor = sens.noise_floor(noise, experiment["replicates"], experiment["levels"])
    mu = indices.set_index(["parameter", "output"])["mu_star"]
    for output in sens.OUTPUTS:
        # a crisis parameter without a crisis: its elementary effects are seed noise only
        assert mu[(INERT, output)] <= 2.5 * floor[output] + 1e-12, (output, mu, floor)
    for output in ("trust_first", "trust_second"):
        assert max(mu[(p, output)] for p in LIVE) > 2 * mu[(INERT, output)]
    chosen, ranking = sens.select(indices, floor=floor)
    assert ranking["parameter"].iloc[-1] == INERT
    assert INERT not in chosen[:1]


def test_samples_needed() -> None:
    assert sens.samples_needed(256, 0.04) == 256
    assert sens.samples_needed(256, 0.1) == 1024
    assert math.log2(sens.samples_needed(100, 0.07)).is_integer()


def test_resume_runs_only_what_is_missing(study: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(study, out)
    before = (out / "morris.csv").read_bytes()
    victim = sorted((out / "morris" / "runs").glob("*.parquet"))[3]
    victim.unlink()  # as if killed before that run was written
    result = invoke(morris_args(out))
    assert result.exit_code == 0, result.output
    assert victim.is_file()
    assert "1 runs done now" in result.output
    budget = json.loads((out / "budget.json").read_text())
    assert [e["stage"] for e in budget].count("morris") == 2
    assert invoke(["sensitivity", "report", "--out", str(out), "-q"]).exit_code == 0
    assert (out / "morris.csv").read_bytes() == before


@pytest.mark.parametrize("args, names", [
    (["morris", "--levels", "3"], "--levels"),
    (["morris", "--levels", "x"], "--levels"),
    (["morris", "--trajectories", "1"], "--trajectories"),
    (["morris", "--consumers", "5"], "--consumers"),
    (["morris", "--include", "("], "--include"),
    (["morris", "--include", "^nothing_matches$"], "--include"),
    (["morris", "--out", ""], "--out"),
    (["sobol", "--samples", "6"], "--samples"),
    (["sobol", "--seeds", "1,1"], "--seeds"),
    (["sobol", "--seeds", "1,2,3"], "--seeds"),
    (["sobol", "--smallest-effect", "nan"], "--smallest-effect"),
    (["sobol"], "--out"),
    (["report"], "--out"),
])
def test_bad_input_is_one_line_exit_2(args, names, tmp_path: Path) -> None:
    command = ["sensitivity", *args]
    if "--out" not in args:
        command += ["--out", str(tmp_path / "empty")]
    result = invoke_bounded(command)
    assert_clean(result)
    assert result.exit_code == 2
    line = [x for x in result.stderr.splitlines() if x.startswith("error: ")][0]
    assert names in line and "allowed" in line, line


def test_other_options_on_a_made_folder_are_refused(study: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    shutil.copytree(study, out)
    result = invoke(morris_args(out, "--seed", "7"))
    assert result.exit_code == 2
    assert "other options" in result.stderr and "--rerun-changed" in result.stderr
    assert "seed = 1" in (out / "morris.toml").read_text()  # left as it was


_junk = st.one_of(st.text(max_size=6), st.sampled_from(["0", "-1", "1e3", "nan", "2**3", " 4"]))


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(levels=st.one_of(st.sampled_from(["2", "4"]), _junk),
       trajectories=st.one_of(st.sampled_from(["2"]), _junk),
       seed=st.one_of(st.sampled_from(["0", "3"]), _junk),
       include=st.one_of(st.sampled_from(["^(asymmetry|forgetting)$", "^forgetting$"]),
                         st.text(max_size=5)),
       samples=st.one_of(st.sampled_from(["2", "4"]), _junk),
       seeds=st.one_of(st.sampled_from(["1,2", "5, 6"]), st.text(max_size=6)),
       smallest=st.one_of(st.sampled_from(["0.02", "1"]), _junk))
def test_fuzzed_options(study, levels, trajectories, seed, include, samples, seeds,
                        smallest) -> None:
    with tempfile.TemporaryDirectory() as root:
        out = Path(root) / "s"
        assert_clean(invoke_bounded([
            "sensitivity", "morris", "--out", str(out), "--consumers", "40", "--weeks", "2",
            "--noise-runs", "2", "--replicates", "1", "--workers", "1", "-q",
            "--levels", levels, "--trajectories", trajectories, "--seed", seed,
            "--include", include]))
        shutil.copytree(study / "morris", out.with_name("m") / "morris")
        shutil.copy(study / "morris.toml", out.with_name("m") / "morris.toml")
        assert_clean(invoke_bounded([
            "sensitivity", "sobol", "--out", str(out.with_name("m")), "--samples", samples,
            "--seeds", seeds, "--smallest-effect", smallest, "--max-params", "2",
            "--workers", "1", "-q"]))


def test_common_random_numbers_make_an_inert_parameter_exactly_zero(study: Path) -> None:
    """With common seeds (the default) both ends of a Morris step see the same draws, so a
    parameter the world never reads has no elementary effect at all, and the floor is 0."""
    indices, noise, experiment = sens.morris_table(study / "morris")
    assert experiment.get("common_seeds") is True
    mu = indices.set_index(["parameter", "output"])["mu_star"]
    assert all(mu[(INERT, output)] == 0.0 for output in sens.OUTPUTS)
    floor = sens.noise_floor(noise, experiment["replicates"], experiment["levels"], True)
    assert set(floor.values()) == {0.0}
