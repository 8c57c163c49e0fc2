"""Plan: a strategist's own roster and company in, a robust plan and its report out.

The page is ``influence plan search`` and ``influence plan report``
(:mod:`experiments.plan`) with a form in front: the visitor uploads a roster
CSV and a company TOML (or takes the shipped example, or edits the roster as a
table), sets the weekly budget, the horizon and the objective, and runs the
search. Nothing of the search, the draws or the report is redone here: the
files are checked by :func:`experiments.plan.roster.parse_roster`,
:func:`experiments.plan.company.parse_company` and
:func:`experiments.plan.build.build`, so a bad file shows the very line the
command prints (file, row, column, value, allowed), under the name the visitor
gave it; the search is :func:`experiments.plan.search.run_search` and the
report :func:`experiments.plan.report.write_report`, in a background process
(:mod:`.jobs`) whose Cancel really stops it.

The page searches small by default (:data:`PAGE_TRIALS` plans on
:data:`PAGE_REPLICATES` draws at :data:`PAGE_CONSUMERS` consumers, in one
process), so that a search ends in a minute or two on a 2-core machine; the
sizes are on the page, and the command line's defaults (200 plans x 8 draws at
the company's ``market.consumers``) are the ones for a decision.
"""

from __future__ import annotations

import csv
import io
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara

from . import state
from .i18n import colon, number, t
from .jobs import FilePick, Job, JobError, JobPanel, Snapshot, job_folder, tidy, use_job
from .safe import escape, html_block

#: The shipped example (synthetic roster and company), when the checkout has it.
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan"
#: The page's default sizes: small, so that a search ends in a minute or two on 2 cores.
PAGE_TRIALS = 40
PAGE_REPLICATES = 4
PAGE_CONSUMERS = 2000
#: Upper bounds the page offers (the command line allows more).
PAGE_MAX_TRIALS = 2000
PAGE_MAX_REPLICATES = 50
#: Report files the page offers, per language.
REPORT_FILES = ("html", "pdf")
NONE = "—"


# --------------------------------------------------------------------------
# The inputs: checked as the command line checks them
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Inputs:
    """The visitor's two files, as uploaded (or as edited in the page's table)."""

    roster_name: str = ""
    roster: bytes = b""
    company_name: str = ""
    company: bytes = b""
    edited: bool = False


def example_inputs() -> Inputs:
    """The shipped example's two files."""
    return Inputs("roster.csv", (EXAMPLE / "roster.csv").read_bytes(), "company.toml",
                  (EXAMPLE / "company.toml").read_bytes())


def check(inputs: Inputs, *, weekly_budget: float | None = None,
          weeks: int | None = None) -> tuple[Any, bytes]:
    """Validate both files (with the page's budget and horizon); the plan and its company TOML.

    The errors are the command line's: :class:`experiments.plan.PlanError`,
    one line naming the file (as the visitor named it), the row and column or
    the key, the value and what is allowed.

    Returns:
        ``(plan, company_toml)``: the mapped :class:`experiments.plan.Plan`, and
        the company file the search will read (the uploaded one with the
        page's budget and horizon written in).
    """
    from experiments.plan import PlanError, build
    from experiments.plan.company import parse_company
    from experiments.plan.roster import parse_roster

    if not inputs.company:
        raise PlanError("company.toml", "", None, "a company TOML file (choose one, or use "
                                                  "the example)")
    if not inputs.roster:
        raise PlanError("roster.csv", "", None, "a roster CSV file (choose one, or use the "
                                                "example)")
    company_label = inputs.company_name or "company.toml"
    company = parse_company(inputs.company, company_label)
    text = company_toml(company, weekly_budget=weekly_budget, weeks=weeks)
    if text != company_toml(company):
        company = parse_company(text, company_label)
    roster_label = inputs.roster_name or "roster.csv"
    roster = parse_roster(inputs.roster, roster_label)
    return build(company, roster, label=roster_label), text.encode("utf-8")


def company_toml(company: Any, *, weekly_budget: float | None = None,
                 weeks: int | None = None) -> str:
    """A company's every key as a company.toml, with a budget and horizon set on top.

    What :func:`experiments.plan.company.parse_company` reads back as the same
    company: every key of its schema, each with the TOML type it has.
    """
    from experiments.plan.scenario import toml_value

    values = {section: dict(keys) for section, keys in company.values.items()}
    if weekly_budget is not None:
        values[""]["weekly_budget"] = weekly_budget
    if weeks is not None:
        values[""]["weeks"] = weeks
    lines = [f"{key} = {toml_value(value)}" for key, value in values[""].items()]
    for section, keys in values.items():
        if section:
            lines += ["", f"[{section}]"]
            lines += [f"{key} = {toml_value(value)}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def roster_table(data: bytes, label: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The roster's header and its rows (with the row number messages use), for the editor.

    Records are read as the roster reader reads them (comments and blank lines
    skipped, the same delimiter rule), so the numbers match its messages.

    Raises:
        PlanError: the file is not UTF-8 or not CSV.
    """
    from experiments.plan import PlanError
    from experiments.plan.roster import _records

    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise PlanError(label, "", "bytes that are not UTF-8",
                        "a UTF-8 CSV file (in a spreadsheet: save as 'CSV UTF-8')") from None
    records = list(_records(text, label))
    if not records:
        return [], []
    header = [c.strip() for c in records[0][1]]
    rows = [(n, [*cells, *[""] * (len(header) - len(cells))][:max(len(header), len(cells))])
            for n, cells in records[1:]]
    return header, rows


def table_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """The editor's table as a roster CSV (header on row 1, row i on row i + 1)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------
# The search, in the job's process
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """What the page's form sets, beyond the files (the search's options)."""

    trials: int = PAGE_TRIALS
    replicates: int = PAGE_REPLICATES
    consumers: int = PAGE_CONSUMERS
    seed: int = 0
    objectives: tuple[str, ...] = ("profit:mean",)
    uncertainty: str = "ranges"
    max_posts: int | None = None
    min_engaged: float = 0.0
    fixed: tuple[str, ...] = field(default=())

    def options(self) -> Any:
        """The search's :class:`experiments.plan.search.Options`."""
        from experiments.plan import search

        return search.Options(trials=self.trials, replicates=self.replicates, seed=self.seed,
                              objectives=tuple(search.parse_objective(x)
                                               for x in self.objectives),
                              uncertainty=self.uncertainty, consumers=self.consumers,
                              max_posts=self.max_posts, min_engaged=self.min_engaged,
                              fixed=self.fixed)

    def command(self) -> str:
        """The command line that runs the same search (for the report's reproducibility)."""
        words = ["influence", "plan", "search", "my-plan", "--out", "my-plan/search",
                 "--trials", str(self.trials), "--replicates", str(self.replicates),
                 "--consumers", str(self.consumers), "--seed", str(self.seed)]
        for objective in self.objectives:
            words += ["--objective", objective]
        if self.uncertainty != "ranges":
            words += ["--uncertainty", self.uncertainty]
        if self.max_posts is not None:
            words += ["--max-posts", str(self.max_posts)]
        if self.min_engaged:
            words += ["--min-engaged", f"{self.min_engaged:g}"]
        for lever in self.fixed:
            words += ["--fix", lever]
        return shlex.join(words)


def parse_best(text: str) -> dict[str, Any]:
    """The search's best-so-far line (``best profit (mean) 43,529,432 (plan 29)``) as numbers.

    Returns ``{}`` for "no feasible plan yet", else ``{"best": value, "plan": k}``.
    """
    import re

    match = re.fullmatch(r"best .* (-?[\d,]*\.?\d+(?:e[+-]?\d+)?) \(plan (\d+)\)", text.strip())
    if match is None:
        return {}
    return {"best": float(match.group(1).replace(",", "")), "plan": int(match.group(2))}


def search_work(report: Any, folder: str, settings: Settings) -> dict[str, Any]:
    """The job: search the plan in ``folder`` (roster.csv, company.toml), then write the report.

    Runs in the job's process. Progress: ``(plans done, plans, {"best": ...})``
    after each batch; ``{"phase": "report"}`` while the report is written.
    """
    import warnings

    from experiments.executors import LocalPool
    from experiments.plan import PlanError, search
    from experiments.plan import report as reporting

    root = Path(folder)
    out = root / "search"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prepared = search.prepare(root, settings.options())
        except (PlanError, search.SearchError) as error:
            raise JobError(str(error)) from None
        report(0, settings.trials, {"phase": "baselines"})
        summary = search.run_search(
            prepared, out, LocalPool(1), command=settings.command(),
            progress=lambda done, total, best: report(done, total, parse_best(best)))
        report(settings.trials, settings.trials, {"phase": "report"})
        reporting.write_report(out, out, reporting.LANGUAGES, pdf=True)
    return {"out": str(out), "trial": summary["best"]["trial"]}


@dataclass(frozen=True)
class Outcome:
    """A finished search, read into memory (its folder is gone): data and downloads."""

    data: dict[str, Any] = field(repr=False)
    files: dict[str, bytes] = field(repr=False)
    settings: Settings
    seconds: float


def read_outcome(out: Path, settings: Settings, seconds: float) -> Outcome:
    """The search folder's results and files, in memory."""
    from experiments.plan import report as reporting

    data = reporting.read_search(out)
    names = ["best_plan.csv"] + [f"report.{lang}.{kind}" for lang in reporting.LANGUAGES
                                 for kind in REPORT_FILES]
    files = {name: (out / name).read_bytes() for name in names}
    for name in ("roster.csv", "company.toml"):  # the files as searched
        files[name] = (out.parent / name).read_bytes()
    return Outcome(data, files, settings, seconds)


def progress_text(snapshot: Snapshot, lang: str, objective: str) -> str:
    """What the running search says, in ``lang``."""
    info = snapshot.info
    if info.get("phase") == "report" or (snapshot.total and snapshot.done >= snapshot.total):
        return t("plan_writing", lang, total=snapshot.total)
    if not snapshot.total or info.get("phase") == "baselines":
        return t("plan_baselines", lang)
    if "best" not in info:
        return t("plan_progress_none", lang, done=snapshot.done, total=snapshot.total)
    from experiments.plan import report as reporting

    return t("plan_progress", lang, done=snapshot.done, total=snapshot.total,
             objective=objective_label(objective, lang),
             best=reporting.number(info["best"], lang), plan=info["plan"])


def objective_label(objective: str, lang: str) -> str:
    """``profit:cvar10`` in words, as the report writes it."""
    from experiments.plan import report as reporting

    metric, _, measure = objective.partition(":")
    words = reporting.OBJECTIVE_WORDS[lang]
    return f"{words[metric]} ({words[measure or 'mean']})"


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------
@solara.component
def PlanPage() -> solara.Element:  # noqa: N802
    """The Plan page."""
    from experiments.plan import PlanError
    from experiments.plan import search as searching

    lang = state.language.value
    inputs, set_inputs = solara.use_state(Inputs())
    budget, set_budget = solara.use_state(None)
    weeks, set_weeks = solara.use_state(None)
    metric, set_metric = solara.use_state("profit")
    measure, set_measure = solara.use_state("mean")
    second, set_second = solara.use_state("")
    trials, set_trials = solara.use_state(PAGE_TRIALS)
    replicates, set_replicates = solara.use_state(PAGE_REPLICATES)
    consumers, set_consumers = solara.use_state(PAGE_CONSUMERS)
    seed, set_seed = solara.use_state(0)
    uncertainty, set_uncertainty = solara.use_state("ranges")
    min_engaged, set_min_engaged = solara.use_state(0.0)
    fixed, set_fixed = solara.use_state(())
    problem, set_problem = solara.use_state("")
    job, snapshot, set_job = use_job()
    outcome, set_outcome = solara.use_state(None)

    def checked() -> tuple[Any, bytes] | str:
        if not inputs.roster and not inputs.company:
            return ""
        try:
            return check(inputs, weekly_budget=budget, weeks=weeks)
        except PlanError as error:
            return str(error)

    result = solara.use_memo(checked, [inputs, budget, weeks])
    plan = result[0] if isinstance(result, tuple) else None
    running = snapshot is not None and snapshot.state == "running"

    job_settings = solara.use_ref(Settings())

    def collect() -> None:
        # The job ended: its results are read into memory and its folder removed.
        if job is None or snapshot is None or snapshot.state != "done" or outcome is not None:
            return
        try:
            read = read_outcome(Path(snapshot.result["out"]), job_settings.current,
                                snapshot.seconds)
        except (OSError, ValueError) as error:
            set_problem(tidy(str(error), job.folder))
        else:
            set_outcome(read)
        job.discard()

    solara.use_effect(collect, [snapshot])

    def load(new: Inputs) -> None:
        set_inputs(new)
        set_budget(None)
        set_weeks(None)
        set_problem("")

    def start() -> None:
        if plan is None:
            set_problem(result if isinstance(result, str) and result else
                        t("plan_need_files", lang))
            return
        objectives = (f"{metric}:{measure}",) + ((second,) if second else ())
        settings = Settings(trials=trials, replicates=replicates, consumers=consumers,
                            seed=seed, objectives=objectives, uncertainty=uncertainty,
                            min_engaged=min_engaged, fixed=tuple(fixed))
        folder = job_folder("plan")
        (folder / "roster.csv").write_bytes(inputs.roster)
        (folder / "company.toml").write_bytes(result[1])
        try:  # the options as the command checks them, before anything runs
            searching.prepare(folder, settings.options())
        except (PlanError, searching.SearchError) as error:
            set_problem(tidy(str(error), folder))
            shutil.rmtree(folder, ignore_errors=True)
            return
        set_problem("")
        set_outcome(None)
        job_settings.current = settings
        set_job(Job(search_work, (str(folder), settings), folder=folder,
                    name="influence-plan-search").start())

    def cancel() -> None:
        if job is not None:
            job.cancel()
            set_job(job)  # re-render with the cancelled state at once

    with solara.Column(style={"max-width": "1200px"}, classes=["plan-page"]) as page:
        solara.Markdown(f"# {t('plan_title', lang)}\n\n{t('plan_help', lang)}")
        with solara.Card(t("plan_files", lang)):
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
                if EXAMPLE.is_dir():
                    solara.Button(t("plan_use_example", lang),
                                  on_click=lambda: load(example_inputs()),
                                  classes=["plan-example"], disabled=running)
                FilePick(t("plan_choose_roster", lang), ".csv",
                         lambda name, data: load(Inputs(name, data, inputs.company_name,
                                                        inputs.company)),
                         css="plan-roster-pick", drop_label=t("plan_drop_roster", lang))
                FilePick(t("plan_choose_company", lang), ".toml",
                         lambda name, data: load(Inputs(inputs.roster_name, inputs.roster,
                                                        name, data, inputs.edited)),
                         css="plan-company-pick", drop_label=t("plan_drop_company", lang))
            FilesStatus(inputs, plan, lang)
            with solara.Column(gap="0px"):  # always there, so the editor below is kept
                if isinstance(result, str) and result:
                    solara.Error(result, classes=["plan-file-error"])
            if inputs.roster:
                RosterEditor(inputs, lambda data: set_inputs(Inputs(
                    inputs.roster_name, data, inputs.company_name, inputs.company, True)),
                    lang)
        with solara.Card(t("plan_search", lang)):
            SearchForm(plan, lang, budget=budget, set_budget=set_budget, weeks=weeks,
                       set_weeks=set_weeks, metric=metric, set_metric=set_metric,
                       measure=measure, set_measure=set_measure, second=second,
                       set_second=set_second, uncertainty=uncertainty,
                       set_uncertainty=set_uncertainty, min_engaged=min_engaged,
                       set_min_engaged=set_min_engaged, fixed=fixed, set_fixed=set_fixed)
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.InputInt(t("plan_trials", lang), value=trials,
                                on_value=lambda v: set_trials(min(PAGE_MAX_TRIALS,
                                                                  max(1, int(v or 1)))),
                                classes=["plan-trials"])
                solara.InputInt(t("plan_replicates", lang), value=replicates,
                                on_value=lambda v: set_replicates(
                                    min(PAGE_MAX_REPLICATES, max(1, int(v or 1)))),
                                classes=["plan-replicates"])
                solara.InputInt(t("plan_consumers", lang), value=consumers,
                                on_value=lambda v: set_consumers(max(1, int(v or 1))),
                                classes=["plan-consumers"])
                solara.InputInt(t("seed", lang), value=seed,
                                on_value=lambda v: set_seed(max(0, int(v or 0))),
                                classes=["plan-seed"])
            solara.Text(t("plan_sizes_note", lang, trials=PAGE_TRIALS,
                          replicates=PAGE_REPLICATES, consumers=PAGE_CONSUMERS,
                          file_consumers=number(plan.company["market.consumers"], ",", lang)
                          if plan else NONE),
                        classes=["plan-sizes-note"])
            with solara.Row():
                solara.Button(t("plan_run", lang), on_click=start, disabled=running,
                              color="primary", classes=["btn-plan-search"])
        if problem:
            solara.Error(problem, classes=["plan-error"])
        JobPanel(job, snapshot, lang, kind="plan", on_cancel=cancel,
                 describe=lambda s, lg: progress_text(s, lg, f"{metric}:{measure}"))
        if outcome is not None and not running:
            PlanResults(outcome, lang)
    return page


@solara.component
def FilesStatus(inputs: Inputs, plan: Any, lang: str) -> solara.Element:  # noqa: N802
    """Which files are loaded, and what the model makes of them."""
    with solara.Column(gap="2px", classes=["plan-files-status"]) as column:
        roster = inputs.roster_name or NONE
        if inputs.edited:
            roster = t("plan_edited", lang, name=roster)
        solara.Text(f"{t('plan_roster', lang)}{colon(lang)}{roster}; "
                    f"{t('plan_company', lang)}{colon(lang)}{inputs.company_name or NONE}",
                    classes=["plan-files-names"])
        if plan is not None:
            company = plan.company
            solara.Text(t("plan_loaded", lang, company=company["name"], n=len(plan.table),
                          weeks=plan.weeks, budget=company["weekly_budget"],
                          currency=company["currency"]),
                        classes=["plan-loaded"])
    return column


@solara.component
def RosterEditor(inputs: Inputs, on_change: Any, lang: str) -> solara.Element:  # noqa: N802
    """The roster as a table to edit: a change rewrites the roster from the table.

    Each row shows the row number the file's messages use; once the table is
    edited, the roster is the table (header on row 1), so the numbers stay
    those of the messages.
    """
    from experiments.plan import PlanError

    is_open, set_open = solara.use_state(False)
    try:
        header, rows = roster_table(inputs.roster, inputs.roster_name or "roster.csv")
    except PlanError:
        header, rows = [], []
    with solara.Column(gap="2px", classes=["plan-editor"]) as column:
        solara.Button(("▾ " if is_open else "▸ ") + t("plan_edit_table", lang), text=True,
                      on_click=lambda: set_open(not is_open), classes=["plan-edit-toggle"],
                      style={"justify-content": "flex-start", "text-transform": "none"})
        if not is_open or not header:
            return column
        cells = [list(r) for _, r in rows]

        def write(new: list[list[str]]) -> None:
            on_change(table_csv(header, new))

        def set_cell(i: int, j: int, value: str | None) -> None:
            new = [list(r) for r in cells]
            new[i][j] = (value or "").strip()
            write(new)

        with solara.Column(gap="0px", style={"overflow-x": "auto"}):
            with solara.Row(gap="2px", style={"font-weight": "bold", "font-size": "0.8em"}):
                solara.Text(t("plan_row", lang), style={"width": "3em"})
                for name in header:
                    solara.Text(name, style={"width": "9em"})
            for i, (number_, row) in enumerate(rows):
                with solara.Row(gap="2px", classes=["plan-editor-row"],
                                style={"align-items": "center"}):
                    solara.Text(str(number_), style={"width": "3em"})
                    for j, value in enumerate(row[:len(header)]):
                        solara.InputText("", value=value, dense=True,
                                         on_value=lambda v, i=i, j=j: set_cell(i, j, v),
                                         classes=[f"plan-cell-{i}-{j}"],
                                         style={"width": "9em", "font-size": "0.8em"})
                    solara.Button("✕", text=True, classes=["plan-remove-row"],
                                  attributes={"aria-label": t("plan_remove_row", lang)},
                                  on_click=lambda i=i: write([r for k, r in enumerate(cells)
                                                              if k != i]))
        with solara.Row():
            solara.Button(t("plan_add_row", lang), text=True, classes=["plan-add-row"],
                          on_click=lambda: write([*cells, [""] * len(header)]))
            solara.FileDownload(inputs.roster, filename=inputs.roster_name or "roster.csv",
                                label=t("plan_download_roster", lang), mime_type="text/csv")
    return column


@solara.component
def SearchForm(plan: Any, lang: str, **s: Any) -> solara.Element:  # noqa: N802
    """Budget, horizon, objective and the search's other options, as ``plan search`` has them."""
    from experiments.plan import report as reporting
    from experiments.plan import search as searching
    from experiments.plan.company import SCHEMA

    words = reporting.OBJECTIVE_WORDS[lang]
    metrics = {words[m]: m for m in searching.METRICS}
    measures = {words[m]: m for m in searching.MEASURES}
    seconds = {t("plan_no_second", lang): ""} | {
        f"{words[m]} ({words[x]})": f"{m}:{x}" for m in searching.METRICS
        for x in searching.MEASURES}
    uncertainties = {t("plan_unc_ranges", lang): "ranges", t("plan_unc_none", lang): "none"}
    company = plan.company if plan is not None else None
    with solara.Column(gap="4px") as column:
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            budget = s["budget"] if s["budget"] is not None else (
                company["weekly_budget"] if company else None)
            solara.InputFloat(t("plan_budget", lang, currency=company["currency"]
                                if company else NONE),
                              value=budget, disabled=company is None,
                              on_value=lambda v: s["set_budget"](None if v is None
                                                                 else float(v)),
                              classes=["plan-budget"])
            horizon = s["weeks"] if s["weeks"] is not None else (
                company["weeks"] if company else SCHEMA[""]["weeks"].default)
            solara.InputInt(t("plan_weeks", lang), value=horizon, disabled=company is None,
                            on_value=lambda v: s["set_weeks"](None if v is None else int(v)),
                            classes=["plan-weeks"])
            solara.Select(t("plan_metric", lang), values=list(metrics),
                          value=words[s["metric"]],
                          on_value=lambda v: s["set_metric"](metrics[v]),
                          classes=["plan-metric"])
            solara.Select(t("plan_measure", lang), values=list(measures),
                          value=words[s["measure"]],
                          on_value=lambda v: s["set_measure"](measures[v]),
                          classes=["plan-measure"])
            solara.Select(t("plan_second", lang), values=list(seconds),
                          value=next(k for k, v in seconds.items() if v == s["second"]),
                          on_value=lambda v: s["set_second"](seconds[v]),
                          classes=["plan-second"])
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Select(t("plan_uncertainty", lang), values=list(uncertainties),
                          value=next(k for k, v in uncertainties.items()
                                     if v == s["uncertainty"]),
                          on_value=lambda v: s["set_uncertainty"](uncertainties[v]),
                          classes=["plan-uncertainty"])
            solara.InputFloat(t("plan_min_engaged", lang), value=s["min_engaged"],
                              on_value=lambda v: s["set_min_engaged"](float(v or 0.0)),
                              classes=["plan-min-engaged"])
            for lever in searching.LEVERS:
                solara.Checkbox(label=t(f"plan_fix_{lever}", lang),
                                value=lever in s["fixed"],
                                on_value=lambda on, lever=lever: s["set_fixed"](tuple(
                                    x for x in searching.LEVERS
                                    if (x == lever and on) or (x != lever
                                                               and x in s["fixed"]))))
    return column


def _table(headers: list[str], rows: list[list[Any]], css: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@solara.component
def PlanResults(outcome: Outcome, lang: str) -> solara.Element:  # noqa: N802
    """The recommendation, the outcomes against the baselines (bands, regret), the downloads."""
    from experiments.plan import report as reporting

    data = outcome.data
    text = reporting.TEXT[lang]
    summary = data["summary"]
    cur = summary["currency"]

    def pieces() -> tuple[Any, Any, str]:
        return (reporting.recommendation(data, lang), reporting.outcome_rows(data, lang),
                reporting.figure(data, lang))

    rec, outcomes, figure = solara.use_memo(pieces, [outcome, lang])
    s = outcome.settings
    with solara.Column(gap="8px", classes=["plan-results"]) as column:
        solara.Success(t("plan_done", lang, trials=s.trials, replicates=s.replicates,
                         consumers=s.consumers, seconds=outcome.seconds),
                       classes=["plan-done"])
        solara.Markdown(f"### {t('plan_recommendation', lang)}")
        html_block(f"<p class='plan-sentence'><strong>{escape(rec['sentence'])}</strong></p>")
        html_block(_table([text["who"], text["platform"], text["followers"], text["deal"],
                           text["often"], text["cost"].format(cur=cur)],
                          [[r["name"], r["platform"], r["followers"], r["deal"], r["often"],
                            r["cost"]] for r in rec["rows"]], "plan-table"),
                   classes=["scroll-table"], style="font-size: 0.85em")
        html_block(_table([text["lever"], text["now"], text["then"], text["change"]],
                          [[r["lever"], r["now"], r["then"], r["action"]]
                           for r in rec["levers"]], "plan-levers"),
                   classes=["scroll-table"], style="font-size: 0.85em")
        solara.Markdown(f"### {t('plan_outcomes', lang)}")
        solara.Text(text["outcomes_note"].format(replicates=summary["replicates"],
                                                 objective=rec["label"]))
        html_block(_table([text["plan"], text["trust"], text["sales"],
                           text["profit"].format(cur=cur), text["regret"], text["wins"]],
                          [[r["plan"], f"{r['trust']} ({r['trust_band']})",
                            f"{r['sales']} ({r['sales_band']})",
                            f"{r['profit']} ({r['profit_band']})", r["regret"], r["wins"]]
                           for r in outcomes], "plan-outcomes"),
                   classes=["scroll-table"], style="font-size: 0.85em")
        html_block(f"<img class='plan-figure' src='{escape(figure)}' "
                   f"alt='{escape(t('plan_figure_alt', lang))}' style='max-width: 100%'>")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for kind, mime in (("html", "text/html"), ("pdf", "application/pdf")):
                name = f"report.{lang}.{kind}"
                solara.FileDownload(outcome.files[name], filename=name, mime_type=mime,
                                    label=t(f"plan_download_{kind}", lang))
            solara.FileDownload(outcome.files["best_plan.csv"], filename="best_plan.csv",
                                mime_type="text/csv", label=t("plan_download_csv", lang))
            solara.FileDownload(outcome.files["roster.csv"], filename="roster.csv",
                                mime_type="text/csv", label=t("plan_download_inputs_roster",
                                                              lang))
            solara.FileDownload(outcome.files["company.toml"], filename="company.toml",
                                mime_type="application/toml",
                                label=t("plan_download_inputs_company", lang))
        solara.Text(t("plan_rerun", lang, command=s.command()), classes=["plan-rerun"])
    return column
