"""A sweep's folder: one Parquet file per finished run, a manifest, nothing half-written.

Layout of ``--out DIR``::

    DIR/manifest.json          what the sweep is: the spec, its digest, the plan of runs,
                               the code and package versions
    DIR/runs/<run_id>.parquet  one finished run (rows: kept weeks x companies)
    DIR/failed/<run_id>.json   one run that raised: its error and traceback

Every file is written to a temporary file in the same folder, fsynced and
renamed into place (:func:`simulation.output.atomic_write_bytes`), so a sweep
killed at any moment (``kill -9`` included) leaves only whole files; a rerun
removes stray temporary files, skips the runs already on disk and runs the
rest. Because each run's result depends only on the run (its seed is derived
from its configuration), the final folder is the same as an uninterrupted
sweep's.

A folder holding another sweep (a different digest) is refused: results of two
different specs must never mix.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import subprocess
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from simulation.output import atomic_write_bytes, jsonable, versions

if TYPE_CHECKING:
    from .spec import Run, Spec

MANIFEST = "manifest.json"
RUNS = "runs"
FAILED = "failed"
FORMAT = 1


class StoreError(ValueError):
    """A folder that cannot take this sweep; one line saying why and what is allowed."""


def code_version() -> str:
    """``git describe`` of the source tree when it is a checkout, else the package version."""
    root = Path(__file__).resolve().parent.parent
    if (root / ".git").exists():
        try:
            done = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty",
                                   "--tags"], capture_output=True, text=True, timeout=10,
                                  check=True)
            return f"git {done.stdout.strip()}"
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        return f"influence-world {metadata.version('influence-world')}"
    except metadata.PackageNotFoundError:
        return "unknown"


def package_versions() -> dict[str, str]:
    """Versions of the model's stack plus the sweep's own (Dask, SALib, pyarrow, DuckDB)."""
    found = versions()
    for name in ("dask", "distributed", "SALib", "pyarrow", "duckdb"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def plan_entry(run: Run) -> dict[str, Any]:
    """What the manifest records of one planned run."""
    return {"id": run.run_id, "experiment": run.experiment, "point": run.point,
            "sample": run.sample, "replicate": run.replicate, "seed": run.seed,
            "values": run.values}


def describe(spec: Spec) -> dict[str, Any]:
    """The experiments' metadata that analysis needs without re-reading scenario files."""
    return {"title": spec.title, "seed": spec.seed,
            "analysis_outputs": list(spec.analysis_outputs),
            "hypotheses": list(spec.hypotheses),
            "experiments": [{
                "name": e.name, "scenario": e.scenario, "design": e.design,
                "samples": e.samples, "levels": e.levels, "replicates": e.replicates,
                "weeks": e.weeks, "every": e.every, "end": e.end, "metrics": list(e.metrics),
                "companies": [c["name"] for c in e.base["companies"]],
                "parameters": [{"name": p.name, "paths": list(p.paths),
                                "values": None if p.values is None else list(p.values),
                                "low": p.low, "high": p.high, "kind": p.kind, "steps": p.steps}
                               for p in e.parameters],
            } for e in spec.experiments]}


class Store:
    """The folder of one sweep."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.runs_dir = self.folder / RUNS
        self.failed_dir = self.folder / FAILED

    # ---------------------------------------------------------------- manifest
    def manifest(self) -> dict[str, Any]:
        """The manifest, or a :class:`StoreError` when the folder holds no sweep."""
        path = self.folder / MANIFEST
        if not path.is_file():
            raise StoreError(f"{self.folder}: got a folder without {MANIFEST}; allowed: "
                             "a folder written by `influence sweep`")
        return json.loads(path.read_text(encoding="utf-8"))

    def open_for(self, spec: Spec, runs: list[Run], *, spec_text: str) -> dict[str, Any]:
        """Create the folder for ``spec``, or check that it already holds this sweep.

        Raises:
            StoreError: when the folder holds another sweep, or files that are not a sweep's.
        """
        digest = spec.digest()
        path = self.folder / MANIFEST
        if path.is_file():
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if manifest.get("digest") != digest:
                raise StoreError(
                    f"{self.folder}: got a sweep of another spec ({manifest.get('spec_file')}, "
                    f"digest {str(manifest.get('digest'))[:12]}; this spec: {digest[:12]}); "
                    "allowed: the same spec to resume, or a new --out folder")
            self._clean_temporaries()
            return manifest
        if self.folder.exists() and (not self.folder.is_dir() or any(self.folder.iterdir())):
            raise StoreError(f"{self.folder}: got a non-empty folder that is not a sweep's; "
                             "allowed: a new or empty --out folder, or one of this spec's sweep")
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.failed_dir.mkdir(exist_ok=True)
        manifest = jsonable({
            "format": FORMAT,
            "title": spec.title,
            "spec_file": str(spec.source),
            "spec_text": spec_text,
            "spec": spec.raw,
            "digest": digest,
            "code_version": code_version(),
            "versions": package_versions(),
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "describe": describe(spec),
            "runs": [plan_entry(r) for r in runs],
        })
        atomic_write_bytes(path, (json.dumps(manifest, indent=1, allow_nan=False) + "\n")
                           .encode("utf-8"))
        return manifest

    def _clean_temporaries(self) -> None:
        """Remove temporary files a killed sweep left (their runs are redone)."""
        for folder in (self.runs_dir, self.failed_dir, self.folder):
            if folder.is_dir():
                for stray in folder.glob(".*.tmp"):
                    stray.unlink(missing_ok=True)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.failed_dir.mkdir(exist_ok=True)

    # ---------------------------------------------------------------- runs
    def done(self) -> set[str]:
        """Ids of the runs whose Parquet file is on disk."""
        if not self.runs_dir.is_dir():
            return set()
        return {p.name[:-len(".parquet")] for p in self.runs_dir.glob("*.parquet")
                if not p.name.startswith(".")}

    def failed(self) -> dict[str, dict[str, Any]]:
        """Failed runs (id to record), leaving out those that have since succeeded."""
        if not self.failed_dir.is_dir():
            return {}
        done = self.done()
        out = {}
        for path in sorted(self.failed_dir.glob("*.json")):
            if path.name.startswith("."):
                continue
            run_id = path.name[:-len(".json")]
            if run_id not in done:
                out[run_id] = json.loads(path.read_text(encoding="utf-8"))
        return out

    def write_run(self, run_id: str, data: bytes) -> Path:
        """Store a finished run's Parquet bytes atomically; forget an earlier failure."""
        path = atomic_write_bytes(self.runs_dir / f"{run_id}.parquet", data)
        (self.failed_dir / f"{run_id}.json").unlink(missing_ok=True)
        return path

    def write_failure(self, run_id: str, record: dict[str, Any]) -> Path:
        """Store a failed run's error record atomically."""
        text = json.dumps(jsonable(record), indent=1, allow_nan=False) + "\n"
        return atomic_write_bytes(self.failed_dir / f"{run_id}.json", text.encode("utf-8"))

    def table(self) -> pa.Table:
        """Every finished run in one Arrow table, in plan order (experiment, point, replicate)."""
        order = {entry["id"]: i for i, entry in enumerate(self.manifest()["runs"])}
        files = sorted(self.runs_dir.glob("*.parquet"), key=lambda p: order.get(p.stem, 1e12))
        files = [p for p in files if not p.name.startswith(".")]
        if not files:
            return pa.table({})
        tables = [pq.read_table(p) for p in files]
        return pa.concat_tables(tables, promote_options="permissive")


def parquet_bytes(table: pa.Table) -> bytes:
    """Serialise a run's table: same table, same bytes, in any process."""
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), sink, compression="zstd")
    return sink.getvalue()
