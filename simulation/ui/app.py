"""The Solara app: navigation, language switch and the four pages.

``solara run simulation.ui.app`` serves it (``influence ui`` does, with the
right flags). The layout below wraps every page: it carries the navigation
and the English/French switch, so both are on every page, sets the page's
``lang``, and holds the style sheet of :mod:`.a11y` (focus ring, narrow
screens). On a narrow screen the page links fold behind one button while the
language switch stays in the app bar.
"""

from __future__ import annotations

import solara

from . import state
from .a11y import CSS, PageLanguage
from .about import AboutPage
from .calibrate_page import CalibratePage
from .compare_page import ComparePage
from .explore import ExplorePage
from .i18n import LANGUAGE_NAMES, LANGUAGES, t
from .learn import LearnPage
from .plan_page import PlanPage

#: (path, catalogue key of its label) for each page, in navigation order.
PAGES = (("/", "nav_explore"), ("/compare", "nav_compare"), ("/learn", "nav_learn"),
         ("/plan", "nav_plan"), ("/calibrate", "nav_calibrate"), ("/about", "nav_about"))


@solara.component
def Layout(children: list | None = None) -> solara.Element:  # noqa: N802
    """Every page's frame: title, navigation links, language switch, page language."""
    lang = state.language.value
    route_current, _ = solara.use_route()
    current = "/" + (route_current.path if route_current and route_current.path != "/" else "")
    menu_open, set_menu_open = solara.use_state(False)
    page_key = next((key for path, key in PAGES if path == current), "nav_explore")
    # The folded menu closes once its link has taken the visitor to another page
    # (closing it on the click itself would remove the link before it navigates).
    solara.use_effect(lambda: set_menu_open(False), [current])

    def links(where: str) -> None:
        for path, key in PAGES:
            with solara.Link(path):
                solara.Button(t(key, lang), text=path != current,
                              classes=[f"nav-{key.removeprefix('nav_')}", f"{where}-link"],
                              style={"color": "white"} if where == "wide" else {},
                              attributes={"aria-current": "page"} if path == current else {})

    with solara.AppLayout(title=t("app_title", lang), navigation=False) as layout:
        with solara.AppBar():
            with solara.Row(classes=["nav-wide"], gap="0px",
                            style={"background": "transparent"}):
                links("wide")
            solara.Button("☰", text=True, on_click=lambda: set_menu_open(not menu_open),
                          classes=["nav-toggle"], style={"color": "white", "font-size": "1.4em"},
                          attributes={"aria-label": t("menu", lang),
                                      "aria-expanded": "true" if menu_open else "false"})
            LanguageSwitch(lang)
        # One child only: AppLayout would make the first of several a sidebar.
        with solara.Column(style={"width": "100%"}, classes=["main-content"]):
            PageTitle(f"{t(page_key, lang)} · {t('app_title', lang)}")
            solara.Style(CSS)
            PageLanguage.element(lang=lang)
            if menu_open:
                with solara.Column(classes=["nav-narrow"], gap="0px",
                                   style={"border-bottom": "1px solid #ccc"}):
                    links("narrow")
            solara.Column(children=children or [], style={"width": "100%"})
    return layout


@solara.component
def PageTitle(title: str, depth: int = 3) -> solara.Element:  # noqa: N802
    """The tab's and the app bar's title, in the page's language.

    Solara shows the deepest ``Title`` on the page, and its router puts one
    with the route's (English) label just inside the layout; this one is
    rendered ``depth`` components further down, so it is the one shown.
    """
    if depth > 0:
        return PageTitle(title, depth - 1)
    return solara.Title(title)


@solara.component
def LanguageSwitch(lang: str) -> solara.Element:  # noqa: N802
    """Two buttons, ``en`` and ``fr``; the page's language is the pressed one."""
    with solara.Row(gap="2px", classes=["language-switch"],
                    style={"background": "transparent", "flex": "0 0 auto"}) as row:
        for code in LANGUAGES:
            chosen = code == lang
            solara.Button(code, on_click=lambda code=code: state.language.set(code),
                          text=not chosen, classes=[f"language-{code}"],
                          style={"min-width": "44px", "padding": "0 8px",
                                 **({"color": "#0d47a1", "background-color": "white"}
                                    if chosen else {"color": "white"})},
                          attributes={"aria-pressed": "true" if chosen else "false",
                                      "lang": code, "title": LANGUAGE_NAMES[code]})
    return row


routes = [
    solara.Route(path="/", component=ExplorePage, label="Explore", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Compare"),
    solara.Route(path="learn", component=LearnPage, label="Learn"),
    solara.Route(path="plan", component=PlanPage, label="Plan"),
    solara.Route(path="calibrate", component=CalibratePage, label="Calibrate"),
    solara.Route(path="about", component=AboutPage, label="About"),
]
