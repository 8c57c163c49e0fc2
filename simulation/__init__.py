"""Influence dynamics: billboard deals against engaged relationships.

The public API::

    from simulation import InfluenceModel
    model = InfluenceModel(rng=42, consumers=2000)
    for _ in range(156):
        model.step()
    frame = model.timeseries()
"""

from .model import InfluenceModel
from .parameters import ParameterError, defaults, resolve, set_path

__all__ = ["InfluenceModel", "ParameterError", "defaults", "resolve", "set_path"]
__version__ = "0.1.0"
