"""Calibrate: fit the model to a user's own weekly data by ABC-SMC, in the browser.

The page is ``influence calibrate SPEC --out DIR`` (:mod:`experiments.calibration`,
pyabc) with a form in front: the visitor uploads a calibration spec (TOML) and
its data (CSV), or takes the shipped synthetic example, sets the population
and the budget of simulations, and runs the fit in a background process
(:mod:`.jobs`, the same job and panel as the Plan page), with progress per
generation and a Cancel that really stops it. The fit is then shown as the
command writes it: the posterior table (median and 90 % interval per
parameter, the truth when the spec knows it), the posterior-predictive figure
against the data, and the posterior files to download (``posterior.csv`` is
what ``influence run --posterior`` and a sweep's ``posterior =`` read).

The spec is checked by :func:`experiments.calibration.parse_spec`, so a bad
spec or data file shows the command's own line. One difference, for the
server's sake: the data are the file the visitor uploads, stored where the
spec's ``data.file`` says (a plain relative name); a spec naming an absolute
path or a folder above it is refused, since the server must not read its own
files for a visitor.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import solara

from . import state
from .i18n import localised, number, t
from .jobs import FilePick, Job, JobError, JobPanel, Snapshot, job_folder, tidy, use_job
from .safe import escape, html_block

#: The shipped example (synthetic data made from known parameter values).
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "calibration"
#: The page's default budget: small, so a fit ends in under a minute on 2 cores.
PAGE_POPULATION = 40
PAGE_SIMULATIONS = 400
#: Upper bounds the page offers (the command line allows more).
PAGE_MAX_POPULATION = 2000
PAGE_MAX_SIMULATIONS = 100_000
#: What the fit writes and the page offers.
FILES = ("posterior.csv", "posterior.toml", "predictive.png", "pairs.png")
#: The command's progress line after each generation (experiments.calibration._generations).
GENERATION = re.compile(r"generation (\d+)/(\d+): epsilon ([^,]+), accepted ([\d.]+) %, "
                        r"([\d,]+) of ([\d,]+) simulations")


@dataclass(frozen=True)
class Inputs:
    """The spec and its data, as uploaded."""

    spec_name: str = ""
    spec: bytes = b""
    data_name: str = ""
    data: bytes = b""


def example_inputs() -> Inputs:
    """The shipped example's spec and data."""
    return Inputs("spec.toml", (EXAMPLE / "spec.toml").read_bytes(), "synthetic.csv",
                  (EXAMPLE / "synthetic.csv").read_bytes())


def spec_table(inputs: Inputs) -> tuple[dict[str, Any], str]:
    """The spec's TOML as a table, and the plain relative name its ``data.file`` gives.

    Raises:
        CalibrationError: one line naming the spec (as uploaded) and what is wrong:
            not UTF-8, not TOML, too deep or large, or a ``data.file`` that is
            not a relative path inside the spec's folder.
    """
    from experiments.calibration import CalibrationError, spec_toml

    label = inputs.spec_name or "spec.toml"
    if not inputs.spec:
        raise CalibrationError(label, "", "nothing", "a calibration spec (.toml file; choose "
                                                     "one, or use the example)")
    raw = spec_toml(inputs.spec, label)
    data = raw.get("data")
    file = data.get("file") if isinstance(data, dict) else None
    if isinstance(file, str) and file.strip():
        path = PurePosixPath(file.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", file):
            raise CalibrationError(label, "data.file", file,
                                   "a file name relative to the spec (on this page the data "
                                   "are the CSV you upload, stored under that name)")
        return raw, str(path)
    return raw, ""  # parse_spec says what is missing


def prepare(inputs: Inputs, folder: Path, population: int,
            simulations: int) -> tuple[dict[str, Any], Any]:
    """Store the two files in ``folder`` and check the spec with the page's budget.

    Returns:
        The spec's table with the page's budget in it (what the job parses again
        in its own process) and the :class:`experiments.calibration.CalibrationSpec`.

    Raises:
        CalibrationError: the command's one line (the folder left out by :func:`tidy`).
    """
    from experiments.calibration import CalibrationError, parse_spec

    raw, data_name = spec_table(inputs)
    spec_name = "spec.toml"
    (folder / spec_name).write_bytes(inputs.spec)
    if data_name:
        if not inputs.data:
            raise CalibrationError(inputs.spec_name or spec_name, "data.file", data_name,
                                   "the spec's data: choose its CSV file too")
        target = folder / data_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(inputs.data)
    budget = dict(raw.get("budget") or {}) if isinstance(raw.get("budget"), dict) else {}
    budget.update(population=population, simulations=simulations)
    raw = {**raw, "budget": budget}
    return raw, parse_spec(raw, folder / spec_name)


class _Lines(io.TextIOBase):
    """A stream that hands each complete line written to it to ``on_line``."""

    def __init__(self, on_line: Any) -> None:
        super().__init__()
        self._on_line = on_line
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            self._on_line(line)
        return len(text)


def calibrate_work(report: Any, folder: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The job: run the fit of the spec in ``folder`` (its data beside it) into ``folder/out``.

    Runs in the job's process, in ``folder``, so that the files it writes name
    the spec and the data as the visitor named them, never the server's folder.
    Progress: ``(simulations done, budget, {"generation": g, ...})`` per generation.
    """
    import click

    from experiments.calibration import parse_spec, run_calibration

    os.chdir(folder)
    spec = parse_spec(raw, Path("spec.toml"))

    def line(text: str) -> None:
        match = GENERATION.search(text)
        if match:
            report(int(match.group(5).replace(",", "")), int(match.group(6).replace(",", "")),
                   {"generation": int(match.group(1)), "generations": int(match.group(2)),
                    "epsilon": float(match.group(3)), "accepted": float(match.group(4))})

    report(0, spec.simulations, {"generations": spec.generations})
    stderr = sys.stderr
    sys.stderr = _Lines(line)
    try:
        fit = run_calibration(spec, Path("out"), workers=1, quiet=False)
    except click.ClickException as error:
        raise JobError(error.format_message()) from None
    finally:
        sys.stderr = stderr
    return {"out": str(Path(folder, "out")), "table": fit.table(),
            "generations": len(fit.generations), "simulations": fit.simulations}


@dataclass(frozen=True)
class Outcome:
    """A finished fit, in memory (its folder is gone)."""

    table: list[dict[str, Any]]
    generations: int
    simulations: int
    seconds: float
    files: dict[str, bytes] = field(repr=False)


def read_outcome(result: dict[str, Any], seconds: float) -> Outcome:
    """The fit's table and files, read into memory."""
    out = Path(result["out"])
    return Outcome(result["table"], result["generations"], result["simulations"], seconds,
                   {name: (out / name).read_bytes() for name in FILES})


def progress_text(snapshot: Snapshot, lang: str) -> str:
    """What the running fit says, in ``lang``."""
    info = snapshot.info
    if "generation" not in info:
        return t("cal_starting", lang, total=snapshot.total)
    return t("cal_progress", lang, g=info["generation"], n=info["generations"],
             eps=number(info["epsilon"], ".4g", lang), acc=number(info["accepted"], ".1f", lang),
             done=snapshot.done, total=snapshot.total)


def prior_text(prior: str, lang: str) -> str:
    """A prior as :meth:`experiments.calibration.Prior.describe` writes it, in ``lang``."""
    if lang != "fr":
        return prior
    text = prior.replace("uniform [", "uniforme [").replace("normal(", "normale(")
    text = text.replace(") on [", ") sur [")
    return localised(text.replace(", ", " ; "), lang)


def posterior_rows(table: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[str]]]:
    """The posterior table: per parameter, prior, median and 90 % interval (and truth)."""
    truth = any("truth" in r for r in table)
    headers = [t("cal_parameter", lang), t("cal_prior", lang), t("cal_median", lang),
               t("cal_interval", lang)] + ([t("cal_truth", lang)] if truth else [])
    rows = []
    for r in table:
        row = [r["path"], prior_text(r["prior"], lang), number(r["q50"], ".4g", lang),
               f"[{number(r['q05'], '.4g', lang)} ; {number(r['q95'], '.4g', lang)}]"
               if lang == "fr" else f"[{r['q05']:.4g}, {r['q95']:.4g}]"]
        if truth:
            row.append("-" if "truth" not in r else t(
                "cal_inside" if r["covered"] else "cal_outside", lang,
                truth=number(r["truth"], ".4g", lang)))
        rows.append(row)
    return headers, rows


@solara.component
def CalibratePage() -> solara.Element:  # noqa: N802
    """The Calibrate page."""
    from experiments.calibration import CalibrationError

    lang = state.language.value
    inputs, set_inputs = solara.use_state(Inputs())
    population, set_population = solara.use_state(PAGE_POPULATION)
    simulations, set_simulations = solara.use_state(PAGE_SIMULATIONS)
    problem, set_problem = solara.use_state("")
    job, snapshot, set_job = use_job()
    outcome, set_outcome = solara.use_state(None)
    running = snapshot is not None and snapshot.state == "running"

    def collect() -> None:
        if job is None or snapshot is None or snapshot.state != "done" or outcome is not None:
            return
        try:
            set_outcome(read_outcome(snapshot.result, snapshot.seconds))
        except OSError as error:
            set_problem(tidy(str(error), job.folder))
        job.discard()

    solara.use_effect(collect, [snapshot])

    def load(new: Inputs) -> None:
        set_inputs(new)
        set_problem("")

    def start() -> None:
        folder = job_folder("calibrate")
        try:
            raw, _ = prepare(inputs, folder, population, simulations)
        except CalibrationError as error:
            set_problem(tidy(str(error), folder))
            shutil.rmtree(folder, ignore_errors=True)
            return
        set_problem("")
        set_outcome(None)
        set_job(Job(calibrate_work, (str(folder), raw), folder=folder,
                    name="influence-calibrate").start())

    def cancel() -> None:
        if job is not None:
            job.cancel()
            set_job(job)

    with solara.Column(style={"max-width": "1200px"}, classes=["calibrate-page"]) as page:
        solara.Markdown(f"# {t('cal_title', lang)}\n\n{t('cal_help', lang)}")
        with solara.Card(t("cal_files", lang)):
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
                if EXAMPLE.is_dir():
                    solara.Button(t("plan_use_example", lang), disabled=running,
                                  on_click=lambda: load(example_inputs()),
                                  classes=["calibrate-example"])
                FilePick(t("cal_choose_spec", lang), ".toml",
                         lambda name, data: load(Inputs(name, data, inputs.data_name,
                                                        inputs.data)),
                         css="calibrate-spec-pick", drop_label=t("cal_drop_spec", lang))
                FilePick(t("cal_choose_data", lang), ".csv",
                         lambda name, data: load(Inputs(inputs.spec_name, inputs.spec, name,
                                                        data)),
                         css="calibrate-data-pick", drop_label=t("cal_drop_data", lang))
            solara.Text(t("cal_loaded", lang, spec=inputs.spec_name or "—",
                          data=inputs.data_name or "—"), classes=["calibrate-files-names"])
        with solara.Card(t("cal_budget", lang)):
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.InputInt(t("cal_population", lang), value=population,
                                on_value=lambda v: set_population(
                                    min(PAGE_MAX_POPULATION, max(10, int(v or 10)))),
                                classes=["calibrate-population"])
                solara.InputInt(t("cal_simulations", lang), value=simulations,
                                on_value=lambda v: set_simulations(
                                    min(PAGE_MAX_SIMULATIONS, max(10, int(v or 10)))),
                                classes=["calibrate-simulations"])
            solara.Text(t("cal_sizes_note", lang, population=PAGE_POPULATION,
                          simulations=PAGE_SIMULATIONS), classes=["calibrate-sizes-note"])
            solara.Button(t("cal_run", lang), on_click=start, disabled=running,
                          color="primary", classes=["btn-calibrate"])
        with solara.Column(gap="0px"):
            if problem:
                solara.Error(problem, classes=["calibrate-error"])
        JobPanel(job, snapshot, lang, kind="calibrate", on_cancel=cancel,
                 describe=progress_text)
        if outcome is not None and not running:
            CalibrateResults(outcome, lang)
    return page


@solara.component
def CalibrateResults(outcome: Outcome, lang: str) -> solara.Element:  # noqa: N802
    """The posterior table, the predictive figure against the data, the downloads."""
    headers, rows = posterior_rows(outcome.table, lang)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    with solara.Column(gap="8px", classes=["calibrate-results"]) as column:
        solara.Success(t("cal_done", lang, generations=outcome.generations,
                         simulations=outcome.simulations, seconds=outcome.seconds),
                       classes=["calibrate-done"])
        solara.Markdown(f"### {t('cal_posterior', lang)}")
        html_block(f"<table class='calibrate-posterior'><thead><tr>{head}</tr></thead>"
                   f"<tbody>{body}</tbody></table>", classes=["scroll-table"],
                   style="font-size: 0.85em")
        solara.Markdown(f"### {t('cal_predictive', lang)}")
        solara.Text(t("cal_predictive_note", lang))
        solara.Image(outcome.files["predictive.png"], width="100%",
                     classes=["calibrate-predictive"])
        with solara.Row(style={"flex-wrap": "wrap"}):
            for name, mime, key in (("posterior.csv", "text/csv", "cal_download_csv"),
                                    ("posterior.toml", "application/toml", "cal_download_toml"),
                                    ("predictive.png", "image/png", "cal_download_predictive"),
                                    ("pairs.png", "image/png", "cal_download_pairs")):
                solara.FileDownload(outcome.files[name], filename=name, mime_type=mime,
                                    label=t(key, lang))
    return column
