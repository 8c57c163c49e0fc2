"""Beta-reputation trust: bounds, known values, forgetting and asymmetry.

Every trust relation in the model runs through these few functions, so an
error here would silently bias every result; the properties below are the
ones the design relies on (Josang & Ismail 2002; Slovic 1993).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from simulation.trust import expected_trust, forget, negative_weight, uncertainty

evidence = st.floats(min_value=0.0, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(r=evidence, s=evidence)
def test_trust_and_uncertainty_are_in_unit_interval(r: float, s: float) -> None:
    e = float(expected_trust(r, s))
    u = float(uncertainty(r, s))
    assert 0.0 <= e <= 1.0
    assert 0.0 <= u <= 1.0


@settings(max_examples=100, deadline=None)
@given(r=evidence, s=evidence, extra=st.floats(min_value=1e-3, max_value=1e3))
def test_more_positive_evidence_raises_trust_and_lowers_uncertainty(r, s, extra) -> None:
    """Monotonicity: a good experience never lowers trust; any experience lowers doubt."""
    assert float(expected_trust(r + extra, s)) >= float(expected_trust(r, s))
    assert float(expected_trust(r, s + extra)) <= float(expected_trust(r, s))
    assert float(uncertainty(r + extra, s)) <= float(uncertainty(r, s))


def test_known_values() -> None:
    assert float(expected_trust(0, 0)) == 0.5
    assert float(uncertainty(0, 0)) == 1.0
    assert float(expected_trust(8, 2)) == pytest.approx(0.75)
    assert float(uncertainty(8, 2)) == pytest.approx(2 / 12)
    assert float(expected_trust(0, 1e9)) == pytest.approx(0.0, abs=1e-8)


def test_functions_work_elementwise_on_arrays() -> None:
    r = np.array([[0.0, 8.0], [1.0, 0.0]])
    s = np.array([[0.0, 2.0], [0.0, 1.0]])
    np.testing.assert_allclose(expected_trust(r, s), [[0.5, 0.75], [2 / 3, 1 / 3]])
    np.testing.assert_allclose(uncertainty(r, s), [[1.0, 2 / 12], [2 / 3, 2 / 3]])


@settings(max_examples=100, deadline=None)
@given(values=arrays(np.float64, st.integers(1, 50), elements=evidence),
       keep=st.floats(min_value=0.0, max_value=1.0))
def test_forgetting_never_increases_evidence_nor_makes_it_negative(values, keep) -> None:
    before = values.copy()
    forget(values, keep)
    assert np.all(values <= before)
    assert np.all(values >= 0.0)
    np.testing.assert_allclose(values, before * keep)


@settings(max_examples=100, deadline=None)
@given(r=evidence, s=evidence, keep=st.floats(min_value=0.5, max_value=1.0))
def test_forgetting_both_counts_raises_uncertainty(r, s, keep) -> None:
    """Old impressions fade: after forgetting one is less sure, never more."""
    arr = np.array([r, s])
    forget(arr, keep)
    assert float(uncertainty(arr[0], arr[1])) >= float(uncertainty(r, s)) - 1e-12


@settings(max_examples=100, deadline=None)
@given(weight=st.floats(min_value=1e-3, max_value=100.0),
       kappa=st.floats(min_value=1.01, max_value=10.0),
       r0=st.floats(min_value=0.0, max_value=100.0))
def test_one_negative_outweighs_one_positive(weight, kappa, r0) -> None:
    """With kappa > 1, one bad and one good experience of equal weight leave trust below
    where it was, and below 0.5 for a stranger: trust is destroyed faster than built.

    kappa starts at 1.01: closer to 1 the gap drowns in floating-point rounding.
    """
    neg = float(negative_weight(weight, kappa))
    assert neg == pytest.approx(kappa * weight)
    assert float(expected_trust(weight, neg)) < 0.5
    assert float(expected_trust(r0 + weight, r0 + neg)) < float(expected_trust(r0, r0))


def test_symmetric_without_asymmetry() -> None:
    """kappa = 1 is the symmetric control: a good and a bad cancel out."""
    assert float(expected_trust(1.0, negative_weight(1.0, 1.0))) == 0.5
