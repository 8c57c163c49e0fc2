"""Explore: one world, run week by week, with every chart the essay argues from.

The model is built inside the page component, so every browser session gets
its own. A parameter change rebuilds the world from week 0 with the new
settings (the charts then tell one consistent story); Reset goes back to
week 0 with the settings on screen; "Scenario settings" restores what the
scenario file says.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import solara
import solara.lab

from .. import parameters
from ..parameters import ParameterError
from . import charts, state
from .controls import ParamControl
from .i18n import t
from .live import LiveRun

#: World parameters shown first; the others are one click away.
KEY_WORLD = ("consumers", "network", "network_degree", "influencers_per_company",
             "pk_initial", "pk_learning", "asymmetry", "forgetting", "in_market_rate")
#: Company parameters shown first.
KEY_COMPANY = ("structure", "strategy", "transparency", "budget", "hoarding", "departments",
               "pressure", "crisis_week", "quality", "overstatement")
#: Play speeds, weeks per second ("max": as fast as the machine goes).
SPEEDS = ("1", "2", "5", "10", "max")
DEFAULT_SEED = 42
CHART_STYLE = {"height": "320px", "width": "100%"}


def apply_change(config: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``config`` with one parameter changed, fully re-validated.

    Raises:
        ParameterError: when the value, or the world it makes, is not allowed
            (e.g. a complete network with too many consumers).
    """
    return parameters.resolve(parameters.set_path(config, path, value))


def scenario_labels(catalogue: dict[str, state.UiScenario], lang: str) -> dict[str, str]:
    """A unique label per scenario key: its title in ``lang`` (the key added on a clash)."""
    labels: dict[str, str] = {}
    for key, scenario in catalogue.items():
        label = scenario.text("title", lang)
        labels[key] = label if label not in labels.values() else f"{label} ({key})"
    return labels


@solara.component
def WorldControls(config: dict[str, Any], on_change, lang: str) -> solara.Element:  # noqa: N802
    """Sliders and selectors for world, company and influencer parameters."""
    with solara.Column(gap="4px"):
        solara.Markdown(f"**{t('world_parameters', lang)}**")
        for name in KEY_WORLD:
            ParamControl(parameters.WORLD[name], config[name],
                         on_value=lambda v, n=name: on_change(n, v))
        LazyDetails(t("more_parameters", lang), lambda: [
            ParamControl(param, config[param.name],
                         on_value=lambda v, n=param.name: on_change(n, v))
            for param in parameters.WORLD_PARAMS if param.name not in KEY_WORLD])
        solara.Markdown(f"**{t('company_settings', lang)}**")
        for index, company in enumerate(config["companies"]):
            LazyDetails(company["name"], lambda i=index, c=company: CompanyControls(
                i, c, on_change), opened=index == 0)
        LazyDetails(t("influencer_settings", lang), lambda: [
            ParamControl(param, config["influencer"][param.name],
                         on_value=lambda v, n=param.name: on_change(f"influencer.{n}", v))
            for param in parameters.INFLUENCER_PARAMS])


@solara.component
def CompanyControls(index: int, company: dict[str, Any], on_change) -> solara.Element:  # noqa: N802
    """One company's key settings, the rest one click away."""
    with solara.Column(gap="4px") as column:
        for name in KEY_COMPANY:
            ParamControl(parameters.COMPANY[name], company[name],
                         on_value=lambda v, n=name: on_change(f"companies[{index}].{n}", v))
        LazyDetails("…", lambda: [
            ParamControl(param, company[param.name],
                         on_value=lambda v, n=param.name: on_change(f"companies[{index}].{n}", v))
            for param in parameters.COMPANY_PARAMS if param.name not in KEY_COMPANY])
    return column


@solara.component
def LazyDetails(summary: str, content, opened: bool = False) -> solara.Element:  # noqa: N802
    """A fold whose content is built only while open.

    Every widget on the page costs time at every redraw of the week, so the
    dozens of rarely used controls exist only while their fold is open.
    """
    is_open, set_open = solara.use_state(opened)
    with solara.Column(gap="2px") as column:
        solara.Button(("▾ " if is_open else "▸ ") + summary, text=True,
                      on_click=lambda: set_open(not is_open),
                      style={"justify-content": "flex-start", "text-transform": "none"},
                      classes=["lazy-details"])
        if is_open:
            content()  # elements made here join this column
    return column


@solara.component
def ScenarioLoader(on_loaded, lang: str) -> solara.Element:  # noqa: N802
    """Load a scenario file by dropping it or pasting its text; errors stay on the page."""
    error, set_error = solara.use_state("")
    text, set_text = solara.use_state("")

    def load(name: str, data: bytes) -> None:
        try:
            scenario = state.load_user_file(name, data)
        except (ValueError, OSError) as problem:
            set_error(str(problem))
            return
        set_error("")
        on_loaded(scenario)

    with solara.Details(summary=t("load_file", lang)):
        solara.FileDrop(label=t("load_file", lang), lazy=False,
                        on_file=lambda info: load(info["name"], info["data"] or b""))
        solara.InputTextArea(label="TOML", value=text, on_value=set_text, rows=4,
                             continuous_update=True)
        solara.Button(t("load_file", lang), on_click=lambda: load("pasted.toml",
                                                                   text.encode("utf-8")),
                      disabled=not text.strip(), classes=["load-pasted"])
    if error:
        solara.Error(error, classes=["scenario-error"])


@solara.component
def CompanyInside(run: LiveRun, index: int, lang: str) -> solara.Element:  # noqa: N802
    """Departments, hoarding, liaison, facts flowing or stuck, and the influencers."""
    with run.lock:
        company = run.model.companies[index]
        history = run.companies[index]
        settings = company.settings
        cross = settings["spread_inside"] * (1.0 - company.hoarding)
        option = charts.department_option(run, index, lang)
        rows = [r for r in run.influencer_rows() if r["company"] == index]
        arisen = getattr(company, "facts_arisen", 0)
        shared = getattr(company, "facts_shared", 0)
        totals = (history.facts_arisen, history.facts_shared, history.facts_possible)
    with solara.Card(classes=["company-inside"], style={"min-width": "300px", "flex": "1"}):
        solara.FigureEcharts(option=option,
                             attributes={"style": {"height": "230px", "width": "100%"}})
        lines = [
            f"{settings['departments']} {t('departments', lang)}; "
            + (t("has_liaison", lang) if company.liaison else t("no_liaison", lang)),
            f"{t('hoarding', lang)}: {company.hoarding:.2f}",
            f"{t('crossing', lang)}: {cross:.2f}",
            f"{t('channel', lang)}: {company.channel():.2f}",
            t("facts_week", lang, arisen=arisen, shared=shared),
        ]
        if totals[2]:
            lines.append(t("facts_total", lang, arisen=totals[0], reached=totals[1] / totals[2]))
        solara.Markdown("\n".join(f"- {line}" for line in lines))
        header = (f"| {t('col_influencer', lang)} | {t('col_deal', lang)} | "
                  f"{t('col_audience', lang)} | {t('col_knowledge', lang)} | "
                  f"{t('col_trust_company', lang)} | {t('col_status', lang)} |\n"
                  "|---|---|---|---|---|---|\n")
        body = "".join(f"| {r['row']} | {r['deal']} | {r['audience']:.1%} | "
                       f"{r['knowledge']:.2f} | {r['trust']:.2f} | "
                       f"{t('alive', lang) if r['alive'] else t('left', lang)} |\n"
                       for r in rows)
        solara.Markdown(header + body)


@solara.component
def ExplorePage() -> solara.Element:  # noqa: N802
    """The Explore page: scenario, controls, live charts, network and companies."""
    lang = state.language.value
    catalogue = state.catalogue(state.user_scenarios.value)
    requested = state.explore_request.value
    scenario_key, set_scenario_key = solara.use_state(
        requested if requested in catalogue else state.DEFAULT_KEY)
    scenario = catalogue.get(scenario_key, catalogue[state.DEFAULT_KEY])
    config, set_config = solara.use_state(scenario.config)
    seed, set_seed = solara.use_state(DEFAULT_SEED)
    generation, set_generation = solara.use_state(0)
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state("5")
    problem, set_problem = solara.use_state("")
    tick = solara.use_reactive(0)

    def build() -> LiveRun | str:
        try:
            return LiveRun(config, seed)
        except (ParameterError, ValueError, MemoryError) as error:
            return str(error)

    config_key = json.dumps(config, sort_keys=True)
    built = solara.use_memo(build, dependencies=[config_key, seed, generation])
    last_good = solara.use_ref(None)
    if isinstance(built, LiveRun):
        last_good.current = built
        run = built
    else:
        run = last_good.current
    if run is None:  # the very first world failed: fall back on the defaults
        run = solara.use_memo(lambda: LiveRun(state.default_scenario().config, DEFAULT_SEED),
                              dependencies=[])

    def clear_request() -> None:
        if requested is not None:
            state.explore_request.set(None)

    solara.use_effect(clear_request, [])

    def choose_scenario(key: str) -> None:
        chosen = catalogue.get(key)
        if chosen is None:
            return
        set_playing(False)
        set_scenario_key(key)
        set_config(chosen.config)
        set_problem("")

    def on_loaded(new: state.UiScenario) -> None:
        state.user_scenarios.set({**state.user_scenarios.value, new.key: new})
        set_playing(False)
        set_scenario_key(new.key)
        set_config(new.config)
        set_problem("")

    def on_change(path: str, value: Any) -> None:
        try:
            new = apply_change(config, path, value)
        except ParameterError as error:
            set_problem(t("bad_value", lang, error=error))
            return
        set_problem("")
        set_playing(False)
        set_config(new)

    def step() -> None:
        run.step(1)
        tick.set(tick.value + 1)

    def reset() -> None:
        set_playing(False)
        set_generation(generation + 1)
        tick.set(tick.value + 1)

    def restore() -> None:
        set_playing(False)
        set_config(scenario.config)
        set_problem("")

    async def play_loop() -> None:
        # A coroutine on the server's event loop, not a thread: each week and its
        # redraw then run between the page's own messages, never alongside them.
        if not playing:
            return
        while True:
            started = time.perf_counter()
            run.step(1)
            tick.set(tick.value + 1)
            pause = 0.0 if speed == "max" else 1.0 / float(speed)
            await asyncio.sleep(max(0.001, pause - (time.perf_counter() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing, run, speed], prefer_threaded=False)

    def on_seed(text: str | None) -> None:
        try:
            value = int(str(text).strip())
        except ValueError:
            set_problem(t("bad_value", lang, error=f"seed: got {text!r}; allowed: an integer "
                                                   ">= 0"))
            return
        if value < 0:
            set_problem(t("bad_value", lang, error=f"seed: got {value}; allowed: an integer "
                                                   ">= 0"))
            return
        set_problem("")
        set_seed(value)

    with solara.Row(style={"align-items": "flex-start", "flex-wrap": "wrap"}):
        with solara.Column(gap="8px", classes=["explore-controls"],
                           style={"flex": "0 0 330px", "max-height": "calc(100vh - 90px)",
                                  "overflow-y": "auto", "padding-right": "8px"}):
            labels = scenario_labels(catalogue, lang)
            solara.Select(label=t("scenario", lang), values=list(labels.values()),
                          value=labels.get(scenario_key), classes=["scenario-select"],
                          on_value=lambda label: choose_scenario(
                              next(k for k, v in labels.items() if v == label)))
            if scenario.summary or scenario.fr.get("summary"):
                solara.Text(scenario.text("summary", lang), style={"font-size": "0.85em"})
            ScenarioLoader(on_loaded, lang)
            solara.InputText(t("seed", lang), value=str(seed), on_value=on_seed)
            with solara.Row(gap="4px"):
                solara.Button(t("step", lang), on_click=step, disabled=playing,
                              color="primary", classes=["btn-step"])
                solara.Button(t("pause", lang) if playing else t("play", lang),
                              on_click=lambda: set_playing(not playing), classes=["btn-play"])
                solara.Button(t("reset", lang), on_click=reset, classes=["btn-reset"])
            solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), on_value=set_speed)
            solara.Text(t("speed", lang), style={"font-size": "0.75em"})
            solara.Button(t("scenario", lang) + " ↺", on_click=restore, text=True,
                          classes=["btn-restore"])
            solara.Text(t("applies_on_reset", lang), style={"font-size": "0.75em"})
            if problem:
                solara.Error(problem, classes=["param-error"])
            WorldControls(config, on_change, lang)

        with solara.Column(style={"flex": "1 1 600px", "min-width": "0"}):
            if not isinstance(built, LiveRun):
                solara.Error(t("bad_value", lang, error=built), classes=["param-error"])
            LiveView(run, tick, scenario.text("title", lang), lang)


@solara.component
def LiveView(run: LiveRun, tick: solara.Reactive[int], title: str,  # noqa: N802
             lang: str) -> solara.Element:
    """Everything that changes with the week: the only part a step re-renders.

    It reads ``tick`` (bumped after every step), so a step re-renders this
    view and not the sidebar's many controls.
    """
    tick.value  # noqa: B018 (subscribe: re-render when a week has passed)
    network_company, set_network_company = solara.use_state(0)
    with run.lock:
        week = run.week
        trust = charts.trust_option(run, lang)
        vanity = charts.vanity_option(run, lang)
        sales = charts.sales_option(run, lang)
        knowledge = charts.knowledge_option(run, lang)
        company_index = min(network_company, len(run.model.companies) - 1)
        network = charts.network_option(run, company_index, lang)
        events = run.events()
    with solara.Column(gap="8px"):
        with solara.Row(style={"align-items": "baseline"}):
            solara.Text(t("week", lang, week=week), classes=["week-display"],
                        style={"font-size": "1.4em", "font-weight": "bold"})
            solara.Text(f"{title} · seed {run.seed} · "
                        + t("world_summary", lang, consumers=run.config["consumers"],
                            companies=len(run.model.companies),
                            influencers=len(run.model.influencers)) + " · "
                        + t("step_time", lang, ms=1000 * run.last_step_seconds),
                        style={"color": "#666"}, classes=["world-summary"])
        with solara.ColumnsResponsive(12, large=6):
            for option, name in ((trust, "trust"), (vanity, "vanity"), (sales, "sales"),
                                 (knowledge, "knowledge")):
                with solara.Card(classes=[f"chart-{name}"]):
                    solara.FigureEcharts(option=option, attributes={"style": CHART_STYLE})
        marked = [e for e in events if e["kind"] != "churn"][-6:]
        solara.Text(t("events", lang) + ": " + ("; ".join(
            f"{e['step']}: {e['company']} — {charts.event_label(e['kind'], lang)}"
            for e in marked) or t("no_events", lang)), style={"font-size": "0.85em"})
        with solara.Card(t("network_title", lang), classes=["network-view"]):
            solara.Select(label=t("network_colour_by", lang),
                          values=[c.name for c in run.model.companies],
                          value=run.model.companies[company_index].name,
                          on_value=lambda name: set_network_company(
                              [c.name for c in run.model.companies].index(name)))
            solara.FigureEcharts(option=network,
                                 attributes={"style": {"height": "460px", "width": "100%"}})
            solara.Text(t("network_help", lang, n=len(run.sample.consumers),
                          company=run.model.companies[company_index].name),
                        style={"font-size": "0.8em"})
        solara.Markdown(f"### {t('inside_title', lang)}")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for index in range(len(run.model.companies)):
                CompanyInside(run, index, lang)
