"""Every declared parameter has French words: a label, a help text, its unit and its choices.

The declarations are read from :mod:`simulation.parameters`, so a parameter
added there without French here fails this test by name.
"""

from __future__ import annotations

import re

import pytest

from simulation import parameters, parameters_fr
from simulation.parameters import Param

DECLARED = [(group, p) for group, params in parameters_fr.GROUPS.items() for p in params]


def test_the_groups_are_every_declaration() -> None:
    declared = {id(p) for params in (parameters.WORLD_PARAMS, parameters.COMPANY_PARAMS,
                                     parameters.INFLUENCER_PARAMS,
                                     parameters.INFLUENCER_ROLE_PARAMS,
                                     parameters.EVENT_PARAMS) for p in params}
    assert {id(p) for _, p in DECLARED} == declared


def test_every_declared_parameter_has_a_french_label_and_help() -> None:
    missing = [f"{group}.{p.name}" for group, p in DECLARED
               if not all(parameters_fr.FRENCH.get(group, {}).get(p.name, ("", "")))]
    assert not missing, f"parameters with no French label and help: {missing}"


def test_no_french_text_is_left_for_a_parameter_that_is_gone() -> None:
    stale = [f"{group}.{name}" for group, table in parameters_fr.FRENCH.items()
             for name in table if name not in {p.name for p in parameters_fr.GROUPS[group]}]
    assert not stale, f"French text for no declared parameter: {stale}"


def test_every_declared_unit_and_choice_has_french() -> None:
    units = {p.unit for _, p in DECLARED} - set(parameters_fr.UNITS)
    choices = {c for _, p in DECLARED for c in p.choices} - set(parameters_fr.CHOICES)
    assert not units, f"units with no French: {sorted(units)}"
    assert not choices, f"choice values with no French: {sorted(choices)}"


@pytest.mark.parametrize(("group", "param"), DECLARED,
                         ids=[f"{g}.{p.name}" for g, p in DECLARED])
def test_french_is_french_and_english_keeps_the_declaration(group: str, param: Param) -> None:
    assert parameters_fr.label(param, "en") == param.name
    assert parameters_fr.doc(param, "en") == param.doc
    assert parameters_fr.allowed(param, "en") == param.allowed()
    french_label = parameters_fr.label(param, "fr")
    assert french_label != param.name or "_" not in param.name
    assert parameters_fr.doc(param, "fr") != param.doc
    assert "." not in parameters_fr.allowed(param, "fr").replace("..", "")


def test_french_numbers_and_choices() -> None:
    assert parameters_fr.allowed(parameters.WORLD["consumers"], "fr") == \
        "un entier dans [10 ; 10\u202f000\u202f000]"
    assert parameters_fr.allowed(parameters.WORLD["scale_free_exponent"], "fr") == \
        "un nombre dans [2,01 ; 4]"
    assert parameters_fr.choice("siloed", "fr") == "en silos"
    assert parameters_fr.choice("siloed", "en") == "siloed"
    assert "petit monde" in parameters_fr.allowed(parameters.WORLD["network"], "fr")


def test_no_french_label_or_help_shows_a_parameter_code_name() -> None:
    """A French reader sees words: a code name such as ``design_capacity`` is English.

    The browser test of the French pages finds these too, but only after a
    server and Chromium have started; this names them in a second.
    """
    names = {p.name for _, p in DECLARED if "_" in p.name}
    shown = [(f"{group}.{p.name}", name) for group, p in DECLARED
             for text in (parameters_fr.label(p, "fr"), parameters_fr.doc(p, "fr"))
             for name in names if re.search(rf"\b{re.escape(name)}\b", text)]
    assert not shown, f"French text showing a parameter's code name: {shown}"
