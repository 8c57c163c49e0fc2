"""``influence plan``: bring your own roster and company.

``influence plan init DIR`` writes a documented ``roster.csv`` and
``company.toml``; ``influence plan check DIR`` validates them and prints what
the model makes of each influencer; ``influence plan scenario DIR`` writes the
plan as a scenario file that ``influence run``, ``compare`` and the web UI
accept. Registered lazily in :data:`simulation.cli.LAZY_COMMANDS`. Bad input
is one ``error: FILE: row N, column C: got VALUE; allowed: ...`` line and exit
status 2, and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from simulation.cli import _empty_out_given, _fail, _Integer

from . import COMPANY_FILE, ROSTER_FILE, Plan, PlanError, engagement_factor, load_plan
from .templates import COMPANY_TOML, ROSTER_CSV


@click.group(name="plan")
def plan() -> None:
    """Bring your own roster and company: check them, run them as a scenario."""


def _folder(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """FOLDER as a path; an empty one is refused rather than read as the working folder."""
    if not value.strip():
        raise click.BadParameter(f"got {value!r}; allowed: a folder path (not empty)", ctx, param)
    return Path(value)


@plan.command()
@click.argument("folder", callback=_folder)
def init(folder: Path) -> None:
    """Write a documented roster.csv and company.toml into FOLDER (never overwrites)."""
    from simulation.output import atomic_write_many

    if folder.exists() and not folder.is_dir():
        raise _fail(f"FOLDER: got {str(folder)!r}, which is a file; allowed: a folder "
                    "(created if missing)")
    for name in (ROSTER_FILE, COMPANY_FILE):
        target = folder / name
        if target.exists() or target.is_symlink():
            raise _fail(f"{target}: got an existing file; allowed: a folder without "
                        f"{ROSTER_FILE} and {COMPANY_FILE} (init never overwrites; edit the "
                        "files or choose another folder)")
    try:
        atomic_write_many(folder, {ROSTER_FILE: ROSTER_CSV.encode("utf-8"),
                                   COMPANY_FILE: COMPANY_TOML.encode("utf-8")})
    except OSError as error:
        raise _fail(f"FOLDER: got {str(folder)!r}; allowed: a folder that can be written "
                    f"({error.strerror or error})") from None
    click.echo(f"wrote {folder / ROSTER_FILE} and {folder / COMPANY_FILE}")
    click.echo(f"next: edit them, then `influence plan check {folder}` and "
               f"`influence plan scenario {folder}`")


@plan.command()
@click.argument("folder", callback=_folder)
@click.option("--quiet", "-q", is_flag=True, help="No notes on stderr.")
def check(folder: Path, quiet: bool) -> None:
    """Validate FOLDER's roster and company and show what the model makes of them.

    Writes nothing.
    """
    result = _load(folder)
    _report(result, quiet)


@plan.command()
@click.argument("folder", callback=_folder)
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="FILE.toml",
              help="Scenario file to write  [default: FOLDER/plan.toml].")
@click.option("--quiet", "-q", is_flag=True, help="No table and no notes.")
def scenario(folder: Path, out: Path | None, quiet: bool) -> None:
    """Write FOLDER's plan as a scenario file, for `influence run`, `compare` and the UI."""
    from simulation.output import atomic_write_many

    from .scenario import scenario_text

    if out is not None and (not str(out).strip() or _empty_out_given()):
        raise _fail("--out: got ''; allowed: a .toml file path (not empty)")
    result = _load(folder)
    target = folder / "plan.toml" if out is None else out
    if target.suffix != ".toml":
        raise _fail(f"--out: got {str(target)!r}; allowed: a file name ending in .toml (what "
                    "`influence run` reads as a scenario file)")
    real = os.path.realpath(target)
    for name in (ROSTER_FILE, COMPANY_FILE):
        if real == os.path.realpath(folder / name):
            raise _fail(f"--out: got {str(target)!r}; allowed: a file other than the plan's "
                        f"own {name}")
    if target.is_dir():
        raise _fail(f"--out: got {str(target)!r}, which is a folder; allowed: a .toml file "
                    "path")
    if target.parent.exists() and not target.parent.is_dir():
        raise _fail(f"--out: got {str(target)!r}, which has a file in its path; allowed: a "
                    ".toml file path")
    text = scenario_text(result, source=str(folder), name=target.name)
    try:
        atomic_write_many(target.parent, {target.name: text.encode("utf-8")})
    except OSError as error:
        raise _fail(f"--out: got {str(target)!r}; allowed: a file that can be written "
                    f"({error.strerror or error})") from None
    if not quiet:
        _report(result, quiet)
    click.echo(f"wrote {target}; run it with `influence run {target}`")


def _load(folder: Path) -> Plan:
    try:
        return load_plan(folder)
    except PlanError as error:
        raise _fail(str(error)) from None


def _report(result: Plan, quiet: bool) -> None:
    """The plan in a few lines: the company's conversion, then one line per influencer."""
    company = result.company
    firm = result.config["companies"][0]
    cur = company["currency"]
    click.echo(f"{company['name']}: {len(result.table)} influencers, {result.weeks} weeks, "
               f"weekly budget {company['weekly_budget']:,.2f} {cur} "
               f"(model budget {firm['budget']:.6g} per 1,000 people, {firm['structure']}); "
               f"results' money x {result.money_factor:.6g} = {cur}")
    click.echo(f"attention = engagement_pct / 100 x {engagement_factor(result.config):.4g} "
               "(1 / (like_rate x 0.5)); empty engagement_pct: the model's curve")
    header = ("row", "name", "followers", "modelled", "attention", "from", "deal", "price/post")
    rows = [(str(r["row"]), r["name"], f"{r['followers']:,}", str(r["modelled_followers"]),
             f"{r['attention']:.4f}", r["attention_from"], r["deal_at_start"]
             + ("" if r["deal"] != "company" else "*"), f"{r['price_per_post']:,.2f}")
            for r in result.table.to_dict("records")]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    for line in (header, *rows):
        click.echo("  ".join(cell.ljust(w) if i in (1, 5, 6) else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
                   .rstrip())
    if any(r["deal"] == "company" for r in result.table.to_dict("records")):
        click.echo("* the company's strategy decides the deal (shareholders may change it)")
    if not quiet:
        for note in result.notes:
            click.echo(f"note: {note}", err=True)


# --------------------------------------------------------------------------
# plan search, plan report (issue 13 items 2 and 3)
# --------------------------------------------------------------------------
def _command_line() -> str:
    """The command as typed, for the reproducibility block."""
    import shlex
    import sys

    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    argv = obj.get("argv") if isinstance(obj, dict) else None
    return shlex.join(["influence", *(argv if argv is not None else sys.argv[1:])])


@plan.command()
@click.argument("folder", callback=_folder)
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Search folder (created; the same command resumes it)  "
                   "[default: FOLDER/search].")
@click.option("--trials", type=int, default=200, show_default=True,
              help="Candidate plans to evaluate (raise it to extend a finished search).")
@click.option("--replicates", type=int, default=8, show_default=True,
              help="Draws every plan is run on (the same draws for every plan).")
@click.option("--seed", type=int, default=0, show_default=True, help="Root seed.")
@click.option("--objective", "objectives", multiple=True, metavar="METRIC[:MEASURE]",
              help="trust, sales or profit, :mean (default) or :cvar10 (the worst 10 %); "
                   "twice for a Pareto front  [default: profit].")
@click.option("--uncertainty", default="ranges", show_default=True,
              metavar="ranges|none|POSTERIOR.csv",
              help="The uncertain parameters: drawn from the study's declared ranges, none "
                   "(seed noise only), or a calibration posterior file.")
@click.option("--consumers", type=int, default=None,
              help="Modelled consumers  [default: the company's market.consumers].")
@click.option("--max-posts", type=int, default=None,
              help="A cap on sponsored posts a week per influencer.")
@click.option("--min-engaged", type=float, default=0.0, show_default=True,
              help="Least share of the chosen influencers on an engaged (standing) deal.")
@click.option("--disclosure", type=float, default=None, metavar="SALIENCE",
              help="A disclosure rule: the least salience of a paid post's disclosure.")
@click.option("--fix", "fixed", multiple=True, metavar="LEVER",
              help="Keep a company lever at its company.toml value: liaison, transparency, "
                   "feedback (repeatable).")
@click.option("--workers", type=_Integer(1, 512), default=None,
              help="Local worker processes  [default: 1].")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the plans on a Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--dask-local", type=_Integer(1), default=None, metavar="N",
              help="Start a Dask LocalCluster of N worker processes and use it.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def search(folder: Path, out: Path | None, trials: int, replicates: int, seed: int,
           objectives: tuple[str, ...], uncertainty: str, consumers: int | None,
           max_posts: int | None, min_engaged: float, disclosure: float | None,
           fixed: tuple[str, ...], workers: int | None, scheduler: str | None,
           dask_local: int | None, quiet: bool) -> None:
    """Search FOLDER's roster for a robust plan, against the baselines, on common draws.

    Writes into --out: best_plan.csv (the roster with the decision column),
    plans.parquet (every evaluated plan), pareto.parquet, replicates.parquet,
    draws.parquet, series.parquet, summary.json and the study (search.db).
    """
    import warnings

    from experiments.cli import check_executor
    from experiments.executors import DaskExecutor, LocalPool

    from . import search as searching

    if out is not None and (not str(out).strip() or _empty_out_given()):
        raise _fail("--out: got ''; allowed: a folder path (not empty)")
    check_executor(workers, scheduler, dask_local)
    target = folder / "search" if out is None else out
    try:
        options = searching.Options(
            trials=trials, replicates=replicates, seed=seed,
            objectives=tuple(searching.parse_objective(x) for x in (objectives or ("profit",))),
            uncertainty=uncertainty.strip() or "ranges", consumers=consumers,
            max_posts=max_posts, min_engaged=min_engaged, disclosure=disclosure,
            fixed=tuple(dict.fromkeys(x.strip().lower() for x in fixed)))
        prepared = searching.prepare(folder, options)
        searching.check_out(target, prepared)
    except (PlanError, searching.SearchError) as error:
        raise _fail(str(error)) from None
    if scheduler is not None:
        executor = DaskExecutor(address=scheduler.strip())
    elif dask_local is not None:
        executor = DaskExecutor(local=dask_local)
    else:
        executor = LocalPool(workers or 1)
    bar = None

    def progress(done: int, total: int, best: str) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="plans", file=click.get_text_stream(
                "stderr"), show_pos=True, item_show_func=lambda item: item)
            bar.__enter__()
        bar.update(done - bar.pos, best)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if isinstance(executor, DaskExecutor):
                with executor:
                    summary = searching.run_search(prepared, target, executor,
                                                   command=_command_line(), progress=progress)
            else:
                summary = searching.run_search(prepared, target, executor,
                                               command=_command_line(), progress=progress)
        except searching.SearchError as error:
            raise _fail(str(error)) from None
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    import pandas as pd

    rows = pd.read_csv(target / "best_plan.csv").to_dict("records")
    for line in searching.describe(summary, rows):
        click.echo(line)
    click.echo(f"wrote {target}/best_plan.csv, plans.parquet, pareto.parquet; "
               f"`influence plan report {target}` writes the decision report")


@plan.command()
@click.argument("folder", callback=_folder)
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Folder for the report files  [default: the search folder].")
@click.option("--lang", "languages", multiple=True, type=click.Choice(["en", "fr"]),
              help="Language (repeatable)  [default: en and fr].")
@click.option("--no-pdf", is_flag=True, help="HTML only.")
def report(folder: Path, out: Path | None, languages: tuple[str, ...], no_pdf: bool) -> None:
    """Write the decision report of the search in FOLDER: report.<lang>.html and .pdf.

    One self-contained HTML file per language (figures embedded, nothing fetched)
    and the same as PDF: the recommendation, outcomes against the baselines with
    90 % bands and regret, where the recommendation would change, the assumptions
    and a reproducibility block.
    """
    from . import report as reporting

    if out is not None and (not str(out).strip() or _empty_out_given()):
        raise _fail("--out: got ''; allowed: a folder path (not empty)")
    target = folder if out is None else out
    if target.exists() and not target.is_dir():
        raise _fail(f"--out: got {str(target)!r}, which is a file; allowed: a folder")
    try:
        written = reporting.write_report(folder, target, tuple(dict.fromkeys(
            languages or reporting.LANGUAGES)), pdf=not no_pdf)
    except reporting.ReportError as error:
        raise _fail(str(error)) from None
    except OSError as error:
        raise _fail(f"--out: got {str(target)!r}; allowed: a folder that can be written "
                    f"({error.strerror or error})") from None
    for path in written:
        click.echo(f"wrote {path}")
