"""Scenario discovery: PRIM boxes with a permutation test (experiments.discovery)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench")

from experiments.discovery import Box, describe_box, failure_box  # noqa: E402


def region(points: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({name: rng.random(points) for name in "abcdef"})


def test_a_real_failure_region_is_found_and_significant() -> None:
    points = region(60)
    points["fails"] = points["a"] < 0.3
    box = failure_box(points, list("abcdef"), key="H", permutations=30)
    assert box is not None and box.significant and box.p < 0.05
    assert set(box.limits) == {"a"}
    low, high = box.limits["a"]
    assert low is None and 0.25 < high < 0.4
    fails = int(points["fails"].sum())
    assert box.fails == fails and box.coverage == pytest.approx(box.fails_inside / fails)
    assert box.density == pytest.approx(box.fails_inside / box.points)
    text = describe_box(box, "engaged beats billboard", fails, 60)
    assert text.startswith('the claim "engaged beats billboard" fails mainly where a <= ')
    assert "density" in text and "coverage" in text and "permutation p = " in text


def test_random_labels_give_no_failure_region() -> None:
    """On 20 points over 6 parameters PRIM always finds a dense corner; chance explains it."""
    points = region(20, seed=3)
    points["fails"] = np.random.default_rng(4).random(20) < 0.35
    box = failure_box(points, list("abcdef"), key="H", permutations=30)
    assert box is not None and not box.significant
    assert describe_box(box, "c", int(points["fails"].sum()), 20).startswith(
        "no failure region: PRIM's best box")


def test_even_a_perfect_split_of_20_points_in_6_dimensions_can_be_chance() -> None:
    """Why the study's 20-point regions rarely show a failure region: shuffled labels are
    often separated as perfectly by some box."""
    points = region(20)
    points["fails"] = points["a"] < 0.4
    box = failure_box(points, list("abcdef"), key="H", permutations=30)
    assert box is not None and box.density == 1.0 and box.coverage == 1.0
    assert not box.significant


def test_nothing_to_separate() -> None:
    points = region(20)
    assert failure_box(points.assign(fails=False), list("abc")) is None
    assert failure_box(points.assign(fails=True), list("abc")) is None
    assert failure_box(points.head(5).assign(fails=[True, False] * 2 + [True]),
                       list("abc")) is None
    assert "supported at every point" in describe_box(None, "c", 0, 20)
    assert "fails at every point" in describe_box(None, "c", 20, 20)
    assert "too few" in describe_box(None, "c", 2, 5)


def test_conditions_in_words() -> None:
    box = Box(1.0, 1.0, 0.3, 6, 6, 6, {"a": (None, 0.3), "b": (1.2, 4.0), "c": (0.5, None)})
    assert box.conditions() == "a <= 0.3 and 1.2 <= b <= 4 and c >= 0.5"
