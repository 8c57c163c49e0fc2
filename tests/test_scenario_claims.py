"""Every shipped scenario shows what its text says, at the default seeds.

A scenario's ``[[expect]]`` entries are the claims its teaching text makes to
a class. They are judged by :func:`scenarios.claims.check` on the mean over
the default seeds; a claim that the replicate mean shows but several single
runs contradict would be a lesson a teacher cannot reproduce in front of a
class, so each claim must also be shown by every run on its own but at most
one. Scenarios run at
their own size and length (the checker stops at the last week a claim looks
at), so nothing a claim depends on is shortened.
"""

from __future__ import annotations

import pytest

import scenarios
from scenarios import claims

SHIPPED = scenarios.names()
#: The hypothesis library (h01 ... h10) and the classroom's first world.
LIBRARY = [n for n in SHIPPED if (n[:1] == "h" and n[1:3].isdigit()) or n == "first-lesson"]


def test_the_library_has_a_scenario_per_hypothesis_and_a_first_lesson() -> None:
    """MODEL.md lists ten hypotheses; the classroom needs a small first world."""
    numbered = sorted(n for n in LIBRARY if n != "first-lesson")
    assert [n[:3] for n in numbered] == [f"h{i:02d}" for i in range(1, 11)]
    assert "first-lesson" in LIBRARY


@pytest.mark.parametrize("name", LIBRARY)
def test_teaching_text_is_complete_in_english_and_french(name: str) -> None:
    """A teacher gets every part of the Info tab, in both languages, and a lesson plan."""
    scenario = scenarios.load(name)
    for lang in ("en", "fr"):
        text = scenario.text(lang)
        assert text["title"].strip() and text["summary"].strip()
        assert text["teaching"]["what"].strip() and text["teaching"]["how"].strip()
        assert text["teaching"]["notice"] and text["teaching"]["try"]
    fr = scenario.fr
    assert set(fr) >= {"title", "summary", "teaching", "lesson"}
    assert set(fr["teaching"]) == {"what", "how", "notice", "try"}
    assert fr["title"] != scenario.title
    assert 3 <= len(scenario.lesson) <= 6
    assert len(fr["lesson"]) == len(scenario.lesson)
    weeks = [step["week"] for step in scenario.lesson]
    assert weeks == sorted(weeks) and weeks[-1] <= scenario.weeks
    assert scenario.expect, "a scenario's text must make at least one checked claim"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_claim_holds_at_the_default_seeds(name: str) -> None:
    """Each claim holds on the replicate mean and in all single runs but at most one."""
    scenario = scenarios.load(name)
    results = claims.check(scenario, seeds=claims.DEFAULT_SEEDS)
    assert len(results) == len(scenario.expect)
    failed = [f"{r.text} ({r.detail})" for r in results if not r.holds]
    assert not failed, f"{name}: claims the runs do not show: {failed}"
    weak = [f"{r.text} ({r.agreeing}/{r.runs} runs)" for r in results
            if r.agreeing < r.runs - 1]
    assert not weak, f"{name}: claims that single runs do not show robustly: {weak}"
