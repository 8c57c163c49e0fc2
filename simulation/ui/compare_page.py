"""Compare: two to four scenarios or variants, over replicates, with 95 % bands.

The runs go through :func:`simulation.compare.run_compare` (the same engine
as ``influence compare``) in a worker thread of their own (:class:`CompareJob`).
That thread never touches the page: it only counts finished runs. A
coroutine on the session's event loop reads the count a few times a second
and sets the page's state, so every re-render happens where the page's own
messages are handled, the page keeps answering while the runs go on, and two
visitors comparing at once each have their own job. A variant is a scenario
with a few parameter changes written as on the command line
(``companies[1].structure=siloed; consumers=5000``).

The settings live in the page's URL (:class:`Settings`, :mod:`.share`), with
``run=1`` while the comparison shown is theirs: a reload or a shared link
opens the same settings and runs them again (the same seed, the same result).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from .. import limits, parameters
from ..parameters import ParameterError
from . import share, state, verdict
from .explore import scenario_labels
from .i18n import colon, number, t
from .safe import csv_safe, escape, html_block, literal_text, table_html

#: Scenario slots on the page; at least two must be filled.
SLOTS = 4
MIN_SCENARIOS = 2
#: What the replicates and weeks sliders allow (a link is held to the same).
REPLICATES = (1, 50)
WEEKS = (1, 520)
DEFAULT_REPLICATES = 10
DEFAULT_SEED = 42
#: Headline columns of the summary table (metric, how to print a value).
SUMMARY = (("trust_mean", ".3f"), ("likes", ",.1f"), ("sales", ",.1f"),
           ("profit_cumulative", ",.0f"))
NONE = "—"
#: Seconds between two looks at a running comparison's progress.
POLL_SECONDS = 0.25


class Cancelled(Exception):  # noqa: N818 (a signal, not an error)
    """Raised from the progress callback to stop a comparison the visitor cancelled."""


@dataclass(frozen=True)
class Outcome:
    """A finished comparison: the engine's result, its downloads, and what it cost."""

    result: Any
    #: Every run (:func:`runs_csv`) and the figure, in ``lang``.
    csv: bytes
    png: bytes
    seconds: float
    total: int
    #: :func:`simulation.ui.verdict.differences` at the chosen weeks.
    differences: Any = None
    replicates: int = 0
    seed: int = 0
    #: The language ``csv`` and ``png`` were written in.
    lang: str = "en"


def apply_changes(config: dict[str, Any], changes: str) -> dict[str, Any]:
    """``config`` with ``key=value`` changes (separated by ``;`` or new lines) applied.

    Raises:
        ParameterError: naming the first bad path or value.
    """
    for item in changes.replace("\n", ";").split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError("changes", item.strip(),
                                 "KEY=VALUE, e.g. companies[1].structure=siloed")
        config = parameters.set_path(config, key.strip(), value.strip())
    return parameters.resolve(config)


def summary_table(stats: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Last week's headline metrics per scenario and company, as ``mean [lo, hi]``.

    Column headers are readable words with their units, in ``lang``.
    """
    last = stats[stats["step"] == stats["step"].max()]
    week = int(stats["step"].max()) if len(stats) else 0
    sep = " ; " if lang == "fr" else ", "
    rows = []
    for (scenario, company), own in last.groupby(["scenario", "company"], sort=False):
        row = {t("scenario", lang): scenario, t("col_company", lang): company}
        by_metric = own.set_index("metric")
        for metric, spec in SUMMARY:
            if metric not in by_metric.index:
                continue
            r = by_metric.loc[metric]

            def fmt(x: float, spec: str = spec) -> str:
                return "-" if x is None or not math.isfinite(float(x)) else number(x, spec, lang)

            label, unit, _ = verdict.OUTCOMES[metric]
            header = t("col_at_week", lang, outcome=t(label, lang), unit=t(unit, lang), week=week)
            row[header] = f"{fmt(r['mean'])} [{fmt(r['lo'])}{sep}{fmt(r['hi'])}]"
        rows.append(row)
    return pd.DataFrame(rows)


def chosen_weeks(text: str, weeks: int) -> tuple[int, ...]:
    """The weeks to compare at, from ``12, 52`` (empty: the usual checkpoints within the run).

    Raises:
        ParameterError: for anything but whole weeks from 1 to ``weeks``.
    """
    from ..compare import default_checkpoints

    if not text.strip():
        return default_checkpoints(weeks)
    out = []
    for item in text.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if not item.isdigit() or not 1 <= int(item) <= weeks:
            raise ParameterError("weeks", item, f"whole weeks from 1 to {weeks}, e.g. 12, 52")
        out.append(int(item))
    return tuple(sorted(set(out))) or default_checkpoints(weeks)


@dataclass(frozen=True)
class Settings:
    """Everything that defines a comparison on the page: what its URL holds.

    Attributes:
        slots: A scenario key per slot (None: the slot is empty).
        changes: Each slot's ``key=value; …`` changes, as typed.
        replicates: Runs per scenario.
        weeks: Weeks per run.
        seed: Root seed.
        at: The weeks to compare at, as typed (empty: the usual checkpoints).
    """

    slots: tuple[str | None, ...]
    changes: tuple[str, ...] = ("",) * SLOTS
    replicates: int = DEFAULT_REPLICATES
    weeks: int = state.DEFAULT_WEEKS
    seed: int = DEFAULT_SEED
    at: str = ""


def default_settings(keys: list[str]) -> Settings:
    """The page's opening settings: the first two scenarios of the catalogue."""
    first = [keys[0], keys[1] if len(keys) > 1 else keys[0]]
    return Settings(slots=tuple(first + [None] * (SLOTS - 2)))


def settings_query(settings: Settings, *, ran: bool = False) -> str:
    """The URL query of ``settings``; ``run=1`` when the comparison shown was run with them.

    ``/compare?scenario1=default&scenario2=h03-silos&changes2=consumers%3D500&
    replicates=10&weeks=156&seed=42&at=12%2C+52&run=1``.
    """
    pairs: list[tuple[str, Any]] = []
    for i, key in enumerate(settings.slots):
        if key is not None:
            pairs.append((f"scenario{i + 1}", key))
            if settings.changes[i].strip():
                pairs.append((f"changes{i + 1}", settings.changes[i].strip()))
    pairs += [("replicates", settings.replicates), ("weeks", settings.weeks),
              ("seed", settings.seed), ("at", settings.at.strip() or None),
              ("run", 1 if ran else None)]
    return share.encode(pairs)


def settings_from_url(search: str | None, catalogue: dict[str, Any]
                      ) -> tuple[Settings, bool, list[str]]:
    """The settings a link asks for, whether it asks to run them, and what was refused.

    Each value is checked as the page checks a typed one: a scenario not in
    ``catalogue``, changes the scenario refuses, replicates or weeks off the
    sliders, a bad seed or a bad week to compare at is refused with its one
    line, and the page's own setting stays in its place. The slots are the
    link's as soon as it names one scenario.
    """
    found = share.fields(search)
    problems: list[str] = []
    default = default_settings(list(catalogue))
    named = any(f"scenario{i + 1}" in found for i in range(SLOTS))
    slots = list(default.slots) if not named else [None] * SLOTS
    changes = [""] * SLOTS
    for i in range(SLOTS):
        key = share.one_of(found, f"scenario{i + 1}", list(catalogue), problems)
        if key is None:
            continue
        slots[i] = key
        text = share.last(found, f"changes{i + 1}") or ""
        try:
            apply_changes(catalogue[key].config, text)
        except ParameterError as error:
            problems.append(str(error))
            continue
        changes[i] = text
    replicates = share.whole(found, "replicates", *REPLICATES, problems)
    weeks = share.whole(found, "weeks", *WEEKS, problems)
    weeks = default.weeks if weeks is None else weeks
    seed = share.whole(found, "seed", 0, limits.MAX_SEED, problems,
                       "an integer >= 0 (at most 2**64 - 1)")
    at = share.last(found, "at") or ""
    try:
        chosen_weeks(at, weeks)
    except ParameterError as error:
        problems.append(str(error))
        at = ""
    settings = Settings(slots=tuple(slots), changes=tuple(changes),
                        replicates=default.replicates if replicates is None else replicates,
                        weeks=weeks, seed=default.seed if seed is None else seed, at=at)
    return settings, share.last(found, "run") == "1", problems


def downloads(result: Any, differences: pd.DataFrame, *, replicates: int, seed: int,
              lang: str) -> tuple[bytes, bytes]:
    """The differences CSV (units and verdicts in it) and the figure PNG, in ``lang``."""
    lines = verdict.verdicts(differences, lang)
    table = csv_safe(verdict.csv_table(differences, lines, lang))
    csv = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    # Scenario titles and company names are the visitor's text: no mathematics
    # in the figure.
    with literal_text():
        png = verdict.figure_png(result.stats, lines, replicates=replicates, seed=seed,
                                 lang=lang)
    return csv, png


def runs_csv(runs: pd.DataFrame, lang: str) -> bytes:
    """Every run as the visitor downloads it: readable column names with units, in ``lang``.

    Scenario titles and company names are the visitor's text: no formula in a
    spreadsheet (:func:`.safe.csv_safe`).
    """
    table = csv_safe(verdict.runs_table(runs, lang))
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def run_comparison(chosen: list[tuple[str, dict[str, Any]]], *, replicates: int, weeks: int,
                   seed: int, progress, cancel: threading.Event,
                   at_weeks: tuple[int, ...] = (), lang: str = "en") -> Outcome:
    """Run the engine and prepare the downloads; ``progress(done, total)`` after each run.

    ``at_weeks`` are the weeks the differences are taken at (by default the
    usual checkpoints); the figure and the runs' CSV are written in ``lang``.
    """
    from ..compare import default_checkpoints, run_compare

    def report(done: int, total: int) -> None:
        if cancel.is_set():
            raise Cancelled
        progress(done, total)

    started = time.perf_counter()
    result = run_compare(chosen, replicates=replicates, steps=weeks, seed=seed, workers=1,
                         progress=report)
    csv = runs_csv(result.runs, lang)
    differences = verdict.differences(result.runs, at_weeks or default_checkpoints(weeks))
    _, png = downloads(result, differences, replicates=replicates, seed=seed, lang=lang)
    return Outcome(result, csv, png, time.perf_counter() - started, len(chosen) * replicates,
                   differences, replicates, seed, lang)


class CompareJob:
    """One comparison in a worker thread, read by the page without the thread touching it.

    The thread writes plain attributes only (runs done, the outcome or the
    error, finished); the page's coroutine reads them. Cancel sets an event
    the engine's progress callback checks after every run.

    Args:
        chosen: ``(label, configuration)`` pairs.
        replicates: Runs per scenario.
        weeks: Weeks per run.
        seed: Root seed.
    """

    def __init__(self, chosen: list[tuple[str, dict[str, Any]]], *, replicates: int,
                 weeks: int, seed: int, at_weeks: tuple[int, ...] = (),
                 lang: str = "en") -> None:
        self.chosen = chosen
        self.at_weeks = at_weeks
        self.lang = lang
        self.replicates = replicates
        self.weeks = weeks
        self.seed = seed
        self.total = len(chosen) * replicates
        self.done = 0
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None
        self.cancel = threading.Event()
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._work, name="influence-compare", daemon=True)

    def start(self) -> CompareJob:
        """Start the runs; return self."""
        self._thread.start()
        return self

    def _progress(self, done: int, total: int) -> None:
        self.done = done

    def _work(self) -> None:
        try:
            self.outcome = run_comparison(self.chosen, replicates=self.replicates,
                                          weeks=self.weeks, seed=self.seed,
                                          progress=self._progress, cancel=self.cancel,
                                          at_weeks=self.at_weeks, lang=self.lang)
        except Cancelled:
            pass
        except Exception as error:  # shown on the page, never lost in a thread
            self.error = error
        finally:
            self.finished.set()

    @property
    def cancelled(self) -> bool:
        """Whether the visitor cancelled it (it may still be finishing the run in hand)."""
        return self.cancel.is_set()


@solara.component
def ComparePage() -> solara.Element:  # noqa: N802
    """The Compare page."""
    lang = state.language.value
    catalogue = state.catalogue(state.user_scenarios.value)
    labels = scenario_labels(catalogue, lang)
    router = solara.use_router()
    # The page opens on its URL's settings (a reload, a shared link), read once
    # and checked as typed values are.
    opened, run_opened, refused = solara.use_memo(
        lambda: settings_from_url(router.search, catalogue), dependencies=[])
    slots, set_slots = solara.use_state(opened.slots)
    changes, set_changes = solara.use_state(opened.changes)
    replicates, set_replicates = solara.use_state(opened.replicates)
    weeks, set_weeks = solara.use_state(opened.weeks)
    seed, set_seed = solara.use_state(opened.seed)
    at_text, set_at_text = solara.use_state(opened.at)
    job, set_job = solara.use_state(None)  # the CompareJob in hand, if any
    progress, set_progress = solara.use_state((0, 0, False))  # done, total, finished
    problem, set_problem = solara.use_state("; ".join(refused))
    settings = Settings(slots=slots, changes=changes, replicates=replicates, weeks=weeks,
                        seed=seed, at=at_text)
    ran_with, set_ran_with = solara.use_state(None)  # the settings the job was started with

    async def follow() -> None:
        # On the session's event loop: the only place this page's state is set
        # while a comparison runs.
        if job is None:
            return
        while not job.finished.is_set():
            set_progress((job.done, job.total, False))
            await asyncio.sleep(POLL_SECONDS)
        set_progress((job.done, job.total, True))
        state.release_memory_soon()  # the runs' worlds are gone: hand their memory back

    solara.lab.use_task(follow, dependencies=[job], prefer_threaded=False)

    def stop_when_gone() -> Any:
        # A visitor who leaves the page (or closes the tab) stops their runs.
        return (lambda: job.cancel.set()) if job is not None else None

    solara.use_effect(stop_when_gone, [job])
    running = job is not None and not progress[2] and not job.finished.is_set()

    def start() -> None:
        chosen = []
        for i, key in enumerate(slots):
            if key is None:
                continue
            scenario = catalogue[key]
            label = scenario.text("title", lang) + (f" [{changes[i].strip()}]"
                                                    if changes[i].strip() else "")
            try:
                config = apply_changes(scenario.config, changes[i])
            except ParameterError as error:
                set_problem(str(error))
                return
            if label in [c[0] for c in chosen]:
                label = f"{label} ({i + 1})"
            chosen.append((label, config))
        if not MIN_SCENARIOS <= len(chosen) <= SLOTS:
            set_problem(t("compare_need", lang))
            return
        try:
            at_weeks = chosen_weeks(at_text, weeks)
        except ParameterError as error:
            set_problem(str(error))
            return
        set_problem("")
        set_progress((0, len(chosen) * replicates, False))
        set_ran_with(settings)
        set_job(CompareJob(chosen, replicates=replicates, weeks=weeks, seed=seed,
                           at_weeks=at_weeks, lang=lang).start())

    # A link to a comparison shown runs it again (the same seed gives the same
    # result), unless part of it was refused: then its settings wait for Run.
    solara.use_effect(lambda: start() if run_opened and not refused else None, [])

    def set_slot(i: int, label: str | None) -> None:
        key = next((k for k, v in labels.items() if v == label), None)
        set_slots(tuple(key if j == i else s for j, s in enumerate(slots)))

    def set_change(i: int, text: str | None) -> None:
        set_changes(tuple((text or "") if j == i else c for j, c in enumerate(changes)))

    shown = job is not None and job.outcome is not None and ran_with == settings
    with solara.Column(style={"max-width": "1200px"}, classes=["compare-page"]):
        share.PageUrl.element(query=settings_query(settings, ran=shown), week_from="")
        solara.Markdown(f"# {t('compare_title', lang)}\n\n{t('compare_help', lang)}")
        with solara.Card(t("compare_choose", lang)):
            for i in range(SLOTS):
                with solara.Row(style={"align-items": "center"}):
                    solara.Select(label=f"{t('scenario', lang)} {i + 1}",
                                  values=[NONE, *labels.values()],
                                  value=labels.get(slots[i], NONE) if slots[i] else NONE,
                                  on_value=lambda lab, i=i: set_slot(i, lab),
                                  classes=[f"compare-slot-{i}"])
                    solara.InputText("key=value; …", value=changes[i],
                                     on_value=lambda text, i=i: set_change(i, text),
                                     classes=[f"compare-changes-{i}"])
            with solara.Row():
                solara.SliderInt(f"{t('replicates', lang)}{colon(lang)}{replicates}",
                                 value=replicates, min=REPLICATES[0], max=REPLICATES[1],
                                 on_value=set_replicates)
                solara.SliderInt(f"{t('weeks', lang)}{colon(lang)}{weeks}", value=weeks,
                                 min=WEEKS[0], max=WEEKS[1], on_value=set_weeks)
                solara.InputInt(t("seed", lang), value=seed,
                                on_value=lambda s: set_seed(max(0, int(s or 0))),
                                classes=["compare-seed"])
                solara.InputText(t("compare_weeks", lang), value=at_text,
                                 on_value=lambda text: set_at_text(text or ""),
                                 classes=["compare-at-weeks"])
            with solara.Row():
                solara.Button(t("run", lang), on_click=start, disabled=running,
                              color="primary", classes=["btn-compare"])
                if running:
                    solara.Button(t("cancel", lang), on_click=job.cancel.set,
                                  disabled=job.cancelled, classes=["btn-cancel"])
        if problem:
            solara.Error(problem, classes=["compare-error"])
        done, total, _ = progress
        if running:
            solara.ProgressLinear(value=100 * done / total if total else True)
            solara.Text(t("cancelling", lang) if job.cancelled
                        else t("running", lang, done=done, total=total),
                        classes=["compare-progress"])
        if job is None or running:
            return
        if job.error is not None:
            solara.Error(t("error", lang, error=job.error), classes=["compare-error"])
        elif job.outcome is None:
            solara.Warning(t("cancelled", lang, done=done, total=total),
                           classes=["compare-cancelled"])
        else:
            CompareResults(job.outcome, lang)


@solara.component
def CompareResults(outcome: Outcome, lang: str) -> solara.Element:  # noqa: N802
    """A finished comparison: who ends ahead, the differences, the figure, the downloads.

    The verdicts, tables, both CSVs and the figure are in the page's
    language; switching it redraws the figure once (kept per language).
    """
    differences = outcome.differences

    def files() -> tuple[bytes, bytes, bytes]:
        csv, png = downloads(outcome.result, differences, replicates=outcome.replicates,
                             seed=outcome.seed, lang=lang)
        if lang == outcome.lang:
            return csv, outcome.png, outcome.csv
        return csv, png, runs_csv(outcome.result.runs, lang)

    differences_csv, png, runs = solara.use_memo(files, [outcome, lang])
    lines = verdict.verdicts(differences, lang)
    with solara.Column(gap="8px") as column:
        solara.Success(t("compare_done", lang, total=outcome.total,
                         seconds=outcome.seconds), classes=["compare-done"])
        solara.Markdown(f"### {t('verdict_title', lang)}")
        html_block("<ul class='compare-verdicts'>"
                   + "".join(f"<li class='compare-verdict'>{escape(line)}</li>"
                             for line in lines) + "</ul>",
                   classes=["compare-verdict-block"])
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(differences_csv, filename="compare-differences.csv",
                                label=t("download_differences", lang), mime_type="text/csv")
            solara.FileDownload(runs, filename="compare-runs.csv",
                                label=t("download_csv", lang), mime_type="text/csv")
            solara.FileDownload(png, filename="compare.png",
                                label=t("download_png", lang), mime_type="image/png")
        solara.Image(png, width="100%")
        solara.Markdown(f"### {t('differences_title', lang)}")
        html_block(table_html(verdict.display_table(differences, lang), "compare-differences"),
                   classes=["compare-differences-block", "scroll-table"],
                   style="font-size: 0.85em")
        solara.Markdown(f"### {t('summary_table', lang)}")
        html_block(table_html(summary_table(outcome.result.stats, lang), "compare-summary"),
                   classes=["compare-summary-block", "scroll-table"], style="font-size: 0.85em")
    return column
