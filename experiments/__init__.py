"""Batch experiments: sweeps that survive interruption, scale out, and end in analysis.

* :mod:`experiments.spec`: the TOML spec (base scenario, parameters, design,
  replicates, weeks, outputs, root seed) and its plan of runs;
* :mod:`experiments.designs`: grid, Latin hypercube, Sobol/Saltelli and
  Morris points (SALib);
* :mod:`experiments.executors`: one run, a local process pool, Dask distributed;
* :mod:`experiments.storage`: one Parquet file per run, a manifest, resume;
* :mod:`experiments.analysis`: replicate statistics, sensitivity indices,
  figures and a Markdown report;
* :mod:`experiments.hypotheses`: the essay's claims judged from runs.

The command line is ``influence sweep``, ``influence results`` and
``influence analyze`` (:mod:`experiments.cli`); see docs/experiments.md.
"""

from .spec import Spec, SpecError, load

__all__ = ["Spec", "SpecError", "load"]
