"""The Solara app: navigation, language switch and the four pages.

``solara run simulation.ui.app`` serves it (``influence ui`` does, with the
right flags). The layout below wraps every page: it carries the navigation
and the English/French switch, so both are on every page.
"""

from __future__ import annotations

import solara

from . import state
from .about import AboutPage
from .compare_page import ComparePage
from .explore import ExplorePage
from .i18n import LANGUAGES, t
from .learn import LearnPage

#: (path, catalogue key of its label) for each page, in navigation order.
PAGES = (("/", "nav_explore"), ("/compare", "nav_compare"), ("/learn", "nav_learn"),
         ("/about", "nav_about"))


@solara.component
def Layout(children: list | None = None) -> solara.Element:  # noqa: N802
    """Every page's frame: title, navigation links, language switch."""
    lang = state.language.value
    route_current, _ = solara.use_route()
    current = "/" + (route_current.path if route_current and route_current.path != "/" else "")
    with solara.AppLayout(title=t("app_title", lang), navigation=False) as layout:
        with solara.AppBar():
            for path, key in PAGES:
                with solara.Link(path):
                    solara.Button(t(key, lang), text=path != current,
                                  classes=[f"nav-{key.removeprefix('nav_')}"],
                                  style={"color": "white"})
            solara.ToggleButtonsSingle(value=lang, values=list(LANGUAGES),
                                       on_value=state.language.set,
                                       classes=["language-switch"])
        solara.Column(children=children or [], style={"width": "100%"})
    return layout


routes = [
    solara.Route(path="/", component=ExplorePage, label="Explore", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Compare"),
    solara.Route(path="learn", component=LearnPage, label="Learn"),
    solara.Route(path="about", component=AboutPage, label="About"),
]
