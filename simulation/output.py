"""Run outputs on disk: written whole or not at all.

A run folder holds ``timeseries.csv`` (the tidy frame), ``run.json`` (what was
run: every parameter as resolved, the seed, the events, the versions of the
software), ``trust.png`` (the trust figure) and ``fairness.csv`` (what differs
between the companies: spend, posts, audiences, product; see
:func:`simulation.metrics.fairness`). A reader who finds a file there
must be able to trust that it is complete and belongs with the others, so each
file is written to a temporary file in the same folder, flushed to disk with
``fsync`` and only then renamed over its final name with ``os.replace``, which
is atomic on POSIX file systems. :func:`write_run` renders everything in memory
first and stages every temporary file before renaming any of them, so a
failure (a full disk, an interrupted run) leaves the previous contents of the
folder as they were and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import math
import os
import platform
import secrets
import shlex
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from .model import InfluenceModel

#: Files of a run folder, in the order they are written.
RUN_FILES = ("timeseries.csv", "run.json", "trust.png", "fairness.csv")

#: Distribution name of this package (see pyproject.toml).
PACKAGE = "influence-world"

_TEMP_SUFFIX = ".tmp"


# --------------------------------------------------------------------------
# Atomic writers
# --------------------------------------------------------------------------
def _stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a fresh hidden temporary file next to ``target``.

    The temporary file is created with ``O_EXCL`` and mode 0o666 (less the
    umask), so that after the rename the file has the permissions an ordinary
    write would have given it. It is fsynced before returning.
    """
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}{_TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _unlink_quietly(temp)
        raise
    return temp


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    """Make the renames in ``folder`` durable (a no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some filesystems cannot sync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically: readers see old or new, never half.

    Args:
        path: Target file; its folder must exist.
        data: Complete new contents.

    Returns:
        The target path.
    """
    target = Path(path)
    try:
        temp = _stage(target, data)
    except OSError as error:
        raise _target_error(error, target) from error
    try:
        os.replace(temp, target)
    except BaseException as error:
        _unlink_quietly(temp)
        if isinstance(error, OSError):
            raise _target_error(error, target) from error
        raise
    _fsync_dir(target.parent)
    return target


def _target_error(error: OSError, target: Path) -> OSError:
    """The same error, naming the file the caller asked for rather than a temporary one.

    An existing folder at ``target`` (which ``os.replace`` reports about the
    temporary file) reads as what it is: a folder where a file was asked for.
    """
    code = error.errno
    if target.is_dir() and not target.is_symlink():
        code = errno.EISDIR
    return type(error)(code, os.strerror(code) if code else str(error), str(target)) \
        if code else error


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``text`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_many(folder: str | os.PathLike[str], files: Mapping[str, bytes]) -> list[Path]:
    """Write several files into ``folder`` so that a failure changes nothing.

    Every file is staged (written and fsynced under a temporary name) before
    any is renamed, so the only failures that can leave a mix of old and new
    files are failures of ``os.replace`` itself, which does not allocate space.
    A folder that did not exist is created, and removed again if staging fails.

    Args:
        folder: Destination folder (created with its parents when missing).
        files: File name (no separators) to complete contents.

    Returns:
        The written paths, in the order given.
    """
    folder = Path(folder)
    created = _make_folder(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            if Path(name).name != name:
                raise ValueError(f"not a plain file name: {name!r}")
            target = folder / name
            try:
                staged.append((_stage(target, data), target))
            except OSError as error:
                raise _target_error(error, target) from error
    except BaseException:
        for temp, _ in staged:
            _unlink_quietly(temp)
        _remove_created(created, folder)
        raise
    done: list[Path] = []
    try:
        for temp, target in staged:
            try:
                os.replace(temp, target)
            except OSError as error:
                raise _target_error(error, target) from error
            done.append(target)
    finally:
        for temp, _ in staged[len(done):]:
            _unlink_quietly(temp)
        _fsync_dir(folder)
    return done


def _make_folder(folder: Path) -> Path | None:
    """Create ``folder`` with its parents; return the topmost folder created, if any."""
    missing = None
    probe = folder
    while not probe.exists():
        missing = probe
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _remove_created(top: Path | None, folder: Path) -> None:
    """Remove the (now empty) folders from ``folder`` up to ``top``, both included."""
    if top is None:
        return
    current = folder
    while True:
        try:
            current.rmdir()
        except OSError:
            return
        if current == top or current.parent == current:
            return
        current = current.parent


# --------------------------------------------------------------------------
# Run record
# --------------------------------------------------------------------------
def versions() -> dict[str, str]:
    """Versions of Python, the scientific stack and this package, for run.json."""
    found = {"python": platform.python_version()}
    for name in ("mesa", "numpy", "scipy", "pandas", PACKAGE):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == PACKAGE:
                from . import __version__

                found[name] = __version__
            else:
                found[name] = "not installed"
    return found


def jsonable(value: Any) -> Any:
    """Turn numpy scalars, tuples and non-finite floats into strict JSON values.

    NaN and infinities (a credibility with no followers left, a crisis not yet
    recovered) become ``null``: strict JSON has no NaN, and ``null`` reads as
    "no value" in every language.
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_record(model: InfluenceModel, summary: pd.DataFrame, argv: Sequence[str],
               created: _dt.datetime | None = None,
               scenario: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything needed to know what a run was and to run it again.

    Args:
        model: The finished model.
        summary: Per-company summary (:func:`simulation.metrics.summary`).
        argv: The command line, program name first (kept as a list and as one
            shell-quoted string to paste into a terminal).
        created: Timestamp (UTC now when None).
        scenario: What was run (``name``, ``title``, ``source``), if a scenario.

    Returns:
        A JSON-ready mapping.
    """
    created = created or _dt.datetime.now(_dt.UTC)
    return jsonable({
        "created": created.isoformat(timespec="seconds"),
        "command": list(argv),
        "command_line": shlex.join(argv),
        "scenario": dict(scenario) if scenario else None,
        "seed": model.seed,
        "steps": int(model.steps),
        "parameters": model.params,
        "events": model.events,
        "summary": summary.to_dict(orient="records"),
        "versions": versions(),
    })


def render_run(model: InfluenceModel, frame: pd.DataFrame, summary: pd.DataFrame,
               argv: Sequence[str], scenario: Mapping[str, Any] | None = None,
               fairness: pd.DataFrame | None = None) -> dict[str, bytes]:
    """Render the run files in memory, in :data:`RUN_FILES` order.

    ``fairness`` is :func:`simulation.metrics.fairness` of the model (computed
    when not given): what differs between the companies, as ``fairness.csv``.
    """
    from .metrics import fairness as fairness_table
    from .plotting import trust_figure_png

    fair = fairness_table(model) if fairness is None else fairness

    csv = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    record = json.dumps(run_record(model, summary, argv, scenario=scenario), indent=2,
                        allow_nan=False)
    title = f"{model.params['consumers']:,} consumers, seed {model.seed}"
    if scenario:
        title = f"{scenario['title']}: {title}"
    png = trust_figure_png(frame, model.events, title=title)
    return {"timeseries.csv": csv, "run.json": (record + "\n").encode("utf-8"),
            "trust.png": png,
            "fairness.csv": fair.to_csv(index=False, lineterminator="\n").encode("utf-8")}


def write_run(out_dir: str | os.PathLike[str], model: InfluenceModel, frame: pd.DataFrame,
              summary: pd.DataFrame, argv: Sequence[str],
              scenario: Mapping[str, Any] | None = None) -> list[Path]:
    """Write a finished run's files into ``out_dir``, all or nothing.

    Args:
        out_dir: Destination folder; created when missing. Files of an
            earlier run there are replaced; other files are left alone.
        model: The finished model.
        frame: Its tidy frame (``model.timeseries()``).
        summary: Its per-company summary.
        argv: The command line, program name first, recorded in run.json.
        scenario: What was run (``name``, ``title``, ``source``), if a scenario.

    Returns:
        Paths of the written files.
    """
    return atomic_write_many(out_dir, render_run(model, frame, summary, argv, scenario))
