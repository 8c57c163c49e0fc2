"""Shared test helpers.

``tests/`` has no ``__init__.py``, so pytest puts this folder on ``sys.path``:
tests import the per-consumer oracle as ``from reference import reference_week``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from simulation.consumers import ConsumerPopulation, WeekOutcome

#: Float state of a ConsumerPopulation, compared to rounding (rtol = atol = 1e-12).
FLOAT_STATE = ("brand_r", "brand_s", "last_claim", "last_responsibility", "persuasion", "care",
               "cred_r", "cred_s")
#: Integer and boolean state, compared exactly.
EXACT_STATE = ("aware", "last_source", "purchases", "last_experience", "following")


def same_population(a: ConsumerPopulation, b: ConsumerPopulation, where: str = "") -> None:
    """Assert that two consumer populations hold the same state.

    Floats agree to rtol = atol = 1e-12 with NaN in exactly the same places;
    integers and booleans agree exactly, dtype included.
    """
    for name in FLOAT_STATE:
        x, y = getattr(a, name), getattr(b, name)
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=f"{where}: {name} NaN")
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12, err_msg=f"{where}: {name}")
    for name in EXACT_STATE:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, f"{where}: {name} dtype {x.dtype} != {y.dtype}"
        np.testing.assert_array_equal(x, y, err_msg=f"{where}: {name}")


def same_outcome(a: WeekOutcome, b: WeekOutcome, where: str = "") -> None:
    """Assert that two week outcomes are identical (they are all counts)."""
    for name in ("impressions", "likes", "complaints", "praises", "sales", "attributed"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name),
                                      err_msg=f"{where}: {name}")
    assert int(a.recognised) == int(b.recognised), f"{where}: recognised"


@pytest.fixture
def assert_same_population() -> Callable[..., None]:
    """The population comparison (:func:`same_population`) as a fixture."""
    return same_population


@pytest.fixture
def assert_same_outcome() -> Callable[..., None]:
    """The outcome comparison (:func:`same_outcome`) as a fixture."""
    return same_outcome
