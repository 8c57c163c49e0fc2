"""Experiment specs: a TOML file that says what to run, checked before anything runs.

A spec names a base scenario, the parameters to vary (by their key path in the
model's one declaration, :mod:`simulation.parameters`), a design, the number
of replicates and weeks, what to keep of each run and a root seed::

    title = "Transparency against budget"
    scenario = "default"            # a shipped scenario or a path (relative to this file)
    seed = 1
    replicates = 3
    weeks = 52

    [set]                           # fixed changes on top of the scenario, path = value
    consumers = 500

    [design]
    kind = "grid"                   # grid | lhs | sobol | morris
    # samples = 64                  # lhs: points; sobol: base samples N; morris: trajectories
    # levels = 4                    # morris: grid levels

    [[parameters]]
    path = "companies[1].transparency"
    values = [0.2, 0.5, 0.8]        # or range = [0.0, 1.0] (with steps = 5 in a grid)

    # posterior = "fit/posterior.csv"  # draw fitted parameters per replicate (influence calibrate)

    [outputs]
    every = 4                       # keep the time series every 4 weeks (0: only the end)
    end = true                      # add run-level summaries to the final week's rows
    metrics = ["trust_mean", "sales"]

A file may hold several sweeps as ``[[experiments]]`` tables (each with a
``name``); top-level keys are their defaults. ``[[hypotheses]]`` tables
(:mod:`experiments.hypotheses`) say how to judge claims from the runs.

Every mistake is reported as one line naming the file, the key path, the
value and what is allowed, like scenario files::

    experiments/mine.toml: parameters[0].range: got [1, 0]; allowed: [low, high] with low < high

:func:`load` returns a :class:`Spec`; :meth:`Spec.runs` lists every run with
its configuration and seed, from :func:`simulation.seeds.derive_seed` keyed by
the run's resolved configuration and replicate, so the same run gets the same
seed whoever runs it and in whatever order.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios import display_path
from simulation import limits, parameters
from simulation.metrics import COLUMNS
from simulation.parameters import InputFileError, ParameterError
from simulation.seeds import MAX_KEY, canonical_json, derive_seed

#: Design kinds and what each needs.
DESIGNS = ("grid", "lhs", "sobol", "morris")

#: Numeric columns of the model's tidy frame (what a sweep can keep).
SERIES_METRICS = tuple(c for c in COLUMNS if c not in ("step", "company", "structure",
                                                        "strategy"))

#: Run-level summaries added to the final rows when ``outputs.end`` is true.
SUMMARY_METRICS = ("billboard_share", "cum_impressions", "cum_likes", "cum_sales", "cum_spend",
                   "likes_vs_trust", "likes_vs_sales", "impressions_vs_trust",
                   "likes_vs_trust_changes", "likes_vs_sales_changes",
                   "crisis_depth", "weeks_to_recover")

TOP_KEYS = ("title", "description", "scenario", "seed", "replicates", "weeks", "set", "design",
            "parameters", "outputs", "analysis", "experiments", "hypotheses", "max_runs",
            "posterior")
EXPERIMENT_KEYS = ("name", "description", "scenario", "replicates", "weeks", "set", "design",
                   "parameters", "outputs")
PARAMETER_KEYS = ("path", "paths", "name", "values", "range", "steps")
DESIGN_KEYS = ("kind", "samples", "levels", "common_seeds")
OUTPUT_KEYS = ("every", "end", "metrics")
ANALYSIS_KEYS = ("outputs",)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


class SpecError(InputFileError):
    """A spec that cannot be run; the message is one line naming the file and key path."""


@dataclass(frozen=True)
class Parameter:
    """One varied parameter.

    Attributes:
        name: Column name in the results (letters, digits, ``_``).
        paths: Parameter paths set to the value (usually one; several move together,
            e.g. both companies' budgets).
        values: Explicit levels (a grid, or a factor crossed with a sampled design).
        low: Lower end of a range (sampled designs, or a grid with ``steps``).
        high: Upper end of a range.
        kind: The declared kind of the (first) path: ``float``, ``int``, ``choice``...
        steps: Levels of a range in a grid (None otherwise).
    """

    name: str
    paths: tuple[str, ...]
    values: tuple[Any, ...] | None
    low: float | None
    high: float | None
    kind: str
    steps: int | None = None


@dataclass(frozen=True)
class Experiment:
    """One sweep: a base configuration, a design over its parameters, replicates."""

    name: str
    scenario: str
    base: dict[str, Any] = field(repr=False)
    parameters: tuple[Parameter, ...]
    design: str
    samples: int
    levels: int
    replicates: int
    weeks: int
    every: int
    end: bool
    metrics: tuple[str, ...]
    common_seeds: bool = False


@dataclass(frozen=True)
class Run:
    """One run of a sweep: which point of which experiment, which replicate, which seed.

    Attributes:
        run_id: File-safe unique name: ``<experiment>__p<point>__r<replicate>``.
        experiment: Experiment name.
        point: Index of the design point in the experiment.
        sample: Index of the sampled point (shared by the levels of crossed factors).
        replicate: Repetition number at that point.
        values: The varied parameters' values, by column name.
        config: The resolved model configuration.
        seed: ``derive_seed(root seed, config, replicate)``.
        weeks: Weeks to simulate.
        every: Keep the series every ``every`` weeks (0: only the final week).
        end: Add run-level summaries to the final rows.
        metrics: Columns of the model's frame to keep.
    """

    run_id: str
    experiment: str
    point: int
    sample: int
    replicate: int
    values: dict[str, Any]
    config: dict[str, Any] = field(repr=False)
    seed: int
    weeks: int
    every: int
    end: bool
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    """A loaded, validated spec.

    Attributes:
        title: Title for reports.
        source: The file.
        raw: The parsed TOML (what the manifest records).
        seed: Root seed.
        experiments: The sweeps, in file order.
        hypotheses: The ``[[hypotheses]]`` tables, validated.
        analysis_outputs: Metrics the sensitivity analysis and heatmaps look at.
    """

    title: str
    source: Path
    raw: dict[str, Any] = field(repr=False)
    seed: int
    experiments: tuple[Experiment, ...]
    hypotheses: tuple[dict[str, Any], ...]
    analysis_outputs: tuple[str, ...]
    max_runs: int = limits.CONFIRM_RUNS
    posterior: Any = field(default=None, repr=False)

    def planned_runs(self) -> int:
        """How many runs :meth:`runs` gives, counted without building them."""
        from .designs import planned_points

        return sum(planned_points(e) * e.replicates for e in self.experiments)

    def estimate(self, processes: int) -> tuple[float, int]:
        """Rough seconds on ``processes`` processes and bytes on disk of the whole plan.

        From the base consumers and weeks of each experiment and the rough costs
        declared in :mod:`simulation.limits`; varied sizes are not counted.
        """
        from .designs import planned_points

        seconds = 0.0
        size = 0
        for e in self.experiments:
            runs = planned_points(e) * e.replicates
            seconds += runs * (limits.SECONDS_PER_RUN + e.weeks * (
                limits.SECONDS_PER_WEEK + e.base["consumers"] * limits.SECONDS_PER_CONSUMER_WEEK))
            kept = (e.weeks // e.every + 1 if e.every else 1) * len(e.base["companies"])
            size += runs * (kept * limits.BYTES_PER_ROW + limits.BYTES_PER_RUN_FILE)
        return seconds / max(1, processes), size

    def experiment(self, name: str) -> Experiment:
        """The experiment called ``name``."""
        for experiment in self.experiments:
            if experiment.name == name:
                return experiment
        raise KeyError(name)

    def runs(self) -> list[Run]:
        """Every run, experiment by experiment, point by point, replicate by replicate."""
        from .designs import points

        out: list[Run] = []
        for experiment in self.experiments:
            fixed = self.fixed_paths(experiment) if self.posterior is not None else ()
            for index, (sample, values) in enumerate(points(experiment, self.seed)):
                point = configure(experiment, values)
                for replicate in range(experiment.replicates):
                    config = point if self.posterior is None else \
                        self.posterior.apply(point, self.seed, replicate, skip=fixed)
                    out.append(Run(
                        run_id=f"{experiment.name}__p{index:05d}__r{replicate:03d}",
                        experiment=experiment.name, point=index, sample=sample,
                        replicate=replicate, values=dict(values), config=config,
                        seed=self._seed(experiment, config, replicate), weeks=experiment.weeks,
                        every=experiment.every, end=experiment.end, metrics=experiment.metrics))
        return out

    def _seed(self, experiment: Experiment, config: dict[str, Any], replicate: int) -> int:
        """A run's seed: from its configuration, or, with ``common_seeds``, from the
        experiment and replicate alone, so that every design point sees the same random
        numbers (common random numbers: differences between points are the parameters'
        doing, not the draws')."""
        if experiment.common_seeds:
            return derive_seed(self.seed, {"experiment": experiment.name}, replicate)
        return derive_seed(self.seed, config, replicate)

    def fixed_paths(self, experiment: Experiment) -> list[str]:
        """Paths a posterior draw leaves alone: the experiment's [set] and varied parameters.

        With ``posterior = "FILE"``, replicate ``r`` of every point takes the
        parameters drawn for ``(seed, r)``, except these, which the spec sets itself.
        """
        tables = self.raw.get("experiments")
        own = next((t for t in tables if t.get("name", "main") == experiment.name), {}) \
            if isinstance(tables, list) else {}
        fixed = [*self.raw.get("set", {}), *own.get("set", {})]
        return fixed + [path for p in experiment.parameters for path in p.paths]

    def digest(self) -> str:
        """SHA-256 of what the sweep computes: every run's id, configuration, seed and outputs.

        Two spellings of the same sweep have the same digest; any change that
        would change a result (a value, a weeks count, the base scenario's
        file) changes it.
        """
        h = hashlib.sha256()
        for run in self.runs():
            h.update(canonical_json({"id": run.run_id, "config": run.config, "seed": run.seed,
                                     "weeks": run.weeks, "every": run.every, "end": run.end,
                                     "metrics": list(run.metrics), "values": run.values,
                                     "sample": run.sample}).encode("ascii"))
        h.update(canonical_json({"hypotheses": list(self.hypotheses),
                                 "analysis": list(self.analysis_outputs)}).encode("ascii"))
        return h.hexdigest()


def configure(experiment: Experiment, values: Mapping[str, Any]) -> dict[str, Any]:
    """The resolved configuration of one design point: the base with the values set."""
    config = copy.deepcopy(experiment.base)
    for parameter in experiment.parameters:
        for path in parameter.paths:
            parameters.assign(config, path, values[parameter.name])
    return parameters.resolve(config)


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Spec:
    """Read and validate a spec file.

    Raises:
        SpecError: one line naming the file, the key path, the value and what is allowed.
    """
    source = Path(path)
    label = display_path(source)
    if not source.is_file():
        raise SpecError(label, "", str(path), "a readable experiment spec (.toml file)")
    try:
        raw = limits.parse_toml(limits.read_capped(source).decode("utf-8"))
    except (limits.TooDeepError, limits.TooLargeError) as error:
        raise SpecError(label, "", error.got, error.allowed) from None
    except UnicodeDecodeError:
        raise SpecError(label, "", "bytes that are not UTF-8", "a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as error:
        raise SpecError(label, "", f"malformed TOML: {error}", "a valid TOML file") from None
    return parse(raw, source)


def parse(raw: Mapping[str, Any], source: Path) -> Spec:
    """Validate a parsed spec (see :func:`load`); ``source`` anchors relative paths."""
    label = display_path(source)
    _known(raw, TOP_KEYS, "", label)
    title = raw.get("title", source.stem)
    _string(title, "title", label)
    seed = _integer(raw.get("seed", 0), "seed", label, 0, MAX_KEY)
    defaults = {k: raw[k] for k in EXPERIMENT_KEYS if k in raw and k != "name"}
    tables = raw.get("experiments")
    if tables is None:
        tables, prefix = [{"name": "main"}], ""
    else:
        if not isinstance(tables, list) or not tables or not all(
                isinstance(t, dict) for t in tables):
            raise SpecError(label, "experiments", tables, "a non-empty list of [[experiments]]")
        prefix = "experiments"
    experiments = []
    for i, table in enumerate(tables):
        where = f"{prefix}[{i}]." if prefix else ""
        _known(table, EXPERIMENT_KEYS, where.rstrip("."), label)
        merged = {**copy.deepcopy(defaults), **copy.deepcopy(table)}
        if "set" in table and "set" in defaults:
            merged["set"] = {**defaults["set"], **table["set"]}
        experiments.append(_experiment(merged, where, table, label, source))
    seen: set[str] = set()
    for i, experiment in enumerate(experiments):
        if experiment.name in seen:
            raise SpecError(label, f"experiments[{i}].name", experiment.name,
                            "a name no other experiment has")
        seen.add(experiment.name)
    analysis = raw.get("analysis", {})
    _table(analysis, "analysis", label)
    _known(analysis, ANALYSIS_KEYS, "analysis", label)
    every_metric = (*SERIES_METRICS, *SUMMARY_METRICS)
    outputs = analysis.get("outputs", ["trust_mean", "profit_cumulative"])
    _metric_list(outputs, "analysis.outputs", label, every_metric)
    from .hypotheses import check_hypotheses

    hypotheses = check_hypotheses(raw.get("hypotheses", []), {e.name: e for e in experiments},
                                  label, SpecError)
    max_runs = _integer(raw.get("max_runs", limits.CONFIRM_RUNS), "max_runs", label, 1,
                        limits.MAX_SPEC_RUNS)
    posterior = _posterior(raw, source, label, experiments, seed)
    spec = Spec(title=title, source=source, raw=dict(raw), seed=seed,
                experiments=tuple(experiments), hypotheses=hypotheses,
                analysis_outputs=tuple(outputs), max_runs=max_runs, posterior=posterior)
    planned = spec.planned_runs()
    if planned > limits.MAX_SPEC_RUNS:
        raise SpecError(label, "experiments", f"{planned:,} runs in all",
                        f"at most {limits.MAX_SPEC_RUNS:,} runs in one spec")
    return spec


def _posterior(raw: Mapping[str, Any], source: Path, label: str,
               experiments: Sequence[Experiment], seed: int) -> Any:
    """The ``posterior = "FILE"`` of a spec (relative to it), checked against every world."""
    if "posterior" not in raw:
        return None
    ref = raw["posterior"]
    _string(ref, "posterior", label)
    from simulation import posterior as posteriors

    path = Path(ref) if os.path.isabs(ref) else source.parent / ref
    try:
        fitted = posteriors.load(path, label=display_path(path))
    except InputFileError as error:
        raise SpecError(label, "posterior", ref, f"a posterior file ({error})") from None
    for experiment in experiments:
        try:
            fitted.apply(experiment.base, seed, 0)
        except InputFileError as error:
            raise SpecError(label, "posterior", ref,
                            f"a posterior whose parameters {experiment.name} has "
                            f"({error})") from None
    return fitted


def _experiment(merged: dict[str, Any], where: str, own: Mapping[str, Any], label: str,
                source: Path) -> Experiment:
    def at(key: str) -> str:
        # A key the experiment table sets is reported there; an inherited one at the top.
        return f"{where}{key}" if key in own else key

    name = merged.get("name", "main")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SpecError(label, at("name"), name,
                        "a name of letters, digits, - and _ starting with a letter")
    scenario_ref = merged.get("scenario", "default")
    _string(scenario_ref, at("scenario"), label)
    import scenarios

    # Confined like a scenario's `extends`: a shipped scenario or a file in the
    # spec's folder or below; a refusal says nothing of what lies elsewhere.
    try:
        scenario = scenarios.load_within(scenario_ref, source.resolve().parent, label=label,
                                         key=at("scenario"), whose="the spec")
    except scenarios.ScenarioError as error:
        raise SpecError(error.file, error.path, error.value, error.allowed) from None
    replicates = _integer(merged.get("replicates", 1), at("replicates"), label, 1,
                          limits.MAX_REPLICATES)
    weeks = _integer(merged.get("weeks", scenario.weeks), at("weeks"), label, 1,
                     limits.MAX_STEPS)

    base = copy.deepcopy(scenario.config)
    fixed = merged.get("set", {})
    _table(fixed, at("set"), label)
    _no_repeated_path(list(fixed), [f"{at('set')}.{p}" for p in fixed], label)
    for path, value in fixed.items():
        _typed_like_a_scenario(path, value, f"{at('set')}.{path}", label)
        try:
            base = parameters.set_path(base, path, value)
        except ParameterError as error:
            raise SpecError(label, f"{at('set')}.{path}", value, error.allowed) from None
    try:
        base = parameters.resolve(base)
    except ParameterError as error:
        raise SpecError(label, f"{at('set')}.{error.path}", error.value, error.allowed) from None

    design = merged.get("design", {})
    _table(design, at("design"), label)
    _known(design, DESIGN_KEYS, at("design"), label)
    kind = design.get("kind", "grid")
    if kind not in DESIGNS:
        raise SpecError(label, f"{at('design')}.kind", kind, "one of " + ", ".join(DESIGNS))
    samples = _integer(design.get("samples", 0 if kind == "grid" else 8),
                       f"{at('design')}.samples", label, 0 if kind == "grid" else 1, 1_000_000)
    levels = _integer(design.get("levels", 4), f"{at('design')}.levels", label, 2, 100)
    common = design.get("common_seeds", False)
    if not isinstance(common, bool):
        raise SpecError(label, f"{at('design')}.common_seeds", common, "true or false")

    tables = merged.get("parameters", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise SpecError(label, at("parameters"), tables, "a list of [[parameters]] tables")
    varied = [_parameter(t, f"{at('parameters')}[{i}]", label, base, kind)
              for i, t in enumerate(tables)]
    named = [(path, f"{at('parameters')}[{i}].{'path' if 'path' in t else 'paths'}")
             for i, t in enumerate(tables) for path in varied[i].paths]
    _no_repeated_path([p for p, _ in named], [w for _, w in named], label)
    columns = [p.name for p in varied]
    for i, column in enumerate(columns):
        if columns.index(column) != i:
            raise SpecError(label, f"{at('parameters')}[{i}].name", column,
                            "a column name no other parameter has")
    if kind in ("sobol", "morris") and (len(varied) < 2
                                        or any(p.values is not None for p in varied)):
        raise SpecError(label, at("parameters"), [p.name for p in varied],
                        f"at least two parameters, each with a range, for a {kind} design")
    if kind == "lhs" and not any(p.values is None for p in varied):
        raise SpecError(label, at("parameters"), [p.name for p in varied],
                        "at least one parameter with a range for an lhs design")
    if kind == "sobol" and samples & (samples - 1):
        raise SpecError(label, f"{at('design')}.samples", samples,
                        "a power of 2 for a sobol design (the Sobol sequence is balanced then)")
    if kind == "grid" and design.get("samples"):
        raise SpecError(label, f"{at('design')}.samples", design["samples"],
                        "no samples for a grid (its size is the product of the levels)")

    outputs = merged.get("outputs", {})
    _table(outputs, at("outputs"), label)
    _known(outputs, OUTPUT_KEYS, at("outputs"), label)
    every = _integer(outputs.get("every", 0), f"{at('outputs')}.every", label, 0, weeks)
    end = outputs.get("end", True)
    if not isinstance(end, bool):
        raise SpecError(label, f"{at('outputs')}.end", end, "true or false")
    metrics = outputs.get("metrics", list(SERIES_METRICS))
    _metric_list(metrics, f"{at('outputs')}.metrics", label, SERIES_METRICS)
    experiment = Experiment(name=name, scenario=str(scenario.source), base=base,
                            parameters=tuple(varied), design=kind, samples=samples,
                            levels=levels, replicates=replicates, weeks=weeks, every=every,
                            end=end, metrics=tuple(metrics), common_seeds=common)
    # Count the plan before building it: a typo must not exhaust memory while planning.
    from .designs import planned_points, points

    planned = planned_points(experiment) * experiment.replicates
    if planned > limits.MAX_SPEC_RUNS:
        raise SpecError(label, at("design") if "design" in merged else at("parameters"),
                        f"{planned:,} runs", f"at most {limits.MAX_SPEC_RUNS:,} runs in one spec")
    # Every design point must be a valid configuration: check them all now, not mid-sweep.

    for _, values in points(experiment, 0):
        try:
            configure(experiment, values)
        except ParameterError as error:
            raise SpecError(label, at("parameters"), values,
                            f"values the model accepts ({error})") from None
    return experiment


def _parameter(table: Mapping[str, Any], where: str, label: str, base: Mapping[str, Any],
               design: str) -> Parameter:
    _known(table, PARAMETER_KEYS, where, label)
    if ("path" in table) == ("paths" in table):
        raise SpecError(label, f"{where}.path", table.get("path", table.get("paths")),
                        "exactly one of path (a parameter path) or paths (a list of them)")
    paths = [table["path"]] if "path" in table else table["paths"]
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
        raise SpecError(label, f"{where}.paths", paths, "a non-empty list of parameter paths")
    key = "path" if "path" in table else "paths"
    declared = []
    for path in paths:
        param = _declared(path, base)
        if param is None:
            raise SpecError(label, f"{where}.{key}", path,
                            "a parameter path like consumers, companies[1].transparency or "
                            "influencer.churn_threshold (see `influence params`)")
        declared.append(param)
    kinds = {p.kind for p in declared}
    if len(kinds) > 1:
        raise SpecError(label, f"{where}.paths", paths, "paths of parameters of one kind")
    param = declared[0]
    name = table.get("name", re.sub(r"\W+", "_", paths[0]).strip("_"))
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) \
            or name in _RESERVED:
        raise SpecError(label, f"{where}.name", name,
                        "a column name of letters, digits and _ (not a result column)")
    if ("values" in table) == ("range" in table):
        raise SpecError(label, where, {k: table[k] for k in ("values", "range") if k in table},
                        "exactly one of values = [...] or range = [low, high]")
    if "values" in table:
        values = table["values"]
        if not isinstance(values, list) or not values:
            raise SpecError(label, f"{where}.values", values, "a non-empty list of values")
        checked = []
        for j, value in enumerate(values):
            _typed_like_a_scenario(paths[0], value, f"{where}.values[{j}]", label)
            try:
                checked.append(param.coerce(value, paths[0]))
            except ParameterError as error:
                raise SpecError(label, f"{where}.values[{j}]", value, error.allowed) from None
        if len(set(map(repr, checked))) != len(checked):
            raise SpecError(label, f"{where}.values", values, "distinct values")
        if "steps" in table:
            raise SpecError(label, f"{where}.steps", table["steps"], "steps only with a range")
        return Parameter(name, tuple(paths), tuple(checked), None, None, param.kind)
    bounds = table["range"]
    if param.kind not in ("float", "int"):
        raise SpecError(label, f"{where}.range", bounds,
                        f"values = [...] for a {param.kind} parameter ({param.allowed()})")
    if (not isinstance(bounds, list) or len(bounds) != 2
            or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
            or not bounds[0] < bounds[1]):
        raise SpecError(label, f"{where}.range", bounds, "[low, high] with low < high")
    for j, bound in enumerate(bounds):
        try:
            param.coerce(bound, paths[0]) if param.kind == "float" else param.coerce(
                int(bound), paths[0])
        except ParameterError as error:
            raise SpecError(label, f"{where}.range[{j}]", bound, error.allowed) from None
    if design == "grid":
        steps = table.get("steps")
        if steps is None or isinstance(steps, bool) or not isinstance(steps, int) or steps < 2 \
                or steps > limits.MAX_SPEC_RUNS:
            raise SpecError(label, f"{where}.steps", steps,
                            f"an integer >= 2 and <= {limits.MAX_SPEC_RUNS} (levels of a range "
                            "in a grid)")
    elif "steps" in table:
        raise SpecError(label, f"{where}.steps", table["steps"],
                        f"no steps in a {design} design (it samples the range)")
    return Parameter(name, tuple(paths), None, float(bounds[0]), float(bounds[1]), param.kind,
                     table.get("steps"))


#: Column names a parameter cannot take: they are result columns.
_RESERVED = frozenset({"experiment", "point", "sample", "replicate", "seed", "run_id",
                       "final", *COLUMNS, *SUMMARY_METRICS})


def _declared(path: str, base: Mapping[str, Any]) -> parameters.Param | None:
    """The declared parameter a path names, or None (also for a list entry ``base`` lacks)."""
    param = parameters.declared(path)
    head = path.split(".")[0].split("[")[0]
    if param is not None and head in ("companies", "influencers"):
        index = parameters.split_path(path)[1]
        if index >= len(base[head]):
            return None
    return param


# --------------------------------------------------------------------------
# Small checks
# --------------------------------------------------------------------------
def _no_repeated_path(paths: Sequence[str], wheres: Sequence[str], label: str) -> None:
    """Refuse a parameter path named twice, however spelled (``companies[1].x``, ``.1.x``).

    Two settings of one path would give columns that do not say what ran,
    and design points that are the same run under two labels.
    """
    seen: dict[tuple[str | int, ...], str] = {}
    for path, where in zip(paths, wheres, strict=True):
        try:
            key = tuple(parameters.split_path(path))
        except ParameterError:
            continue  # a malformed path is reported where it is read
        if key in seen:
            raise SpecError(label, where, path,
                            f"a parameter path named once (it is {seen[key]!r} again)")
        seen[key] = path


def _known(table: Mapping[str, Any], keys: Sequence[str], where: str, label: str) -> None:
    for key, value in table.items():
        if key not in keys:
            path = f"{where}.{key}" if where else key
            raise SpecError(label, path, value, "a known key (" + ", ".join(keys) + ")")


def _table(value: Any, where: str, label: str) -> None:
    if not isinstance(value, dict):
        raise SpecError(label, where, value, f"a table ([{where}])")


def _string(value: Any, where: str, label: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(label, where, value, "a non-empty string")


def _typed_like_a_scenario(path: str, value: Any, where: str, label: str) -> None:
    """A spec's TOML value must have its parameter's TOML type, as in a scenario file.

    ``"200"`` is text, not a number: the command line's ``--set`` reads text,
    a TOML file says what it means.
    """
    param = parameters.declared(path)
    if param is None:
        return  # an unknown path: set_path names it
    if not parameters.has_toml_type(param, value):
        raise SpecError(label, where, value, param.allowed() + " (a TOML value of that type)")


def _integer(value: Any, where: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpecError(label, where, value, f"an integer in [{low}, {high}]")
    return value


def _metric_list(value: Any, where: str, label: str, allowed: Sequence[str]) -> None:
    if not isinstance(value, list) or not value:
        raise SpecError(label, where, value, "a non-empty list of metric names")
    for j, metric in enumerate(value):
        if metric not in allowed:
            raise SpecError(label, f"{where}[{j}]", metric, "one of " + ", ".join(allowed))
