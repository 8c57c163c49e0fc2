"""Scenario discovery: where in a parameter region a hypothesis fails, found with PRIM and
kept only when a permutation test says the box is more than chance.

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999), as in
the EMA Workbench (``ema_workbench.analysis.prim``), peels a box off the
region's sampled points, a little at a time, towards the points where the
claim fails (any verdict but *supported*), until the box holds no less than
:data:`MASS_MIN` of the points. The box is read by:

* **density**: the share of the points inside the box that fail;
* **coverage**: the share of all failing points that lie inside the box;
* **restricted parameters**: those whose range the box narrows, with the
  bounds it keeps.

The box read off the peeling trajectory is the one with the highest
density x coverage. On 10-20 points a box is easy to find by chance:
peeling always finds *some* corner denser than the whole. So that score is
compared with the score PRIM reaches, by the same rule, on the same points
with the labels shuffled (:data:`PERMUTATIONS` times, a fixed seed). The
p-value is ``(1 + shuffles scoring at least as high) / (1 + shuffles)``;
only boxes with p < :data:`ALPHA` are reported as failure regions.
"""

from __future__ import annotations

import logging
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Least share of the points a box may hold (PRIM's ``mass_min``).
MASS_MIN = 0.2
#: Share of the points peeled off at each step.
PEEL_ALPHA = 0.1
#: Label shuffles of the permutation test.
PERMUTATIONS = 100
#: A box is a failure region when its permutation p-value is below this.
ALPHA = 0.05
#: Fewest region points PRIM is run on.
MIN_POINTS = 8


@dataclass
class Box:
    """A PRIM box over a region's points, with its permutation test."""

    density: float
    coverage: float
    mass: float
    points: int
    fails_inside: int
    fails: int
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    p: float = float("nan")
    permutations: int = 0

    @property
    def significant(self) -> bool:
        """A failure region: the permutation p-value is below :data:`ALPHA`."""
        return self.p < ALPHA

    def conditions(self) -> str:
        """The restricted parameters in words: ``a < 0.3 and 1.2 < b < 4``."""
        parts = []
        for name, (low, high) in self.limits.items():
            if low is not None and high is not None:
                parts.append(f"{low:.3g} <= {name} <= {high:.3g}")
            elif low is not None:
                parts.append(f"{name} >= {low:.3g}")
            else:
                parts.append(f"{name} <= {high:.3g}")
        return " and ".join(parts) if parts else "anywhere in the region"


def _prim_box(x: pd.DataFrame, y: np.ndarray) -> tuple[pd.Series, pd.DataFrame] | None:
    """The box of PRIM's peeling trajectory with the highest density x coverage.

    PRIM peels towards ever denser, ever smaller boxes; the box read is the
    one along the way that best balances the two (density x coverage =
    fails inside squared over points inside times all fails), a rule fixed
    in advance and applied alike to the shuffled labels.
    """
    from ema_workbench.analysis import prim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.ERROR)
        finder = prim.Prim(x, y, peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN)
        box = finder.find_box()
    if box is None:
        return None
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    score = trajectory["density"] * trajectory["coverage"]
    best = int(score.to_numpy().argmax())
    return trajectory.iloc[best], box.box_lims[best]


def _score(row: pd.Series) -> float:
    return float(row["density"] * row["coverage"])


def _seed(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def failure_box(region: pd.DataFrame, names: Sequence[str], *, key: str = "",
                permutations: int = PERMUTATIONS) -> Box | None:
    """PRIM's box around the failing points of ``region``, with its permutation p-value.

    Args:
        region: One row per sampled point: the parameter columns and ``fails``.
        names: The parameters to search over (numeric columns only are used).
        key: Seeds the label shuffles (the hypothesis's id: the same runs give the same p).
        permutations: Label shuffles.

    Returns:
        The box, or None when no point or every point fails (nothing to separate), or
        the region has fewer than :data:`MIN_POINTS` points.
    """
    numeric = [n for n in names if n in region.columns
               and pd.api.types.is_numeric_dtype(region[n]) and region[n].nunique() > 1]
    y = region["fails"].to_numpy(bool)
    if not numeric or not y.any() or y.all() or len(y) < MIN_POINTS:
        return None
    x = region[numeric].astype(np.float64).reset_index(drop=True)
    found = _prim_box(x, y)
    if found is None:
        return None
    row, limits = found
    lows, highs = x.min(), x.max()
    restricted: dict[str, tuple[Any, Any]] = {}
    for name in numeric:
        low, high = float(limits.loc[0, name]), float(limits.loc[1, name])
        keep_low = low > lows[name] + 1e-12
        keep_high = high < highs[name] - 1e-12
        if keep_low or keep_high:
            restricted[name] = (low if keep_low else None, high if keep_high else None)
    inside = np.ones(len(x), bool)
    for name in numeric:
        inside &= (x[name] >= limits.loc[0, name]) & (x[name] <= limits.loc[1, name])
    box = Box(density=float(row["density"]), coverage=float(row["coverage"]),
              mass=float(row["mass"]), points=int(inside.sum()),
              fails_inside=int(y[inside].sum()), fails=int(y.sum()), limits=restricted)
    rng = np.random.default_rng(_seed(key))
    as_dense = 0
    for _ in range(permutations):
        shuffled = _prim_box(x, rng.permutation(y))
        if shuffled is not None and _score(shuffled[0]) >= _score(row) - 1e-12:
            as_dense += 1
    box.p = (1 + as_dense) / (1 + permutations)
    box.permutations = permutations
    return box


def describe_box(box: Box | None, claim: str, fails: int, points: int) -> str:
    """The box in plain words, for a strategist, or why there is none."""
    if box is None:
        if fails == 0:
            return "no failure region to look for: the claim is supported at every point"
        if fails == points:
            return "no failure region to look for: the claim fails at every point"
        return f"no failure region looked for: {points} points are too few for PRIM"
    numbers = (f"{box.fails_inside} of the {box.points} points there fail (density "
               f"{box.density:.2f}), holding {box.fails_inside} of the {box.fails} failing "
               f"points (coverage {box.coverage:.2f}); permutation p = {box.p:.3f} over "
               f"{box.permutations} label shuffles")
    if not box.significant:
        return (f"no failure region: PRIM's best box ({box.conditions()}) is no better than "
                f"boxes found on shuffled labels ({numbers})")
    return f"the claim \"{claim}\" fails mainly where {box.conditions()}: {numbers}"
