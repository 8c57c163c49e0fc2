"""Trust as Beta-reputation evidence (Josang & Ismail 2002).

Every trust relation in the model (a consumer's trust in a brand, in an
influencer; an influencer's trust in a company) is a pair of non-negative
evidence counts ``(r, s)``: how much has spoken for, and against. Expected
trust and uncertainty follow from them, forgetting shrinks both, and negative
evidence is weighted by the asymmetry ``kappa > 1`` because trust is built
slowly and destroyed fast (Slovic 1993).

The functions work on scalars and numpy arrays alike, so the vectorised
consumer kernel and the plain reference implementation share them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def expected_trust(r: ArrayLike, s: ArrayLike) -> np.ndarray:
    """Expected trust E = (r + 1) / (r + s + 2); 0.5 for a brand nobody knows."""
    r = np.asarray(r, dtype=float)
    return (r + 1.0) / (r + np.asarray(s, dtype=float) + 2.0)


def uncertainty(r: ArrayLike, s: ArrayLike) -> np.ndarray:
    """Uncertainty u = 2 / (r + s + 2); 1 with no evidence, toward 0 with much."""
    return 2.0 / (np.asarray(r, dtype=float) + np.asarray(s, dtype=float) + 2.0)


def negative_weight(weight: ArrayLike, asymmetry: float) -> np.ndarray:
    """Weight of a piece of negative evidence: ``asymmetry`` (kappa) times a positive one."""
    return np.asarray(weight, dtype=float) * asymmetry


def forget(evidence: np.ndarray, keep: float) -> None:
    """Decay evidence in place: each week only the share ``keep`` (lambda) remains.

    Forgetting lets old impressions fade so that recent behaviour matters,
    and it never turns evidence negative nor makes it grow.
    """
    evidence *= keep
