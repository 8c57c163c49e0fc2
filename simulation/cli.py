"""The ``influence`` command line.

``influence run`` runs the default world (or, later, a scenario) and prints a
summary per company; with ``--out`` it also writes the run files (see
:mod:`simulation.output`). ``influence params`` lists every declared
parameter.

Bad input never produces a traceback: every error a user can make (a bad
number, an unknown parameter, a value out of range, an ``--out`` that is a
file) ends the program with exit status 2 and one line on stderr that names
the parameter, the value given and what is allowed. Everything is validated
before the model runs, and files are written only once the run has finished,
so a failed run leaves the output folder as it was.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import limits, parameters
from .parameters import ParameterError

#: Above this many consumer-weeks a run shows progress even when stderr is not
#: a terminal (a batch log then records that the run started); about 10 s of work.
LARGE_RUN = 50_000_000

DEFAULT_STEPS = 156
DEFAULT_SEED = 42


# --------------------------------------------------------------------------
# One-line errors
# --------------------------------------------------------------------------
def _one_line(error: click.ClickException) -> str:
    """Format a click error as one line; bad values read ``--name: got X; allowed: Y``."""
    if (isinstance(error, click.BadParameter) and not isinstance(error, click.MissingParameter)
            and error.param is not None):
        hint = error.param_hint or error.param.get_error_hint(error.ctx)  # type: ignore[arg-type]
        if not isinstance(hint, str):
            hint = " / ".join(hint)
        message = f"{hint.replace(chr(39), '')}: {error.message}"
    else:
        message = error.format_message()
    return " ".join(message.split())


#: What a path must be, by the error the system gave for it.
_PATH_NEEDS: dict[int, str] = {
    errno.EACCES: "a path this user may read and write",
    errno.EPERM: "a path this user may read and write",
    errno.EROFS: "a path on a writable file system",
    errno.ENOTDIR: "a path whose folders are folders, not files",
    errno.EEXIST: "a path whose folders are folders, not files",
    errno.EISDIR: "a file path, not an existing folder",
    errno.ENOSPC: "a place with free disk space",
    errno.EDQUOT: "a place with disk quota left",
    errno.ENOENT: "an existing path",
    errno.ENAMETOOLONG: "a shorter path",
    errno.ELOOP: "a path without a symbolic link loop",
}


#: Errors about the folder a path is in rather than the path itself.
_FOLDER_ERRORS = frozenset({errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS,
                            errno.ENOSPC, errno.EDQUOT})


def _command_names() -> set[str]:
    names = set(LAZY_COMMANDS) | {"show", "list", "check"}
    names |= {sub for group in LAZY_SUBCOMMANDS.values() for sub in group}
    return names | set(cli.commands)


def path_error_line(error: OSError, argv: Sequence[str]) -> str | None:
    """One line for a file system error on a path the user gave, or None.

    The path in the error is matched against the command line: the argument
    whose value is that path, a folder above it, a path below it (a file in
    the way) or beside it (a figures folder next to a report) is named with
    its value. An error on any other path is not the
    user's doing and returns None, so that it keeps its traceback.
    """
    need = _PATH_NEEDS.get(error.errno or -1)
    paths = [p for p in (error.filename, getattr(error, "filename2", None))
             if isinstance(p, str | os.PathLike)]
    if need is None or not paths:
        return None
    found = _argument_of([os.path.abspath(os.fspath(p)) for p in paths], argv,
                         beside=error.errno in _FOLDER_ERRORS)
    if found is None:
        return None
    name, value = found
    shown = os.fspath(paths[0])
    where = "" if os.path.abspath(shown) == os.path.abspath(value) else f" at {shown}"
    return (f"{name}: got {value!r}; allowed: {need} "
            f"({error.strerror or type(error).__name__}{where})")


def _argument_of(paths: Sequence[str], argv: Sequence[str], *, beside: bool
                 ) -> tuple[str, str] | None:
    """The (option or argument name, value) of argv naming one of ``paths``, or above/below.

    With ``beside``, a path in the same folder as the value counts too (the
    error is about that folder: a file in the way, no permission, no space).
    """
    best: tuple[int, str, str] | None = None
    previous = ""
    argv = list(argv)
    while argv and argv[0] in _command_names():  # `dock ablation ...`: commands, not paths
        argv.pop(0)
    for token in argv:
        name, value = ("argument", token)
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
        elif token.startswith("-"):
            previous = token
            continue
        elif previous.startswith("--"):
            name = previous
        previous = ""
        if not value:
            continue
        given = os.path.abspath(value)
        for path in paths:
            if path == given or path.startswith(given + os.sep) \
                    or given.startswith(path + os.sep) \
                    or (beside and os.path.dirname(path) == os.path.dirname(given)):
                score = len(given)
                if best is None or score > best[0]:
                    best = (score, name, value)
    return None if best is None else (best[1], best[2])


class OneLineErrorGroup(click.Group):
    """A click group whose errors are one ``error: ...`` line and exit status 2.

    Click's own handler prints the usage, a hint and the error over several
    lines; a script that reads stderr, or a user scanning a log, should get
    exactly one line that says what was wrong.
    """

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the command; report click errors on one line instead of click's usage block."""
        argv = list(sys.argv[1:] if args is None else args)
        extra.setdefault("obj", {})
        if isinstance(extra["obj"], dict):
            extra["obj"].setdefault("argv", argv)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            if not standalone_mode:
                raise
            click.echo(f"error: {_one_line(error)}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            if not standalone_mode:
                raise
            click.echo("error: aborted", err=True)
            sys.exit(1)
        except OSError as error:
            line = path_error_line(error, argv)
            if not standalone_mode or line is None:
                raise  # not about a path the user gave: a bug, with its traceback
            click.echo(f"error: {line}", err=True)
            sys.exit(2)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


class _Integer(click.ParamType):
    """An integer with a lower bound (and an upper one), whose error says what is allowed."""

    name = "integer"

    def __init__(self, low: int, high: int | None = None) -> None:
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            try:
                number = int(text, 10)
            except ValueError:
                self.fail(f"got {value!r}; allowed: {self.allowed()}", param, ctx)
        if number < self.low or (self.high is not None and number > self.high):
            self.fail(f"got {value!r}; allowed: {self.allowed()}", param, ctx)
        return number

    def allowed(self) -> str:
        """What this type accepts, in words."""
        if self.high is None:
            return f"an integer >= {self.low}"
        high = "2**64 - 1" if self.high == limits.MAX_SEED else f"{self.high}"
        return f"an integer in [{self.low}, {high}]"


def _parse_sets(ctx: click.Context, param: click.Parameter,
                values: Sequence[str]) -> list[tuple[str, str]]:
    """Split each ``--set KEY=VALUE`` at the first ``=`` (values may contain ``=``)."""
    pairs = []
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"got {item!r}; allowed: KEY=VALUE with a parameter path as KEY "
                "(e.g. consumers=5000 or companies[1].strategy=billboard)", ctx, param)
        pairs.append((key.strip(), value))
    return pairs


def _fail(message: str) -> click.UsageError:
    """A usage error (exit status 2) with a preformatted one-line message."""
    return click.UsageError(message)


# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------
def build_config(sets: Sequence[tuple[str, str]],
                 base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Apply ``--set`` overrides to a base configuration and validate the result.

    Args:
        sets: ``(path, text)`` pairs, applied in order; later ones win.
        base: Starting configuration: the defaults, or what a scenario file
            loader produced (the overrides then apply on top of the scenario).

    Returns:
        The resolved configuration (see :func:`simulation.parameters.resolve`).

    Raises:
        ParameterError: naming the first bad path or value.
    """
    config = dict(parameters.defaults() if base is None else base)
    for path, text in sets:
        config = parameters.set_path(config, path, text)
    return parameters.resolve(config)


def _empty_out_given() -> bool:
    """Whether the command line gave ``--out ''`` (which click reads as the current folder)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    argv = obj.get("argv", []) if isinstance(obj, dict) else []
    return any((token == "--out" and i + 1 < len(argv) and not argv[i + 1].strip())
               or token.replace(" ", "") == "--out=" for i, token in enumerate(argv))


def check_out_dir(out: Path) -> None:
    """Refuse an output folder that cannot be created or written, before running.

    Raises:
        click.UsageError: when ``out`` (or a parent of it) is a file, or the
            nearest existing folder is not writable.
    """
    if not str(out).strip() or _empty_out_given():
        raise _fail("--out: got ''; allowed: a folder path (not empty)")
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "is a file" if probe == out else f"has a file in its path ({probe})"
        raise _fail(f"--out: got {str(out)!r}, which {what}; allowed: a folder path")
    if probe.is_dir() and not os.access(probe, os.W_OK | os.X_OK):
        raise _fail(f"--out: got {str(out)!r}; allowed: a folder you can write "
                    f"({probe} is not writable)")


def write_outputs(out: Path, files: Mapping[str, bytes], *, quiet: bool) -> None:
    """Write a command's result files into ``out``, all or nothing, and say so on stderr.

    A folder that cannot be written after all (full disk, permissions changed
    while running) ends the command with exit status 2 and one ``error:``
    line; the folder keeps what it had.
    """
    from .output import atomic_write_many

    earlier = [name for name in files if (out / name).is_file()]
    try:
        written = atomic_write_many(out, files)
    except OSError as error:
        raise _fail(f"--out: got {str(out)!r}; allowed: a folder that can be written "
                    f"({error.strerror or error})") from None
    if not quiet:
        click.echo("wrote " + ", ".join(str(p) for p in written), err=True)
    if earlier:  # said even with --quiet: earlier results are gone, that is never chatter
        click.echo(f"note: replaced the earlier {', '.join(earlier)} in {out}", err=True)


def horizon_notes(config: Mapping[str, Any], steps: int) -> list[str]:
    """A note for each scheduled thing that would never happen within ``steps`` weeks.

    Events and a company's ``crisis_week`` after the last week are valid (a
    short preview of a long scenario), but should not pass in silence.
    """
    notes = [f"note: events[{i}] ({event['kind']}, week {event['week']}) is after the "
             f"{steps} weeks run: it will not happen"
             for i, event in enumerate(config.get("events", [])) if event["week"] > steps]
    notes += [f"note: companies[{i}].crisis_week = {company['crisis_week']} is after the "
              f"{steps} weeks run: that crisis will not happen"
              for i, company in enumerate(config.get("companies", []))
              if company.get("crisis_week", 0) > steps]
    return notes


def check_memory(config: Mapping[str, Any], copies: int = 1) -> None:
    """Refuse, before building anything, a world this machine or process cannot hold.

    Free memory, the cgroup's limit and the process's ulimit all count (see
    :mod:`simulation.memory`); ``copies`` worlds are held at once.

    Raises:
        click.UsageError: naming the size parameters, the estimate and what is free.
    """
    from .memory import memory_shortfall

    problem = memory_shortfall(config, copies=copies)
    if problem is not None:
        each = f" x {copies} worlds at once" if copies > 1 and problem.bound != "process" \
            else ""
        raise _fail(f"consumers: got {config['consumers']} (network {config['network']}, "
                    f"network_degree {config['network_degree']}: about "
                    f"{problem.need / 1e9:.1f} GB{each}); allowed: {problem.allowed()}")


def show_progress(quiet: bool, stderr_is_tty: bool, steps: int, consumers: int) -> bool:
    """Whether to draw a progress bar: on a terminal, or for long runs in a log."""
    if quiet:
        return False
    return stderr_is_tty or steps * consumers >= LARGE_RUN


def run_jobs_shown(jobs: Sequence[Any], *, workers: int, quiet: bool) -> Any:
    """Run replicate jobs (:func:`simulation.replicates.run_jobs`) with a bar of runs done.

    The bar is drawn on stderr under the same rule as a single run's
    (:func:`show_progress`), the work being consumers x weeks over all jobs.
    """
    from .replicates import run_jobs

    work = sum(job.config["consumers"] * job.steps for job in jobs)
    if not show_progress(quiet, _isatty(sys.stderr), 1, work):
        return run_jobs(jobs, workers=workers)
    with click.progressbar(length=len(jobs), label="runs", file=sys.stderr,
                           show_pos=True) as bar:
        return run_jobs(jobs, workers=workers,
                        progress=lambda done, total: bar.update(done - bar.pos))


@contextmanager
def _progress(show: bool, steps: int) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n)`` callback; draws a bar on stderr only when ``show``."""
    if not show:
        yield lambda n: None
        return
    with click.progressbar(length=steps, label="weeks", file=sys.stderr,
                           show_pos=True) as bar:
        yield bar.update


# --------------------------------------------------------------------------
# Summary table
# --------------------------------------------------------------------------
def _cell(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if kind == "share":
        return f"{100 * float(value):.1f}%"
    if kind == "ratio":
        return f"{float(value):.3f}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return f"{float(value):,.0f}"
    if kind == "weeks":
        return f"{float(value):.0f}"
    return str(value)


_SUMMARY_COLUMNS = (
    ("company", "company", "text"),
    ("strategy", "strategy", "text"),
    ("trust", "trust", "ratio"),
    ("trusting_share", "trusting", "share"),
    ("credibility", "credibility", "ratio"),
    ("impressions", "impressions", "int"),
    ("likes", "likes", "int"),
    ("sales", "sales", "int"),
    ("profit", "profit", "money"),
    ("alive", "relationships", "int"),
    ("cost_per_trust_point", "cost/trust pt", "money"),
    ("likes_vs_trust", "likes~trust", "ratio"),
    ("crisis_depth", "crisis depth", "ratio"),
    ("weeks_to_recover", "recovery (weeks)", "weeks"),
)


def format_summary(summary: Any) -> str:
    """Render :func:`simulation.metrics.summary` as a plain aligned text table."""
    columns = [c for c in _SUMMARY_COLUMNS if c[0] in summary.columns]
    rows = [[_cell(record[key], kind) for key, _, kind in columns]
            for record in summary.to_dict(orient="records")]
    headers = [title for _, title, _ in columns]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    left = {i for i, (_, _, kind) in enumerate(columns) if kind == "text"}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i in left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


#: Rows of the fairness table: key of :func:`simulation.metrics.fairness`, title, format.
_FAIRNESS_ROWS = (
    ("strategy", "strategy", "text"),
    ("structure", "structure", "text"),
    ("spend_total", "spend (realised, total)", "money"),
    ("unspent_total", "unspent (total)", "money"),
    ("posts", "posts bought", "money"),
    ("influencers", "influencers recruited", "int"),
    ("followers_total", "their followers at the start", "int"),
    ("audience_total", "  of them modelled consumers", "int"),
    ("audience_share", "  as a share of the market", "share"),
    ("audiences", "  each (share of the market)", "text"),
    ("price", "price", "ratio"),
    ("responsibility", "responsibility", "ratio"),
    ("unit_cost", "unit cost", "ratio"),
    ("quality_start", "quality at the start", "ratio"),
    ("quality_final", "quality at the end", "ratio"),
)


def format_fairness(table: Any) -> str:
    """Render :func:`simulation.metrics.fairness` as text: one column per company."""
    records = table.to_dict(orient="records")
    headers = ["", *(str(r["company"]) for r in records)]
    rows = [[title, *(_cell(r[key], kind) for r in records)]
            for key, title, kind in _FAIRNESS_ROWS if key in table.columns]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
                     for cells in [headers, *rows])


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------
#: Commands that live in their own modules, imported only when used (so that
#: ``influence run`` does not pay for Dask or Solara). ``name: "module:attribute"``.
LAZY_COMMANDS: dict[str, str] = {
    "compare": "simulation.compare:compare",
    "dock": "simulation.docking:dock",
    "ui": "simulation.ui.serve:ui",
    "sweep": "experiments.cli:sweep",
    "results": "experiments.cli:results",
    "analyze": "experiments.cli:analyze",
    "sensitivity": "experiments.sensitivity:sensitivity",
    "calibrate": "experiments.calibration:calibrate",
    "check": "simulation.facts:check",
    "plan": "experiments.plan.cli:plan",
}

#: Commands added to a lazily imported group when it is first used, from their own
#: modules: ``group: {name: "module:attribute"}``.
LAZY_SUBCOMMANDS: dict[str, dict[str, str]] = {
    "dock": {"ablation": "simulation.ablation:ablation",
             "switches": "simulation.switching:switches",
             "budget": "simulation.budget_response:budget",
             "size": "simulation.size_invariance:size"},
    "check": {"planted": "experiments.planted:planted"},
}


class InfluenceGroup(OneLineErrorGroup):
    """The ``influence`` group: its own commands plus the lazily imported ones.

    A lazy command whose module is not installed (an optional extra left
    out) is simply not listed.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command available in this installation, sorted."""
        names = set(super().list_commands(ctx))
        names.update(name for name in LAZY_COMMANDS if self._lazy(name) is not None)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A command of this group, importing a lazy one on first use."""
        return super().get_command(ctx, cmd_name) or self._lazy(cmd_name)

    @staticmethod
    def _lazy(name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        import importlib

        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                return None  # that part of the project is not installed
            raise
        command = getattr(module, attribute)
        if isinstance(command, click.Group):
            for sub, sub_target in LAZY_SUBCOMMANDS.get(name, {}).items():
                if sub not in command.commands:
                    sub_module, sub_attribute = sub_target.split(":")
                    command.add_command(getattr(importlib.import_module(sub_module),
                                                sub_attribute), sub)
        return command


@click.group(cls=InfluenceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="influence-world", prog_name="influence")
def cli() -> None:
    """Influence marketing world: billboard deals against engaged relationships."""


def load_scenario(ref: str | None) -> Any:
    """The scenario ``ref`` names (None: the default world), or a one-line usage error."""
    import scenarios

    try:
        return scenarios.load("default" if ref is None else ref)
    except scenarios.ScenarioError as error:
        raise _fail(str(error)) from None


@cli.command()
@click.argument("scenario", required=False, metavar="[NAME|FILE]")
@click.option("--steps", type=_Integer(1, limits.MAX_STEPS), default=None,
              help="Weeks to simulate  [default: the scenario's weeks, 156 for the default].")
@click.option("--seed", type=_Integer(0, limits.MAX_SEED), default=DEFAULT_SEED,
              show_default=True,
              help="Random seed: the same seed and parameters give the same run.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", callback=_parse_sets,
              help="Set a parameter, e.g. consumers=5000, companies[1].strategy=billboard, "
                   "influencer.churn_threshold=0.2. Repeatable. See `influence params`.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
              default=None, help="Folder for timeseries.csv, run.json, trust.png and "
                                 "fairness.csv.")
@click.option("--posterior", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Draw fitted parameters from a posterior (posterior.csv of `influence "
                   "calibrate`), the draw fixed by --seed; --set still wins.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no notes on stderr.")
@click.pass_context
def run(ctx: click.Context, scenario: str | None, steps: int | None, seed: int,
        sets: list[tuple[str, str]], out: Path | None, posterior: Path | None,
        quiet: bool) -> None:
    """Run a scenario (by default the default world) and print a summary per company.

    NAME is a shipped scenario (see `influence scenarios list`), FILE a
    scenario file of your own; --set changes parameters on top of it.
    Everything is checked before the first week runs; files are written only
    when the run has finished, each one atomically.
    """
    chosen = load_scenario(scenario)
    steps = chosen.weeks if steps is None else steps
    drawn = ""
    try:
        base = chosen.config
        if posterior is not None:
            from . import posterior as posteriors

            fitted = posteriors.load(posterior)
            base = fitted.apply(base, seed, 0, skip=[path for path, _ in sets])
            drawn = ", ".join(f"{path} = {value:.4g}" for path, value in
                              fitted.drawn(seed, 0, skip=[path for path, _ in sets]).items())
        config = build_config(sets, base=base)
    except (ParameterError, parameters.InputFileError) as error:
        raise _fail(str(error)) from None
    if out is not None:
        check_out_dir(out)
    check_memory(config)
    if not quiet:
        for note in horizon_notes(config, steps):
            click.echo(note, err=True)

    from .metrics import fairness
    from .metrics import summary as summarise
    from .model import InfluenceModel

    try:
        model = InfluenceModel(rng=seed, **config)
    except ParameterError as error:
        raise _fail(str(error)) from None
    show = show_progress(quiet, _isatty(sys.stderr), steps, config["consumers"])
    with _progress(show, steps) as advance:
        for _ in range(steps):
            model.step()
            advance(1)
    frame = model.timeseries()
    table = summarise(model, frame)
    fair = fairness(model)

    companies = len(config["companies"])
    recruited = sum(len(c.influencers) for c in model.companies)
    pool = sum(len(c.candidates) for c in model.companies)
    click.echo(f"{chosen.title} ({chosen.name})")
    click.echo(f"{config['consumers']:,} consumers, {companies} companies, "
               f"{recruited} influencers recruited ({pool} candidates left), {steps} weeks, "
               f"seed {seed}")
    if drawn:
        click.echo(f"parameters drawn from {posterior}: {drawn}")
    click.echo(format_summary(table))
    click.echo()
    scale = config["market_size"] / config["consumers"]
    click.echo(f"What differs between the companies (totals over the {steps} weeks; a "
               f"market of {config['market_size']:,} people, each modelled consumer standing "
               f"for {scale:,.4g}):")
    click.echo(format_fairness(fair))

    if out is not None:
        from .output import render_run

        given = ctx.obj.get("argv", []) if isinstance(ctx.obj, dict) else sys.argv[1:]
        argv = [ctx.find_root().info_name or "influence", *given]
        scenario = {"name": chosen.name, "title": chosen.title, "source": str(chosen.source)}
        write_outputs(out, render_run(model, frame, table, argv, scenario, fairness=fair),
                      quiet=quiet)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@cli.group(cls=OneLineErrorGroup)
def scenarios() -> None:
    """The scenario library: list, read and check the named scenarios."""


@scenarios.command("list")
def scenarios_list() -> None:
    """One line per shipped scenario: name, title and what it shows."""
    import scenarios as library

    rows = []
    for name in library.names():
        try:
            found = library.load(name)
        except library.ScenarioError as error:
            rows.append((name, f"(cannot be loaded: {error})", ""))
            continue
        rows.append((name, found.title, found.summary))
    width = max((len(r[0]) for r in rows), default=0)
    title_width = max((len(r[1]) for r in rows), default=0)
    for name, title, summary in rows:
        click.echo(f"{name.ljust(width)}  {title.ljust(title_width)}  {summary}".rstrip())


@scenarios.command("show")
@click.argument("scenario", metavar="NAME|FILE")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of the teaching text.")
@click.option("--all", "show_all", is_flag=True,
              help="List every resolved parameter, not only those that differ from the defaults.")
def scenarios_show(scenario: str, lang: str, show_all: bool) -> None:
    """The teaching text of a scenario and its resolved parameters."""
    found = load_scenario(scenario)
    click.echo(format_scenario(found, lang=lang, show_all=show_all))


@scenarios.command("check")
@click.argument("refs", nargs=-1, metavar="[NAME|FILE ...]")
@click.option("--seeds", type=_Integer(1), default=None,
              help="Number of seeds (1, 2, ... N)  [default: the claims' default seeds].")
def scenarios_check(refs: tuple[str, ...], seeds: int | None) -> None:
    """Run scenarios and say whether each claim their text makes holds.

    Without arguments, every shipped scenario. Exit status 1 if a claim fails.
    """
    import scenarios as library
    from scenarios import claims

    from .memory import needed_memory

    chosen = [load_scenario(ref) for ref in (refs or library.names())]
    check_memory(max((found.config for found in chosen), key=needed_memory))
    seed_list = claims.DEFAULT_SEEDS if seeds is None else tuple(range(1, seeds + 1))
    failed = 0
    for found in chosen:
        click.echo(f"{found.name}: {found.title}")
        results = claims.check(found, seed_list)
        if not results:
            click.echo("  (makes no checked claim)")
        for result in results:
            mark = "holds " if result.holds else "FAILS "
            failed += not result.holds
            click.echo(f"  {mark} {result.text}  [{result.detail}; "
                       f"{result.agreeing}/{result.runs} runs agree]")
    if failed:
        raise SystemExit(1)


def format_scenario(found: Any, *, lang: str = "en", show_all: bool = False) -> str:
    """A scenario as plain text: teaching text, lesson, parameters, events and claims."""
    import textwrap

    text = found.text(lang)

    def wrap(text: str, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
        return textwrap.wrap(text, width=88, initial_indent=initial_indent,
                             subsequent_indent=subsequent_indent)

    heads = {"en": ("What it shows", "How it works", "Things to notice", "Things to try",
                    "Lesson", "week", "Watch", "Ask", "Then"),
             "fr": ("Ce que montre ce scénario", "Comment ça marche", "À remarquer",
                    "À essayer", "Leçon", "semaine", "Regarder", "Demander", "Ensuite")}[lang]
    lines = [f"{text['title']} ({found.name})", text["summary"], f"source: {found.source}", ""]
    teaching = text["teaching"]
    for key, head in zip(("what", "how"), heads[:2], strict=True):
        if teaching.get(key):
            lines += [head, *wrap(" ".join(teaching[key].split())), ""]
    for key, head in zip(("notice", "try"), heads[2:4], strict=True):
        if teaching.get(key):
            lines.append(head)
            for item in teaching[key]:
                lines += wrap(" ".join(item.split()), initial_indent="- ",
                                   subsequent_indent="  ")
            lines.append("")
    if text["lesson"]:
        lines.append(heads[4])
        for step in text["lesson"]:
            lines.append(f"  {heads[5]} {step['week']}")
            for key, head in zip(("watch", "ask", "try"), heads[6:], strict=True):
                lines += wrap(f"{head}: {step[key]}", initial_indent="    ",
                                   subsequent_indent="      ")
        lines.append("")
    lines += [f"Parameters ({'all' if show_all else 'differences from the defaults'}), "
              f"{found.weeks} weeks"]
    lines += [f"  {path} = {value}" for path, value in
              _parameter_lines(found.config, show_all)]
    if found.config["events"]:
        lines.append("Events")
        names = [c["name"] for c in found.config["companies"]]
        for event in found.config["events"]:
            rest = {k: v for k, v in event.items() if k not in ("week", "kind", "company")}
            who = names[event["company"]] if "company" in event else "every company"
            detail = ", ".join(f"{k} = {v}" for k, v in rest.items())
            lines.append(f"  week {event['week']}: {event['kind']} at {who}: {detail}")
    if found.expect:
        lines.append("Claims (checked by `influence scenarios check`)")
        lines += [f"  - {claim['text']}" for claim in found.expect]
    return "\n".join(lines)


def _parameter_lines(config: Mapping[str, Any], show_all: bool) -> list[tuple[str, Any]]:
    """Parameter paths and values, skipping those equal to the defaults unless ``show_all``."""
    base = parameters.defaults()
    company_default = {p.name: p.default for p in parameters.COMPANY_PARAMS}
    out = []
    for p in parameters.WORLD_PARAMS:
        if show_all or config[p.name] != base[p.name]:
            out.append((p.name, config[p.name]))
    for i, company in enumerate(config["companies"]):
        reference = {**company_default, **(base["companies"][i]
                                           if i < len(base["companies"]) else {})}
        for key, value in company.items():
            if show_all or key == "name" or value != reference.get(key):
                out.append((f"companies[{i}].{key}", value))
    for key, value in config["influencer"].items():
        if show_all or value != base["influencer"][key]:
            out.append((f"influencer.{key}", value))
    for i, role in enumerate(config["influencers"]):
        for key, value in role.items():
            if show_all or key in ("company", "followers", "deal") \
                    or value != config["influencer"].get(key):
                out.append((f"influencers[{i}].{key}", value))
    return out


@cli.command()
@click.option("--markdown", is_flag=True, help="Print a Markdown table (as in docs/ODD.md).")
def params(markdown: bool) -> None:
    """List every declared parameter: name, default, allowed values, unit, meaning, source.

    The source, on the line under each parameter, says where the default comes
    from: a citation with the figure it rests on, or an assumption, a design
    choice or a scenario input, said as such.

    Company parameters are set per company (companies[0].budget=30); influencer
    parameters for all (influencer.churn_threshold=0.2) or one by one
    (influencers[0].followers=20000).
    """
    if markdown:
        click.echo(parameters.parameter_table())
        return
    sections = (
        ("World (e.g. --set consumers=5000)", parameters.WORLD_PARAMS),
        ("Company, per company (e.g. --set companies[1].budget=30)",
         parameters.COMPANY_PARAMS),
        ("Influencer, for all (influencer.KEY) or one (influencers[0].KEY)",
         (*parameters.INFLUENCER_PARAMS, *parameters.INFLUENCER_ROLE_PARAMS)),
    )
    headers = ("name", "default", "allowed", "unit", "meaning")
    for index, (title, declared) in enumerate(sections):
        rows = [(p.name, str(p.default), p.allowed(), p.unit, p.doc) for p in declared]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:4])]
        if index:
            click.echo()
        click.echo(title)
        click.echo("  ".join(c.ljust(w) for c, w in zip(headers[:4], widths, strict=True))
                   + "  " + headers[4])
        for row, p in zip(rows, declared, strict=True):
            click.echo("  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True))
                       + "  " + row[4])
            click.echo(f"    source: {p.source or '-'}")


def main(argv: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Entry point of the ``influence`` script and of ``python -m simulation``."""
    cli.main(args=argv, prog_name=prog_name)
