"""The scenario library: loading, extending, validation errors and claims."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from scenarios import ScenarioError, claims
from simulation import parameters
from simulation.cli import cli
from simulation.model import InfluenceModel


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ------------------------------------------------------------------ library
@pytest.mark.parametrize("name", scenarios.names())
def test_every_shipped_scenario_loads_and_runs_a_few_weeks(name: str) -> None:
    found = scenarios.load(name)
    assert found.name == name and found.title and found.summary
    assert set(found.teaching) >= {"what", "how", "notice", "try"}, "a whole teaching text"
    assert found.fr.get("title") and found.fr.get("teaching"), "a French text"
    model = InfluenceModel(rng=1, **{**found.config, "consumers": min(
        found.config["consumers"], 400), "network_degree": min(found.config["network_degree"],
                                                               10)})
    for _ in range(3):
        model.step()
    assert model.timeseries()["step"].max() == 3


def test_the_default_scenario_is_the_default_world() -> None:
    assert scenarios.load("default").config == parameters.resolve(parameters.defaults())


def test_a_user_file_anywhere_works_like_a_shipped_one(tmp_path: Path) -> None:
    copy = tmp_path / "deep" / "mine.toml"
    copy.parent.mkdir()
    shutil.copy(scenarios.SCENARIO_DIR / "default.toml", copy)
    mine, shipped = scenarios.load(copy), scenarios.load("default")
    assert mine.config == shipped.config and mine.expect == shipped.expect
    assert mine.name == "mine" and mine.source == copy.resolve()


def test_french_text_falls_back_to_english_item_by_item(tmp_path: Path) -> None:
    path = write(tmp_path, "half.toml", """
        title = "Half"
        [teaching]
        what = "English what"
        how = "English how"
        [[lesson]]
        week = 1
        watch = "w"
        ask = "a"
        try = "t"
        [fr]
        title = "Moitié"
        [fr.teaching]
        what = "Quoi"
        [[fr.lesson]]
        ask = "question"
        """)
    fr = scenarios.load(path).text("fr")
    assert fr["title"] == "Moitié" and fr["summary"] == ""
    assert fr["teaching"] == {"what": "Quoi", "how": "English how"}
    assert fr["lesson"] == [{"week": 1, "watch": "w", "ask": "question", "try": "t"}]


# ------------------------------------------------------------------ extends
def test_extends_merges_as_documented(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", """
        title = "Base"
        summary = "the base"
        weeks = 40
        [teaching]
        what = "base text"
        [[lesson]]
        week = 2
        watch = "w"
        ask = "a"
        try = "t"
        [world]
        consumers = 500
        forgetting = 0.9
        [influencer]
        churn_threshold = 0.2
        [[companies]]
        name = "A"
        budget = 20
        [[companies]]
        name = "B"
        [[influencers]]
        company = 0
        followers = 500000
        [[events]]
        week = 10
        kind = "crisis"
        company = "A"
        [[expect]]
        text = "A trusted more"
        metric = "trust_mean"
        week = 40
        higher = "A"
        lower = "B"
        """)
    child = scenarios.load(write(tmp_path, "child.toml", """
        extends = "base.toml"
        [world]
        consumers = 800
        [influencer]
        answer_weight = 0.5
        [[companies]]
        transparency = 0.1
        [[companies]]
        [[companies]]
        name = "C"
        [[events]]
        week = 5
        kind = "change"
        company = "B"
        strategy = "billboard"
        """))
    c = child.config
    assert c["consumers"] == 800 and c["forgetting"] == 0.9, "world keys one by one"
    assert c["influencer"]["churn_threshold"] == 0.2 and c["influencer"]["answer_weight"] == 0.5
    a, b, extra = c["companies"]
    assert (a["name"], a["budget"], a["transparency"]) == ("A", 20.0, 0.1), "merged by position"
    assert b["name"] == "B" and extra["name"] == "C"
    assert len(c["influencers"]) == 1 and c["influencers"][0]["answer_weight"] == 0.5, \
        "the parent's roles get the child's influencer defaults"
    assert [(e["week"], e["kind"]) for e in c["events"]] == [(5, "change"), (10, "crisis")]
    assert child.title == "Base" and child.weeks == 40 and child.teaching == {"what": "base text"}
    assert child.lesson == () and child.expect == (), "a variant tells no inherited story"
    assert child.parents == ((tmp_path / "base.toml").resolve(),)

    grandchild = scenarios.load(write(tmp_path, "grand.toml", """
        extends = "child.toml"
        title = "Grand"
        [[influencers]]
        company = 2
        followers = 100000
        """))
    assert grandchild.config["companies"][2]["name"] == "C"
    assert [r["company"] for r in grandchild.config["influencers"]] == [2], "roles replaced"
    assert len(grandchild.parents) == 2


def test_a_shipped_name_can_be_extended_from_anywhere(tmp_path: Path) -> None:
    variant = scenarios.load(write(tmp_path, "v.toml", """
        extends = "default"
        title = "Richer billboards"
        [[companies]]
        budget = 30
        """))
    assert variant.config["companies"][0]["budget"] == 30.0
    assert variant.config["companies"][0]["strategy"] == "billboard"


# ------------------------------------------------------------------- errors
BAD_FILES = {
    "unknown top key": ("title = 'x'\ncolour = 'red'\n", "colour", "a known top-level key"),
    "unknown world key": ("title = 'x'\n[world]\nconsumerz = 5\n", "world.consumerz",
                          "a world parameter"),
    "group in world": ("title = 'x'\n[world]\ncompanies = 1\n", "world.companies",
                       "a table of its own"),
    "unknown company key": ("title = 'x'\n[[companies]]\nbudgett = 5\n",
                            "companies[0].budgett", "a known key"),
    "string for a number": ("title = 'x'\n[[companies]]\n[[companies]]\ntransparency = '0.5'\n",
                            "companies[1].transparency", "a number in [0, 1]"),
    "out of range": ("title = 'x'\n[[companies]]\n[[companies]]\ntransparency = 1.5\n",
                     "companies[1].transparency", "a number in [0, 1]"),
    "float for an integer": ("title = 'x'\n[world]\nconsumers = 500.5\n", "world.consumers",
                             "an integer"),
    "bool for a number": ("title = 'x'\n[influencer]\nchurn_threshold = true\n",
                          "influencer.churn_threshold", "a number"),
    "bad choice": ("title = 'x'\n[[companies]]\nstrategy = 'poster'\n",
                   "companies[0].strategy", "one of billboard, engaged"),
    "cross-parameter": ("title = 'x'\n[world]\nconsumers = 20\nnetwork_degree = 30\n",
                        "world.network_degree", "smaller than consumers"),
    "event key": ("title = 'x'\n[[events]]\nweek = 3\nkind = 'crisis'\ncompany = 0\n"
                  "strategy = 'engaged'\n", "events[0].strategy", "a key of a crisis event"),
    "event company": ("title = 'x'\n[[events]]\nweek = 3\nkind = 'crisis'\ncompany = 'Z'\n",
                      "events[0].company", "a company name"),
    "no title": ("[world]\nconsumers = 500\n", "title", "a short title"),
    "weeks": ("title = 'x'\nweeks = 0\n", "weeks", "an integer in [1, 10000]"),
    "teaching type": ("title = 'x'\n[teaching]\nnotice = 'one'\n", "teaching.notice",
                      "a list of strings"),
    "lesson key": ("title = 'x'\n[[lesson]]\nweek = 1\nwatch = 'w'\nask = 'a'\ntry = 't'\n"
                   "look = 'l'\n", "lesson[0].look", "a known key"),
    "lesson missing": ("title = 'x'\n[[lesson]]\nweek = 1\n", "lesson[0].watch",
                       "every lesson step has"),
    "lesson late": ("title = 'x'\nweeks = 10\n[[lesson]]\nweek = 11\nwatch = 'w'\nask = 'a'\n"
                    "try = 't'\n", "lesson[0].week", "a week in [0, 10]"),
    "claim metric": ("title = 'x'\n[[expect]]\ntext = 't'\nmetric = 'fame'\nweek = 5\n"
                     "higher = 'Engaged Co'\nlower = 'Billboard Co'\n", "expect[0].metric",
                     "a measured column"),
    "claim company": ("title = 'x'\n[[expect]]\ntext = 't'\nmetric = 'sales'\nweek = 5\n"
                      "higher = 'Engaged Co'\nlower = 'Nobody'\n", "expect[0].lower",
                      "a company of this scenario"),
    "claim week": ("title = 'x'\nweeks = 10\n[[expect]]\ntext = 't'\nmetric = 'sales'\n"
                   "week = 20\nhigher = 'Engaged Co'\nlower = 'Billboard Co'\n",
                   "expect[0].week", "a week in [0, 10]"),
    "claim kind": ("title = 'x'\n[[expect]]\ntext = 't'\nmetric = 'sales'\nweek = 2\n",
                   "expect[0]", "a claim with higher/lower"),
    "fr key": ("title = 'x'\n[fr]\ntitel = 'y'\n", "fr.titel", "a known key"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_each_bad_file_gets_one_clear_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, key_path, allowed = BAD_FILES[case]
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as info:
        scenarios.load(path)
    error = info.value
    assert error.path == key_path
    assert allowed in error.allowed
    message = str(error)
    assert message.startswith(f"{path}: {key_path}: got ") and "\n" not in message

    result = CliRunner().invoke(cli, ["run", str(path), "--steps", "1"])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {message}"


def test_malformed_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", "title = 'x'\n[world\nconsumers = 5\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(path)
    assert str(info.value) == (f"{path}: line 2, column 7: got \"malformed TOML: Expected ']' "
                               "at the end of a table declaration\"; allowed: a valid TOML file")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes("title = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="a UTF-8 TOML file"):
        scenarios.load(path)


def test_missing_files_and_names(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"allowed: a shipped scenario \(.*default"):
        scenarios.load("no-such-scenario")
    with pytest.raises(ScenarioError, match="no such file"):
        scenarios.load(tmp_path / "absent.toml")
    with pytest.raises(ScenarioError, match="is a folder"):
        scenarios.load(str(tmp_path) + "/")
    path = write(tmp_path, "orphan.toml", "title = 'x'\nextends = 'gone.toml'\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(path)
    assert info.value.path == "extends" and info.value.file == str(path)


def test_a_cycle_of_extends_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", "title = 'a'\nextends = 'b.toml'\n")
    write(tmp_path, "b.toml", "title = 'b'\nextends = 'c.toml'\n")
    write(tmp_path, "c.toml", "title = 'c'\nextends = 'a.toml'\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(tmp_path / "a.toml")
    assert info.value.path == "extends"
    assert "cycle a.toml -> b.toml -> c.toml -> a.toml" in info.value.allowed
    write(tmp_path, "self.toml", "title = 's'\nextends = 'self.toml'\n")
    with pytest.raises(ScenarioError, match="cycle self.toml -> self.toml"):
        scenarios.load(tmp_path / "self.toml")


def test_an_error_in_a_parent_names_the_parent(tmp_path: Path) -> None:
    parent = write(tmp_path, "parent.toml", "title = 'p'\n[world]\nforgetting = 2.0\n")
    write(tmp_path, "child.toml", "title = 'c'\nextends = 'parent.toml'\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(tmp_path / "child.toml")
    assert info.value.file == str(parent) and info.value.path == "world.forgetting"


NUMERIC = [p for p in parameters.WORLD_PARAMS if p.kind in ("int", "float")]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(param=st.sampled_from(NUMERIC), data=st.data())
def test_property_any_bad_world_value_is_named(tmp_path: Path, param, data) -> None:
    """Out of range, or of the wrong TOML type: always the parameter's own line."""
    bad = data.draw(st.one_of(
        # a string, written as a valid TOML basic string (JSON's escapes are TOML's)
        st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)),
                min_size=1, max_size=5)
        .map(json.dumps),
        st.booleans().map(lambda b: "true" if b else "false"),  # a boolean
        *([st.floats(min_value=param.high + 1e-6, max_value=param.high * 10 + 10,
                     allow_nan=False).map(repr)] if param.high is not None
          and param.kind == "float" else []),
        *([st.integers(min_value=int(param.high) + 1, max_value=int(param.high) + 10**6)
           .map(str)] if param.high is not None and param.kind == "int" else []),
    ))
    path = write(tmp_path, "gen.toml", f"title = 'g'\n[world]\n{param.name} = {bad}\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(path)
    assert info.value.path == f"world.{param.name}"
    assert info.value.allowed == param.allowed()


# ------------------------------------------------------------------- claims
def _runs() -> pd.DataFrame:
    rows = []
    for seed, lift in ((1, 0.3), (2, -0.1)):
        for step in range(4):
            rows.append({"seed": seed, "step": step, "company": "A", "sales": 10 + step + lift})
            rows.append({"seed": seed, "step": step, "company": "B", "sales": 10.0})
    return pd.DataFrame(rows)


def test_claims_are_judged_on_replicate_means() -> None:
    runs = _runs()
    compare = {"text": "A sells more", "metric": "sales", "kind": "compare", "higher": "A",
               "lower": "B", "weeks": (0, 0)}
    result = claims.judge(compare, runs)
    # week 0: A = 10.3 and 9.9, mean 10.1 > 10: holds, though one run disagrees.
    assert result.holds and (result.agreeing, result.runs) == (1, 2)
    assert not claims.judge({**compare, "higher": "B", "lower": "A"}, runs).holds
    window = claims.judge({**compare, "weeks": (1, 3)}, runs)
    assert window.holds and window.agreeing == 2
    trend = {"text": "A rises", "metric": "sales", "kind": "trend", "company": "A",
             "direction": "rises", "earlier": 0, "later": 3}
    assert claims.judge(trend, runs).holds
    assert not claims.judge({**trend, "direction": "falls"}, runs).holds
    bound = {"text": "B at 10", "metric": "sales", "kind": "bound", "company": "B",
             "bound": "below", "value": 10.5, "weeks": (0, 3)}
    assert claims.judge(bound, runs).holds
    assert not claims.judge({**bound, "bound": "above"}, runs).holds


def test_check_runs_only_as_far_as_the_claims_look(tmp_path: Path) -> None:
    path = write(tmp_path, "short.toml", """
        title = "short"
        weeks = 500
        [world]
        consumers = 200
        network_degree = 6
        [[expect]]
        text = "Billboard Co is seen more at first"
        metric = "impressions"
        weeks = [1, 6]
        higher = "Billboard Co"
        lower = "Engaged Co"
        """)
    found = scenarios.load(path)
    runs = claims.run(found, seeds=(1,), weeks=6)
    assert runs["step"].max() == 6
    [result] = claims.check(found, seeds=(1, 2))
    assert result.runs == 2 and result.detail.startswith("impressions at weeks 1-6: ")


# ---------------------------------------------------------------------- CLI
def test_cli_list_show_and_run_a_scenario(tmp_path: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["scenarios", "list"])
    assert listing.exit_code == 0
    listed = [line.split()[0] for line in listing.output.splitlines()]
    assert listed == scenarios.names()

    shown = runner.invoke(cli, ["scenarios", "show", "default"])
    assert shown.exit_code == 0
    assert "Billboard or relationship?" in shown.output and "Things to notice" in shown.output
    assert "companies[0].name = Billboard Co" in shown.output
    assert "consumers = 2000" not in shown.output  # equal to the default
    every = runner.invoke(cli, ["scenarios", "show", "default", "--all"])
    assert "consumers = 2000" in every.output
    french = runner.invoke(cli, ["scenarios", "show", "default", "--lang", "fr"])
    assert "Panneau publicitaire ou relation ?" in french.output

    path = write(tmp_path, "tiny.toml", """
        extends = "default"
        title = "Tiny"
        weeks = 3
        [world]
        consumers = 150
        network_degree = 4
        """)
    ran = runner.invoke(cli, ["run", str(path), "--set", "companies[1].budget=20", "-q"])
    assert ran.exit_code == 0, ran.output
    assert "Tiny (tiny)" in ran.output and "150 consumers, 2 companies" in ran.output
    assert "3 weeks" in ran.output


def test_cli_check_exits_1_when_a_claim_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "false.toml", """
        extends = "default"
        title = "A false claim"
        weeks = 4
        [world]
        consumers = 200
        network_degree = 6
        [[expect]]
        text = "Engaged Co is seen more at first"
        metric = "impressions"
        weeks = [1, 4]
        higher = "Engaged Co"
        lower = "Billboard Co"
        """)
    result = CliRunner().invoke(cli, ["scenarios", "check", str(path), "--seeds", "2"])
    assert result.exit_code == 1
    assert "FAILS  Engaged Co is seen more at first" in result.output
    assert "/2 runs agree" in result.output


def test_a_scenario_error_survives_pickling() -> None:
    import pickle

    error = ScenarioError("a.toml", "world.consumers", "5", "an integer")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is ScenarioError and str(back) == str(error) and back.file == "a.toml"


def test_the_committed_catalogue_lists_every_shipped_scenario() -> None:
    """docs/scenarios.md is generated from the files: regenerate with `make docs`."""
    from scenarios import catalogue

    text = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8")
    block = text[text.index(catalogue.START):text.index(catalogue.END) + len(catalogue.END)]
    assert block == catalogue.catalogue()
    for name in scenarios.names():
        assert f"### {name}" in block


def test_crisis_claims_compare_depth_and_recovery_per_run(tmp_path: Path) -> None:
    rows = []
    # seed 1: A falls 0.2 and is back to 90 % at week 4; B falls 0.1 and never recovers.
    for seed in (1, 2):
        for step, a, b in ((0, 0.6, 0.6), (1, 0.6, 0.6), (2, 0.4, 0.5), (3, 0.5, 0.5),
                           (4, 0.59, 0.5)):
            rows += [{"seed": seed, "step": step, "company": "A", "trust_mean": a},
                     {"seed": seed, "step": step, "company": "B", "trust_mean": b}]
    runs = pd.DataFrame(rows)
    claim = {"text": "t", "metric": "crisis_depth", "kind": "crisis", "higher": "A",
             "higher_crisis": 2, "lower": "B", "lower_crisis": 2}
    assert claims.judge(claim, runs).holds  # depth 0.2 vs 0.1
    slower = {**claim, "metric": "weeks_to_recover", "higher": "B", "higher_crisis": 2,
              "lower": "A", "lower_crisis": 2}
    result = claims.judge(slower, runs)
    assert result.holds and "inf" in result.detail  # B never recovers: slowest

    base = "title = 'x'\n[world]\nconsumers = 200\nnetwork_degree = 6\n"
    event = "[[events]]\nweek = 3\nkind = 'crisis'\ncompany = 'Engaged Co'\n"
    expect = ("[[expect]]\ntext = 't'\nmetric = 'weeks_to_recover'\n"
              "higher = 'Billboard Co'\nlower = 'Engaged Co'\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(write(tmp_path, "a.toml", base + event + expect))
    assert info.value.path == "expect[0].higher" and "a company with a crisis" in str(info.value)
    both = event.replace("Engaged Co", "Billboard Co")
    loaded = scenarios.load(write(tmp_path, "c.toml", base + event + both + expect))
    assert loaded.expect[0]["kind"] == "crisis"
    assert loaded.expect[0]["higher_crisis"] == loaded.expect[0]["lower_crisis"] == 3
