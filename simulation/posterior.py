"""A calibrated posterior as a source of parameter values for later runs.

``influence calibrate`` (:mod:`experiments.calibration`) writes ``posterior.csv``:
weighted samples of the fitted parameters, one row per particle::

    weight,companies[1].quality,word_of_mouth
    0.0041,0.712,0.281
    ...

``influence run --posterior FILE``, ``influence compare --posterior FILE`` and
an experiment spec's ``posterior = "FILE"`` read it with :func:`load`. Each
run then draws one particle, with its weight as probability, and sets those
parameters on top of its scenario: the uncertainty of the fit travels into
every later answer instead of one "best" value standing in for it.

The draw is a function of a key (the root seed) and the replicate only
(:meth:`Posterior.draw`), never of the order or the process that asks, so

* the same command with the same seed draws the same parameters;
* replicate ``r`` of every scenario of a comparison (and every design point
  of a sweep) gets the same draw: scenarios are compared under the same
  parameter values, their differences not blurred by independent draws.

This module needs only numpy; it does not import pyabc.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import limits, parameters
from .parameters import InputFileError, ParameterError

#: The weight column of a posterior file.
WEIGHT = "weight"

#: Mixed into the draw's seed, so that a posterior draw never shares its stream
#: with a model seeded from the same numbers.
_TAG = 0x706F7374  # "post"


class PosteriorError(InputFileError):
    """A posterior file that cannot be used: one line naming the file, row and column."""


@dataclass(frozen=True)
class Posterior:
    """Weighted parameter samples.

    Attributes:
        source: The file, as messages name it.
        paths: Parameter paths (``--set`` syntax), one per column.
        values: Samples, shape ``(particles, len(paths))``.
        weights: Normalised weights (they sum to 1), one per particle.
    """

    source: str
    paths: tuple[str, ...]
    values: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)

    def index(self, key: int, replicate: int = 0) -> int:
        """The particle drawn for ``(key, replicate)``: the same for the same pair, anywhere."""
        entropy = [*_words(key), *_words(replicate), _TAG]
        rng = np.random.default_rng(np.random.SeedSequence(entropy))
        return int(rng.choice(len(self.weights), p=self.weights))

    def draw(self, key: int, replicate: int = 0) -> dict[str, float]:
        """The parameter values of the particle drawn for ``(key, replicate)``, by path."""
        row = self.values[self.index(key, replicate)]
        return {path: float(value) for path, value in zip(self.paths, row, strict=True)}

    def apply(self, config: Mapping[str, Any], key: int, replicate: int = 0,
              skip: Iterable[str] = ()) -> dict[str, Any]:
        """``config`` with the drawn values set on it (paths in ``skip`` left as they are).

        Raises:
            PosteriorError: a path the configuration has no place for (a company
                index it lacks), naming the file and the column.
        """
        skipped = {_normal(path) for path in skip}
        out = dict(config)
        for path, value in self.draw(key, replicate).items():
            if _normal(path) in skipped:
                continue
            try:
                out = parameters.set_path(out, path, value)
            except ParameterError as error:
                raise PosteriorError(self.source, f"column {path}", value,
                                     f"a parameter this world has ({error.allowed})") from None
        return parameters.resolve(out)

    def drawn(self, key: int, replicate: int = 0, skip: Iterable[str] = ()) -> dict[str, float]:
        """:meth:`draw` without the paths in ``skip`` (what :meth:`apply` sets)."""
        skipped = {_normal(path) for path in skip}
        return {path: value for path, value in self.draw(key, replicate).items()
                if _normal(path) not in skipped}

    def summary(self) -> list[dict[str, float | str]]:
        """Per parameter: weighted mean, 5 %, 50 % and 95 % quantiles."""
        rows = []
        for j, path in enumerate(self.paths):
            x = self.values[:, j]
            q05, q50, q95 = weighted_quantiles(x, self.weights, (0.05, 0.5, 0.95))
            rows.append({"path": path, "mean": float(np.sum(x * self.weights)),
                         "q05": q05, "q50": q50, "q95": q95})
        return rows


def value_at(config: Mapping[str, Any], path: str) -> Any:
    """The value at a parameter path of a configuration (``companies[1].quality``)."""
    node: Any = config
    for part in parameters.split_path(path):
        node = node[part]
    return node


def _normal(path: str) -> tuple[str | int, ...]:
    try:
        return tuple(parameters.split_path(path))
    except ParameterError:
        return (path,)


def _words(value: int) -> list[int]:
    value = int(value)
    if not 0 <= value <= limits.MAX_SEED:
        raise ValueError(f"key must be in [0, 2**64 - 1], got {value}")
    return [value & 0xFFFFFFFF, value >> 32]


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: Iterable[float]) -> list[float]:
    """Quantiles of weighted samples (the inverse of the weighted empirical CDF, midpoints)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order] / w.sum()
    cdf = np.cumsum(w) - 0.5 * w
    return [float(np.interp(q, cdf, x)) for q in qs]


def load(path: str | os.PathLike[str], label: str | None = None) -> Posterior:
    """Read and check a posterior file.

    Args:
        path: The file (``posterior.csv`` of a calibration).
        label: How messages name it (default: the path as given).

    Raises:
        PosteriorError: naming the file, the row and column and what is allowed, for a
            missing file, a header that is not ``weight`` and parameter paths, a value
            that is not a number or lies outside its parameter's declared bounds, a
            negative weight or weights that sum to zero.
    """
    name = str(path) if label is None else label
    try:
        data = limits.read_capped(path)
    except limits.TooLargeError as error:
        raise PosteriorError(name, "", error.got, error.allowed) from None
    except OSError:
        raise PosteriorError(name, "", str(path), "a readable posterior file "
                             "(posterior.csv written by influence calibrate)") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PosteriorError(name, "", "bytes that are not UTF-8", "a UTF-8 CSV file") from None
    rows = [(number, line) for number, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise PosteriorError(name, "", "an empty file", "a header and at least one particle")
    number, line = rows[0]
    header = [cell.strip() for cell in next(csv.reader(io.StringIO(line)))]
    if not header or header[0] != WEIGHT:
        raise PosteriorError(name, f"row {number}, column 1", header[0] if header else "",
                             f"'{WEIGHT}' (then one column per parameter path)")
    if len(header) < 2:
        raise PosteriorError(name, f"row {number}", line, "weight and at least one parameter")
    declared = []
    for column, path in enumerate(header[1:], 2):
        param = parameters.declared(path)
        if param is None or param.kind not in ("float", "int") or path in header[1:column - 1]:
            raise PosteriorError(name, f"row {number}, column {column}", path,
                                 "a numeric parameter path (see `influence params`), "
                                 "each once")
        declared.append((path, param))
    values, weights = [], []
    for number, line in rows[1:]:
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != len(header):
            raise PosteriorError(name, f"row {number}", f"{len(cells)} cells",
                                 f"{len(header)} cells ({', '.join(header)})")
        weight = _number(cells[0], name, number, WEIGHT)
        if weight < 0:
            raise PosteriorError(name, f"row {number}, column {WEIGHT}", cells[0],
                                 "a weight of at least 0")
        row = []
        for cell, (path, param) in zip(cells[1:], declared, strict=True):
            value = _number(cell, name, number, path)
            try:
                param.coerce(value, path)
            except ParameterError as error:
                raise PosteriorError(name, f"row {number}, column {path}", cell,
                                     error.allowed) from None
            row.append(value)
        weights.append(weight)
        values.append(row)
    total = math.fsum(weights)
    if not values or total <= 0:
        raise PosteriorError(name, "column weight", f"{len(values)} particles, weights "
                             f"summing to {total:g}", "at least one particle of positive weight")
    return Posterior(source=name, paths=tuple(p for p, _ in declared),
                     values=np.asarray(values, dtype=float),
                     weights=np.asarray(weights, dtype=float) / total)


def _number(cell: str, name: str, number: int, column: str) -> float:
    try:
        value = float(cell.strip())
    except ValueError:
        raise PosteriorError(name, f"row {number}, column {column}", cell,
                             "a number") from None
    if not math.isfinite(value):
        raise PosteriorError(name, f"row {number}, column {column}", cell, "a finite number")
    return value


def render(paths: Iterable[str], values: np.ndarray, weights: np.ndarray) -> bytes:
    """The text of a posterior file for these samples (what :func:`load` reads back)."""
    paths = list(paths)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([WEIGHT, *paths])
    for weight, row in zip(weights, values, strict=True):
        writer.writerow([repr(float(weight)), *(repr(float(v)) for v in row)])
    return buffer.getvalue().encode("utf-8")
