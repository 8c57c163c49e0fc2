"""``influence sensitivity``: a global sensitivity study (Morris screening, then Sobol).

Three steps, each a sweep through the ordinary machinery (``influence sweep``:
resumable after ``kill -9``, a local pool or Dask), all in one study folder::

    influence sensitivity morris --out DIR     # screen every ungrounded parameter
    influence sensitivity sobol  --out DIR     # Sobol/Saltelli over those that matter, two seeds
    influence sensitivity report --out DIR --report docs/results/sensitivity.md

The study's specs are built from the model's one declaration of parameters
(:mod:`simulation.parameters`), never from a list of names, so a renamed or
new parameter enters the study by itself:

* **Which parameters.** Every number (``float`` or ``int``) whose declared
  ``source`` begins with ``assumption``: a value no published figure grounds.
  Parameters with a literature source, ``design choice`` settings (reference
  points, measurement thresholds, features off by default) and ``scenario
  input`` are left at their values; so are parameters that only size the world
  (whose unit counts consumers, ties, influencers or people). A company
  parameter is varied for every company at once (the two default companies
  differ only in strategy and structure, and the study keeps it so); an
  influencer parameter through ``influencer.<name>``.
* **Which ranges.** The range the hypothesis study sweeps
  (``experiments/hypotheses.toml``; the union where several experiments sweep
  it), else the default +/- 50 % clipped to the declared bounds (for a default
  of 0: a tenth of the declared range centred on it); integers are rounded inward.
* **Outputs**, final week, mean over the replicates of each design point: the
  trust gap (second company's mean brand trust minus the first's; at the
  defaults Engaged Co minus Billboard Co, so a positive sign favours the
  engaged relationship), each company's mean trust, and the cumulative profit
  gap (second minus first).
* **Smallest effect of interest**, stated before running: a Morris mu* of
  0.02 trust units on any trust output (the hypothesis study's margin for the
  headline), and a total Sobol index of 0.05.

Sobol takes the screened parameters whose mu* reaches the smallest effect
(the largest first, at most ``--max-params``), the others stay at their
defaults; it runs under two root seeds, and ``report`` checks that the
total-index 95 % intervals have half-widths below 0.05 and that the top five
by total index rank the same under both seeds.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from simulation import limits, parameters
from simulation.cli import _empty_out_given, _fail, _Integer, check_out_dir

#: Where the hypothesis study declares its sweep ranges.
STUDY_SPEC = Path(__file__).with_name("hypotheses.toml")

#: Units of parameters that only size the world (counts of agents or ties).
SIZE_UNITS = ("consumers", "ties", "influencers", "people")

#: The band around a default where the hypothesis study gives no range: +/- this share.
BAND = 0.5

#: For a default of 0: the share of the declared range, centred on it.
ZERO_BAND = 0.1

#: Smallest effect of interest (stated before running): Morris mu*, trust units.
SMALLEST_MU_STAR = 0.02

#: Smallest total Sobol index of interest, and the largest CI half-width the study accepts.
SMALLEST_ST = 0.05
MAX_HALF_WIDTH = 0.05

#: How many parameters by total index must rank the same under both seeds.
TOP = 5

#: What the sweeps keep of each run (the final week only).
METRICS = ("trust_mean", "profit_cumulative")

#: The study's outputs, in report order: key -> (what it is, unit).
OUTPUTS = ("trust_gap", "trust_first", "trust_second", "profit_gap")
TRUST_OUTPUTS = ("trust_gap", "trust_first", "trust_second")

MORRIS = "morris"
NOISE = "noise"
SOBOL = "sobol"
BUDGET = "budget.json"


# --------------------------------------------------------------------------
# Which parameters, over which ranges
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Factor:
    """One varied parameter of the study.

    Attributes:
        name: Column name in the results.
        group: ``world``, ``company`` or ``influencer``.
        param: Its declaration.
        paths: The parameter paths set to the value (every company for a company parameter).
        low: Lower end of the range.
        high: Upper end of the range.
        rule: ``study`` (the hypothesis study's range) or ``band`` (around the default).
    """

    name: str
    group: str
    param: parameters.Param
    paths: tuple[str, ...]
    low: float
    high: float
    rule: str


def ungrounded(param: parameters.Param) -> bool:
    """Whether the study varies ``param``: a number without an empirical source, not a size."""
    return (param.kind in ("float", "int") and param.source.strip().lower().startswith("assumption")
            and param.unit not in SIZE_UNITS)


def study_ranges(path: str | os.PathLike[str] = STUDY_SPEC) -> dict[int, tuple[float, float]]:
    """The range the hypothesis study sweeps each declared parameter over, by ``id(param)``.

    Both ``range = [low, high]`` and numeric ``values = [...]`` count (their
    smallest and largest); where several experiments sweep one parameter, the
    union of their ranges.
    """
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    tables = [raw, *(raw.get("experiments") or [])]
    out: dict[int, tuple[float, float]] = {}
    for table in tables:
        for entry in table.get("parameters") or []:
            paths = entry.get("paths") or [entry.get("path")]
            numbers = entry.get("range") or entry.get("values") or []
            numbers = [v for v in numbers if isinstance(v, int | float)
                       and not isinstance(v, bool)]
            if len(numbers) < 2 or min(numbers) == max(numbers):
                continue
            for one in paths:
                param = parameters.declared(one) if isinstance(one, str) else None
                if param is None:
                    continue
                low, high = out.get(id(param), (min(numbers), max(numbers)))
                out[id(param)] = (min(low, *numbers), max(high, *numbers))
    return out


def band(param: parameters.Param) -> tuple[float, float]:
    """The default +/- BAND clipped to the declared bounds.

    A default of 0 gets a band of ZERO_BAND of the declared range centred on it.
    """
    low = -math.inf if param.low is None else float(param.low)
    high = math.inf if param.high is None else float(param.high)
    d = float(param.default)
    if d == 0:
        half = ZERO_BAND / 2 * (high - low) if math.isfinite(high - low) else 0.5
        lo, hi = -half, half
    else:
        lo, hi = sorted((d * (1 - BAND), d * (1 + BAND)))
    return max(lo, low), min(hi, high)


def factors(base: Mapping[str, Any], include: re.Pattern[str] | None = None,
            study: str | os.PathLike[str] = STUDY_SPEC) -> list[Factor]:
    """Every parameter the study varies, with its paths in ``base`` and its range.

    ``include`` keeps only the factors whose column name it matches (a quick check;
    the study itself takes them all).
    """
    from .spec import _RESERVED

    swept = study_ranges(study)
    groups = (("world", parameters.WORLD_PARAMS, lambda n: (n,)),
              ("company", parameters.COMPANY_PARAMS,
               lambda n: tuple(f"companies[{i}].{n}" for i in range(len(base["companies"])))),
              ("influencer", parameters.INFLUENCER_PARAMS, lambda n: (f"influencer.{n}",)))
    out: list[Factor] = []
    taken: set[str] = set()
    for group, params, paths in groups:
        for param in params:
            if not ungrounded(param):
                continue
            name = param.name
            if name in _RESERVED or name in taken:
                name = f"{group}_{name}"
            if include is not None and not include.search(name):
                continue
            rule = "study" if id(param) in swept else "band"
            low, high = swept[id(param)] if rule == "study" else band(param)
            if param.kind == "int":
                low, high = math.ceil(low), math.floor(high)
            low, high = float(f"{low:.12g}"), float(f"{high:.12g}")
            if not low < high:
                continue  # nothing to vary (an integer band narrower than 1)
            taken.add(name)
            out.append(Factor(name, group, param, paths(param.name), low, high, rule))
    return out


# --------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}"
                                for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def to_toml(doc: Mapping[str, Any]) -> str:
    """A spec document as TOML: scalars and inline tables first, then ``[[experiments]]``."""
    lines = []
    for key, value in doc.items():
        if key != "experiments":
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for table in doc.get("experiments", []):
        lines += ["", "[[experiments]]"]
        for key, value in table.items():
            if key == "parameters":
                lines.append("parameters = [")
                lines += [f"  {_toml_value(v)}," for v in value]
                lines.append("]")
            else:
                lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _number(low: float, param: parameters.Param) -> int | float:
    return int(low) if param.kind == "int" else float(low)


def _parameter_tables(chosen: Sequence[Factor]) -> list[dict[str, Any]]:
    return [{"paths": list(f.paths), "name": f.name,
             "range": [_number(f.low, f.param), _number(f.high, f.param)]} for f in chosen]


def _outputs() -> dict[str, Any]:
    return {"every": 0, "end": False, "metrics": list(METRICS)}


def morris_doc(chosen: Sequence[Factor], *, consumers: int, weeks: int, seed: int,
               trajectories: int, levels: int, replicates: int, noise_runs: int,
               common_seeds: bool = True) -> dict[str, Any]:
    """The screening spec: Morris over ``chosen``, and the default world ``noise_runs`` times.

    With ``common_seeds`` (the default) every design point runs replicate r under the same
    seed (common random numbers), so an elementary effect is the parameter's doing alone.
    """
    runs = trajectories * (len(chosen) + 1) * replicates + noise_runs
    return {"title": f"Sensitivity screening: Morris over {len(chosen)} ungrounded parameters",
            "scenario": "default", "seed": seed, "weeks": weeks, "max_runs": runs,
            "set": {"consumers": consumers},
            "analysis": {"outputs": list(METRICS)},
            "experiments": [
                {"name": MORRIS, "replicates": replicates,
                 "design": {"kind": "morris", "samples": trajectories, "levels": levels,
                            **({"common_seeds": True} if common_seeds else {})},
                 "parameters": _parameter_tables(chosen), "outputs": _outputs()},
                {"name": NOISE, "replicates": noise_runs, "design": {"kind": "grid"},
                 "outputs": _outputs()}]}


def sobol_doc(chosen: Sequence[Factor], *, consumers: int, weeks: int, seed: int, samples: int,
              replicates: int, common_seeds: bool = True) -> dict[str, Any]:
    """The Sobol/Saltelli spec over ``chosen`` under root seed ``seed``."""
    runs = samples * (len(chosen) + 2) * replicates
    return {"title": f"Sensitivity: Sobol over {len(chosen)} parameters, root seed {seed}",
            "scenario": "default", "seed": seed, "weeks": weeks, "max_runs": runs,
            "set": {"consumers": consumers},
            "analysis": {"outputs": list(METRICS)},
            "experiments": [
                {"name": SOBOL, "replicates": replicates,
                 "design": {"kind": "sobol", "samples": samples,
                            **({"common_seeds": True} if common_seeds else {})},
                 "parameters": _parameter_tables(chosen), "outputs": _outputs()}]}


def _base(consumers: int) -> dict[str, Any]:
    import scenarios

    config = scenarios.load("default").config
    return parameters.resolve(parameters.set_path(config, "consumers", consumers))


# --------------------------------------------------------------------------
# Running a stage through `influence sweep`
# --------------------------------------------------------------------------
def _run_stage(ctx: click.Context, out: Path, name: str, doc: Mapping[str, Any], *,
               workers: int | None, scheduler: str | None, dask_local: int | None,
               rerun_changed: bool, retry_failed: bool, quiet: bool,
               prepare: Any = None) -> None:
    """Write ``DIR/<name>.toml`` and sweep it into ``DIR/<name>/`` (resuming what is there).

    ``prepare()``, when given, runs once the options are accepted, before the sweep.
    """
    from .cli import sweep
    from .spec import SpecError, parse

    spec_file = out / f"{name}.toml"
    folder = out / name
    text = to_toml(doc)
    try:  # check it whole before anything is written
        parse(tomllib.loads(text), spec_file)
    except SpecError as error:
        raise _fail(str(error)) from None
    if (spec_file.is_file() and spec_file.read_text(encoding="utf-8") != text
            and (folder / "manifest.json").is_file() and not rerun_changed):
        raise _fail(f"--out: got {str(out)!r}, whose {name} sweep was made with other options "
                    f"({spec_file} differs); allowed: the options it was made with, a new "
                    "folder, or --rerun-changed to redo what changed")
    out.mkdir(parents=True, exist_ok=True)
    from simulation.output import atomic_write_bytes

    atomic_write_bytes(spec_file, text.encode("utf-8"))
    if prepare is not None:
        prepare()
    processes = dask_local or workers or (os.cpu_count() or 1)
    start = time.perf_counter()
    code = 0
    try:
        ctx.invoke(sweep, spec_file=spec_file, out=folder, workers=workers, scheduler=scheduler,
                   dask_local=dask_local, retry_failed=retry_failed,
                   rerun_changed=rerun_changed, yes=True, quiet=quiet)
    except SystemExit as stop:  # some runs failed: recorded, the time still counts
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        _record_budget(out, name, time.perf_counter() - start, processes, scheduler)
    if code:
        raise SystemExit(code)


def _record_budget(out: Path, stage: str, seconds: float, processes: int,
                   scheduler: str | None) -> None:
    from simulation.output import atomic_write_bytes

    path = out / BUDGET
    try:
        entries = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    except (OSError, ValueError):
        entries = []
    if not isinstance(entries, list):
        entries = []
    entries.append({"stage": stage, "wall_seconds": round(seconds, 3), "processes": processes,
                    "executor": "dask " + scheduler if scheduler else "local",
                    "ended": time.strftime("%Y-%m-%dT%H:%M:%S")})
    atomic_write_bytes(path, (json.dumps(entries, indent=1) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------
# From runs to indices
# --------------------------------------------------------------------------
def run_outputs(frame: Any, experiment: Mapping[str, Any]) -> Any:
    """One row per run of ``experiment``: point, replicate, parameter values and the outputs."""
    import pandas as pd

    first, second = experiment["companies"][:2]
    own = frame[(frame["experiment"] == experiment["name"]) & frame["final"]]
    names = [p["name"] for p in experiment["parameters"]]
    keys = ["point", "replicate", *names]
    wide = own.pivot_table(index=keys, columns="company", values=list(METRICS),
                           aggfunc="first")
    table = pd.DataFrame(index=wide.index)
    table["trust_first"] = wide[("trust_mean", first)]
    table["trust_second"] = wide[("trust_mean", second)]
    table["trust_gap"] = table["trust_second"] - table["trust_first"]
    table["profit_gap"] = (wide[("profit_cumulative", second)]
                           - wide[("profit_cumulative", first)])
    return table.reset_index()


def output_labels(companies: Sequence[str]) -> dict[str, str]:
    """Words for each output, with the companies' names."""
    first, second = companies[:2]
    return {"trust_gap": f"trust gap ({second} - {first})", "trust_first": f"trust, {first}",
            "trust_second": f"trust, {second}",
            "profit_gap": f"cumulative profit gap ({second} - {first})"}


def point_means(table: Any, names: Sequence[str]) -> Any:
    """Mean over replicates of each design point (plan order)."""
    return table.groupby("point", sort=True)[[*names, *OUTPUTS]].mean()


def _problem(experiment: Mapping[str, Any]) -> dict[str, Any]:
    ranged = experiment["parameters"]
    return {"num_vars": len(ranged), "names": [p["name"] for p in ranged],
            "bounds": [[p["low"], p["high"]] for p in ranged]}


def _planned(experiment: Mapping[str, Any]) -> int:
    d = len(experiment["parameters"])
    return experiment["samples"] * (d + (2 if experiment["design"] == "sobol" else 1))


def morris_table(folder: Path, seed: int = 0) -> tuple[Any, Any, dict[str, Any]]:
    """Morris indices of every output, the noise runs' outputs and the experiment."""
    import numpy as np
    import pandas as pd

    from .analysis import load_runs, morris_indices

    manifest, frame = load_runs(folder)
    experiments = {e["name"]: e for e in manifest["describe"]["experiments"]}
    experiment = experiments[MORRIS]
    table = run_outputs(frame, experiment)
    names = [p["name"] for p in experiment["parameters"]]
    means = point_means(table, names)
    if len(means) != _planned(experiment) or means[list(OUTPUTS)].isna().any().any():
        raise click.UsageError(f"--out: got {str(folder.parent)!r}, whose Morris sweep has "
                               f"{len(means)} of {_planned(experiment)} points finished; allowed: "
                               "a finished one (run `influence sensitivity morris` again to "
                               "resume it)")
    x = means[names].to_numpy(np.float64)
    parts = []
    for output in OUTPUTS:
        one = morris_indices(_problem(experiment), x, means[output].to_numpy(),
                             levels=experiment["levels"], seed=seed)
        one.insert(0, "output", output)
        parts.append(one)
    noise = run_outputs(frame, experiments[NOISE]) if NOISE in experiments else pd.DataFrame()
    return pd.concat(parts, ignore_index=True), noise, experiment


#: How far above the seed-noise floor a mu* must lie to count (about the 99th percentile
#: of an inert parameter's mu* with ten or more trajectories).
FLOOR_FACTOR = 1.5


def noise_floor(noise: Any, replicates: int, levels: int,
                common_seeds: bool = False) -> dict[str, float]:
    """The mu* that seed noise alone gives an inert parameter, per output.

    With common seeds both ends of a step run under the same seeds, so an inert
    parameter's elementary effect is exactly 0: the floor is 0. Otherwise every
    design point runs under its own seeds, so an elementary effect of a
    parameter that does nothing is the difference of two independent means of
    ``replicates`` runs over the step: its mean absolute value is
    ``2 sigma / sqrt(pi * replicates) / delta``, with sigma the outputs'
    standard deviation over seeds (from the noise runs) and delta SALib's step,
    ``levels / (2 (levels - 1))``.
    """
    if common_seeds:
        return dict.fromkeys(OUTPUTS, 0.0)
    delta = levels / (2 * (levels - 1))
    out = {}
    for output in OUTPUTS:
        sigma = float(noise[output].std(ddof=1)) if len(noise) > 1 else 0.0
        out[output] = 2 * sigma / math.sqrt(math.pi * replicates) / delta
    return out


def thresholds(smallest: float, floor: Mapping[str, float] | None) -> dict[str, float]:
    """The mu* a parameter must reach on each trust output: the smallest effect, or
    FLOOR_FACTOR times the noise floor where that is higher."""
    floor = floor or {}
    return {o: max(smallest, FLOOR_FACTOR * floor.get(o, 0.0)) for o in TRUST_OUTPUTS}


def select(indices: Any, smallest: float = SMALLEST_MU_STAR, most: int = 10,
           floor: Mapping[str, float] | None = None) -> tuple[list[str], Any]:
    """The parameters Sobol takes: mu* at or above the threshold on a trust output.

    The threshold of each trust output is :func:`thresholds`; parameters are
    ranked by ``ratio``, the largest mu* / threshold over the trust outputs,
    and at most ``most`` with a ratio of 1 or more are taken, largest first.
    At least two are taken (a Sobol design needs two), even below the threshold.
    """
    bar = thresholds(smallest, floor)
    trust = indices[indices["output"].isin(TRUST_OUTPUTS)].copy()
    trust["ratio"] = trust["mu_star"] / trust["output"].map(bar)
    ranking = trust.groupby("parameter", sort=False)["ratio"].max().reset_index() \
        .sort_values("ratio", ascending=False, kind="stable")
    passing = ranking[ranking["ratio"] >= 1]["parameter"].tolist()[:most]
    if len(passing) < 2:
        passing = ranking["parameter"].tolist()[:2]
    return passing, ranking.reset_index(drop=True)


def sobol_table(folder: Path, seed: int = 0) -> tuple[Any, dict[str, Any], Any]:
    """Sobol S1/ST with 95 % bootstrap intervals for every output, the experiment, the means."""
    import pandas as pd

    from .analysis import load_runs, sobol_indices

    manifest, frame = load_runs(folder)
    experiment = manifest["describe"]["experiments"][0]
    table = run_outputs(frame, experiment)
    names = [p["name"] for p in experiment["parameters"]]
    means = point_means(table, names)
    if len(means) != _planned(experiment) or means[list(OUTPUTS)].isna().any().any():
        return pd.DataFrame(), experiment, means
    parts = []
    for output in OUTPUTS:
        one = sobol_indices(_problem(experiment), means[output].to_numpy(), seed=seed)
        one.insert(0, "output", output)
        parts.append(one)
    return pd.concat(parts, ignore_index=True), experiment, means


def top(indices: Any, output: str = "trust_gap", k: int = TOP) -> list[str]:
    """The ``k`` parameters with the largest total index on ``output``, largest first."""
    own = indices[indices["output"] == output].sort_values("ST", ascending=False, kind="stable")
    return own["parameter"].tolist()[:k]


def half_width(indices: Any) -> Any:
    """Half-width of each total-index interval."""
    return (indices["ST_hi"] - indices["ST_lo"]) / 2


def samples_needed(samples: int, widest: float, target: float = MAX_HALF_WIDTH) -> int:
    """Base samples N (a power of 2) at which the widest half-width would fall below ``target``.

    Bootstrap half-widths shrink as 1 / sqrt(N).
    """
    if not widest > target:
        return samples
    need = samples * (widest / target) ** 2
    return 2 ** math.ceil(math.log2(need))


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------
class _Number(click.ParamType):
    """A number in (low, high], whose error says what is allowed."""

    name = "number"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        try:
            number = float(str(value).strip())
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and self.low < number <= self.high):
            self.fail(f"got {value!r}; allowed: a number > {self.low:g} and <= {self.high:g}",
                      param, ctx)
        return number


def _seeds(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    parts = [p.strip() for p in str(value).split(",")]
    allowed = (f"two different integers in [0, {limits.MAX_SEED}] separated by a comma, "
               "such as 1,2")
    try:
        seeds = [int(p, 10) for p in parts]
    except ValueError:
        raise click.BadParameter(f"got {value!r}; allowed: {allowed}", ctx, param) from None
    if len(seeds) != 2 or seeds[0] == seeds[1] or not all(
            0 <= s <= limits.MAX_SEED for s in seeds):
        raise click.BadParameter(f"got {value!r}; allowed: {allowed}", ctx, param)
    return seeds[0], seeds[1]


def _pattern(ctx: click.Context, param: click.Parameter, value: str | None
             ) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(value)
    except re.error as error:
        raise click.BadParameter(f"got {value!r}; allowed: a regular expression ({error})",
                                 ctx, param) from None


def _study_options(function: Any) -> Any:
    for option in reversed((
            click.option("--out", type=click.Path(path_type=Path), required=True,
                         help="Study folder (one sweep folder per stage, their specs, "
                              "budget.json)."),
            click.option("--workers", type=_Integer(1), default=None,
                         help="Local worker processes  [default: the number of CPU cores]."),
            click.option("--scheduler", metavar="ADDRESS", default=None,
                         help="Send the runs to a Dask scheduler, e.g. tcp://10.0.0.5:8786."),
            click.option("--dask-local", type=_Integer(1), default=None, metavar="N",
                         help="Start a Dask LocalCluster of N worker processes and use it."),
            click.option("--retry-failed", is_flag=True,
                         help="Run again the runs recorded as failed."),
            click.option("--rerun-changed", is_flag=True,
                         help="Resume a stage made with other options or code: redo what "
                              "changed."),
            click.option("--quiet", "-q", is_flag=True, help="No progress line."))):
        function = option(function)
    return function


def _check_out(out: Path) -> None:
    if _empty_out_given():
        raise _fail("--out: got ''; allowed: a folder path (not empty)")
    check_out_dir(out)


@click.group()
def sensitivity() -> None:
    """Global sensitivity study: Morris screening, then Sobol over what matters.

    The parameters are every number whose declared source is an assumption
    (world sizes excepted), over the hypothesis study's ranges or the default
    +/- 50 %; see experiments/sensitivity.py and docs/results/sensitivity.md.
    """


@sensitivity.command()
@_study_options
@click.option("--consumers", type=_Integer(20, 100_000), default=2000, show_default=True,
              help="Consumers in the world.")
@click.option("--weeks", type=_Integer(1, limits.MAX_STEPS), default=156, show_default=True,
              help="Weeks per run.")
@click.option("--trajectories", type=_Integer(2, 10_000), default=10, show_default=True,
              help="Morris trajectories.")
@click.option("--levels", type=_Integer(2, 100), default=4, show_default=True,
              help="Morris grid levels (an even number).")
@click.option("--replicates", type=_Integer(1, limits.MAX_REPLICATES), default=2,
              show_default=True, help="Runs per design point (their mean is analysed).")
@click.option("--noise-runs", type=_Integer(2, 10_000), default=32, show_default=True,
              help="Runs of the default world, to measure seed noise.")
@click.option("--seed", type=_Integer(0, limits.MAX_SEED), default=1, show_default=True,
              help="Root seed.")
@click.option("--include", callback=_pattern, default=None, metavar="REGEX",
              help="Only the parameters whose column name matches (a quick check).")
@click.option("--independent-seeds", is_flag=True,
              help="Give every design point its own seeds instead of common random numbers "
                   "(the Sobol stage follows the screening's choice).")
@click.pass_context
def morris(ctx: click.Context, out: Path, workers: int | None, scheduler: str | None,
           dask_local: int | None, retry_failed: bool, rerun_changed: bool, quiet: bool,
           consumers: int, weeks: int, trajectories: int, levels: int, replicates: int,
           noise_runs: int, seed: int, include: re.Pattern[str] | None,
           independent_seeds: bool) -> None:
    """Screen every ungrounded parameter with Morris elementary effects into DIR/morris."""
    _check_out(out)
    if levels % 2:
        raise _fail(f"--levels: got {levels}; allowed: an even integer in [2, 100] (Morris "
                    "steps of half the grid need an even number of levels)")
    try:
        chosen = factors(_base(consumers), include)
    except parameters.ParameterError as error:
        raise _fail(f"--consumers: got {consumers}; allowed: {error.allowed}") from None
    if len(chosen) < 2:
        raise _fail(f"--include: got {include.pattern if include else None!r}, matching "
                    f"{len(chosen)} parameter(s); allowed: a pattern matching at least two of "
                    + ", ".join(f.name for f in factors(_base(consumers))))
    doc = morris_doc(chosen, consumers=consumers, weeks=weeks, seed=seed,
                     trajectories=trajectories, levels=levels, replicates=replicates,
                     noise_runs=noise_runs, common_seeds=not independent_seeds)
    _run_stage(ctx, out, MORRIS, doc, workers=workers, scheduler=scheduler,
               dask_local=dask_local, rerun_changed=rerun_changed, retry_failed=retry_failed,
               quiet=quiet, prepare=lambda: record_factors(out, chosen))


@sensitivity.command()
@_study_options
@click.option("--samples", type=_Integer(2, 2**16), default=256, show_default=True,
              help="Sobol base samples N, a power of 2 (N x (D + 2) points per seed).")
@click.option("--replicates", type=_Integer(1, limits.MAX_REPLICATES), default=1,
              show_default=True, help="Runs per design point (their mean is analysed).")
@click.option("--seeds", callback=_seeds, default="1,2", show_default=True,
              help="The two root seeds whose rankings are compared.")
@click.option("--max-params", type=_Integer(2, 1000), default=8, show_default=True,
              help="Most parameters Sobol takes from the screening (largest mu* first).")
@click.option("--smallest-effect", type=_Number(0.0, 1.0), default=SMALLEST_MU_STAR,
              show_default=True, help="Smallest Morris mu* of interest, trust units.")
@click.pass_context
def sobol(ctx: click.Context, out: Path, workers: int | None, scheduler: str | None,
          dask_local: int | None, retry_failed: bool, rerun_changed: bool, quiet: bool,
          samples: int, replicates: int, seeds: tuple[int, int], max_params: int,
          smallest_effect: float) -> None:
    """Sobol/Saltelli over the parameters DIR/morris found to matter, under two root seeds."""
    _check_out(out)
    if samples & (samples - 1):
        raise _fail(f"--samples: got {samples}; allowed: a power of 2 in [2, 65536]")
    screening = _screening(out)
    indices, noise, experiment = morris_table(out / MORRIS)
    floor = noise_floor(noise, experiment["replicates"], experiment["levels"],
                        bool(experiment.get("common_seeds")))
    names, _ = select(indices, smallest_effect, max_params, floor)
    consumers = screening["set"]["consumers"]
    by_name = {f.name: f for f in _factors_of(experiment, consumers)}
    chosen = [by_name[n] for n in names]
    from simulation.output import atomic_write_bytes

    atomic_write_bytes(out / SELECTION, (json.dumps(
        {"smallest_effect": smallest_effect, "max_params": max_params, "noise_floor": floor,
         "thresholds": thresholds(smallest_effect, floor), "chosen": names,
         "seeds": list(seeds)}, indent=1) + "\n").encode("utf-8"))
    for seed in seeds:
        doc = sobol_doc(chosen, consumers=consumers, weeks=screening["weeks"], seed=seed,
                        samples=samples, replicates=replicates,
                        common_seeds=bool(experiment.get("common_seeds")))
        _run_stage(ctx, out, f"{SOBOL}-seed{seed}", doc, workers=workers, scheduler=scheduler,
                   dask_local=dask_local, rerun_changed=rerun_changed,
                   retry_failed=retry_failed, quiet=quiet)


def _screening(out: Path) -> dict[str, Any]:
    spec_file = out / f"{MORRIS}.toml"
    if not (out / MORRIS / "manifest.json").is_file() or not spec_file.is_file():
        raise _fail(f"--out: got {str(out)!r}, with no Morris screening; allowed: a study folder "
                    f"made by `influence sensitivity morris --out {out}`")
    try:
        return tomllib.loads(spec_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _fail(f"--out: got {str(out)!r}, whose {spec_file.name} cannot be read ({error}); "
                    "allowed: a study folder made by `influence sensitivity morris`") from None


FACTORS = "factors.json"


def record_factors(out: Path, chosen: Sequence[Factor]) -> Path:
    """Write ``DIR/factors.json``: each screened parameter's group, paths, range, rule, source."""
    from simulation.output import atomic_write_bytes

    rows = [{"name": f.name, "group": f.group, "paths": list(f.paths), "low": f.low,
             "high": f.high, "rule": f.rule, "source": f.param.source} for f in chosen]
    return atomic_write_bytes(out / FACTORS, (json.dumps(rows, indent=1) + "\n").encode())


def _factors_of(experiment: Mapping[str, Any], consumers: int,
                out: Path | None = None) -> list[Factor]:
    """The factors of a finished stage, with the ranges it ran and the rules recorded then.

    The rule comes from ``DIR/factors.json`` (written when the screening was
    planned), else from today's declaration, else ``as screened``.
    """
    recorded: dict[str, Any] = {}
    if out is not None:
        try:
            recorded = {r["name"]: r for r in json.loads((out / FACTORS).read_text("utf-8"))}
        except (OSError, ValueError, KeyError, TypeError):
            recorded = {}
    declared = {f.name: f for f in factors(_base(consumers))}
    result = []
    for p in experiment["parameters"]:
        known = declared.get(p["name"])
        param = known.param if known else parameters.declared(p["paths"][0])
        group = known.group if known else "world"
        rule = (recorded.get(p["name"]) or {}).get("rule") or (known.rule if known
                                                              else "as screened")
        result.append(Factor(p["name"], group, param, tuple(p["paths"]), p["low"], p["high"],
                             rule))
    return result


@sensitivity.command()
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Study folder made by `morris` (and `sobol`).")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None,
              help="Markdown report to write  [default: DIR/sensitivity.md]; figures go to a "
                   "figures/ folder next to it.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print what was written.")
def report(out: Path, report_path: Path | None, quiet: bool) -> None:
    """Indices, the criteria check, the budget, figures and the Markdown report."""
    _check_out(out)
    _screening(out)
    written = write_report(out, report_path or out / "sensitivity.md")
    if not quiet:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------
SELECTION = "selection.json"


def _sobol_folders(out: Path) -> list[tuple[int, Path]]:
    """The Sobol stages of a study, ``(root seed, folder)``, in the order they were asked for."""
    try:
        chosen = json.loads((out / SELECTION).read_text(encoding="utf-8"))
        seeds = [int(s) for s in chosen["seeds"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [(s, out / f"{SOBOL}-seed{s}") for s in seeds
            if (out / f"{SOBOL}-seed{s}" / "manifest.json").is_file()]


def _fmt(x: float, digits: int = 3) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.{digits}f}"


def _ci(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    return f"{_fmt(mean, digits)} [{_fmt(lo, digits)}, {_fmt(hi, digits)}]"


def _range_text(f: Factor) -> str:
    def one(v: float) -> str:
        return f"{v:g}"
    return f"[{one(f.low)}, {one(f.high)}]"


def _stage_budget(out: Path, stage: str) -> dict[str, float]:
    from .storage import Store

    try:
        entries = json.loads((out / BUDGET).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = []
    own = [e for e in entries if isinstance(e, dict) and e.get("stage") == stage]
    store = Store(out / stage)
    return {"runs": len(store.manifest()["runs"]), "done": len(store.done()),
            "failed": len(store.failed()),
            "wall": sum(float(e.get("wall_seconds", 0)) for e in own),
            "core_hours": sum(float(e.get("wall_seconds", 0)) * int(e.get("processes", 1))
                              for e in own) / 3600,
            "processes": max((int(e.get("processes", 1)) for e in own), default=0),
            "invocations": len(own)}


def _code(folder: Path) -> str:
    from .storage import Store

    code = Store(folder).manifest().get("code") or {}
    return f"{code.get('version', 'unknown code')} (sources {str(code.get('sources', ''))[:12]})"


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def morris_figure(indices: Any, labels: Mapping[str, str], bar: Mapping[str, float],
                  floor: Mapping[str, float], shown: int = 15) -> Any:
    """mu* with its 95 % bootstrap interval, the largest ``shown`` per output."""
    import numpy as np

    from .analysis import _figure

    fig = _figure(15, 5.2)
    axes = fig.subplots(1, len(OUTPUTS), squeeze=False)[0]
    for ax, output in zip(axes, OUTPUTS, strict=True):
        own = indices[indices["output"] == output].sort_values("mu_star", ascending=False)
        own = own.head(shown).iloc[::-1]
        y = np.arange(len(own))
        err = np.vstack([own["mu_star"] - own["mu_star_lo"], own["mu_star_hi"] - own["mu_star"]])
        ax.barh(y, own["mu_star"], xerr=np.clip(err, 0, None), color="C0", capsize=2)
        ax.set_yticks(y, own["parameter"], fontsize=7)
        ax.axvline(floor[output], color="0.4", ls=":", lw=1, label="seed-noise floor")
        if output in TRUST_OUTPUTS:
            ax.axvline(bar[output], color="C3", ls="--", lw=1,
                       label=f"threshold {bar[output]:.3f}")
        ax.legend(fontsize=7, loc="lower right")
        ax.set_title(labels[output], fontsize=9)
        ax.set_xlabel("mu* (output units over the range)", fontsize=8)
    fig.suptitle(f"Morris screening: mu* with 95 % bootstrap intervals (largest {shown})")
    return fig


def sobol_figure(tables: Sequence[tuple[int, Any]], labels: Mapping[str, str]) -> Any:
    """Total (bars) and first-order (dots) indices with 95 % intervals, per seed and output."""
    import numpy as np

    from .analysis import _figure

    fig = _figure(16, 5.0)
    axes = fig.subplots(1, len(OUTPUTS), squeeze=False)[0]
    order = tables[0][1]
    order = order[order["output"] == "trust_gap"].sort_values("ST", ascending=False)
    names = order["parameter"].tolist()
    width = 0.8 / max(1, len(tables))
    for ax, output in zip(axes, OUTPUTS, strict=True):
        x = np.arange(len(names))
        for k, (seed, table) in enumerate(tables):
            own = table[table["output"] == output].set_index("parameter").loc[names]
            at = x + (k - (len(tables) - 1) / 2) * width
            err = np.vstack([own["ST"] - own["ST_lo"], own["ST_hi"] - own["ST"]])
            ax.bar(at, own["ST"], width, yerr=np.clip(err, 0, None), capsize=2,
                   color=f"C{k}", alpha=0.8, label=f"ST, seed {seed}")
            ax.plot(at, own["S1"], "k.", ms=4, label="S1" if k == 0 else None)
        ax.axhline(SMALLEST_ST, color="C3", ls="--", lw=1)
        ax.set_xticks(x, names, rotation=45, ha="right", fontsize=7)
        ax.set_title(labels[output], fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle("Sobol indices with 95 % bootstrap intervals (dashed: smallest ST of "
                 f"interest, {SMALLEST_ST:g})")
    return fig


def write_report(out: Path, report_path: Path) -> list[Path]:
    """Write ``morris.csv``, ``sobol.csv``, the figures and the Markdown report of a study."""
    import numpy as np
    import pandas as pd

    from simulation.output import atomic_write_bytes

    from .analysis import png

    screening = _screening(out)
    seed = int(screening["seed"]) % 2**32
    indices, noise, experiment = morris_table(out / MORRIS, seed)
    consumers, weeks = screening["set"]["consumers"], screening["weeks"]
    study_factors = _factors_of(experiment, consumers, out)
    labels = output_labels(experiment["companies"])
    morris_csv = indices.to_csv(index=False, lineterminator="\n").encode("utf-8")
    written = [atomic_write_bytes(out / "morris.csv", morris_csv)]
    try:
        selection = json.loads((out / SELECTION).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        selection = {"smallest_effect": SMALLEST_MU_STAR, "max_params": None, "chosen": []}
    smallest = float(selection.get("smallest_effect", SMALLEST_MU_STAR))
    floor = noise_floor(noise, experiment["replicates"], experiment["levels"],
                        bool(experiment.get("common_seeds")))
    bar = thresholds(smallest, floor)
    _, ranking = select(indices, smallest, 10**6, floor)
    figures = report_path.parent / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    stem = report_path.stem
    fig_morris = atomic_write_bytes(figures / f"{stem}-morris.png",
                                    png(morris_figure(indices, labels, bar, floor)))
    written.append(fig_morris)

    sobols = []
    for s, folder in _sobol_folders(out):
        table, sobol_experiment, means = sobol_table(folder, s % 2**32)
        sobols.append((s, folder, table, sobol_experiment, means))
    finished = [(s, t) for s, _, t, _, _ in sobols if not t.empty]
    if finished:
        both = pd.concat([t.assign(seed=s) for s, t in finished], ignore_index=True)
        sobol_csv = both.to_csv(index=False, lineterminator="\n").encode("utf-8")
        written.append(atomic_write_bytes(out / "sobol.csv", sobol_csv))

    m_budget = _stage_budget(out, MORRIS)
    budgets = [(MORRIS, m_budget)] + [(f.name, _stage_budget(out, f.name))
                                      for _, f, *_ in sobols]
    rel = os.path.relpath
    lines = [
        "# Global sensitivity study",
        "",
        "Generated by `influence sensitivity report` from the study folder "
        f"`{out}`; do not edit by hand. Reproduce with `make sensitivity`. Runs computed "
        "under " + ", ".join(sorted({f"{_code(out / name)}" for name, _ in budgets})) + ".",
        "",
        "## What was measured, stated before running",
        "",
        f"World: the default scenario (two companies alike but for strategy and structure) at "
        f"{consumers:,} consumers for {weeks} weeks; every other world parameter at its "
        "scenario value. Each design point's outputs are the mean over its replicates of the "
        "final week:",
        "",
        *(f"- **{labels[o]}**" + (" (trust units, 0 to 1; the sign: positive favours the "
                                  "second company, the engaged relationship)"
                                  if o == "trust_gap" else
                                  " (money per 1,000 people in the market)"
                                  if o == "profit_gap" else " (trust units)")
          for o in OUTPUTS),
        "",
        f"Measures: Morris mu* (mean absolute elementary effect, in output units per full "
        f"range, with a 95 % bootstrap interval) and mu (signed: the direction), then Sobol "
        f"first-order S1 and total ST indices (share of output variance) with 95 % bootstrap "
        f"intervals. Smallest effect of interest: mu* = {SMALLEST_MU_STAR:g} trust units on "
        f"any trust output (the hypothesis study's margin for the headline); ST = "
        f"{SMALLEST_ST:g}. Criteria of the study (issue 12): every total-index interval's "
        f"half-width below {MAX_HALF_WIDTH:g}, and the top {TOP} by total index on the trust "
        "gap in the same order under two root seeds.",
        "",
        "## Rules",
        "",
        "- **Parameters screened:** every number (float or int) whose declared source in "
        "`simulation/parameters.py` begins with `assumption`, i.e. no published figure "
        "grounds it. Literature-sourced values, `design choice` settings (reference points, "
        "measurement thresholds, features off by default) and `scenario input` keep their "
        "values, as do parameters that only size the world (unit: "
        + ", ".join(SIZE_UNITS) + "). A company parameter moves for both companies at once; "
        "an influencer parameter through `influencer.<name>`. The list is built from the "
        "declaration at run time, so a new or renamed parameter is screened by itself.",
        f"- **Ranges:** the range `experiments/hypotheses.toml` sweeps the parameter over "
        f"(the union where several experiments sweep it), else the default +/- "
        f"{BAND:.0%} clipped to the declared bounds (for a default of 0, a band of "
        f"{ZERO_BAND:.0%} of the declared range centred on it); integers rounded inward.",
        ("- **Seed noise:** common random numbers: replicate r of every design point runs "
         "under the same seed (`design.common_seeds`), so an elementary effect, and a "
         "difference between Sobol points, is the parameters' doing alone: a parameter "
         "that does nothing has mu* = 0 exactly (noise floor 0). The indices are those of "
         "the model averaged over the replicates' draws, and the two root seeds draw "
         "different replicate seeds, so the rank check still tests the draws."
         if experiment.get("common_seeds") else
         "- **Seed noise:** every design point runs under its own seeds (derived from its "
         "configuration), so a parameter that does nothing still shows elementary effects: "
         "the difference of two independent means over the step. Their expected mu* is the "
         "noise floor 2 sigma / (sqrt(pi R) delta), sigma the output's sd over seeds (from "
         "the noise runs), R the replicates per point, delta SALib's step."),
        f"- **Selection for Sobol:** the parameters whose mu* reaches, on some trust output, "
        f"the smallest effect ({smallest:g}) or {FLOOR_FACTOR:g} times the noise floor "
        "where that is higher (here: " + ", ".join(
            f"{labels[o]} {bar[o]:.3f}" for o in TRUST_OUTPUTS) + "), ranked by mu* over "
        "that threshold, largest first, at most "
        f"{selection.get('max_params') or 'the --max-params'}; the others stay at their "
        "defaults, so the Sobol indices are conditional on them.",
        "",
        "## Budget",
        "",
        "| stage | runs | done | failed | wall time | processes | core-hours |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, b in budgets:
        lines.append(f"| {name} | {b['runs']:,} | {b['done']:,} | {b['failed']:,} | "
                     f"{_clock(b['wall'])} | {b['processes']} | {b['core_hours']:.2f} |")
    total_runs = sum(b["runs"] for _, b in budgets)
    lines += [f"| total | {total_runs:,} | {sum(b['done'] for _, b in budgets):,} | "
              f"{sum(b['failed'] for _, b in budgets):,} | "
              f"{_clock(sum(b['wall'] for _, b in budgets))} | | "
              f"{sum(b['core_hours'] for _, b in budgets):.2f} |", "",
              "Core-hours are wall time times the processes held (an upper bound on CPU time, "
              "resumed invocations summed); wall time also depends on what else the machine "
              "ran meanwhile.", ""]

    # Morris
    lines += [f"## Morris screening ({len(study_factors)} parameters)", "",
              f"{experiment['samples']} trajectories on a {experiment['levels']}-level grid, "
              f"{experiment['replicates']} replicate(s) per point, root seed "
              f"{screening['seed']}: {_planned(experiment) * experiment['replicates']:,} runs.",
              "", f"![Morris screening]({rel(fig_morris, report_path.parent)})", ""]
    if not noise.empty:
        lines += ["Seed noise: the default world run "
                  f"{len(noise)} times (standard deviation over seeds, and its share of the "
                  "variance of the Morris points' outputs):", "",
                  "| output | mean at the defaults | sd over seeds | share of Morris variance "
                  "| noise floor of mu* |", "|---|---|---|---|---|"]
        morris_means = point_means(run_outputs(load_runs_frame(out / MORRIS), experiment),
                                   [p["name"] for p in experiment["parameters"]])
        for o in OUTPUTS:
            sd = float(noise[o].std(ddof=1))
            share = sd ** 2 / experiment["replicates"] / float(morris_means[o].var(ddof=1))
            lines.append(f"| {labels[o]} | {noise[o].mean():.4g} | {sd:.4g} | {share:.1%} | "
                         f"{floor[o]:.4g} |")
        lines.append("")
    wide = indices.pivot_table(index="parameter", columns="output",
                               values=["mu_star", "mu_star_lo", "mu_star_hi", "mu", "sigma"],
                               sort=False)
    by_name = {f.name: f for f in study_factors}
    chosen = list(selection.get("chosen") or [])
    lines += ["Sorted by the largest mu* over a trust output divided by its threshold "
              "(ratio >= 1: of interest). Gap columns: mu* [95 % CI], mu (sign), sigma.", "",
              "| parameter | range (rule) | ratio | trust gap mu* | mu | sigma | "
              f"{labels['trust_first']} mu* | {labels['trust_second']} mu* | profit gap mu* "
              "| Sobol |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for _, r in ranking.iterrows():
        p = r["parameter"]
        f = by_name[p]
        w = wide.loc[p]
        lines.append(
            f"| `{p}` | {_range_text(f)} ({f.rule}) | {r['ratio']:.2f} | "
            f"{_ci(w[('mu_star', 'trust_gap')], w[('mu_star_lo', 'trust_gap')], w[('mu_star_hi', 'trust_gap')])} | "  # noqa: E501
            f"{w[('mu', 'trust_gap')]:+.3f} | {w[('sigma', 'trust_gap')]:.3f} | "
            f"{w[('mu_star', 'trust_first')]:.3f} | {w[('mu_star', 'trust_second')]:.3f} | "
            f"{w[('mu_star', 'profit_gap')]:.3g} | {'yes' if p in chosen else ''} |")
    passed = ranking[ranking["ratio"] >= 1]
    left = passed[~passed["parameter"].isin(chosen)]
    lines += ["", f"{len(passed)} of {len(ranking)} parameters reach their threshold; Sobol "
              f"takes {len(chosen)}: " + ", ".join(f"`{p}`" for p in chosen) + "."]
    if not left.empty:
        lines += ["Reaching the threshold but left at their defaults (--max-params): "
                  + ", ".join(f"`{r['parameter']}` ({r['ratio']:.2f})"
                              for _, r in left.iterrows())
                  + ". With " f"{experiment['samples']} trajectories an inert parameter's mu* "
                  "scatters around the noise floor, so ratios close to 1 are not told apart "
                  "from seed noise (a parameter this world never reads can land there)."]
    quiet = [p for p in ranking["parameter"]
             if all(float(wide.loc[p][("mu_star", o)]) <= FLOOR_FACTOR * floor[o]
                    for o in OUTPUTS)]
    lines += ["", f"Within {FLOOR_FACTOR:g} times the noise floor on every output (no effect "
              "told apart from seed noise): "
              + (", ".join(f"`{p}`" for p in quiet) if quiet else "none")
              + ". Some are read only by features the default scenario leaves off (a crisis, "
              "shareholder pressure): they may matter elsewhere, not in this world.", ""]

    if not sobols:
        lines += ["## Sobol", "", "Not run yet (`influence sensitivity sobol --out "
                  f"{out}`).", ""]
    for s, _folder, table, sobol_experiment, means in sobols:
        lines += [f"## Sobol, root seed {s}", "",
                  f"Saltelli's scheme (SALib, scrambled Sobol sequence, no second order), N = "
                  f"{sobol_experiment['samples']} base samples, "
                  f"{len(sobol_experiment['parameters'])} parameters, "
                  f"{sobol_experiment['replicates']} replicate(s) per point: "
                  f"{_planned(sobol_experiment) * sobol_experiment['replicates']:,} runs.", ""]
        if table.empty:
            lines += ["Not finished: run `influence sensitivity sobol` again to resume.", ""]
            continue
        if not noise.empty and not sobol_experiment.get("common_seeds"):
            shares = ", ".join(
                f"{labels[o]} {float(noise[o].var(ddof=1)) / sobol_experiment['replicates'] / float(means[o].var(ddof=1)):.1%}"  # noqa: E501
                for o in OUTPUTS)
            lines += [f"Seed noise as a share of the output variance (a floor under every "
                      f"ST, and it lowers every S1): {shares}.", ""]
        lines += ["| parameter | " + " | ".join(f"{labels[o]}: S1 | ST" for o in OUTPUTS) + " |",
                  "|---|" + "---|---|" * len(OUTPUTS)]
        order = top(table, "trust_gap", k=10**6)
        for p in order:
            cells = []
            for o in OUTPUTS:
                r = table[(table["output"] == o) & (table["parameter"] == p)].iloc[0]
                cells += [_ci(r["S1"], r["S1_lo"], r["S1_hi"], 2),
                          _ci(r["ST"], r["ST_lo"], r["ST_hi"], 2)]
            lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
        lines.append("")

    if len(finished) >= 2:
        fig_sobol = atomic_write_bytes(figures / f"{stem}-sobol.png",
                                       png(sobol_figure(finished, labels)))
        written.append(fig_sobol)
        lines += ["## Criteria", "",
                  f"![Sobol indices under both seeds]({rel(fig_sobol, report_path.parent)})", "",
                  f"| output | widest ST half-width, seed {finished[0][0]} | seed "
                  f"{finished[1][0]} | top {TOP} by ST, seed {finished[0][0]} | seed "
                  f"{finished[1][0]} | same order | same set |", "|---|---|---|---|---|---|---|"]
        verdicts = {}
        for o in OUTPUTS:
            widths = [float(half_width(t[t["output"] == o]).max()) for _, t in finished]
            tops = [top(t, o) for _, t in finished]
            verdicts[o] = (max(widths), tops[0] == tops[1], set(tops[0]) == set(tops[1]))
            lines.append(f"| {labels[o]} | {widths[0]:.3f} | {widths[1]:.3f} | "
                         f"{', '.join(tops[0])} | {', '.join(tops[1])} | "
                         f"{'yes' if tops[0] == tops[1] else 'no'} | "
                         f"{'yes' if set(tops[0]) == set(tops[1]) else 'no'} |")
        widest, same, _ = verdicts["trust_gap"]
        brief = ["## In brief", ""]
        for s_, t in finished:
            own = t[t["output"] == "trust_gap"].sort_values("ST", ascending=False).head(TOP)
            brief.append(f"- Top {TOP} by total index on the trust gap, root seed {s_}: "
                         + "; ".join(f"`{r['parameter']}` ST {_ci(r['ST'], r['ST_lo'], r['ST_hi'], 2)}"  # noqa: E501
                                     for _, r in own.iterrows()) + ".")
        brief += [f"- Criteria: total-index half-widths below {MAX_HALF_WIDTH:g}: "
                  + ("met" if max(v[0] for v in verdicts.values()) < MAX_HALF_WIDTH
                     else "**not met**")
                  + f" (widest {max(v[0] for v in verdicts.values()):.3f}); top {TOP} in the "
                  "same order under both seeds: " + ("met" if same else "**not met**")
                  + " (details under Criteria).", ""]
        lines[4:4] = brief
        widest_all = max(v[0] for v in verdicts.values())
        n = sobols[0][3]["samples"]
        d = len(sobols[0][3]["parameters"])
        reps = sobols[0][3]["replicates"]
        need = samples_needed(n, widest_all)
        lines += ["", f"**Half-widths below {MAX_HALF_WIDTH:g}:** "
                  + ("met" if widest_all < MAX_HALF_WIDTH else "not met")
                  + f" (widest {widest_all:.3f} over all outputs; {widest:.3f} on the trust gap)."
                  + f" **Top {TOP} on the trust gap in the same order under both seeds:** "
                  + ("met" if same else "not met") + ".", ""]
        if need > n:
            lines += [f"Half-widths shrink as 1/sqrt(N): N = {need:,} base samples (a power of "
                      f"2) would bring the widest below {MAX_HALF_WIDTH:g}, "
                      f"{need * (d + 2) * reps * len(finished):,} runs for both seeds "
                      f"(at this study's pace about "
                      f"{need / n * sum(b['core_hours'] for nm, b in budgets if nm != MORRIS):.1f}"
                      " core-hours).", ""]
        if not noise.empty:
            lines += ["Seed noise (every point runs under its own seeds) raises every estimated "
                      "ST by about its share eta of the output variance, and scales the rest by "
                      "1 - eta:", ""]
            for o in OUTPUTS:
                shares = [float(noise[o].var(ddof=1)) / e["replicates"]
                          / float(m[o].var(ddof=1)) for _, _, _, e, m in sobols[:2]]
                within = sorted({p for (_, t), eta in zip(finished, shares, strict=True)
                                 for _, r in t[t["output"] == o].iterrows()
                                 if r["ST_lo"] <= eta for p in [r["parameter"]]})
                if within:
                    lines += [f"- {labels[o]}: seed noise alone adds about "
                              + " and ".join(f"{eta:.2f}" for eta in shares)
                              + " (the two seeds) to every ST; not told apart from that "
                              "floor under at least one seed (ST's lower bound at or below "
                              "it): " + ", ".join(f"`{p}`" for p in within) + "."]
            lines.append("")
        if not same:
            gaps = []
            for _, t in finished:
                own = t[t["output"] == "trust_gap"].sort_values("ST", ascending=False)
                st = own["ST"].to_numpy()
                gaps.append(float(np.min(np.abs(np.diff(st[:TOP + 1])))) if len(st) > 1
                            else math.nan)
            lines += [f"Where the order differs, neighbouring totals lie closer than their "
                      f"intervals (smallest gap between consecutive ST in the top {TOP + 1}: "
                      + ", ".join(f"{g:.3f}" for g in gaps)
                      + "); the order of such pairs is not identified at this N.", ""]
    lines += ["## How it was made", "",
              "```",
              f"influence sensitivity morris --out {out} --consumers {consumers} --weeks {weeks}"
              f" --trajectories {experiment['samples']} --levels {experiment['levels']} "
              f"--replicates {experiment['replicates']} --seed {screening['seed']}",
              *([f"influence sensitivity sobol --out {out} --samples "
                 f"{sobols[0][3]['samples']} --replicates {sobols[0][3]['replicates']} "
                 f"--seeds {','.join(str(s) for s, *_ in sobols)} --max-params "
                 f"{selection.get('max_params')} --smallest-effect {smallest:g}"]
                if sobols else []),
              f"influence sensitivity report --out {out} --report {report_path}",
              "```", "",
              "Each stage is an ordinary sweep (`DIR/morris/`, `DIR/sobol-seed<S>/`, with "
              "their specs beside them): resumable after an interruption, on a local pool "
              "(`--workers`) or Dask (`--scheduler`, `--dask-local`). Indices: "
              "`DIR/morris.csv`, `DIR/sobol.csv`. The test suite runs a reduced version of the "
              "same pipeline (tests/test_sensitivity.py: 200 consumers for 30 weeks, three "
              "parameters, six Morris trajectories, Sobol N = 8), not this study; `make "
              "sensitivity` reruns the study itself, resuming what `results/sensitivity` holds.",
              ""]
    written.insert(0, atomic_write_bytes(report_path, "\n".join(lines).encode("utf-8")))
    return written


def load_runs_frame(folder: Path) -> Any:
    """Every finished run's rows of a sweep folder."""
    from .analysis import load_runs

    return load_runs(folder)[1]
