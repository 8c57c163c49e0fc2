"""Design points: which parameter values each run of an experiment gets.

* ``grid``: every combination of the parameters' levels (``values``, or a
  ``range`` cut into ``steps`` evenly spaced levels).
* ``lhs``: a Latin hypercube of ``samples`` points over the ranged
  parameters (SALib), crossed with every level of the parameters given as
  ``values`` (factors): each sampled point is run at each level, so a factor's
  effect can be read point by point.
* ``sobol``: Saltelli's scheme on a scrambled Sobol sequence (SALib),
  ``samples * (D + 2)`` points for D parameters (first and total order).
* ``morris``: ``samples`` Morris trajectories on a ``levels``-level grid,
  ``samples * (D + 1)`` points.

Sampled designs are drawn with a seed derived from the root seed and the
experiment's name, so a spec always gives the same points. Integer
parameters are rounded after sampling; the analysis reads the design matrix
back from :func:`design_matrix`, in the same order as the points.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.seeds import derive_seed

if TYPE_CHECKING:
    from .spec import Experiment, Parameter


def grid_levels(parameter: Parameter, steps: int) -> list[Any]:
    """``steps`` evenly spaced levels of a ranged parameter (distinct integers for ints)."""
    raw = np.linspace(parameter.low, parameter.high, steps)
    if parameter.kind == "int":
        return sorted({int(round(x)) for x in raw})
    return [float(x) for x in raw]


def problem(experiment: Experiment) -> dict[str, Any]:
    """SALib's problem description of the ranged parameters."""
    ranged = [p for p in experiment.parameters if p.values is None]
    return {"num_vars": len(ranged), "names": [p.name for p in ranged],
            "bounds": [[p.low, p.high] for p in ranged]}


def design_seed(experiment: Experiment, root_seed: int) -> int:
    """Seed of the sampler: fixed by the root seed and the experiment's name."""
    return derive_seed(root_seed, {"design": experiment.name}, 0) % 2**32


def design_matrix(experiment: Experiment, root_seed: int) -> np.ndarray:
    """SALib's sample matrix of a sampled design (one row per sampled point)."""
    import warnings

    from SALib.sample import latin, morris, sobol

    spec = problem(experiment)
    seed = design_seed(experiment, root_seed)
    n = experiment.samples
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if experiment.design == "lhs":
            return latin.sample(spec, n, seed=seed)
        if experiment.design == "sobol":
            return sobol.sample(spec, n, calc_second_order=False, scramble=True, seed=seed)
        if experiment.design == "morris":
            return morris.sample(spec, n, num_levels=experiment.levels, seed=seed)
    raise ValueError(f"{experiment.design} is not a sampled design")


def _cast(parameter: Parameter, value: float) -> Any:
    if parameter.kind == "int":
        return int(min(max(round(value), parameter.low), parameter.high))
    return float(value)


def planned_points(experiment: Experiment) -> int:
    """How many design points :func:`points` gives, counted without building any.

    A grid has the product of its axes' lengths; a sampled design has its
    sampler's rows (LHS: ``samples``; Sobol without second order:
    ``samples * (D + 2)``; Morris: ``samples * (D + 1)``, D the ranged
    parameters) times every combination of the crossed factors' levels.
    """
    if experiment.design == "grid":
        return math.prod(len(p.values) if p.values is not None
                         else len(grid_levels(p, p.steps or 2)) for p in experiment.parameters)
    ranged = sum(p.values is None for p in experiment.parameters)
    rows = {"lhs": experiment.samples, "sobol": experiment.samples * (ranged + 2),
            "morris": experiment.samples * (ranged + 1)}[experiment.design]
    return rows * math.prod(len(p.values) for p in experiment.parameters
                            if p.values is not None)


def points(experiment: Experiment, root_seed: int) -> list[tuple[int, dict[str, Any]]]:
    """Every design point, in order, as ``(sample index, {column name: value})``.

    In a grid each point is its own sample. In a sampled design the points
    of one sampled row (one per combination of the factors' levels) share
    their sample index.
    """
    if experiment.design == "grid":
        axes = [p.values if p.values is not None else grid_levels(p, p.steps or 2)
                for p in experiment.parameters]
        names = [p.name for p in experiment.parameters]
        return [(i, dict(zip(names, combo, strict=True)))
                for i, combo in enumerate(itertools.product(*axes))]
    ranged = [p for p in experiment.parameters if p.values is None]
    factors = [p for p in experiment.parameters if p.values is not None]
    matrix = design_matrix(experiment, root_seed)
    combos = list(itertools.product(*(f.values for f in factors)))
    out = []
    for row_index, row in enumerate(matrix):
        sampled = {p.name: _cast(p, x) for p, x in zip(ranged, row, strict=True)}
        for combo in combos:
            values = dict(sampled)
            values.update(zip((f.name for f in factors), combo, strict=True))
            out.append((row_index, {p.name: values[p.name] for p in experiment.parameters}))
    return out
