"""Compare: two to four scenarios or variants, over replicates, with 95 % bands.

The runs go through :func:`simulation.compare.run_compare` (the same engine
as ``influence compare``) in a background thread, so the page keeps
answering while it works and shows how far it got. A variant is a scenario
with a few parameter changes written as on the command line
(``companies[1].structure=siloed; consumers=5000``).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from .. import parameters
from ..parameters import ParameterError
from . import state
from .explore import scenario_labels
from .i18n import t

#: Scenario slots on the page; at least two must be filled.
SLOTS = 4
MIN_SCENARIOS = 2
#: Headline columns of the summary table (metric, how to print a value).
SUMMARY = (("trust_mean", "{:.3f}"), ("likes", "{:,.0f}"), ("sales", "{:,.0f}"),
           ("profit_cumulative", "{:,.0f}"))
NONE = "—"


class Cancelled(Exception):  # noqa: N818 (a signal, not an error)
    """Raised from the progress callback to stop a comparison the visitor cancelled."""


@dataclass(frozen=True)
class Outcome:
    """A finished comparison: the engine's result, its downloads, and what it cost."""

    result: Any
    csv: bytes
    png: bytes
    seconds: float
    total: int


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
    """Last week's headline metrics per scenario and company, as ``mean [lo, hi]``."""
    last = stats[stats["step"] == stats["step"].max()]
    rows = []
    for (scenario, company), own in last.groupby(["scenario", "company"], sort=False):
        row = {"scenario": scenario, "company": company}
        by_metric = own.set_index("metric")
        for metric, pattern in SUMMARY:
            if metric not in by_metric.index:
                continue
            r = by_metric.loc[metric]

            def fmt(x: float, pattern: str = pattern) -> str:
                return "-" if x is None or not math.isfinite(float(x)) else pattern.format(x)

            row[metric] = f"{fmt(r['mean'])} [{fmt(r['lo'])}, {fmt(r['hi'])}]"
        rows.append(row)
    return pd.DataFrame(rows)


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (no extra dependency)."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def run_comparison(chosen: list[tuple[str, dict[str, Any]]], *, replicates: int, weeks: int,
                   seed: int, progress, cancel: threading.Event) -> Outcome:
    """Run the engine and prepare both downloads; ``progress(done, total)`` after each run."""
    from ..compare import figure_png, run_compare

    def report(done: int, total: int) -> None:
        if cancel.is_set():
            raise Cancelled
        progress(done, total)

    started = time.perf_counter()
    result = run_compare(chosen, replicates=replicates, steps=weeks, seed=seed, workers=1,
                         progress=report)
    csv = result.runs.to_csv(index=False, lineterminator="\n").encode("utf-8")
    png = figure_png(result.stats, title=f"{replicates} replicates, seed {seed}")
    return Outcome(result, csv, png, time.perf_counter() - started, len(chosen) * replicates)


@solara.component
def ComparePage() -> solara.Element:  # noqa: N802
    """The Compare page."""
    lang = state.language.value
    catalogue = state.catalogue(state.user_scenarios.value)
    labels = scenario_labels(catalogue, lang)
    keys = list(catalogue)
    slots, set_slots = solara.use_state(
        tuple([keys[0], keys[1] if len(keys) > 1 else keys[0]] + [None] * (SLOTS - 2)))
    changes, set_changes = solara.use_state(tuple([""] * SLOTS))
    replicates, set_replicates = solara.use_state(10)
    weeks, set_weeks = solara.use_state(state.DEFAULT_WEEKS)
    seed, set_seed = solara.use_state(42)
    request, set_request = solara.use_state(None)
    progress, set_progress = solara.use_state((0, 0))
    problem, set_problem = solara.use_state("")

    def job(cancel: threading.Event) -> Outcome | None:
        if request is None:
            return None
        chosen, reps, n_weeks, root = request
        set_progress((0, len(chosen) * reps))
        try:
            return run_comparison(chosen, replicates=reps, weeks=n_weeks, seed=root,
                                  progress=lambda d, n: set_progress((d, n)), cancel=cancel)
        except Cancelled:
            return None

    result = solara.use_thread(job, dependencies=[request], intrusive_cancel=False)
    running = result.state in (solara.ResultState.STARTING, solara.ResultState.RUNNING,
                               solara.ResultState.WAITING) and request is not None

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
        set_problem("")
        set_request((chosen, replicates, weeks, seed))

    def set_slot(i: int, label: str | None) -> None:
        key = next((k for k, v in labels.items() if v == label), None)
        set_slots(tuple(key if j == i else s for j, s in enumerate(slots)))

    def set_change(i: int, text: str | None) -> None:
        set_changes(tuple((text or "") if j == i else c for j, c in enumerate(changes)))

    with solara.Column(style={"max-width": "1200px"}, classes=["compare-page"]):
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
                                     on_value=lambda text, i=i: set_change(i, text))
            with solara.Row():
                solara.SliderInt(f"{t('replicates', lang)}: {replicates}", value=replicates,
                                 min=1, max=50, on_value=set_replicates)
                solara.SliderInt(f"{t('weeks', lang)}: {weeks}", value=weeks, min=1, max=520,
                                 on_value=set_weeks)
                solara.InputInt(t("seed", lang), value=seed,
                                on_value=lambda s: set_seed(max(0, int(s or 0))))
            with solara.Row():
                solara.Button(t("run", lang), on_click=start, disabled=running,
                              color="primary", classes=["btn-compare"])
                if running:
                    solara.Button(t("cancel", lang), on_click=result.cancel,
                                  classes=["btn-cancel"])
        if problem:
            solara.Error(problem, classes=["compare-error"])
        done, total = progress
        if running:
            solara.ProgressLinear(value=100 * done / total if total else True)
            solara.Text(t("running", lang, done=done, total=total), classes=["compare-progress"])
        if result.error is not None:
            solara.Error(t("error", lang, error=result.error), classes=["compare-error"])
        outcome = result.value
        if outcome is not None and not running:
            solara.Success(t("compare_done", lang, total=outcome.total,
                             seconds=outcome.seconds), classes=["compare-done"])
            with solara.Row():
                solara.FileDownload(outcome.csv, filename="compare-runs.csv",
                                    label=t("download_csv", lang), mime_type="text/csv")
                solara.FileDownload(outcome.png, filename="compare.png",
                                    label=t("download_png", lang), mime_type="image/png")
            solara.Image(outcome.png, width="100%")
            solara.Markdown(f"### {t('summary_table', lang)}")
            solara.Markdown(markdown_table(summary_table(outcome.result.stats, lang)),
                            style={"font-size": "0.85em"})
