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

from simulation.cli import _empty_out_given, _fail

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
