"""Controls show every declared and scenario value exactly (no browser).

The browser's slider (Vuetify 2's ``v-slider``) rounds the value it is given
to its grid and reports the rounded value back as if the visitor had moved
it. :func:`slider_round` is that rounding, written out in Python, so every
value a slider may be given can be checked here in milliseconds, for every
declared parameter (those added later included) and every shipped scenario.
"""

from __future__ import annotations

import math

import pytest

from simulation import parameters
from simulation.ui import state
from simulation.ui.controls import css_class, decimals, float_step, format_number, widget_kind

FLOAT_PARAMS = {
    "": [p for p in parameters.WORLD_PARAMS if p.kind == "float"],
    "companies": [p for p in parameters.COMPANY_PARAMS if p.kind == "float"],
    "influencer": [p for p in parameters.INFLUENCER_PARAMS if p.kind == "float"],
}


def slider_round(value: float, low: float, high: float, step: float) -> float:
    """What Vuetify 2's ``VSlider.roundValue`` makes of ``value`` (its JavaScript, in Python).

    ``decimals`` come from the step's text (JavaScript writes 0.001 as
    Python's ``repr`` does, and 1.0 as ``1``); ``%`` is JavaScript's remainder.
    """
    text = format_number(step)
    places = len(text) - text.index(".") - 1 if "." in text else 0
    offset = math.fmod(low, step)
    rounded = math.floor((value - offset) / step + 0.5) * step + offset
    return float(f"{min(rounded, high):.{places}f}")


def values_to_show():
    """(path, param, value): each float's default and bounds, and every scenario's values."""
    seen = set()
    for group, params in FLOAT_PARAMS.items():
        for param in params:
            for value in (param.default, param.low, param.high):
                seen.add((f"{group}.{param.name}".strip("."), param.name, value))
    for scenario in state.catalogue().values():
        config = scenario.config
        for param in FLOAT_PARAMS[""]:
            seen.add((param.name, param.name, config[param.name]))
        for company in config["companies"]:
            for param in FLOAT_PARAMS["companies"]:
                seen.add((f"companies.{param.name}", param.name, company[param.name]))
        for param in FLOAT_PARAMS["influencer"]:
            seen.add((f"influencer.{param.name}", param.name, config["influencer"][param.name]))
    by_name = {p.name: p for params in FLOAT_PARAMS.values() for p in params}
    return sorted((path, by_name[name], value) for path, name, value in seen)


@pytest.mark.parametrize(("path", "param", "value"), values_to_show(),
                         ids=lambda x: x if isinstance(x, str) else repr(x)
                         if not isinstance(x, parameters.Param) else "")
def test_a_float_control_shows_its_value_exactly(path, param, value) -> None:
    kind = widget_kind(param, value)
    if kind == "float_slider":
        step = float_step(param, value)
        assert slider_round(value, param.low, param.high, step) == value, (
            f"{path}: a slider of step {step} would move {value} to "
            f"{slider_round(value, param.low, param.high, step)}")
        assert step <= float_step(param), "a step coarser than the declaration's own"
    else:
        assert kind == "number"
        assert float(format_number(value)) == value


@pytest.mark.parametrize(("value", "text"), [(0.003, "0.003"), (10.0, "10"), (1234567.0, "1234567"),
                                             (0.1 + 0.2, "0.30000000000000004"), (7, "7")])
def test_numbers_are_written_exactly(value, text) -> None:
    assert format_number(value) == text
    assert float(text) == value


def test_steps_follow_the_decimals_of_the_declaration_and_the_value() -> None:
    param = parameters.Param("x", 0.4, "float", 0.0, 100.0)
    assert float_step(param) == 0.1
    assert float_step(param, 0.25) == 0.01
    assert float_step(parameters.Param("y", 1.0, "float", 0.0, 100.0), 2.0) == 1
    assert decimals(2.01) == 2 and decimals(10.0) == 0 and decimals(1e-05) == 5


def test_a_value_no_slider_can_hold_gets_a_typed_field() -> None:
    param = parameters.Param("x", 0.5, "float", 0.0, 1.0)
    assert widget_kind(param) == "float_slider"
    assert widget_kind(param, 0.123456789) == "number"
    assert widget_kind(param, 0.1 + 0.2) == "number"


def test_each_control_is_named_by_its_path() -> None:
    assert css_class("companies[1].unit_cost") == "param-companies-1-unit_cost"
    assert css_class("influencer.audience_blame") == "param-influencer-audience_blame"
    assert css_class("consumers") == "param-consumers"
