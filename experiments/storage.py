"""A sweep's folder: one Parquet file per finished run, a manifest, nothing half-written.

Layout of ``--out DIR``::

    DIR/manifest.json          what the sweep is: the spec, its digest, the plan of runs
                               with each run's resolved configuration, the code it runs
                               under (version, a hash of its sources, package versions),
                               and a record of every finished run: its file's SHA-256,
                               size and row count
    DIR/manifest.done.jsonl    records of runs finished since the manifest was last
                               rewritten (folded into it when a sweep ends or resumes)
    DIR/runs/<run_id>.parquet  one finished run (rows: kept weeks x companies)
    DIR/failed/<run_id>.json   one run that raised: its error and traceback

Every file is written to a temporary file in the same folder, fsynced and
renamed into place (:func:`simulation.output.atomic_write_bytes`), so a sweep
killed at any moment (``kill -9`` included) leaves only whole files; a rerun
removes stray temporary files and runs what is not done. Because each run's
result depends only on the run (its seed is derived from its configuration),
the final folder is the same as an uninterrupted sweep's.

A run is done only when its file is what the sweep wrote: before a file is
written its bytes are read back and checked (the columns the run keeps, one
row per kept week and company), and its record (SHA-256, size, rows, the run's
key and the code) is written first; a run counts as done when the file on disk
matches that record. A truncated, emptied or replaced file is therefore
redone on resume and never read by ``results`` or ``analyze``, and a file the
sweep did not write (an export dropped into ``runs/``) is never a run.

A folder holding another sweep (a different digest), or one made under other
code, is refused: results of two specs or two versions of the model must
never mix. ``--rerun-changed`` takes such a folder over instead: the runs whose
configuration or code changed are removed and run again; the others are kept.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
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
from simulation.seeds import canonical_json

if TYPE_CHECKING:
    from .spec import Run, Spec

MANIFEST = "manifest.json"
JOURNAL = "manifest.done.jsonl"
RUNS = "runs"
FAILED = "failed"
FORMAT = 2

#: Packages whose source makes the code a sweep runs under (the UI's is left out).
SOURCE_PACKAGES = ("simulation", "experiments", "scenarios")


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


def source_hash() -> str:
    """SHA-256 of the Python sources the runs execute (model, sweep machinery, loader).

    Unlike ``git describe --dirty``, two different uncommitted edits give
    two different hashes. The web UI's sources are left out: they change no result.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for package in SOURCE_PACKAGES:
        folder = root / package
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(root)
            if relative.parts[:2] == ("simulation", "ui") or "__pycache__" in relative.parts:
                continue
            h.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def code_identity() -> dict[str, Any]:
    """What a sweep's runs are computed with: version, source hash, package versions.

    ``fingerprint`` sums up the parts that can change a result (the sources
    and the packages); a resume under another fingerprint is refused.
    """
    packages = package_versions()
    sources = source_hash()
    fingerprint = hashlib.sha256(canonical_json({"sources": sources, "packages": packages})
                                 .encode("ascii")).hexdigest()
    return {"version": code_version(), "sources": sources, "packages": packages,
            "fingerprint": fingerprint}


def package_versions() -> dict[str, str]:
    """Versions of the model's stack plus the sweep's own (Dask, SALib, pyarrow, DuckDB)."""
    found = versions()
    for name in ("dask", "distributed", "SALib", "pyarrow", "duckdb"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def config_hash(config: Any) -> str:
    """SHA-256 of a resolved configuration (the key of ``configs`` in the manifest)."""
    return hashlib.sha256(canonical_json(config).encode("ascii")).hexdigest()


def run_key(run: Run) -> str:
    """SHA-256 of everything a run's file depends on, apart from the code."""
    return hashlib.sha256(canonical_json({
        "id": run.run_id, "experiment": run.experiment, "point": run.point,
        "sample": run.sample, "replicate": run.replicate, "values": run.values,
        "config": run.config, "seed": run.seed, "weeks": run.weeks, "every": run.every,
        "end": run.end, "metrics": list(run.metrics)}).encode("ascii")).hexdigest()


def plan_entry(run: Run) -> dict[str, Any]:
    """What the manifest records of one planned run (its configuration by hash)."""
    return {"id": run.run_id, "experiment": run.experiment, "point": run.point,
            "sample": run.sample, "replicate": run.replicate, "seed": run.seed,
            "values": run.values, "config": config_hash(run.config), "key": run_key(run)}


def expected_columns(run: Run) -> list[str]:
    """The columns of a run's file, in order (see :func:`experiments.executors.run_table`)."""
    from .spec import SUMMARY_METRICS

    return ["experiment", "point", "sample", "replicate", "seed", *run.values, "step",
            "company", "structure", "strategy", "final", *run.metrics,
            *(SUMMARY_METRICS if run.end else ())]


def expected_rows(run: Run) -> int:
    """Rows of a run's file: one per kept week (0, every, ..., and the last) and company."""
    weeks = {step for step in range(run.weeks + 1)
             if step == run.weeks or (run.every and step % run.every == 0)}
    return len(weeks) * len(run.config["companies"])


def check_run_data(run: Run, data: bytes) -> str | None:
    """What is wrong with a run's Parquet bytes, or None when they are the run's file.

    Reads the file's footer (schema, row count, the chunks' layout), not its data:
    decoding every column took 3-5 ms a run in the sweep process, a third of what a
    2,000-consumer run costs, for bytes that a worker's pyarrow has just written.
    Garbage, truncated bytes and a table of the wrong shape all fail here; the
    bytes then stored are checked against their SHA-256 when read back.
    """
    from .spec import SUMMARY_METRICS

    try:
        footer = pq.ParquetFile(io.BytesIO(data))
        schema = footer.schema_arrow
        num_rows = footer.metadata.num_rows
        if sum(footer.metadata.row_group(g).num_rows
               for g in range(footer.metadata.num_row_groups)) != num_rows:
            return "not a readable Parquet file (row groups do not add up)"
    except (pa.ArrowException, OSError) as error:
        return f"not a readable Parquet file ({type(error).__name__})"
    columns = expected_columns(run)
    if schema.names != columns:
        return f"columns {schema.names}, expected {columns}"
    for name in ("point", "sample", "replicate", "seed", "step"):
        if schema.field(name).type != pa.int64():
            return f"column {name} of type {schema.field(name).type}, expected int64"
    for name in (*run.metrics, *(SUMMARY_METRICS if run.end else ())):
        if schema.field(name).type != pa.float64():
            return f"column {name} of type {schema.field(name).type}, expected double"
    rows = expected_rows(run)
    if num_rows != rows:
        return f"{num_rows} rows, expected {rows} (kept weeks x companies)"
    return None


def file_record(data: bytes) -> dict[str, Any]:
    """The checksum and size of a file's bytes, as a done record holds them."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


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
                **({"common_seeds": True} if e.common_seeds else {}),
                "parameters": [{"name": p.name, "paths": list(p.paths),
                                "values": None if p.values is None else list(p.values),
                                "low": p.low, "high": p.high, "kind": p.kind, "steps": p.steps}
                               for p in e.parameters],
            } for e in spec.experiments]}


class RunFileError(ValueError):
    """A run's bytes that are not its file (wrong columns or rows, unreadable, not as written)."""


class Store:
    """The folder of one sweep."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.runs_dir = self.folder / RUNS
        self.failed_dir = self.folder / FAILED
        self._manifest: dict[str, Any] | None = None
        self._checked: dict[str, tuple[tuple[int, int], bool]] = {}

    # ---------------------------------------------------------------- manifest
    def manifest(self) -> dict[str, Any]:
        """The manifest, or a :class:`StoreError` when the folder holds no readable sweep."""
        if self._manifest is not None:
            return self._manifest
        path = self.folder / MANIFEST
        if not path.is_file():
            raise StoreError(f"{self.folder}: got a folder without {MANIFEST}; allowed: "
                             "a folder written by `influence sweep`")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise StoreError(f"{path}: got a file that cannot be read as a sweep manifest "
                             f"({type(error).__name__}); allowed: the manifest.json a sweep "
                             "wrote (run the sweep into a new --out folder)") from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("runs"), list) \
                or not isinstance(manifest.get("describe"), dict):
            raise StoreError(f"{path}: got a JSON file that is not a sweep manifest; allowed: "
                             "the manifest.json a sweep wrote (run the sweep into a new --out "
                             "folder)")
        self._manifest = manifest
        return manifest

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_bytes(self.folder / MANIFEST, (json.dumps(manifest, indent=1,
                                                               allow_nan=False) + "\n")
                           .encode("utf-8"))
        self._manifest = manifest

    def open_for(self, spec: Spec, runs: list[Run], *, spec_text: str,
                 rerun_changed: bool = False) -> dict[str, Any]:
        """Create the folder for ``spec``, or check that it already holds this sweep.

        Args:
            spec: The sweep.
            runs: Its plan (:meth:`~experiments.spec.Spec.runs`).
            spec_text: The spec file's text, recorded in the manifest.
            rerun_changed: Take over a folder of another spec or other code:
                keep the runs that are the same, remove the others (they are
                run again).

        Raises:
            StoreError: when the folder holds another sweep or one made under
                other code (without ``rerun_changed``), or files that are not a sweep's.
        """
        digest = spec.digest()
        code = code_identity()
        fresh = self._new_manifest(spec, runs, spec_text, digest, code)
        path = self.folder / MANIFEST
        if path.is_file():
            manifest = self.manifest()
            self._clean_temporaries()
            self._fold()
            manifest = self.manifest()
            changed = self._changes(manifest, fresh)
            if changed is None:
                return manifest
            if not rerun_changed:
                raise StoreError(changed)
            return self._take_over(manifest, fresh)
        from .lock import LOCK_NAME  # this sweep's own lock is not someone else's file

        if self.folder.exists() and (not self.folder.is_dir() or any(
                p.name != LOCK_NAME for p in self.folder.iterdir())):
            raise StoreError(f"{self.folder}: got a non-empty folder that is not a sweep's; "
                             "allowed: a new or empty --out folder, or one of this spec's sweep")
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.failed_dir.mkdir(exist_ok=True)
        self._write_manifest(fresh)
        return fresh

    def _new_manifest(self, spec: Spec, runs: list[Run], spec_text: str, digest: str,
                      code: dict[str, Any]) -> dict[str, Any]:
        return jsonable({
            "format": FORMAT,
            "title": spec.title,
            "spec_file": str(spec.source),
            "spec_text": spec_text,
            "spec": spec.raw,
            "digest": digest,
            "code_version": code["version"],
            "code": code,
            "versions": package_versions(),
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "describe": describe(spec),
            "configs": {config_hash(r.config): r.config for r in runs},
            "runs": [plan_entry(r) for r in runs],
            "done": {},
        })

    def _changes(self, old: dict[str, Any], new: dict[str, Any]) -> str | None:
        """Why the folder's sweep is not this one (one line), or None when it is."""
        rerun = "--rerun-changed to redo the runs that changed"
        if old.get("format") != FORMAT:
            return (f"{self.folder}: got a sweep written by an older version of `influence "
                    f"sweep` (format {old.get('format')}, without run checksums); allowed: a "
                    f"new --out folder, or {rerun}")
        if old.get("digest") != new["digest"]:
            keys = {e["id"]: e.get("key") for e in new["runs"]}
            differ = sum(keys.get(e.get("id")) != e.get("key") for e in old["runs"]) \
                + len(set(keys) - {e.get("id") for e in old["runs"]})
            return (f"{self.folder}: got a sweep of another spec or configuration "
                    f"({old.get('spec_file')}, digest {str(old.get('digest'))[:12]}; this "
                    f"spec: {new['digest'][:12]}; {differ} of {len(new['runs'])} runs differ); "
                    f"allowed: the same spec to resume, or a new --out folder, or {rerun}")
        before, now = old.get("code") or {}, new["code"]
        if before.get("fingerprint") != now["fingerprint"]:
            what = "sources" if before.get("sources") != now["sources"] else "packages"
            return (f"{self.folder}: got a sweep run under other code ({what} differ: "
                    f"{before.get('version')}, sources {str(before.get('sources'))[:12]}; "
                    f"now {now['version']}, sources {now['sources'][:12]}); allowed: the same "
                    f"code to resume, a new --out folder, or --rerun-changed to redo its runs "
                    f"under this code")
        return None

    def _take_over(self, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Make the folder this sweep's: keep the runs that are the same, drop the rest."""
        keys = {e["id"]: e["key"] for e in new["runs"]}
        fingerprint = new["code"]["fingerprint"]
        kept = {}
        done = old.get("done") if isinstance(old.get("done"), dict) else {}
        for run_id, record in done.items():
            if keys.get(run_id) == record.get("key") and record.get("code") == fingerprint:
                kept[run_id] = record
        new["done"] = kept
        self._write_manifest(new)  # first: a crash from here on leaves the new plan
        for entry in old.get("runs", []):
            run_id = entry.get("id")
            if not isinstance(run_id, str) or run_id in kept:
                continue
            (self.runs_dir / f"{run_id}.parquet").unlink(missing_ok=True)
            (self.failed_dir / f"{run_id}.json").unlink(missing_ok=True)
        self._checked.clear()
        return new

    def _clean_temporaries(self) -> None:
        """Remove temporary files a killed sweep left (their runs are redone)."""
        for folder in (self.runs_dir, self.failed_dir, self.folder):
            if folder.is_dir():
                for stray in folder.glob(".*.tmp"):
                    stray.unlink(missing_ok=True)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.failed_dir.mkdir(exist_ok=True)

    # ---------------------------------------------------------------- records
    def _journal(self) -> dict[str, dict[str, Any]]:
        """Records appended since the manifest was written (a torn last line is ignored)."""
        path = self.folder / JOURNAL
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return {}
        out = {}
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                out[record.pop("id")] = record
        return out

    def records(self) -> dict[str, dict[str, Any]]:
        """Every finished run's record: the manifest's, then the journal's (later wins)."""
        done = self.manifest().get("done")
        return {**(done if isinstance(done, dict) else {}), **self._journal()}

    def _fold(self) -> None:
        """Write the journal's records into the manifest, then remove the journal."""
        journal = self._journal()
        if journal:
            manifest = dict(self.manifest())
            manifest["done"] = self.records()
            self._write_manifest(manifest)
        (self.folder / JOURNAL).unlink(missing_ok=True)

    def close(self) -> None:
        """Fold the records of this invocation into the manifest (at the end of a sweep)."""
        if (self.folder / JOURNAL).exists():
            self._fold()

    def _append(self, run_id: str, record: dict[str, Any]) -> None:
        line = json.dumps({"id": run_id, **record}, allow_nan=False) + "\n"
        fd = os.open(self.folder / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    # ---------------------------------------------------------------- runs
    def _matches(self, run_id: str, record: dict[str, Any]) -> bool:
        """Whether the run's file on disk is the one the record describes (cached by stat)."""
        path = self.runs_dir / f"{run_id}.parquet"
        try:
            stat = path.stat()
        except OSError:
            return False
        signature = (stat.st_size, stat.st_mtime_ns)
        cached = self._checked.get(run_id)
        if cached is not None and cached[0] == signature:
            return cached[1]
        ok = stat.st_size == record.get("bytes")
        if ok:
            try:
                ok = hashlib.sha256(path.read_bytes()).hexdigest() == record.get("sha256")
            except OSError:
                ok = False
        self._checked[run_id] = (signature, ok)
        return ok

    def _status(self) -> tuple[set[str], set[str]]:
        """Ids of the planned runs whose file checks out, and of those whose file does not."""
        manifest = self.manifest()
        fingerprint = (manifest.get("code") or {}).get("fingerprint")
        keys = {e.get("id"): e.get("key") for e in manifest["runs"]}
        done, bad = set(), set()
        for run_id, record in self.records().items():
            if run_id not in keys or keys[run_id] != record.get("key") \
                    or record.get("code") != fingerprint:
                continue
            (done if self._matches(run_id, record) else bad).add(run_id)
        return done, bad

    def done(self) -> set[str]:
        """Ids of the planned runs whose file is on disk exactly as the sweep wrote it."""
        if not (self.folder / MANIFEST).is_file():
            return set()
        return self._status()[0]

    def corrupt(self) -> set[str]:
        """Ids of runs recorded as written whose file is now missing, truncated or changed."""
        return self._status()[1]

    def failed(self) -> dict[str, dict[str, Any]]:
        """Failed runs (id to record), leaving out those that have since succeeded.

        A record that cannot be read (a corrupt ``failed/*.json``) is left out:
        its run counts as missing and is run again.
        """
        if not self.failed_dir.is_dir():
            return {}
        done = self.done()
        out = {}
        for path in sorted(self.failed_dir.glob("*.json")):
            if path.name.startswith("."):
                continue
            run_id = path.name[:-len(".json")]
            if run_id in done:
                continue
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
            if isinstance(record, dict):
                out[run_id] = record
        return out

    def write_run(self, run: Run, data: bytes) -> Path:
        """Check a finished run's Parquet bytes, record them, store them, read them back.

        The record goes first (to the journal, fsynced), so a file on disk
        always has one; a file whose bytes do not match its record is not done.

        Raises:
            RunFileError: when the bytes are not the run's file (then nothing is
                written) or the file read back differs from them.
        """
        problem = check_run_data(run, data)
        if problem is not None:
            raise RunFileError(f"the run's Parquet data is not its file: {problem}")
        record = {**file_record(data), "rows": expected_rows(run), "key": run_key(run),
                  "code": (self.manifest().get("code") or {}).get("fingerprint")}
        self._append(run.run_id, record)
        path = atomic_write_bytes(self.runs_dir / f"{run.run_id}.parquet", data)
        if not self._matches(run.run_id, record):
            raise RunFileError(f"{path}: the file read back differs from what was written")
        (self.failed_dir / f"{run.run_id}.json").unlink(missing_ok=True)
        return path

    def write_failure(self, run_id: str, record: dict[str, Any]) -> Path:
        """Store a failed run's error record atomically."""
        text = json.dumps(jsonable(record), indent=1, allow_nan=False) + "\n"
        return atomic_write_bytes(self.failed_dir / f"{run_id}.json", text.encode("utf-8"))

    def run_files(self) -> list[Path]:
        """The files of the finished runs, in plan order: only files the sweep wrote."""
        done = self.done()
        return [self.runs_dir / f"{entry['id']}.parquet" for entry in self.manifest()["runs"]
                if entry.get("id") in done]

    def table(self) -> pa.Table:
        """Every finished run in one Arrow table, in plan order (experiment, point, replicate)."""
        files = self.run_files()
        if not files:
            return pa.table({})
        return pa.concat_tables([pq.read_table(p) for p in files], promote_options="permissive")


def parquet_bytes(table: pa.Table) -> bytes:
    """Serialise a run's table: same table, same bytes, in any process."""
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), sink, compression="zstd")
    return sink.getvalue()
