"""Parameter declarations, validation and path setting.

Every user-facing entry point (command line, scenario files, web UI) goes
through ``resolve`` and ``set_path``, so these tests pin down that bad values
are refused with a message a user can act on, and that good values survive
unchanged.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.parameters import (
    COMPANY,
    COMPANY_PARAMS,
    DEFAULT_COMPANIES,
    EVENT_PARAMS,
    INFLUENCER_PARAMS,
    INFLUENCER_ROLE_PARAMS,
    WORLD,
    WORLD_PARAMS,
    Param,
    ParameterError,
    defaults,
    parameter_table,
    resolve,
    set_path,
)

ALL_PARAMS: tuple[Param, ...] = (*WORLD_PARAMS, *COMPANY_PARAMS, *INFLUENCER_PARAMS,
                                 *INFLUENCER_ROLE_PARAMS)
FLOAT_PARAMS = [p for p in ALL_PARAMS if p.kind == "float"]


# ---------------------------------------------------------------- defaults
def test_defaults_resolve_to_themselves() -> None:
    """The declared defaults are a valid configuration, and resolving them changes nothing."""
    config = resolve()
    assert config == resolve(defaults())
    assert config == defaults()
    assert [c["name"] for c in config["companies"]] == [c["name"] for c in DEFAULT_COMPANIES]
    assert [c["strategy"] for c in config["companies"]] == ["billboard", "engaged"]
    assert config["influencers"] == []


@pytest.mark.parametrize("param", ALL_PARAMS, ids=lambda p: p.name)
def test_every_default_is_inside_its_own_range(param: Param) -> None:
    """A default outside its declared range would make the documentation lie."""
    assert param.coerce(param.default, param.name) == param.default
    if param.kind in ("float", "int"):
        assert param.low is None or param.default >= param.low
        assert param.high is None or param.default <= param.high
    if param.kind == "choice":
        assert param.default in param.choices


def test_parameter_names_are_unique_within_each_group() -> None:
    """Two declarations of one name would let one setting mean two things."""
    for group in (WORLD_PARAMS, COMPANY_PARAMS, (*INFLUENCER_PARAMS, *INFLUENCER_ROLE_PARAMS)):
        names = [p.name for p in group]
        assert len(names) == len(set(names))


def test_parameter_table_lists_every_parameter() -> None:
    table = parameter_table()
    for p in ALL_PARAMS:
        assert f"| `{p.name}` |" in table


# ---------------------------------------------------------------- sources (issue 11, item 3)
#: How a source that is not a citation says what it is.
SOURCE_KINDS = ("assumption: ", "design choice: ", "scenario input: ", "calibrated to ")


@pytest.mark.parametrize("param", (*ALL_PARAMS, *EVENT_PARAMS), ids=lambda p: p.name)
def test_every_default_says_where_it_comes_from(param: Param) -> None:
    """A source is never empty: a citation (it names a year), or it says it is not one."""
    source = param.source.strip()
    assert source, f"{param.name} has no source"
    assert source.startswith(SOURCE_KINDS) or re.search(r"\b(19|20)\d\d\b", source), (
        f"{param.name}: a source is a citation with its year or starts with one of "
        f"{SOURCE_KINDS}: {source!r}")


def test_an_ungrounded_default_is_never_presented_as_a_citation() -> None:
    """'Not yet grounded' belongs to an assumption, never to a citation."""
    for param in (*ALL_PARAMS, *EVENT_PARAMS):
        if "not yet grounded" in param.source:
            assert param.source.startswith("assumption: "), param.name


def test_influence_params_prints_every_source() -> None:
    """`influence params` shows, under each parameter, where its default comes from."""
    from click.testing import CliRunner

    from simulation import cli

    result = CliRunner().invoke(cli.cli, ["params"], prog_name="influence")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    shown: dict[str, list[str]] = {}
    for line, below in zip(lines, lines[1:], strict=False):
        if line.strip() and below.startswith("    source: "):
            shown.setdefault(line.split()[0], []).append(below.removeprefix("    source: "))
    for param in ALL_PARAMS:
        assert param.source in shown.get(param.name, []), param.name
    assert sum(len(s) for s in shown.values()) == len(ALL_PARAMS)


# ---------------------------------------------------------------- refusals
def _error(params: dict) -> ParameterError:
    with pytest.raises(ParameterError) as info:
        resolve(params)
    return info.value


def test_unknown_world_key_is_named() -> None:
    err = _error({"consumerz": 100})
    assert err.path == "consumerz"
    assert "consumerz" in str(err) and "100" in str(err)
    assert "known parameter" in str(err)


def test_unknown_company_key_names_path_and_lists_known_keys() -> None:
    err = _error({"companies": [{"strategy": "engaged", "budgett": 3}]})
    assert err.path == "companies[0].budgett"
    message = str(err)
    assert "companies[0].budgett" in message and "3" in message
    assert "budget" in message and "strategy" in message


def test_wrong_type_for_a_choice() -> None:
    err = _error({"companies": [{}, {"strategy": "friendly"}]})
    assert err.path == "companies[1].strategy"
    assert "'friendly'" in str(err)
    assert "one of billboard, engaged" in str(err)


def test_wrong_type_for_a_number() -> None:
    err = _error({"forgetting": "lots"})
    assert err.path == "forgetting"
    assert "'lots'" in str(err)
    assert "a number in [0.5, 1]" in str(err)


def test_out_of_range_names_path_value_and_range() -> None:
    err = _error({"forgetting": 1.5})
    assert (err.path, err.value) == ("forgetting", 1.5)
    assert str(err) == "forgetting: got 1.5; allowed: a number in [0.5, 1]"


def test_out_of_range_inside_influencer_table() -> None:
    err = _error({"influencer": {"churn_threshold": -0.1}})
    assert err.path == "influencer.churn_threshold"
    assert "-0.1" in str(err) and "[0, 1]" in str(err)


@pytest.mark.parametrize("key", ["consumers", "forgetting"])
def test_bool_is_not_a_number(key: str) -> None:
    """``True == 1`` in Python; a bool where a number belongs is a user mistake."""
    err = _error({key: True})
    assert err.path == key
    assert "True" in str(err)


def test_fractional_integer_is_refused_but_whole_float_accepted() -> None:
    err = _error({"consumers": 100.5})
    assert err.path == "consumers"
    assert "100.5" in str(err) and "an integer in [10, 10000000]" in str(err)
    assert resolve({"consumers": 100.0})["consumers"] == 100
    assert isinstance(resolve({"consumers": 100.0})["consumers"], int)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), None, [0.9]])
def test_non_numbers_are_refused(value) -> None:
    assert _error({"forgetting": value}).path == "forgetting"


def test_strings_are_parsed() -> None:
    """The command line and the web UI send strings."""
    config = resolve({"consumers": " 300 ", "forgetting": "0.9", "companies": [
        {"strategy": " engaged "}], "influencer": {"churn_threshold": "0.2"}})
    assert config["consumers"] == 300
    assert config["forgetting"] == 0.9
    assert config["companies"][0]["strategy"] == "engaged"
    assert config["influencer"]["churn_threshold"] == 0.2


def test_bool_words() -> None:
    param = Param("flag", False, "bool")
    assert param.coerce("Yes", "flag") is True
    assert param.coerce("off", "flag") is False
    with pytest.raises(ParameterError):
        param.coerce(1, "flag")


def test_company_count_limits() -> None:
    assert _error({"companies": []}).path == "companies"
    assert _error({"companies": [{}] * 21}).path == "companies"
    assert _error({"companies": "billboard"}).path == "companies"


def test_influencer_role_must_point_to_an_existing_company() -> None:
    err = _error({"influencers": [{"company": 2}]})
    assert err.path == "influencers[0].company"
    assert "[0, 1]" in str(err)


def test_company_entries_merge_over_default_company_at_same_index() -> None:
    config = resolve({"companies": [{"budget": 5}, {}, {}]})
    assert config["companies"][0]["name"] == "Billboard Co"
    assert config["companies"][0]["strategy"] == "billboard"
    assert config["companies"][0]["budget"] == 5.0
    assert config["companies"][1]["name"] == "Engaged Co"
    assert config["companies"][2]["name"] == "Company 3"


# ------------------------------------------------------- cross-parameter checks
def test_followers_min_above_max_is_refused() -> None:
    err = _error({"followers_min": 300_000, "followers_max": 200_000})
    assert err.path == "followers_min"
    assert "followers_max" in str(err) and "200,000" in str(err)
    assert resolve({"followers_min": 200_000, "followers_max": 200_000})


@pytest.mark.parametrize(("config", "successor"), [
    ({"audience_min_share": 0.01}, "followers_min"),
    ({"engagement_ref_share": 0.01}, "engagement_ref_followers"),
    ({"influencers": [{"audience_share": 0.05}]}, "followers"),
])
def test_a_retired_parameter_names_what_replaced_it(config, successor) -> None:
    err = _error(config)
    assert f"was replaced by {successor}" in str(err)


def test_complete_network_too_large_is_refused() -> None:
    err = _error({"network": "complete", "consumers": 5001})
    assert err.path == "consumers"
    assert "complete" in str(err)
    assert resolve({"network": "complete", "consumers": 5000})["consumers"] == 5000


def test_network_degree_must_be_below_consumers() -> None:
    err = _error({"consumers": 10, "network_degree": 10})
    assert err.path == "network_degree"
    assert resolve({"consumers": 10, "network_degree": 10, "network": "complete"})


# --------------------------------------------------------------- set_path
def test_set_path_world_parameter_returns_a_copy() -> None:
    base = resolve()
    new = set_path(base, "consumers", "500")
    assert new["consumers"] == 500
    assert base["consumers"] == WORLD["consumers"].default


@pytest.mark.parametrize("path", ["companies[1].transparency", "companies.1.transparency"])
def test_set_path_company_both_spellings(path: str) -> None:
    new = set_path(resolve(), path, 0.25)
    assert new["companies"][1]["transparency"] == 0.25
    assert new["companies"][0]["transparency"] == COMPANY["transparency"].default
    assert resolve(new)["companies"][1]["transparency"] == 0.25


def test_set_path_influencer_defaults() -> None:
    new = set_path(resolve(), "influencer.churn_threshold", 0.1)
    assert new["influencer"]["churn_threshold"] == 0.1


def test_set_path_influencer_role_appends_then_edits() -> None:
    new = set_path(resolve(), "influencers[0].followers", 250_000)
    new = set_path(new, "influencers[0].company", 1)
    resolved = resolve(new)
    assert len(resolved["influencers"]) == 1
    assert resolved["influencers"][0]["followers"] == 250_000
    assert resolved["influencers"][0]["company"] == 1


def test_set_path_appends_new_company_at_index_len() -> None:
    base = resolve()
    new = set_path(base, f"companies[{len(base['companies'])}].strategy", "engaged")
    resolved = resolve(new)
    assert len(resolved["companies"]) == 3
    assert resolved["companies"][2]["strategy"] == "engaged"
    assert resolved["companies"][2]["name"] == "Company 3"


def test_set_path_index_beyond_len_is_refused() -> None:
    with pytest.raises(ParameterError) as info:
        set_path(resolve(), "companies[3].budget", 1.0)
    assert info.value.path == "companies[3].budget"
    assert "[0, 2]" in str(info.value)


@pytest.mark.parametrize("path, value, shown, fragment", [
    ("consumerz", 1, 1, "known parameter"),
    ("companies[0].colour", "red", "red", "known key"),
    ("influencer.colour", "red", "red", "known key"),
    ("companies[0].budget", -1, -1, "a number in [0, 1000000000]"),
    ("influencer.churn_threshold", 2, 2, "[0, 1]"),
    ("world.consumers.x", 1, 1, "a path like"),
    ("companies[x].budget", 1, "companies[x]", "a path like"),
])
def test_set_path_refusals_name_path_and_value(path: str, value, shown, fragment: str) -> None:
    """The message names the path, what was given (the bad piece for a bad path) and the rule."""
    with pytest.raises(ParameterError) as info:
        set_path(resolve(), path, value)
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}: got {shown!r}; allowed: ")
    assert fragment in info.value.allowed


# -------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(data=st.data(), param=st.sampled_from(FLOAT_PARAMS))
def test_any_float_inside_range_coerces_to_itself(data, param: Param) -> None:
    value = data.draw(st.floats(min_value=param.low, max_value=param.high,
                                allow_nan=False, allow_infinity=False))
    out = param.coerce(value, param.name)
    assert out == value and isinstance(out, float)
    assert param.coerce(repr(value), param.name) == value


@settings(max_examples=60, deadline=None)
@given(data=st.data(), param=st.sampled_from(FLOAT_PARAMS))
def test_any_float_outside_range_raises(data, param: Param) -> None:
    below = st.floats(max_value=param.low, exclude_max=True, allow_nan=False,
                      allow_infinity=False)
    above = st.floats(min_value=param.high, exclude_min=True, allow_nan=False,
                      allow_infinity=False)
    value = data.draw(st.one_of(below, above))
    assert not math.isnan(value)
    with pytest.raises(ParameterError) as info:
        param.coerce(value, f"x.{param.name}")
    assert info.value.path == f"x.{param.name}"
    assert info.value.allowed == param.allowed()


def test_a_parameter_error_survives_pickling() -> None:
    """Errors raised in worker processes travel back as themselves."""
    import pickle

    error = ParameterError("companies[1].budget", -1, "a number in [0, 1e+09]")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is ParameterError and str(back) == str(error)
    assert (back.path, back.value, back.allowed) == (error.path, error.value, error.allowed)


@pytest.mark.parametrize(("path", "name"), [
    ("consumers", "consumers"), ("companies[1].budget", "budget"),
    ("companies.0.strategy", "strategy"), ("influencer.churn_threshold", "churn_threshold"),
    ("influencers[3].followers", "followers"), ("influencers[0].deal", "deal"),
])
def test_declared_finds_the_parameter_behind_a_path(path: str, name: str) -> None:
    from simulation.parameters import declared

    assert declared(path).name == name


@pytest.mark.parametrize("path", ["nothing", "companies[1]", "companies[1].colour",
                                  "influencer.deal", "events[0].week", "a..b", ""])
def test_declared_is_none_for_what_cannot_be_set(path: str) -> None:
    from simulation.parameters import declared

    assert declared(path) is None
