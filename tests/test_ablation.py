"""The ablation: each rule really switches off, the statistics are paired t-intervals, and
``influence dock ablation`` prints every variant, the same whatever --workers."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

import scenarios
from simulation import ablation, parameters
from simulation.ablation import ALL_OFF, ALL_ON, CONTRASTS, RULES, rule, switch_off, variants
from simulation.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--seeds", "2", "--weeks", "6", "--consumers", "200", "--quiet"]


def _config(name: str = "h01-billboard-vs-engaged") -> dict:
    return parameters.resolve(scenarios.load(name).config)


def _with_roles_and_events() -> dict:
    """A world with per-influencer roles and change events that set ruled keys."""
    config = parameters.defaults()
    config["companies"][0].update(disclosure_billboard=0.4, disclosure_engaged=0.9)
    config["influencers"] = [{"company": 0, "followers": 500_000, "audience_blame": 0.3},
                             {"company": 1, "followers": 500_000}]
    config["events"] = [
        {"week": 5, "kind": "change", "company": 0, "transparency": 0.9, "feedback_gain": 0.01},
        {"week": 6, "kind": "change", "company": 1, "disclosure_billboard": 0.3},
        {"week": 7, "kind": "change", "company": 1, "budget": 20.0},
    ]
    return parameters.resolve(config)


# ---------------------------------------------------------------- the rule table
def test_every_rule_is_declared_once_with_settings() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)) == 9
    for r in RULES:
        assert r.what and r.settings()
        assert r.world or r.company or r.influencer


def test_co_design_off_sets_every_feedback_gain_to_zero() -> None:
    off = switch_off(_with_roles_and_events(), [rule("co-design")])
    assert [c["feedback_gain"] for c in off["companies"]] == [0.0, 0.0]
    assert off["events"][0]["feedback_gain"] == 0.0  # a change cannot switch it back on


def test_salience_off_makes_the_two_disclosures_equally_salient() -> None:
    off = switch_off(_with_roles_and_events(), [rule("salience")])
    for company in off["companies"]:
        assert company["disclosure_engaged"] == company["disclosure_billboard"]
    assert off["companies"][0]["disclosure_engaged"] == 0.4
    # an event changing the plain wording's salience takes the explained one with it
    assert off["events"][1]["disclosure_engaged"] == off["events"][1]["disclosure_billboard"]


def test_briefing_overstatement_and_retainer_off_in_every_company_and_event() -> None:
    config = _with_roles_and_events()
    briefing = switch_off(config, [rule("briefing")])
    assert [c["transparency"] for c in briefing["companies"]] == [0.0, 0.0]
    assert briefing["events"][0]["transparency"] == 0.0
    assert all(c["overstatement"] == 0.0
               for c in switch_off(config, [rule("overstatement")])["companies"])
    assert all(c["involvement_premium"] == 0.0
               for c in switch_off(config, [rule("retainer")])["companies"])


def test_world_rules_off() -> None:
    config = _config()
    assert switch_off(config, [rule("reactance")])["reactance_weight"] == 0.0
    assert switch_off(config, [rule("explained")])["explained_bonus"] == 0.0
    assert switch_off(config, [rule("candour")])["candour_buffer"] == 0.0


def test_reports_off_for_the_defaults_and_every_influencer_role() -> None:
    off = switch_off(_with_roles_and_events(), [rule("reports")])
    assert off["influencer"]["audience_blame"] == 0.0
    assert [role["audience_blame"] for role in off["influencers"]] == [0.0, 0.0]


def test_a_rule_changes_only_its_own_settings_and_leaves_the_input_alone() -> None:
    config = _with_roles_and_events()
    before = repr(config)
    off = switch_off(config, [rule("co-design")])
    assert repr(config) == before
    for mine, theirs in zip(off["companies"], config["companies"], strict=True):
        assert {k for k in mine if mine[k] != theirs[k]} <= {"feedback_gain"}
    assert off["events"][2] == config["events"][2]  # a budget change has nothing ruled
    assert {k for k in off if k not in parameters.GROUPS and off[k] != config[k]} == set()


def test_variants_are_all_on_each_rule_alone_and_all_off() -> None:
    found = variants()
    assert found[0].label == ALL_ON and found[0].rules == ()
    assert [v.rules for v in found[1:-1]] == [(r,) for r in RULES]
    assert found[-1].label == ALL_OFF and found[-1].rules == RULES
    all_off = switch_off(_config(), RULES)
    assert all_off["reactance_weight"] == all_off["explained_bonus"] == 0.0
    assert all(c["feedback_gain"] == c["transparency"] == 0.0 for c in all_off["companies"])


def test_the_contrasts_are_those_of_the_study() -> None:
    spec = ROOT / "experiments" / "hypotheses.toml"
    if not spec.exists():
        pytest.skip("no study spec in this checkout")
    study = {h["id"]: h for h in tomllib.loads(spec.read_text())["hypotheses"]}
    for contrast in CONTRASTS:
        assert study[contrast.id]["metric"] == "trust_mean"
        assert study[contrast.id]["contrast"] == [contrast.ahead, contrast.behind]


# ---------------------------------------------------------------- plan and statistics
def _loaded() -> dict:
    out = {}
    for contrast in CONTRASTS:
        found = scenarios.load(contrast.scenario)
        out[contrast.scenario] = (found.config, found.weeks)
    return out


def test_plan_gives_every_variant_of_a_scenario_the_same_seeds() -> None:
    the_plan = ablation.plan(_loaded(), seeds=3, weeks=4, consumers=100)
    assert len(the_plan.jobs) == len(CONTRASTS) * len(variants()) * 3
    by_hypothesis: dict[str, set] = {}
    for job in the_plan.jobs:
        hypothesis, _ = job.label.split("|")
        by_hypothesis.setdefault(hypothesis, set()).add((job.replicate, job.seed))
        assert job.steps == 4 and job.config["consumers"] == 100
    assert all(len(pairs) == 3 for pairs in by_hypothesis.values())


def test_plan_refuses_a_scenario_without_the_named_company() -> None:
    loaded = _loaded()
    config, weeks = loaded["h07-shareholder-pressure"]
    config = dict(config, companies=[dict(c) for c in config["companies"]])
    config["companies"][0]["name"] = "Someone Else"
    loaded["h07-shareholder-pressure"] = (config, weeks)
    with pytest.raises(ablation.AblationError, match="Patient Co and Quarterly Co") as info:
        ablation.plan(loaded, seeds=2)
    assert "\n" not in str(info.value)


def test_a_third_company_does_not_disturb_the_contrast() -> None:
    runs = pd.DataFrame({
        "scenario": ["H7b|every rule on"] * 6, "replicate": [0, 0, 0, 1, 1, 1],
        "seed": [5, 5, 5, 6, 6, 6], "step": [9] * 6,
        "company": ["Patient Co", "Quarterly Co", "Third Co"] * 2,
        "trust_mean": [0.7, 0.6, 0.9, 0.8, 0.5, 0.1]})
    diffs = ablation.differences(runs)
    assert diffs["difference"].round(12).tolist() == [0.1, 0.3]


def test_effects_are_paired_student_t_intervals_in_trust_units() -> None:
    rows = [{"hypothesis": "H1", "variant": v, "replicate": r, "seed": r, "difference": d}
            for v, ds in ((ALL_ON, [0.1, 0.2, 0.3]), ("no co-design", [0.0, 0.1, 0.3]))
            for r, d in enumerate(ds)]
    diffs = pd.DataFrame(rows)
    effect = ablation.effects(diffs).set_index("variant")
    half = stats.t.ppf(0.975, 2) * 0.1 / math.sqrt(3)
    assert effect.loc[ALL_ON, "mean"] == pytest.approx(0.2)
    assert effect.loc[ALL_ON, "lo"] == pytest.approx(0.2 - half)
    assert effect.loc[ALL_ON, "hi"] == pytest.approx(0.2 + half)
    change = ablation.changes(diffs).set_index("variant")
    # paired: per-seed changes -0.1, -0.1, 0.0
    sd = pd.Series([-0.1, -0.1, 0.0]).std()
    assert change.loc["no co-design", "mean"] == pytest.approx(-0.2 / 3)
    assert change.loc["no co-design", "hi"] == pytest.approx(
        -0.2 / 3 + stats.t.ppf(0.975, 2) * sd / math.sqrt(3))
    assert ALL_ON not in change.index


def test_interval_and_sign_formatting() -> None:
    assert ablation.interval(0.0334, 0.0151, 0.0512) == "+0.033 [+0.015, +0.051]"
    assert ablation.sign(0.01, 0.02) == "+"
    assert ablation.sign(-0.02, -0.01) == "-"
    assert ablation.sign(-0.01, 0.02) == "0"
    assert ablation.sign(float("nan"), float("nan")) == "?"


# ---------------------------------------------------------------- the command
def _invoke(*args: str):
    return CliRunner().invoke(cli, ["dock", "ablation", *args], prog_name="influence")


def test_command_prints_every_variant_and_every_fate(tmp_path) -> None:
    out = tmp_path / "ablation"
    result = _invoke(*SMALL, "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for variant in variants():
        assert any(line.startswith(variant.label + " ") for line in lines), variant.label
    for contrast in CONTRASTS:
        assert any(line.startswith(f"{contrast.id} ({contrast.ahead} - {contrast.behind}")
                   for line in lines)
    assert "200 consumers, 6 weeks" in lines[1]
    assert sorted(p.name for p in out.iterdir()) == sorted(ablation.ABLATION_FILES)
    table = pd.read_csv(out / "ablation.csv", dtype={"sign": str})
    assert len(table) == len(variants()) * len(CONTRASTS)
    assert set(table["sign"]) <= {"+", "-", "0"}
    markdown = (out / "ablation.md").read_text()
    assert "influence dock ablation --seeds 2" in markdown
    assert "| every rule on |" in markdown


def test_a_rule_that_never_acts_gives_the_row_with_every_rule_on() -> None:
    """No scenario here has a crisis: without candour each run is the very same run."""
    the_plan = ablation.plan(_loaded(), seeds=2, weeks=5, consumers=150)
    result = ablation.run_ablation(the_plan)
    diffs = result.diffs.set_index(["hypothesis", "variant", "replicate"])["difference"]
    for contrast in CONTRASTS:
        for r in range(2):
            assert diffs[(contrast.id, "no candour", r)] == diffs[(contrast.id, ALL_ON, r)]


def test_same_output_whatever_the_workers() -> None:
    one = _invoke(*SMALL, "--workers", "1")
    two = _invoke(*SMALL, "--workers", "2")
    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert one.stdout == two.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (["--seeds", "0"], "--seeds: got '0'; allowed: an integer >= 2"),
    (["--seeds", "1"], "--seeds: got '1'; allowed: an integer >= 2"),
    (["--workers", "0"], "--workers: got '0'; allowed: an integer >= 1"),
    (["--weeks", "x"], "--weeks: got 'x'; allowed: an integer >= 1"),
    (["--consumers", "5"], "--consumers: got 5; allowed: an integer in [10, 10000000]"),
])
def test_bad_options_exit_2_with_one_line(args, needle) -> None:
    result = _invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert needle in result.stderr
