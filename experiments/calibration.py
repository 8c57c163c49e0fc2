"""``influence calibrate SPEC``: fit parameters to observed weekly series with ABC-SMC.

Approximate Bayesian computation by sequential Monte Carlo, from pyabc
(Klinger, Rickert & Hasenauer 2018; Schaelte et al. 2022): a population of
parameter sets ("particles") drawn from the priors is simulated, the
particles whose summary statistics fall within a tolerance of the observed
ones are kept, perturbed and simulated again with a smaller tolerance,
generation after generation. The last population, with its importance
weights, is the posterior. Nothing of the algorithm is written here: the
sampling, the adaptive distance (each statistic scaled by its spread,
``AdaptivePNormDistance``), the tolerance schedule (the median distance) and
the database are pyabc's.

A TOML spec says what to fit (see docs/calibration.md)::

    title = "..."
    scenario = "default"     # the world the data come from, with [set] on top
    seed = 1
    weeks = 52               # weeks simulated (default: the data's last week)

    [set]
    consumers = 600

    [data]
    file = "synthetic.csv"   # week, company, then any of likes, followers, sales, trust, reach
    series = ["sales", "trust"]

    [[parameters]]
    path = "companies[1].quality"
    prior = "uniform"        # or "normal" (truncated to range, with mean and sd)
    range = [0.3, 0.95]      # inside the declared bounds (`influence params`)

    [summary]
    stats = ["blocks"]       # blocks (means over `block` weeks), mean, slope
    block = 4

    [budget]
    population = 200         # particles per generation
    generations = 8          # at most
    simulations = 4000       # at most, in all (a resumed run counts what was done)

The output folder holds pyabc's database (``abc.db``); a second invocation
with the same ``--out`` continues from its last stored generation, so a run
killed (even by ``kill -9``) loses at most the generation in progress, and a
larger budget extends a finished run. A spec that differs in anything but
its budget is refused (exit 2).

Reproducibility: every simulation's model seed is derived from the spec's
seed and the particle's parameter values, so any particle can be simulated
again exactly. With ``--workers 1`` pyabc's proposals come from numpy's
global generator, seeded from the spec's seed before each generation: an
uninterrupted run is reproduced exactly. With several workers (or Dask) the
workers reseed themselves from the operating system and the order in which
particles finish varies, and a resumed run re-initialises pyabc's adaptive
distance from the database: those give another sample of the same
posterior, not the same numbers.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import logging
import math
import os
import re
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import numpy as np

from scenarios import display_path
from simulation import limits, parameters
from simulation.cli import _fail, _Integer, check_memory, check_out_dir, write_outputs
from simulation.parameters import InputFileError, ParameterError
from simulation.posterior import render as render_posterior
from simulation.posterior import weighted_quantiles
from simulation.seeds import MAX_KEY, canonical_json, derive_seed

#: Observed series a data file may carry, and the model column each is compared with.
OBSERVABLES: dict[str, str] = {
    "likes": "likes",          # likes on the company's influencers' posts, per week
    "followers": "followers",  # followers of its live influencers, at the week's end
    "sales": "sales",          # units sold per week
    "trust": "trust_mean",     # mean brand trust, 0-1 (a survey's mean on that scale)
    "reach": "impressions",    # impressions of its influencers' posts, per week
}

#: Series that are counts (non-negative); the others are shares in [0, 1].
COUNTS = frozenset({"likes", "followers", "sales", "reach"})

#: Statistics of a series the spec may ask for.
STATS = ("blocks", "mean", "slope")

PRIORS = ("uniform", "normal")

TOP_KEYS = ("title", "description", "scenario", "seed", "weeks", "set", "data", "parameters",
            "summary", "budget", "truth")
DATA_KEYS = ("file", "series", "counts")

#: What the data's counts count: "modelled" consumers (the model's own units, as the
#: synthetic example writes them) or the whole "market" (real counts: the model's are
#: scaled by market_size / consumers before they are compared).
COUNT_UNITS = ("modelled", "market")
PARAMETER_KEYS = ("path", "prior", "range", "mean", "sd")
SUMMARY_KEYS = ("stats", "block")
BUDGET_KEYS = ("population", "generations", "simulations", "min_epsilon")

#: Files of the output folder.
DB_NAME = "abc.db"
RECORD_NAME = "calibration.json"
LOCK_NAME = ".calibrate.lock"

#: Posterior-predictive draws simulated for the figure.
PREDICTIVE_DRAWS = 40

#: Bumped when what a spec computes changes meaning (it enters the digest).
FORMAT = 1


class CalibrationError(InputFileError):
    """A calibration spec or data file that cannot be used: one line, file and place."""


# --------------------------------------------------------------------------
# The spec
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Prior:
    """One fitted parameter.

    Attributes:
        path: Parameter path (``--set`` syntax).
        key: The name pyabc stores it under (the path with non-word characters as ``_``).
        kind: ``uniform`` or ``normal`` (truncated to ``[low, high]``).
        low: Lower end of the prior's support.
        high: Upper end.
        mean: Normal prior's mean (None for uniform).
        sd: Normal prior's standard deviation (None for uniform).
    """

    path: str
    key: str
    kind: str
    low: float
    high: float
    mean: float | None = None
    sd: float | None = None

    def rv(self) -> Any:
        """The pyabc random variable of this prior."""
        import pyabc

        if self.kind == "uniform":
            return pyabc.RV("uniform", self.low, self.high - self.low)
        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        return pyabc.RV("truncnorm", a, b, loc=self.mean, scale=self.sd)

    def sample(self, rng: np.random.Generator) -> float:
        """One value from the prior (for synthetic truths)."""
        if self.kind == "uniform":
            return float(rng.uniform(self.low, self.high))
        while True:
            value = float(rng.normal(self.mean, self.sd))
            if self.low <= value <= self.high:
                return value

    def describe(self) -> str:
        """The prior in words: ``uniform [0.3, 0.95]``."""
        if self.kind == "uniform":
            return f"uniform [{self.low:g}, {self.high:g}]"
        return f"normal({self.mean:g}, {self.sd:g}) on [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Statistic:
    """One summary statistic: a statistic of one series of one company over some weeks."""

    key: str
    company: int
    series: str
    kind: str
    weeks: tuple[int, ...]


@dataclass(frozen=True)
class Observed:
    """The observed data: per (company index, series), the weeks observed and the values."""

    source: str
    series: tuple[str, ...]
    values: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = field(repr=False)

    def records(self) -> list[list[Any]]:
        """The data as sorted ``[company, series, week, value]`` lists (for the digest)."""
        out = []
        for (company, series), (weeks, values) in sorted(self.values.items()):
            out += [[company, series, int(w), float(v)] for w, v in zip(weeks, values,
                                                                       strict=True)]
        return out


@dataclass(frozen=True)
class CalibrationSpec:
    """A loaded, checked calibration spec."""

    title: str
    source: Path
    label: str
    seed: int
    weeks: int
    base: dict[str, Any] = field(repr=False)
    scenario: str
    observed: Observed
    priors: tuple[Prior, ...]
    stats: tuple[str, ...]
    block: int
    population: int
    generations: int
    simulations: int
    min_epsilon: float
    truth: dict[str, float]
    counts: str = "modelled"

    @property
    def companies(self) -> list[str]:
        """Company names of the base world, by index."""
        return [str(c["name"]) for c in self.base["companies"]]

    def statistics(self) -> list[Statistic]:
        """Every summary statistic, in a fixed order."""
        out = []
        for (company, series), (weeks, _) in sorted(self.observed.values.items()):
            weeks = [int(w) for w in weeks]
            if "blocks" in self.stats:
                for first in range(1, self.weeks + 1, self.block):
                    inside = tuple(w for w in weeks if first <= w < first + self.block)
                    if inside:
                        out.append(Statistic(f"c{company}_{series}_b{first}", company, series,
                                             "mean", inside))
            if "mean" in self.stats:
                out.append(Statistic(f"c{company}_{series}_mean", company, series, "mean",
                                     tuple(weeks)))
            if "slope" in self.stats and len(weeks) >= 2:
                out.append(Statistic(f"c{company}_{series}_slope", company, series, "slope",
                                     tuple(weeks)))
        return out

    def digest(self) -> str:
        """SHA-256 of what the fit means: world, data, priors, statistics, seed, population.

        The rest of the budget (generations, simulations, the tolerance to stop at)
        is left out, so that a run can be extended.
        """
        content = {"format": FORMAT, "base": self.base, "weeks": self.weeks, "seed": self.seed,
                   "data": self.observed.records(),
                   "priors": [vars(p) for p in self.priors], "stats": list(self.stats),
                   "block": self.block, "population": self.population}
        if self.counts != "modelled":  # a spec that does not say keeps its old digest
            content["counts"] = self.counts
        return hashlib.sha256(canonical_json(content).encode("ascii")).hexdigest()


def load_spec(path: str | os.PathLike[str]) -> CalibrationSpec:
    """Read and check a calibration spec and its data file.

    Raises:
        CalibrationError: one line naming the file, the key path (or the data
            file's row and column), the value and what is allowed.
    """
    source = Path(path)
    label = display_path(source)
    if not source.is_file():
        raise CalibrationError(label, "", str(path), "a readable calibration spec (.toml file)")
    try:
        content = limits.read_capped(source)
    except limits.TooLargeError as error:
        raise CalibrationError(label, "", error.got, error.allowed) from None
    return parse_spec(spec_toml(content, label), source)


def spec_toml(content: bytes, label: str) -> dict[str, Any]:
    """Parse a spec's bytes as TOML, any fault (too large too) as one :class:`CalibrationError`.

    Shared by :func:`load_spec` and the web UI's upload, so a file refused on the
    command line is refused in the page with the same words.
    """
    try:
        if len(content) > limits.MAX_FILE_BYTES:
            raise limits.TooLargeError()
        return limits.parse_toml(content.decode("utf-8"))
    except (limits.TooDeepError, limits.TooLargeError) as error:
        raise CalibrationError(label, "", error.got, error.allowed) from None
    except UnicodeDecodeError:
        raise CalibrationError(label, "", "bytes that are not UTF-8",
                               "a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as error:
        raise CalibrationError(label, "", f"malformed TOML: {error}",
                               "a valid TOML file") from None


def parse_spec(raw: Mapping[str, Any], source: Path) -> CalibrationSpec:
    """Check a parsed spec (see :func:`load_spec`); ``source`` anchors relative paths."""
    label = display_path(source)

    def fail(where: str, value: Any, allowed: str) -> CalibrationError:
        return CalibrationError(label, where, value, allowed)

    _known(raw, TOP_KEYS, "", fail)
    title = raw.get("title", source.stem)
    if not isinstance(title, str) or not title.strip():
        raise fail("title", title, "a non-empty string")
    seed = _integer(raw.get("seed", 0), "seed", 0, MAX_KEY, fail)

    import scenarios

    scenario_ref = raw.get("scenario", "default")
    if not isinstance(scenario_ref, str) or not scenario_ref.strip():
        raise fail("scenario", scenario_ref, "a shipped scenario name or a .toml file")
    try:
        scenario = scenarios.load_within(scenario_ref, source.resolve().parent, label=label,
                                         key="scenario", whose="the spec")
    except scenarios.ScenarioError as error:
        raise CalibrationError(error.file, error.path, error.value, error.allowed) from None
    base = dict(scenario.config)
    fixed = raw.get("set", {})
    _table(fixed, "set", fail)
    for path, value in fixed.items():
        if isinstance(value, str) and parameters.declared(path) is not None \
                and parameters.declared(path).kind in ("float", "int"):
            raise fail(f"set.{path}", value, "a number, not a string")
        try:
            base = parameters.set_path(base, path, value)
        except ParameterError as error:
            raise fail(f"set.{path}", value, error.allowed) from None
    try:
        base = parameters.resolve(base)
    except ParameterError as error:
        raise fail(f"set.{error.path}", error.value, error.allowed) from None
    names = [str(c["name"]) for c in base["companies"]]

    data = raw.get("data")
    if data is None:
        raise fail("data", "nothing", "a [data] table with file = \"your.csv\"")
    _table(data, "data", fail)
    _known(data, DATA_KEYS, "data", fail)
    file = data.get("file")
    if not isinstance(file, str) or not file.strip():
        raise fail("data.file", file, "the path of a CSV file, relative to the spec")
    data_path = (source.parent / file) if not os.path.isabs(file) else Path(file)
    chosen = data.get("series")
    if chosen is not None and (not isinstance(chosen, list) or not chosen
                               or not all(isinstance(s, str) for s in chosen)
                               or len(set(chosen)) != len(chosen)
                               or any(s not in OBSERVABLES for s in chosen)):
        raise fail("data.series", chosen,
                   "a non-empty list of distinct series among " + ", ".join(OBSERVABLES))
    counts = data.get("counts", "modelled")
    if counts not in COUNT_UNITS:
        raise fail("data.counts", counts, "one of " + ", ".join(COUNT_UNITS) + " (what the "
                   "data's likes, followers, sales and reach count)")
    observed = read_data(data_path, names, chosen, limits.MAX_STEPS)
    last = max(int(w[-1]) for w, _ in observed.values.values())
    weeks = _integer(raw.get("weeks", last), "weeks", 1, limits.MAX_STEPS, fail)
    if weeks < last:
        raise fail("weeks", weeks, f"at least {last}, the last week of {observed.source}")

    tables = raw.get("parameters")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict)
                                                             for t in tables):
        raise fail("parameters", tables, "a non-empty list of [[parameters]] tables")
    priors = [_prior(t, f"parameters[{i}]", base, fixed, fail) for i, t in enumerate(tables)]
    paths = [p.path for p in priors]
    keys = [p.key for p in priors]
    for i, prior in enumerate(priors):
        if paths.index(prior.path) != i or keys.index(prior.key) != i:
            raise fail(f"parameters[{i}].path", prior.path, "a parameter no other entry fits")

    summary = raw.get("summary", {})
    _table(summary, "summary", fail)
    _known(summary, SUMMARY_KEYS, "summary", fail)
    stats = summary.get("stats", ["blocks"])
    if not isinstance(stats, list) or not stats or any(s not in STATS for s in stats) \
            or len(set(stats)) != len(stats):
        raise fail("summary.stats", stats,
                   "a non-empty list of distinct statistics among " + ", ".join(STATS))
    block = _integer(summary.get("block", 4), "summary.block", 1, limits.MAX_STEPS, fail)

    budget = raw.get("budget", {})
    _table(budget, "budget", fail)
    _known(budget, BUDGET_KEYS, "budget", fail)
    population = _integer(budget.get("population", 200), "budget.population", 10, 100_000, fail)
    generations = _integer(budget.get("generations", 8), "budget.generations", 1, 1000, fail)
    simulations = _integer(budget.get("simulations", 20 * population), "budget.simulations",
                           population, 100_000_000, fail)
    min_epsilon = budget.get("min_epsilon", 0.0)
    if isinstance(min_epsilon, bool) or not isinstance(min_epsilon, int | float) \
            or not math.isfinite(min_epsilon) or min_epsilon < 0:
        raise fail("budget.min_epsilon", min_epsilon, "a number >= 0")

    truth = raw.get("truth", {})
    _table(truth, "truth", fail)
    for path, value in truth.items():
        if path not in paths:
            raise fail(f"truth.{path}", value, "a fitted parameter's path (" +
                       ", ".join(paths) + ")")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(f"truth.{path}", value, "a number")
    spec = CalibrationSpec(
        title=title, source=source, label=label, seed=seed, weeks=weeks, base=base,
        scenario=str(scenario.source), observed=observed, priors=tuple(priors),
        stats=tuple(stats), block=block, population=population, generations=generations,
        simulations=simulations, min_epsilon=float(min_epsilon),
        truth={k: float(v) for k, v in truth.items()}, counts=counts)
    if not spec.statistics():
        raise fail("summary.stats", stats, "statistics the data can give (a slope needs two "
                   "observed weeks)")
    return spec


def _prior(table: Mapping[str, Any], where: str, base: Mapping[str, Any],
           fixed: Mapping[str, Any], fail: Any) -> Prior:
    _known(table, PARAMETER_KEYS, where, fail)
    path = table.get("path")
    if not isinstance(path, str) or not path.strip():
        raise fail(f"{where}.path", path, "a parameter path, e.g. companies[1].quality")
    path = path.strip()
    param = parameters.declared(path)
    if param is None:
        raise fail(f"{where}.path", path, "a declared parameter path (see `influence params`)")
    if param.kind != "float":
        raise fail(f"{where}.path", path, f"a real-valued parameter ({path} is "
                   f"{'an integer' if param.kind == 'int' else 'a ' + param.kind})")
    if path in fixed:
        raise fail(f"{where}.path", path, "a parameter not also fixed in [set]")
    try:
        parameters.set_path(dict(base), path, param.default)
    except ParameterError as error:
        raise fail(f"{where}.path", path, error.allowed) from None
    kind = table.get("prior", "uniform")
    if kind not in PRIORS:
        raise fail(f"{where}.prior", kind, "one of " + ", ".join(PRIORS))
    bounds = f"[{param.allowed().split('[', 1)[1]}"
    span = table.get("range", [param.low, param.high])
    if not isinstance(span, list) or len(span) != 2 or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in span) or not span[0] < span[1]:
        raise fail(f"{where}.range", span, "[low, high], two numbers with low < high")
    low, high = float(span[0]), float(span[1])
    if low < param.low or high > param.high:
        raise fail(f"{where}.range", span,
                   f"a range inside {bounds}, the declared bounds of {path}")
    mean = sd = None
    if kind == "normal":
        for key in ("mean", "sd"):
            value = table.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value):
                raise fail(f"{where}.{key}", value, "a number (a normal prior needs mean and sd)")
        mean, sd = float(table["mean"]), float(table["sd"])
        if not low <= mean <= high:
            raise fail(f"{where}.mean", table["mean"], f"a mean inside the range [{low:g}, "
                       f"{high:g}]")
        if sd <= 0:
            raise fail(f"{where}.sd", table["sd"], "a standard deviation > 0")
    else:
        for key in ("mean", "sd"):
            if key in table:
                raise fail(f"{where}.{key}", table[key], "no mean or sd for a uniform prior")
    key = re.sub(r"\W", "_", path)
    return Prior(path=path, key=key, kind=kind, low=low, high=high, mean=mean, sd=sd)


def _known(table: Mapping[str, Any], keys: Sequence[str], where: str, fail: Any) -> None:
    for key in table:
        if key not in keys:
            at = f"{where}.{key}" if where else key
            raise fail(at, key, "one of the keys " + ", ".join(keys))


def _table(value: Any, where: str, fail: Any) -> None:
    if not isinstance(value, dict):
        raise fail(where, value, "a table")


def _integer(value: Any, where: str, low: int, high: int, fail: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(where, value, f"an integer in [{low}, {high:,}]")
    return value


# --------------------------------------------------------------------------
# Observed data
# --------------------------------------------------------------------------
def read_data(path: Path, companies: Sequence[str], chosen: Sequence[str] | None,
              max_week: int) -> Observed:
    """Read and check an observed data file.

    The file is CSV, lines starting with ``#`` are comments; its header is
    ``week``, ``company`` and any of :data:`OBSERVABLES`. A row is one week
    of one company; an empty cell is a week not observed, and weeks may be
    left out altogether. Rows of one company must come in week order, each
    week once. Rows are numbered as lines of the file (comments counted).

    Raises:
        CalibrationError: naming the file, the row and the column.
    """
    name = display_path(path)

    def fail(where: str, value: Any, allowed: str) -> CalibrationError:
        return CalibrationError(name, where, value, allowed)

    try:
        data = limits.read_capped(path)
    except limits.TooLargeError as error:
        raise fail("", error.got, error.allowed) from None
    except OSError:
        raise fail("", str(path), "a readable CSV file of observed weekly series") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail("", "bytes that are not UTF-8", "a UTF-8 CSV file") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise fail("", "a file with no rows", "a header (week, company, series...) and rows")
    number, line = lines[0]
    header = [cell.strip() for cell in _cells(line)]
    allowed_columns = "week, company and any of " + ", ".join(OBSERVABLES)
    for position, column in enumerate(header, 1):
        if column not in ("week", "company", *OBSERVABLES) or header.index(column) != \
                position - 1:
            raise fail(f"row {number}, column {position}", column,
                       f"the columns {allowed_columns}, each once")
    for needed in ("week", "company"):
        if needed not in header:
            raise fail(f"row {number}", ",".join(header), f"a header with a {needed} column "
                       f"({allowed_columns})")
    present = [c for c in header if c in OBSERVABLES]
    if not present:
        raise fail(f"row {number}", ",".join(header),
                   f"a header with at least one series ({', '.join(OBSERVABLES)})")
    series = list(chosen) if chosen is not None else present
    for wanted in series:
        if wanted not in present:
            raise fail(f"row {number}", ",".join(header),
                       f"a column {wanted} (the spec's data.series asks for it)")
    found: dict[tuple[int, str], tuple[list[int], list[float]]] = {}
    last: dict[str, tuple[int, int]] = {}
    for number, line in lines[1:]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise fail(f"row {number}", f"{len(cells)} cells",
                       f"{len(header)} cells, as the header ({', '.join(header)})")
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        company = row["company"]
        if company not in companies:
            raise fail(f"row {number}, column company", company,
                       "a company of the spec's world (" + ", ".join(companies) + ")")
        week_text = row["week"]
        if not re.fullmatch(r"\+?\d+", week_text) or not 1 <= int(week_text) <= max_week:
            raise fail(f"row {number}, column week", week_text,
                       f"a week number, an integer in [1, {max_week:,}]")
        week = int(week_text)
        if company in last and week <= last[company][0]:
            before, where = last[company]
            raise fail(f"row {number}, column week", week_text,
                       f"a week after {before} (row {where}, the previous row of {company}): "
                       "rows of a company in week order, each week once")
        last[company] = (week, number)
        for column in present:
            cell = row[column]
            if not cell:
                continue  # a week not observed
            allowed = ("a count of at least 0, or nothing for a week not observed"
                       if column in COUNTS else
                       "a share in [0, 1], or nothing for a week not observed")
            try:
                value = float(cell)
            except ValueError:
                raise fail(f"row {number}, column {column}", cell, allowed) from None
            if not math.isfinite(value) or value < 0 or (column not in COUNTS and value > 1):
                raise fail(f"row {number}, column {column}", cell, allowed)
            if column in series:
                weeks, values = found.setdefault((companies.index(company), column), ([], []))
                weeks.append(week)
                values.append(value)
    if not found:
        raise fail("", "no observed value", "at least one observed value of "
                   + ", ".join(series))
    return Observed(source=name, series=tuple(series),
                    values={k: (np.asarray(w, dtype=np.int64), np.asarray(v, dtype=float))
                            for k, (w, v) in found.items()})


def _cells(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line)))


# --------------------------------------------------------------------------
# The simulator pyabc calls
# --------------------------------------------------------------------------
def _slope(weeks: np.ndarray, values: np.ndarray) -> float:
    w = weeks - weeks.mean()
    return float(np.dot(w, values - values.mean()) / np.dot(w, w))


def statistic_values(statistics: Sequence[Statistic],
                     series: Mapping[tuple[int, str], np.ndarray]) -> dict[str, float]:
    """The statistics of weekly series indexed by week (index 0 = week 0)."""
    out = {}
    for stat in statistics:
        weeks = np.asarray(stat.weeks)
        values = series[(stat.company, stat.series)][weeks]
        out[stat.key] = float(values.mean()) if stat.kind == "mean" else _slope(
            weeks.astype(float), values)
    return out


def observed_series(spec: CalibrationSpec) -> dict[tuple[int, str], np.ndarray]:
    """The observed values as week-indexed arrays (NaN where not observed)."""
    out = {}
    for key, (weeks, values) in spec.observed.values.items():
        full = np.full(spec.weeks + 1, np.nan)
        full[weeks] = values
        out[key] = full
    return out


@dataclass(frozen=True)
class Simulator:
    """One model run for a particle: what pyabc calls (module level, so it pickles)."""

    base: dict[str, Any] = field(repr=False)
    priors: tuple[Prior, ...]
    weeks: int
    seed: int
    statistics: tuple[Statistic, ...]
    series: tuple[str, ...]
    parent: int | None = None  # set for local forked workers: they die with this process
    count_scale: float = 1.0   # real people per modelled consumer, for data in market counts

    def config(self, values: Mapping[str, float]) -> dict[str, Any]:
        """The resolved configuration of a particle (values by pyabc key)."""
        config = dict(self.base)
        for prior in self.priors:
            value = min(max(float(values[prior.key]), prior.low), prior.high)
            config = parameters.set_path(config, prior.path, value)
        return parameters.resolve(config)

    def run_seed(self, values: Mapping[str, float], replicate: int = 0) -> int:
        """The model seed of a particle: from the spec's seed and the parameter values."""
        point = {p.path: float(values[p.key]) for p in self.priors}
        return derive_seed(self.seed, point, replicate)

    def simulate(self, values: Mapping[str, float], replicate: int = 0
                 ) -> dict[tuple[int, str], np.ndarray]:
        """The week-indexed series the statistics read, per (company index, series)."""
        from simulation.model import InfluenceModel

        model = InfluenceModel(rng=self.run_seed(values, replicate), **self.config(values))
        for _ in range(self.weeks):
            model.step()
        frame = model.timeseries()
        names = [c.name for c in model.companies]
        out = {}
        for index, name in enumerate(names):
            own = frame[frame["company"] == name].sort_values("step")
            for series in self.series:
                values = own[OBSERVABLES[series]].to_numpy(dtype=float)
                out[(index, series)] = values * self.count_scale if series in COUNTS \
                    else values
        return out

    def __call__(self, values: Mapping[str, float]) -> dict[str, float]:
        global _ARMED
        if self.parent is not None and os.getpid() != _ARMED and os.getpid() != self.parent:
            from experiments.executors import die_with_parent

            # A kill -9 of the command must not leave pyabc's forked workers running
            # (and holding the folder's lock, so that a resume would be refused).
            die_with_parent(self.parent)
            _ARMED = os.getpid()
        return statistic_values(self.statistics, self.simulate(values))


#: The process that has armed its death with its parent (see Simulator.__call__).
_ARMED: int | None = None


def simulator(spec: CalibrationSpec) -> Simulator:
    """The spec's simulator."""
    scale = spec.base["market_size"] / spec.base["consumers"] if spec.counts == "market" \
        else 1.0
    return Simulator(base=spec.base, priors=spec.priors, weeks=spec.weeks, seed=spec.seed,
                     statistics=tuple(spec.statistics()), series=spec.observed.series,
                     count_scale=scale)


# --------------------------------------------------------------------------
# Running pyabc
# --------------------------------------------------------------------------
@dataclass
class Fit:
    """What a calibration produced: the last population and how it got there."""

    spec: CalibrationSpec
    values: np.ndarray = field(repr=False)   # (particles, parameters), by spec.priors order
    weights: np.ndarray = field(repr=False)
    generations: list[dict[str, Any]]
    simulations: int
    resumed_from: int | None
    seconds: float

    def table(self) -> list[dict[str, Any]]:
        """Per parameter: prior, weighted mean and sd, 5 %, 50 % and 95 % quantiles, truth."""
        rows = []
        for j, prior in enumerate(self.spec.priors):
            x = self.values[:, j]
            mean = float(np.sum(self.weights * x))
            sd = float(math.sqrt(max(0.0, np.sum(self.weights * (x - mean) ** 2))))
            q05, q50, q95 = weighted_quantiles(x, self.weights, (0.05, 0.5, 0.95))
            row = {"path": prior.path, "prior": prior.describe(), "mean": mean, "sd": sd,
                   "q05": q05, "q50": q50, "q95": q95}
            if prior.path in self.spec.truth:
                truth = self.spec.truth[prior.path]
                row["truth"] = truth
                row["covered"] = bool(q05 <= truth <= q95)
            rows.append(row)
        return rows


def _sampler(workers: int, scheduler: str | None, dask_local: int | None,
             progress: bool) -> tuple[Any, Any]:
    """The pyabc sampler, and what to close after (a Dask client or cluster), or None."""
    import pyabc

    if scheduler is not None or dask_local is not None:
        from dask.distributed import Client, LocalCluster

        if scheduler is not None:
            client = Client(scheduler.strip(), timeout=10)
            closer: Any = client
        else:
            cluster = LocalCluster(n_workers=dask_local, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
            closer = _Both(client, cluster)
        sampler = pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=4)
        sampler.show_progress = progress
        return sampler, closer
    if workers == 1:
        sampler = pyabc.sampler.SingleCoreSampler()
    else:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    sampler.show_progress = progress
    return sampler, None


@dataclass
class _Both:
    client: Any
    cluster: Any

    def close(self) -> None:
        # pyabc leaves surplus particles running; the nanny's note on killing them is noise.
        logging.getLogger("distributed").setLevel(logging.ERROR)
        self.client.close()
        self.cluster.close()


def _reseed(seed: int, generation: int) -> None:
    """Seed numpy's and Python's global generators (pyabc draws from them) per generation."""
    import random

    state = np.random.SeedSequence([seed & 0xFFFFFFFF, seed >> 32, generation + 1, 0xABC])
    words = state.generate_state(4)
    np.random.seed(words)
    random.seed(int(words[0]) << 32 | int(words[1]))


def _record(spec: CalibrationSpec, status: str, **extra: Any) -> bytes:
    from simulation.output import jsonable, versions

    return (json.dumps(jsonable({
        "spec": str(spec.source), "title": spec.title, "digest": spec.digest(),
        "data": spec.observed.source, "scenario": spec.scenario, "seed": spec.seed,
        "weeks": spec.weeks, "parameters": [p.path for p in spec.priors],
        "statistics": len(spec.statistics()), "status": status, **extra,
        "versions": versions(),
    }), indent=2, allow_nan=False) + "\n").encode("utf-8")


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    import fcntl

    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _fail(f"--out: got {str(folder)!r}; allowed: a folder no other calibration "
                        "is writing (one is running there now)") from None
        try:
            yield
        finally:
            # The lock file stays (removing it would let two runs lock two inodes), except
            # in a folder this run created and failed before writing anything into.
            if created and [p.name for p in folder.iterdir()] == [LOCK_NAME]:
                with contextlib.suppress(OSError):
                    path.unlink()
                    folder.rmdir()
    finally:
        os.close(fd)


def _check_resumable(spec: CalibrationSpec, out: Path) -> bool:
    """Whether ``out`` holds a calibration of this spec to continue (False: start anew).

    Raises:
        click.UsageError: when it holds another spec's calibration.
    """
    record = out / RECORD_NAME
    if not record.is_file():
        if (out / DB_NAME).exists():
            raise _fail(f"--out: got {str(out)!r}; allowed: a new folder or one of a "
                        f"calibration of this spec ({DB_NAME} is there without {RECORD_NAME})")
        return False
    try:
        earlier = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        earlier = {}
    if earlier.get("digest") != spec.digest():
        raise _fail(f"--out: got {str(out)!r}, which holds a calibration of another spec "
                    f"({earlier.get('spec', '?')}: its data, world, priors, statistics, seed "
                    "or population differ); allowed: a new folder, or the same spec (only "
                    "its budget may change, to extend the run)")
    return (out / DB_NAME).exists()


def _write_record(out: Path, record: bytes) -> None:
    from simulation.output import atomic_write_many

    try:
        atomic_write_many(out, {RECORD_NAME: record})
    except OSError as error:
        raise _fail(f"--out: got {str(out)!r}; allowed: a folder that can be written "
                    f"({error.strerror or error})") from None


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        click.echo(text, err=True)


def run_calibration(spec: CalibrationSpec, out: Path, *, workers: int = 1,
                    scheduler: str | None = None, dask_local: int | None = None,
                    quiet: bool = True, predictive: bool = True) -> Fit:
    """Run (or continue) the ABC-SMC fit of ``spec`` into ``out`` and write its files.

    Returns:
        The fit: the last population, its weights, each generation's epsilon,
        acceptance and simulations.
    """
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    started = time.monotonic()
    with _lock(out):
        resume = _check_resumable(spec, out)
        db = "sqlite:///" + str((out / DB_NAME).resolve())
        model = simulator(spec)
        if workers > 1 and scheduler is None and dask_local is None:
            model = dataclasses.replace(model, parent=os.getpid())
        prior = pyabc.Distribution(**{p.key: p.rv() for p in spec.priors})
        sampler, closer = _sampler(workers, scheduler, dask_local,
                                   progress=not quiet and _isatty(sys.stderr))
        try:
            abc = pyabc.ABCSMC(model, prior, pyabc.distance.AdaptivePNormDistance(p=2),
                               population_size=spec.population, sampler=sampler)
            resumed_from = None
            history = None
            if resume:
                try:
                    history = abc.load(db, 1)
                    resumed_from = int(history.max_t)
                except Exception:  # a database a kill left before its first record
                    history = None
            if history is None:
                with contextlib.suppress(FileNotFoundError):
                    (out / DB_NAME).unlink()
                _write_record(out, _record(spec, "running"))
                observed = statistic_values(model.statistics, observed_series(spec))
                history = abc.new(db, observed)
            elif resumed_from is not None and resumed_from >= 0:
                _say(quiet, f"resuming {out}: {resumed_from + 1} generation"
                            f"{'s' if resumed_from else ''} stored, "
                            f"{history.total_nr_simulations:,} simulations done")
            _generations(abc, history, spec, quiet)
        finally:
            if closer is not None:
                closer.close()
        fit = _fit(spec, history, resumed_from, time.monotonic() - started)
        if fit.values.size == 0:
            raise _fail(f"budget: got {spec.simulations:,} simulations; allowed: a budget "
                        "large enough for one generation")
        files = outputs(fit, model, predictive=predictive)
        write_outputs(out, files, quiet=quiet)
        _write_record(out, _record(spec, "done", generations=fit.generations,
                                   simulations=fit.simulations, table=fit.table()))
    return fit


def _next_cost(history: Any, population: int) -> int:
    """Simulations the next generation is expected to need: population / last acceptance."""
    if history.max_t < 0:
        return 2 * population
    last = history.get_all_populations().iloc[-1]
    return int(math.ceil(population * float(last["samples"]) / max(1, int(last["particles"]))))


def _generations(abc: Any, history: Any, spec: CalibrationSpec, quiet: bool) -> None:
    """Run generations while the budget allows (one progress line each).

    A generation is started only if the simulations left in the budget cover
    what it is expected to need (the population over the last acceptance
    rate), except the first, so a run rarely overshoots its budget by more
    than the spread of that guess.
    """

    def stop_reason() -> str | None:
        stored = int(history.max_t) + 1
        total = int(history.total_nr_simulations)
        if stored >= spec.generations:
            return f"{stored} generations, the budget's"
        if stored and total + _next_cost(history, spec.population) > spec.simulations:
            return (f"{total:,} simulations done and the next generation would need about "
                    f"{_next_cost(history, spec.population):,}, more than the "
                    f"{max(0, spec.simulations - total):,} left of the budget's "
                    f"{spec.simulations:,}")
        return None

    reason = stop_reason()
    if reason is not None:
        _say(quiet, f"nothing to run ({reason}): writing the files")
        return
    stored = int(history.max_t) + 1
    _reseed(spec.seed, stored - 1)
    t = abc.initialize_components_before_run(
        minimum_epsilon=spec.min_epsilon, max_nr_populations=spec.generations - stored,
        min_acceptance_rate=0.0, max_total_nr_simulations=spec.simulations,
        max_walltime=None, min_eps_diff=0.0)
    while True:
        _reseed(spec.seed, t)
        began = time.monotonic()
        result = abc.run_generation(t=t)
        if not result["successful"]:
            _say(quiet, f"generation {t + 1}: pyabc could not complete it; stopping")
            return
        eps = float(abc.eps(t))
        _say(quiet, f"generation {t + 1}/{spec.generations}: epsilon {eps:.4g}, accepted "
                    f"{100 * result['acceptance_rate']:.1f} %, "
                    f"{history.total_nr_simulations:,} of {spec.simulations:,} simulations, "
                    f"{time.monotonic() - began:.1f} s")
        if eps <= spec.min_epsilon:
            _say(quiet, f"stopping: epsilon {eps:.4g} reached min_epsilon {spec.min_epsilon:g}")
            return
        reason = stop_reason()
        if reason is not None:
            _say(quiet, f"stopping: {reason}")
            return
        t += 1


def _fit(spec: CalibrationSpec, history: Any, resumed_from: int | None,
         seconds: float) -> Fit:
    populations = history.get_all_populations()
    generations = [{"generation": int(r.t) + 1, "epsilon": float(r.epsilon),
                    "simulations": int(r.samples)}
                   for r in populations.itertuples() if int(r.t) >= 0]
    if history.max_t < 0:
        return Fit(spec, np.empty((0, len(spec.priors))), np.empty(0), generations,
                   int(history.total_nr_simulations), resumed_from, seconds)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    values = frame[[p.key for p in spec.priors]].to_numpy(dtype=float)
    weights = np.asarray(weights, dtype=float)
    return Fit(spec, values, weights / weights.sum(), generations,
               int(history.total_nr_simulations), resumed_from, seconds)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------
def synthetic_csv(base: Mapping[str, Any], weeks: int, truth: Mapping[str, float], seed: int,
                  *, series: Sequence[str] = ("sales", "trust"),
                  every: Mapping[str, int] | None = None, missing: float = 0.1,
                  note: str = "") -> str:
    """A data file made by the model itself from known parameter values: labelled SYNTHETIC.

    Args:
        base: The world (resolved configuration) the data come from.
        weeks: Weeks 1..weeks are written.
        truth: The parameter values, by path, set on ``base``.
        seed: The model's seed (and, mixed, the seed of the weeks left out).
        series: Columns to write.
        every: Per series, observe only every n-th week (a monthly survey: ``{"trust": 4}``).
        missing: Share of the remaining cells left empty at random (weeks not observed).
        note: A line added to the header comment.

    Returns:
        The CSV text, with ``#`` comment lines saying it is synthetic and the truth.
    """
    from simulation.model import InfluenceModel

    every = {"trust": 4} if every is None else dict(every)
    config = dict(base)
    for path, value in truth.items():
        config = parameters.set_path(config, path, value)
    config = parameters.resolve(config)
    model = InfluenceModel(rng=seed, **config)
    for _ in range(weeks):
        model.step()
    frame = model.timeseries()
    rng = np.random.default_rng(np.random.SeedSequence([seed & 0xFFFFFFFF, seed >> 32, 0x5D]))
    truth_text = ", ".join(f"{k} = {v:.6g}" for k, v in truth.items())
    lines = ["# SYNTHETIC DATA: made by the influence model itself, not observed anywhere.",
             f"# True parameter values: {truth_text}.",
             f"# {config['consumers']:,} consumers, {weeks} weeks, model seed {seed}; counts "
             "are those of the modelled consumers."]
    if note:
        lines.append(f"# {note}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["week", "company", *series])
    for week in range(1, weeks + 1):
        for company in config["companies"]:
            own = frame[(frame["step"] == week) & (frame["company"] == company["name"])]
            row: list[Any] = [week, company["name"]]
            for name in series:
                value = float(own[OBSERVABLES[name]].iloc[0])
                skip = week % every.get(name, 1) != 0 or rng.random() < missing
                row.append("" if skip else (f"{value:.0f}" if name in COUNTS
                                            else f"{value:.5f}"))
            writer.writerow(row)
    return "\n".join(lines) + "\n" + buffer.getvalue()


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------
def posterior_toml(fit: Fit) -> bytes:
    """The posterior summary as TOML: per parameter, mean, sd and 90 % interval."""
    spec = fit.spec
    lines = [f"# Posterior of {spec.label} ({spec.title}); samples in posterior.csv",
             f"# {fit.simulations:,} simulations, {len(fit.generations)} generations, "
             f"{len(fit.weights)} particles", f"spec = {json.dumps(str(spec.source))}",
             f"digest = \"{spec.digest()}\"", ""]
    for row in fit.table():
        lines.append("[[parameters]]")
        lines.append(f"path = {json.dumps(row['path'])}")
        lines.append(f"prior = {json.dumps(row['prior'])}")
        for key in ("mean", "sd", "q05", "q50", "q95", "truth"):
            if key in row:
                lines.append(f"{key} = {row[key]!r}")
        if "covered" in row:
            lines.append(f"covered = {str(row['covered']).lower()}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def format_table(fit: Fit) -> str:
    """The posterior table printed by the command."""
    rows = fit.table()
    truth = any("truth" in r for r in rows)
    headers = ["parameter", "prior", "mean", "90 % interval"] + (["truth", ""] if truth else [])
    cells = []
    for r in rows:
        line = [r["path"], r["prior"], f"{r['mean']:.4g}", f"[{r['q05']:.4g}, {r['q95']:.4g}]"]
        if truth:
            line += ([f"{r['truth']:.4g}", "inside" if r["covered"] else "OUTSIDE"]
                     if "truth" in r else ["-", ""])
        cells.append(line)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                     for line in [headers, ["-" * w for w in widths], *cells])


def pair_figure(fit: Fit) -> bytes:
    """Pair plot of the posterior: weighted histograms, weighted scatter, truth if known."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    spec, k = fit.spec, len(fit.spec.priors)
    size = max(2.6, 2.2 * k)
    fig = Figure(figsize=(size, size), dpi=100, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    axes = fig.subplots(k, k, squeeze=False)
    w = fit.weights
    for i, pi in enumerate(spec.priors):
        for j, pj in enumerate(spec.priors):
            ax = axes[i][j]
            if i == j:
                ax.hist(fit.values[:, i], bins=20, weights=w, range=(pi.low, pi.high),
                        color="#4a7ab5")
                q05, q95 = weighted_quantiles(fit.values[:, i], w, (0.05, 0.95))
                ax.axvspan(q05, q95, color="#4a7ab5", alpha=0.15, lw=0)
                ax.set_xlim(pi.low, pi.high)
                ax.set_yticks([])
                if pi.path in spec.truth:
                    ax.axvline(spec.truth[pi.path], color="#c0392b", lw=1.5)
            elif i > j:
                ax.scatter(fit.values[:, j], fit.values[:, i], s=4 + 400 * w / w.max() / 20,
                           color="#4a7ab5", alpha=0.5, lw=0)
                ax.set_xlim(pj.low, pj.high)
                ax.set_ylim(pi.low, pi.high)
                if pi.path in spec.truth and pj.path in spec.truth:
                    ax.plot(spec.truth[pj.path], spec.truth[pi.path], marker="x", ms=9,
                            color="#c0392b", mew=2)
            else:
                ax.axis("off")
            if i == k - 1:
                ax.set_xlabel(pj.path, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.path, fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle(f"Posterior: {spec.title}" + (" (red: the true values)" if spec.truth else ""),
                 fontsize=9)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def predictive_series(fit: Fit, model: Simulator, draws: int = PREDICTIVE_DRAWS
               ) -> dict[tuple[int, str], np.ndarray]:
    """Posterior-predictive series: ``draws`` particles simulated anew (replicate 1).

    Returns:
        Per (company index, series): an array ``(draws, weeks + 1)``.
    """
    rng = np.random.default_rng(np.random.SeedSequence([fit.spec.seed & 0xFFFFFFFF,
                                                        fit.spec.seed >> 32, 0x9D]))
    picks = rng.choice(len(fit.weights), size=draws, p=fit.weights)
    out: dict[tuple[int, str], list[np.ndarray]] = {}
    for index in picks:
        values = {p.key: float(fit.values[index, j]) for j, p in enumerate(fit.spec.priors)}
        for key, series in model.simulate(values, replicate=1).items():
            out.setdefault(key, []).append(series)
    return {key: np.vstack(rows) for key, rows in out.items()}


def predictive_figure(fit: Fit, sims: Mapping[tuple[int, str], np.ndarray]) -> bytes:
    """Observed series against the posterior-predictive median and 5-95 % band."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    spec = fit.spec
    series = list(spec.observed.series)
    companies = sorted({c for c, _ in spec.observed.values})
    fig = Figure(figsize=(4.2 * len(companies), 2.6 * len(series)), dpi=100,
                 layout="constrained")
    canvas = FigureCanvasAgg(fig)
    axes = fig.subplots(len(series), len(companies), squeeze=False)
    weeks = np.arange(spec.weeks + 1)
    for row, name in enumerate(series):
        for col, company in enumerate(companies):
            ax = axes[row][col]
            key = (company, name)
            if key in sims:
                low, mid, high = np.percentile(sims[key], [5, 50, 95], axis=0)
                ax.fill_between(weeks, low, high, color="#4a7ab5", alpha=0.25, lw=0,
                                label="posterior predictive 5-95 %")
                ax.plot(weeks, mid, color="#4a7ab5", lw=1.2, label="median")
            if key in spec.observed.values:
                w, v = spec.observed.values[key]
                ax.plot(w, v, "o", ms=2.5, color="#222222", label="observed")
            ax.set_title(f"{spec.companies[company]}: {name}", fontsize=9)
            ax.tick_params(labelsize=7)
            if row == len(series) - 1:
                ax.set_xlabel("week", fontsize=8)
    axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle(f"Posterior predictive against {spec.observed.source}", fontsize=9)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def outputs(fit: Fit, model: Simulator, *, predictive: bool = True) -> dict[str, bytes]:
    """The calibration's result files, rendered in memory (``predictive``: with its figure)."""
    files = {
        "posterior.csv": render_posterior([p.path for p in fit.spec.priors], fit.values,
                                          fit.weights),
        "posterior.toml": posterior_toml(fit),
        "pairs.png": pair_figure(fit),
    }
    if predictive:
        files["predictive.png"] = predictive_figure(fit, predictive_series(fit, model))
    return files


# --------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------
@click.command(name="calibrate")
@click.argument("spec_file", metavar="SPEC", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
              required=True, help="Folder for the database, the posterior and the figures; "
                                  "the same folder again resumes.")
@click.option("--workers", type=_Integer(1), default=None,
              help="Local processes to simulate in  [default: 1; only 1 is reproducible].")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Simulate on a Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--dask-local", type=_Integer(1), default=None, metavar="N",
              help="Simulate on a local Dask cluster of N worker processes.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def calibrate(spec_file: Path, out: Path, workers: int | None, scheduler: str | None,
              dask_local: int | None, quiet: bool) -> None:
    """Fit parameters to observed weekly series by ABC-SMC (pyabc).

    SPEC names the observed data (a CSV of weekly series per company), the
    parameters to fit with their priors, the summary statistics and the budget;
    see docs/calibration.md. Writes posterior.csv (weighted samples, which
    `influence run/compare --posterior` and a sweep's `posterior =` accept),
    posterior.toml, pairs.png and predictive.png into --out. Run it again with
    the same --out to continue after an interruption or with a larger budget.
    """
    from .cli import check_executor

    check_executor(workers, scheduler, dask_local)
    try:
        spec = load_spec(spec_file)
    except InputFileError as error:
        raise _fail(str(error)) from None
    check_out_dir(out)
    local = workers or dask_local or 1
    if scheduler is None:
        check_memory(spec.base, copies=local)
    statistics = spec.statistics()
    _say(quiet, f"{spec.label}: {len(spec.priors)} parameters, {len(statistics)} statistics "
                f"from {spec.observed.source}; population {spec.population}, at most "
                f"{spec.generations} generations and {spec.simulations:,} simulations")
    try:
        fit = run_calibration(spec, out, workers=workers or 1, scheduler=scheduler,
                              dask_local=dask_local, quiet=quiet)
    except OSError as error:
        if scheduler is not None and not isinstance(error, FileNotFoundError):
            raise _fail(f"--scheduler: got {scheduler!r}; allowed: a reachable Dask "
                        f"scheduler ({error})") from None
        raise
    click.echo(f"{spec.title}: posterior after {len(fit.generations)} generations, "
               f"{fit.simulations:,} simulations ({fit.seconds:.0f} s this time)")
    click.echo(format_table(fit))
