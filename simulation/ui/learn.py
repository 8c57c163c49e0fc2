"""Learn: the essay's conclusions as guided lessons for a class.

A lesson is a shipped scenario's ``teaching`` and ``lesson`` texts (in the
visitor's language, from the scenario's ``fr`` table in French). The page
loads the scenario, tells its story one step at a time (what to watch, a
question for the class, what to try), and runs the world to each step's week
so the teacher can show it happen. The lesson, its step and the week its
world was run to live in the page's URL (:mod:`.share`), so a reload or a
link handed to a class opens the same place.
"""

from __future__ import annotations

import solara

from . import charts, share, state
from .echart import LiveChart, option_json
from .i18n import t
from .live import LiveRun
from .safe import escape, html_block

LESSON_SEED = 42
CHART_STYLE = {"height": "300px", "width": "100%"}


def lessons(catalogue: dict[str, state.UiScenario]) -> dict[str, state.UiScenario]:
    """The scenarios that carry a lesson, in catalogue order."""
    return {key: s for key, s in catalogue.items() if s.lesson}


def lesson_query(key: str, position: int) -> str:
    """The URL query of a lesson at a step (``position`` counts from 0; the URL from 1).

    The page adds the week its world was run to (:class:`.share.PageUrl`):
    ``/learn?lesson=h03-silos&step=2&week=24``.
    """
    return share.encode([("lesson", key), ("step", position + 1)])


def lesson_from_url(search: str | None, available: dict[str, state.UiScenario]
                    ) -> tuple[str | None, int, int, list[str]]:
    """The lesson, step position (from 0) and week a link asks for, and what was refused.

    An unknown lesson is refused (the first lesson opens); a step outside the
    lesson, or a week outside its scenario's weeks, is refused and the lesson
    opens at its first step, or at week 0.
    """
    found = share.fields(search)
    problems: list[str] = []
    key = share.one_of(found, "lesson", list(available), problems)
    if key is None:
        return None, 0, 0, problems
    scenario = available[key]
    steps = len(scenario.lesson)
    step = share.whole(found, "step", 1, steps + 1, problems,
                       f"whole numbers from 1 to {steps + 1} (the last: the lesson's end)")
    week = share.whole(found, "week", 0, scenario.weeks, problems,
                       f"whole weeks from 0 to {scenario.weeks}")
    return key, 0 if step is None else step - 1, week or 0, problems


def teaching_html(scenario: state.UiScenario, lang: str) -> str:
    """A lesson's title, summary and teaching texts as HTML, every scenario text escaped."""
    teaching = scenario.teaching_in(lang)
    parts = [f"<h2>{escape(scenario.text('title', lang))}</h2>",
             f"<p>{escape(scenario.text('summary', lang))}</p>"]
    for key in ("what", "how"):
        if teaching.get(key):
            parts.append(f"<p><strong>{escape(t(key, lang))}.</strong> "
                         f"{escape(teaching[key])}</p>")
    for key in ("notice", "try"):
        items = teaching.get(key) or []
        if items:
            parts.append(f"<p><strong>{escape(t(key, lang))}:</strong></p><ul>"
                         + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
    return "".join(parts)


def step_html(step: dict, position: int, total: int, week: int, lang: str) -> str:
    """One lesson step (what to watch, ask and try) as HTML, its texts escaped."""
    heading = t("lesson_step", lang, i=position + 1, n=total, week=week)
    return f"<h3>{escape(heading)}</h3>" + "".join(
        f"<p><strong>{escape(t(key, lang))}:</strong> {escape(step.get(key, ''))}</p>"
        for key in ("watch", "ask", "try"))


def lesson_world(scenario: state.UiScenario, week: int) -> LiveRun:
    """The lesson's world (its seed), run to ``week``."""
    run = LiveRun(scenario.config, LESSON_SEED)
    if week > 0:
        run.step(week)
    return run


@solara.component
def LessonRun(scenario: state.UiScenario, lang: str, start_position: int = 0,  # noqa: N802
              start_week: int = 0) -> solara.Element:
    """One lesson: its teaching text, its steps, and the world it runs.

    It opens at step ``start_position`` with its world run to ``start_week``
    (a reload, a shared link), and keeps its place in the page's URL.
    """
    run = solara.use_memo(lambda: lesson_world(scenario, start_week),
                          dependencies=[scenario.key])
    position, set_position = solara.use_state(start_position)
    _, set_week = solara.use_state(run.week)
    steps = scenario.lesson_in(lang)
    router = solara.use_router()

    def run_to(week: int) -> None:
        if week > run.week:
            run.step(week - run.week)
        set_week(run.week)

    def advance() -> None:
        set_position(position + 1)

    def open_in_explore() -> None:
        state.explore_request.set(scenario.key)
        state.explore_week.set(run.week)  # the same world (same seed), at the lesson's week
        router.push("/")

    with solara.Column(classes=["lesson"]):
        share.PageUrl.element(query=lesson_query(scenario.key, position))
        html_block(teaching_html(scenario, lang), classes=["lesson-text"])
        with solara.Card(classes=["lesson-step"]):
            if position < len(steps):
                step = steps[position]
                week = int(step.get("week", run.week))
                html_block(step_html(step, position, len(steps), week, lang),
                           classes=["lesson-step-text"])
                with solara.Row():
                    solara.Button(t("run_to_week", lang, week=week), on_click=lambda: run_to(week),
                                  disabled=run.week >= week, color="primary",
                                  classes=["btn-run-to"])
                    solara.Button(t("step", lang), on_click=lambda: run_to(run.week + 1),
                                  classes=["btn-lesson-step"])
                    solara.Button(t("next_step", lang), on_click=advance,
                                  classes=["btn-next"])
            else:
                solara.Success(t("lesson_end", lang), classes=["lesson-end"])
            with solara.Row():
                if position > 0:
                    solara.Button(t("previous_step", lang),
                                  on_click=lambda: set_position(position - 1), text=True)
                solara.Button(t("open_in_explore", lang), on_click=open_in_explore, text=True,
                              classes=["btn-open-explore"])
        with run.lock:
            shown = run.week
            trust = option_json(charts.trust_option(run, lang))
            vanity = option_json(charts.vanity_option(run, lang))
            # The steps ask about sales and profit too: their chart is here as well.
            sales = option_json(charts.sales_option(run, lang))
            summaries = {name: charts.summary(run, name, lang)
                         for name in ("trust", "vanity", "sales")}
        solara.Text(t("week", lang, week=shown), classes=["week-display"],
                    style={"font-size": "1.3em", "font-weight": "bold"})
        with solara.ColumnsResponsive(12, large=6):
            for name, option in (("trust", trust), ("vanity", vanity), ("sales", sales)):
                with solara.Column(gap="0px"):
                    LiveChart(option, stamp=str(shown), style=CHART_STYLE,
                              label=t("chart_label", lang, title=t(f"chart_{name}", lang)))
                    solara.Text(summaries[name],
                                classes=["sr-only", "chart-summary", f"chart-summary-{name}"])


@solara.component
def LearnPage() -> solara.Element:  # noqa: N802
    """The Learn page: choose a lesson and follow it."""
    lang = state.language.value
    available = lessons(state.catalogue(state.user_scenarios.value))
    router = solara.use_router()
    # The page opens on its URL's lesson, step and week (a reload, a shared
    # link), read once and checked as typed values are.
    key, position, week, refused = solara.use_memo(
        lambda: lesson_from_url(router.search, available), dependencies=[])
    chosen, set_chosen = solara.use_state(key or next(iter(available), None))
    # The link's step and week are for its lesson's first opening only.
    opening = solara.use_ref(key)
    problem, set_problem = solara.use_state("; ".join(refused))

    def choose(title: str) -> None:
        opening.current = None
        set_problem("")
        set_chosen(next(k for k, v in titles.items() if v == title))

    with solara.Column(style={"max-width": "1200px"}, classes=["learn-page"]):
        solara.Markdown(f"# {t('learn_title', lang)}\n\n{t('learn_help', lang)}")
        if problem:
            solara.Error(problem, classes=["lesson-error"])
        if not available:
            solara.Info(t("no_lessons", lang))
            return
        titles = {key: s.text("title", lang) for key, s in available.items()}
        solara.Select(label=t("lesson_choose", lang), values=list(titles.values()),
                      value=titles.get(chosen), on_value=choose, classes=["lesson-select"])
        if chosen in available:
            start = (position, week) if chosen == opening.current else (0, 0)
            LessonRun(available[chosen], lang, *start).key(f"lesson-{chosen}")
