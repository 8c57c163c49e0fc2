"""Session state and scenarios as the UI sees them.

Solara keeps a ``solara.reactive`` value per browser session, so the chosen
language here is one visitor's, never the whole classroom's.

Scenarios come from the shipped scenario files (:mod:`scenarios`). The
default world is always offered first (the shipped ``default`` scenario, or
:func:`simulation.parameters.defaults` in an installation without scenario
files).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara

from .. import parameters
from .i18n import t

#: The visitor's language ("en" or "fr").
language = solara.reactive("en")
#: Scenario the Explore page should open (set by Learn's "Open in Explore").
explore_request: solara.Reactive[str | None] = solara.reactive(None)
#: The week Explore should open that scenario at (Learn's lesson week), if any.
explore_week: solara.Reactive[int | None] = solara.reactive(None)
#: Scenarios the visitor loaded from their own files this session, by key.
user_scenarios: solara.Reactive[dict[str, UiScenario]] = solara.reactive({})

DEFAULT_KEY = "default"
DEFAULT_WEEKS = 156

#: Seconds between a big world being left and its memory being handed back:
#: long enough for the render that dropped it to finish.
RELEASE_DELAY = 1.0
_release_lock = threading.Lock()
_release_pending: list[threading.Timer] = []


def _trim() -> Any:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _trim()


def release_memory() -> None:
    """Hand the memory of worlds no page holds any more back to the operating system.

    A world's objects (its agents, the model's scheduler, the widgets that
    showed it) hold one another in cycles, which only the cycle collector
    frees; and the C allocator keeps freed small blocks (a world built in a
    worker thread leaves them in that thread's arena) unless asked to give
    them back. Without both, a server that showed one 5,000,000-consumer world
    held about 1.8 GB until restarted (issue 16).
    """
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def release_memory_soon(delay: float = RELEASE_DELAY) -> None:
    """:func:`release_memory` once, ``delay`` seconds from now, off the page's turn.

    Calls made while one is pending share it, so leaving several worlds at
    once costs one collection.
    """
    def run() -> None:
        with _release_lock:
            _release_pending.clear()
        release_memory()

    with _release_lock:
        if _release_pending:
            return
        timer = threading.Timer(delay, run)
        timer.daemon = True
        _release_pending.append(timer)
    timer.start()


@dataclass(frozen=True)
class UiScenario:
    """What a page needs of a scenario, whether shipped, default or the user's own.

    Attributes mirror ``scenarios.Scenario``; ``key`` is what selectors hold.
    """

    key: str
    title: str
    summary: str
    config: dict[str, Any]
    weeks: int = DEFAULT_WEEKS
    teaching: dict[str, Any] = field(default_factory=dict)
    lesson: tuple[dict[str, Any], ...] = ()
    fr: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, lang: str) -> str:
        """``title`` or ``summary`` in ``lang`` (the ``fr`` table, else English)."""
        if lang == "fr" and self.fr.get(key):
            return str(self.fr[key])
        return str(getattr(self, key))

    def teaching_in(self, lang: str) -> dict[str, Any]:
        """The teaching table in ``lang``, English where the French lacks a key."""
        french = self.fr.get("teaching") or {} if lang == "fr" else {}
        return {**self.teaching, **{k: v for k, v in french.items() if v}}

    def lesson_in(self, lang: str) -> list[dict[str, Any]]:
        """The lesson steps in ``lang``; French step texts over English, week kept."""
        french = list(self.fr.get("lesson") or []) if lang == "fr" else []
        steps = []
        for i, step in enumerate(self.lesson):
            over = french[i] if i < len(french) and isinstance(french[i], dict) else {}
            steps.append({**step, **{k: v for k, v in over.items() if v and k != "week"}})
        return steps


def default_scenario(lang: str = "en") -> UiScenario:
    """The model's default world as a scenario."""
    return UiScenario(key=DEFAULT_KEY, title=t("default_world", "en"),
                      summary="", config=parameters.resolve(parameters.defaults()),
                      fr={"title": t("default_world", "fr")})


def from_scenario(scenario: Any, key: str | None = None) -> UiScenario:
    """Wrap a ``scenarios.Scenario``."""
    return UiScenario(key=key or scenario.name, title=scenario.title, summary=scenario.summary,
                      config=parameters.resolve(scenario.config), weeks=int(scenario.weeks),
                      teaching=dict(scenario.teaching or {}),
                      lesson=tuple(dict(s) for s in scenario.lesson or ()),
                      fr=dict(scenario.fr or {}))


def _scenarios_module() -> Any | None:
    try:
        import scenarios
    except ModuleNotFoundError:
        return None
    return scenarios if hasattr(scenarios, "load") and hasattr(scenarios, "names") else None


@solara.memoize
def shipped() -> tuple[UiScenario, ...]:
    """The shipped scenarios, loaded once per server (they are read-only)."""
    module = _scenarios_module()
    if module is None:
        return ()
    return tuple(from_scenario(module.load(name)) for name in module.names())


def catalogue(extra: dict[str, UiScenario] | None = None) -> dict[str, UiScenario]:
    """Every scenario a page can offer, by key: default, shipped, then the user's own."""
    found = {scenario.key: scenario for scenario in shipped()}
    if DEFAULT_KEY not in found:
        found = {DEFAULT_KEY: default_scenario(), **found}
    else:
        found = {DEFAULT_KEY: found.pop(DEFAULT_KEY), **found}
    found.update(extra or {})
    return found


def load_user_file(name: str, data: bytes) -> UiScenario:
    """Load a scenario file the visitor dropped or pasted on the page.

    The text is loaded alone (:func:`scenarios.loads`): no file on the
    server is read, so ``extends`` may name a shipped scenario but no path.

    Raises:
        ValueError: the loader's ``ScenarioError`` (one line naming file, key,
            value and what is allowed), or a note that no loader is installed.
    """
    module = _scenarios_module()
    if module is None or not hasattr(module, "loads"):
        raise ValueError(f"{name}: scenario files need the scenarios package; allowed: "
                         "the default world only in this installation")
    safe = Path(name).name or "scenario.toml"
    if not safe.endswith(".toml"):
        raise ValueError(f"{safe}: got a file without .toml; allowed: a scenario file (.toml)")
    scenario = module.loads(data, name=safe)
    return from_scenario(scenario, key=f"file:{safe}")
