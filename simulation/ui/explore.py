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
from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Any

import ipyvuetify
import solara
import solara.lab
import traitlets

from .. import metrics, parameters, parameters_fr
from ..memory import memory_problem
from ..parameters import ParameterError
from . import charts, share, state
from .controls import ParamControl
from .echart import LiveChartWidget, option_json
from .i18n import colon, localised, number, t
from .live import ACK_TIMEOUT_SECONDS, FedHTML, FedText, LiveFeed, LiveRun, is_heavy

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
#: Crises and strategy changes listed under the charts (the latest ones).
MOMENTS_SHOWN = 6


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
            ParamControl(parameters.WORLD[name], config[name], path=name, lang=lang,
                         on_value=lambda v, n=name: on_change(n, v))
        LazyDetails(t("more_parameters", lang), lambda: [
            ParamControl(param, config[param.name], path=param.name, lang=lang,
                         on_value=lambda v, n=param.name: on_change(n, v))
            for param in parameters.WORLD_PARAMS if param.name not in KEY_WORLD])
        solara.Markdown(f"**{t('company_settings', lang)}**")
        for index, company in enumerate(config["companies"]):
            LazyDetails(company["name"], lambda i=index, c=company: CompanyControls(
                i, c, on_change, lang), opened=index == 0)
        LazyDetails(t("influencer_settings", lang), lambda: [
            ParamControl(param, config["influencer"][param.name], path=f"influencer.{param.name}",
                         lang=lang,
                         on_value=lambda v, n=param.name: on_change(f"influencer.{n}", v))
            for param in parameters.INFLUENCER_PARAMS])


@solara.component
def CompanyControls(index: int, company: dict[str, Any], on_change,  # noqa: N802
                    lang: str = "en") -> solara.Element:
    """One company's key settings, the rest one click away."""
    with solara.Column(gap="4px") as column:
        for name in KEY_COMPANY:
            ParamControl(parameters.COMPANY[name], company[name], path=f"companies[{index}].{name}",
                         lang=lang,
                         on_value=lambda v, n=name: on_change(f"companies[{index}].{n}", v))
        LazyDetails(t("company_more", lang), lambda: [
            ParamControl(param, company[param.name], path=f"companies[{index}].{param.name}",
                         lang=lang,
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
    """Load a scenario file by picking, dropping or pasting it; errors stay on the page."""
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

    def picked(file: dict[str, Any]) -> None:
        if file:
            load(str(file.get("name", "scenario.toml")), str(file.get("text", "")).encode("utf-8"))

    # One column around it all, so the error appearing never re-creates the fold.
    with solara.Column(gap="4px") as column:
        with solara.Details(summary=t("load_file", lang)):
            FilePicker.element(label=t("choose_file", lang), on_picked=picked)
            solara.FileDrop(label=t("drop_file", lang), lazy=False,
                            on_file=lambda info: load(info["name"], info["data"] or b""))
            solara.InputTextArea(label="TOML", value=text, on_value=set_text, rows=4,
                                 continuous_update=True)
            solara.Button(t("load_file", lang), on_click=lambda: load("pasted.toml",
                                                                       text.encode("utf-8")),
                          disabled=not text.strip(), classes=["load-pasted"])
        if error:
            solara.Error(error, classes=["scenario-error"])
    return column


_PICKER_TEMPLATE = """
<template>
  <label class="scenario-picker v-btn v-btn--outlined theme--light v-size--default"
         style="cursor: pointer; margin: 4px 0">
    <input type="file" accept=".toml" @change="choose"
           style="position: absolute; opacity: 0; width: 1px; height: 1px" />
    <span class="v-btn__content">{{ label }}</span>
  </label>
</template>
<script>
module.exports = {
  methods: {
    choose(event) {
      const input = event.target;
      const file = input.files && input.files[0];
      if (!file) return;
      file.text().then(text => {
        this.picked = {name: file.name, text: text, at: Date.now()};
        input.value = '';
      });
    },
  },
};
</script>
"""


class FilePicker(ipyvuetify.VuetifyTemplate):
    """A button that opens the browser's file chooser; ``picked`` gets the file's name and text.

    The file is read in the browser, so the server never sees a path, only
    the name and the text (as drop and paste give them).
    """

    template = traitlets.Unicode(_PICKER_TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    picked = traitlets.Dict({}).tag(sync=True)


def moments_text(events: list[dict[str, Any]], lang: str, shown: int = MOMENTS_SHOWN) -> str:
    """The marked moments in words, as the trust chart draws them.

    Crises, strategy changes and rules are listed (the chart's dashed lines,
    latest ``shown`` of them); influencers who left and who were recruited are
    counted per company (the chart's pins).
    """
    marked = [e for e in events if e["kind"] not in ("churn", "recruit")]
    churned = Counter(e["company"] for e in events if e["kind"] == "churn")
    recruited = Counter(e["company"] for e in events if e["kind"] == "recruit")
    parts = []
    if marked:
        listed = "; ".join(f"{e['step']}{colon(lang)}{e['company']} — "
                           f"{charts.event_label(e['kind'], lang)}"
                           for e in marked[-shown:])
        if len(marked) > shown:
            listed = t("events_earlier", lang, n=len(marked) - shown) + "; " + listed
        parts.append(listed)
    if churned:
        parts.append(t("churn_count", lang, detail=", ".join(
            f"{company} {count}" for company, count in churned.items())))
    if recruited:
        parts.append(t("recruit_count", lang, detail=", ".join(
            f"{company} {count}" for company, count in recruited.items())))
    return t("events", lang) + colon(lang) + (" · ".join(parts) or t("no_events", lang))


def company_html(run: LiveRun, index: int, lang: str) -> str:
    """Departments, hoarding, liaison, facts flowing or stuck, and the influencers, as HTML.

    Names come from scenario files, so every text is escaped.
    """
    company = run.model.companies[index]
    history = run.companies[index]
    settings = company.settings
    cross = settings["spread_inside"] * (1.0 - company.hoarding)
    separator = colon(lang)
    lines = [
        f"{settings['departments']} {t('departments', lang)}"
        + ("\u00a0; " if lang == "fr" else "; ")
        + (t("has_liaison", lang) if company.liaison else t("no_liaison", lang)),
        f"{t('hoarding', lang)}{separator}{number(company.hoarding, '.2f', lang)}",
        f"{t('crossing', lang)}{separator}{number(cross, '.2f', lang)}",
        f"{t('channel', lang)}{separator}{number(company.channel(), '.2f', lang)}",
        t("facts_week", lang, arisen=getattr(company, "facts_arisen", 0),
          shared=getattr(company, "facts_shared", 0)),
    ]
    if history.facts_possible:
        lines.append(t("facts_total", lang, arisen=history.facts_arisen,
                       reached=history.facts_shared / history.facts_possible))
    columns = ("col_influencer", "col_deal", "col_audience", "col_knowledge",
               "col_trust_company", "col_status")
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in (
            r["row"], parameters_fr.choice(r["deal"], lang), number(r["audience"], ".1%", lang),
            number(r["knowledge"], ".2f", lang), number(r["trust"], ".2f", lang),
            t("alive", lang) if r["alive"] else t("left", lang))) + "</tr>"
        for r in run.influencer_rows() if r["company"] == index)
    return ("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
            "<table class='influencer-table'><thead><tr>"
            + "".join(f"<th>{escape(t(c, lang))}</th>" for c in columns)
            + f"</tr></thead><tbody>{rows}</tbody></table>")


#: Rows of the fairness table: a column of :func:`simulation.metrics.fairness`, its
#: catalogue label, and how to write it (a format spec; "choice": a declared choice
#: in words; "text": text whose numbers are written for the language).
FAIRNESS_ROWS = (
    ("strategy", "fair_strategy", "choice"), ("structure", "fair_structure", "choice"),
    ("spend_total", "fair_spend", ",.0f"), ("unspent_total", "fair_unspent", ",.0f"),
    ("posts", "fair_posts", ",.0f"), ("influencers", "fair_influencers", ""),
    ("followers_total", "fair_audience", ","), ("audiences", "fair_audiences", "text"),
    ("price", "fair_price", ".2f"), ("responsibility", "fair_responsibility", ".2f"),
    ("unit_cost", "fair_unit_cost", ".2f"), ("quality_start", "fair_quality_start", ".3f"),
    ("quality_final", "fair_quality_final", ".3f"),
)


def fairness_cell(value: Any, form: str, lang: str) -> str:
    """One cell of the fairness table as text in ``lang`` (see :data:`FAIRNESS_ROWS`)."""
    if form == "choice":
        return parameters_fr.choice(value, lang)
    if form == "text":
        return localised(str(value), lang)
    return number(value, form, lang)


def fairness_html(run: LiveRun, lang: str) -> str:
    """What differs between the companies so far (spend, posts, audiences, product), as HTML.

    The same table ``influence run`` prints (:func:`simulation.metrics.fairness`): a
    reader sees whether the comparison is at equal spend before reading the charts.
    Company names come from scenario files, so every text is escaped.
    """
    table = metrics.fairness(run.model).to_dict(orient="records")
    head = "<th></th>" + "".join(f"<th>{escape(r['company'])}</th>" for r in table)
    body = "".join(
        f"<tr><th scope='row'>{escape(t(label, lang))}</th>"
        + "".join(f"<td>{escape(fairness_cell(r[key], form, lang))}</td>" for r in table)
        + "</tr>"
        for key, label, form in FAIRNESS_ROWS)
    return (f"<table class='fairness-table'><caption>{escape(t('fairness_title', lang))}"
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def live_values(run: LiveRun, network_company: int, title: str, lang: str) -> dict[str, Any]:
    """Everything the Explore page shows that changes with the week, by name.

    Chart options are JSON text (see :mod:`.echart`); ``stamp`` is the week the
    charts show.
    """
    with run.lock:
        companies = len(run.model.companies)
        values: dict[str, Any] = {
            "stamp": str(run.week),
            "week": [t("week", lang, week=run.week)],
            "summary": [f"{title} · {t('seed_shown', lang, seed=run.seed)} · "
                        + t("world_summary", lang, consumers=run.config["consumers"],
                            companies=companies,
                            influencers=sum(len(c.influencers) for c in run.model.companies))
                        + " · " + t("step_time", lang, ms=1000 * run.last_step_seconds)],
            "moments": [moments_text(run.events(), lang)],
            "fairness": fairness_html(run, lang),
            "trust": option_json(charts.trust_option(run, lang)),
            "vanity": option_json(charts.vanity_option(run, lang)),
            "sales": option_json(charts.sales_option(run, lang)),
            "knowledge": option_json(charts.knowledge_option(run, lang)),
            "network": option_json(charts.network_option(
                run, min(network_company, companies - 1), lang)),
        }
        for index in range(companies):
            values[f"departments{index}"] = option_json(charts.department_option(run, index, lang))
            values[f"inside{index}"] = company_html(run, index, lang)
        for name in ("trust", "vanity", "sales", "knowledge", "network",
                     *(f"departments{index}" for index in range(companies))):
            values[f"{name}_summary"] = [charts.summary(run, name, lang, network_company)]
    return values


@dataclass(frozen=True)
class World:
    """What :func:`use_world` hands the page.

    Attributes:
        run: The world to show: the one asked for, or, while that one is being
            built or was refused, the last good one (None before the first).
        building: Consumers of a world being built in the background, else 0.
        problem: Why the world asked for was refused, else "".
    """

    run: LiveRun | None
    building: int
    problem: str


def _build(config: dict[str, Any], seed: int) -> LiveRun | str:
    """A new world, or the one-line reason it cannot be built."""
    too_big = memory_problem(config)
    if too_big is not None:
        return t("too_big", "en", need=too_big[0], free=too_big[1])
    try:
        return LiveRun(config, seed)
    except (ParameterError, ValueError, MemoryError) as error:
        return str(error) or type(error).__name__


def use_world(config: dict[str, Any], seed: int, generation: int) -> World:
    """The world for these settings, built off the page's turn when it is big.

    A small world is built during the render (tens of milliseconds). A big one
    (see :func:`.live.is_heavy`) is built in a worker thread awaited by a
    coroutine on the session's event loop: the page keeps answering, shows
    the last world with a "building" notice, and only the event loop ever
    sets the page's state. Settings changed again meanwhile supersede the
    build (its result is dropped).
    """
    key = (json.dumps(config, sort_keys=True), seed, generation)
    inline = not is_heavy(config)
    built_inline = solara.use_memo(lambda: _build(config, seed) if inline else None,
                                   dependencies=list(key))
    # (key, [LiveRun | str]): the world in a box emptied when it is superseded, so
    # that nothing keeps a big world alive, not even the renderer's record of the
    # state values it replaced.
    built_behind, set_built_behind = solara.use_state(None)

    async def build_behind() -> None:
        superseded = built_behind
        if not inline:
            result = await asyncio.to_thread(_build, config, seed)
        if superseded is not None:
            superseded[1].clear()
        set_built_behind(None if inline else (key, [result]))

    solara.lab.use_task(build_behind, dependencies=list(key), prefer_threaded=False)
    last_good = solara.use_ref(None)
    if inline:
        result = built_inline
    elif built_behind is not None and built_behind[0] == key and built_behind[1]:
        result = built_behind[1][0]
    else:
        return World(last_good.current, int(config["consumers"]), "")
    if isinstance(result, LiveRun):
        last_good.current = result
        return World(result, 0, "")
    return World(last_good.current, 0, str(result))


@solara.component
def ExplorePage() -> solara.Element:  # noqa: N802
    """The Explore page: scenario, controls, live charts, network and companies."""
    lang = state.language.value
    catalogue = state.catalogue(state.user_scenarios.value)
    requested = state.explore_request.value
    router = solara.use_router()
    # The page opens on its URL's world (a reload, a shared link), unless Learn
    # asked for a lesson's: read once, checked as typed values are.
    shared = solara.use_memo(lambda: share.parse(router.search), dependencies=[])
    from_url = requested not in catalogue and shared["scenario"] in catalogue
    scenario_key, set_scenario_key = solara.use_state(
        requested if requested in catalogue else shared["scenario"] if from_url
        else state.DEFAULT_KEY)
    scenario = catalogue.get(scenario_key, catalogue[state.DEFAULT_KEY])
    opened = solara.use_memo(lambda: share.apply(scenario.config, shared["set"]) if from_url
                             else (scenario.config, []), dependencies=[])
    config, set_config = solara.use_state(opened[0])
    seed, set_seed = solara.use_state(shared["seed"] if from_url and shared["seed"] is not None
                                      else DEFAULT_SEED)
    generation, set_generation = solara.use_state(0)
    playing, set_playing = solara.use_state(False)
    stepping, set_stepping = solara.use_state(False)
    speed, set_speed = solara.use_state("5")
    problem, set_problem = solara.use_state("; ".join(opened[1]))
    feed = solara.use_memo(LiveFeed, dependencies=[])
    background_steps = solara.use_ref(set())

    world = use_world(config, seed, generation)
    fallback = solara.use_memo(
        lambda: LiveRun(state.default_scenario().config, DEFAULT_SEED)
        if world.run is None and not world.building else None,
        dependencies=[world.run is None and not world.building])
    run = world.run or fallback

    def release_when_left() -> Any:
        # A big world left (for another world, or another page) is handed back
        # to the system, not kept by the allocator until the server restarts.
        return state.release_memory_soon if run is not None and is_heavy(run.config) else None

    solara.use_effect(release_when_left, [run])
    # Learn's "Open in Explore" asks for its lesson's week: the world, once built,
    # is run there once (the same seed as the lesson's, so the same world).
    start_week = solara.use_ref(state.explore_week.value if requested in catalogue
                                else shared["week"] if from_url else None)
    if start_week.current and world.run is not None and run.config == config:
        if run.week < start_week.current:
            run.step(start_week.current - run.week)
        start_week.current = None

    def clear_request() -> None:
        if requested is not None:
            state.explore_request.set(None)
            state.explore_week.set(None)

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
        if new == config:
            return  # a control that reports the value it shows changes nothing
        set_playing(False)
        set_config(new)

    async def step_behind(live: LiveRun) -> None:
        try:
            await asyncio.to_thread(live.step, 1)
            feed.push()
        finally:
            set_stepping(False)

    def step() -> None:
        if run is None:
            return
        if not is_heavy(run.config):
            run.step(1)
            feed.push()
            return
        # A big world's week runs in a worker thread; the event loop awaits it.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # rendered outside a server (tests): run it here
            run.step(1)
            feed.push()
            return
        set_stepping(True)
        task = loop.create_task(step_behind(run))
        background_steps.current.add(task)
        task.add_done_callback(background_steps.current.discard)

    def reset() -> None:
        set_playing(False)
        set_generation(generation + 1)

    def restore() -> None:
        set_playing(False)
        set_config(scenario.config)
        set_problem("")

    async def play_loop() -> None:
        # A coroutine on the session's event loop, not a thread that renders: the
        # week itself runs in a worker thread, the widgets are set from the loop.
        if not playing or run is None:
            return
        heavy = is_heavy(run.config)
        while True:
            started = time.perf_counter()
            if heavy:
                await asyncio.to_thread(run.step, 1)
            else:
                run.step(1)
            feed.push()
            await feed.wait_for_browser(ACK_TIMEOUT_SECONDS)
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

    busy = bool(world.building) or stepping
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
            share.PageUrl.element(query=share.query(
                scenario_key, share.changes(scenario.config, config), seed))
            solara.InputText(t("seed", lang), value=str(seed), on_value=on_seed)
            with solara.Row(gap="4px"):
                solara.Button(t("step", lang), on_click=step, disabled=playing or busy,
                              color="primary", classes=["btn-step"])
                solara.Button(t("pause", lang) if playing else t("play", lang),
                              on_click=lambda: set_playing(not playing), disabled=busy,
                              classes=["btn-play"])
                solara.Button(t("reset", lang), on_click=reset, disabled=bool(world.building),
                              classes=["btn-reset"])
            solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), on_value=set_speed,
                                       classes=["play-speed"])
            solara.Text(t("speed", lang), style={"font-size": "0.75em"})
            solara.Button(t("scenario", lang) + " ↺", on_click=restore, text=True,
                          classes=["btn-restore"])
            solara.Text(t("applies_on_reset", lang), style={"font-size": "0.75em"})
            if problem:
                solara.Error(problem, classes=["param-error"])
            WorldControls(config, on_change, lang)

        with solara.Column(style={"flex": "1 1 600px", "min-width": "0"}):
            if world.problem:
                solara.Error(t("bad_value", lang, error=world.problem), classes=["param-error"])
            if world.building:
                solara.Info(t("building", lang, consumers=world.building),
                            classes=["world-building"])
            elif stepping:
                solara.Text(t("stepping", lang), classes=["world-stepping"])
            if run is not None:
                LiveView(run, feed, scenario.text("title", lang), lang).key(f"run-{id(run)}")


@solara.component
def LiveView(run: LiveRun, feed: LiveFeed, title: str, lang: str) -> solara.Element:  # noqa: N802
    """Everything that changes with the week: built once, then fed week by week.

    A step does not re-render this view: :class:`LiveFeed` sets the new texts
    and chart options on the fed widgets made here (see :class:`.live.Fed`).
    The view re-renders only when the language, the run or the network's
    colouring changes, and then feeds its widgets at once.
    """
    network_company, set_network_company = solara.use_state(0)
    names = [c.name for c in run.model.companies]
    company_index = min(network_company, len(names) - 1)

    def text(name: str, css_class: str, style: str) -> None:
        FedText.element(feed=feed, feed_name=name, tag="span", class_=css_class, style_=style)

    def chart(name: str, height: str, title: str, acknowledge: bool = False) -> None:
        # The canvas is an image to a screen reader, named by its title; the
        # sentence after it (visually hidden) gives the latest values in words.
        LiveChartWidget.element(feed=feed, feed_name=name, acknowledge=acknowledge,
                                attributes={"style": {"height": height, "width": "100%"},
                                            "role": "img",
                                            "aria-label": t("chart_label", lang, title=title)})
        FedText.element(feed=feed, feed_name=f"{name}_summary", tag="p",
                        class_=f"sr-only chart-summary chart-summary-{name}")

    with solara.Column(gap="8px"):
        with solara.Row(style={"align-items": "baseline"}):
            text("week", "week-display", "font-size: 1.4em; font-weight: bold")
            text("summary", "world-summary", "color: #666")
        with solara.ColumnsResponsive(12, large=6):
            for name in ("trust", "vanity", "sales", "knowledge"):
                with solara.Card(classes=[f"chart-{name}"]):
                    chart(name, CHART_STYLE["height"], t(f"chart_{name}", lang),
                          acknowledge=name == "trust")
        text("moments", "moments", "font-size: 0.85em")
        FedHTML.element(feed=feed, feed_name="fairness", tag="div",
                        attributes={"class": "fairness", "style": "font-size: 0.85em"})
        with solara.Card(t("network_title", lang), classes=["network-view"]):
            solara.Select(label=t("network_colour_by", lang), values=names,
                          value=names[company_index],
                          on_value=lambda name: set_network_company(names.index(name)))
            chart("network", "460px", t("network_title", lang))
            solara.Text(t("network_help", lang, n=len(run.sample.consumers),
                          company=names[company_index]), style={"font-size": "0.8em"})
        solara.Markdown(f"### {t('inside_title', lang)}")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for index in range(len(names)):
                with solara.Card(classes=["company-inside"],
                                 style={"min-width": "300px", "flex": "1"}):
                    chart(f"departments{index}", "230px",
                          f"{names[index]}{colon(lang)}{t('departments', lang)}")
                    FedHTML.element(feed=feed, feed_name=f"inside{index}", tag="div",
                                    attributes={"class": "company-facts"})

    def bind() -> Any:
        token = feed.bind(lambda: live_values(run, network_company, title, lang))
        feed.push()
        return lambda: feed.unbind(token)

    solara.use_effect(bind)
