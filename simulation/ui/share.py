"""A page's state in its URL, so a reload or a shared link opens the same page.

Each page writes what defines what it shows into the query of its address:

* Explore the scenario's key, the parameters changed from it (as
  ``path=value`` pairs, the way ``influence compare`` and Compare's variants
  write them), the seed and the week: ``/?scenario=h03-silos&seed=7&week=12&
  set=consumers%3D500`` (:func:`query`, :func:`parse`);
* Compare its scenarios or variants, replicates, weeks, seed, the weeks
  compared at, and whether the comparison shown was run with exactly these
  settings (:mod:`.compare_page`);
* Learn the lesson, its step and the week its world was run to (:mod:`.learn`).

:class:`PageUrl` writes the query into the address bar
(``history.replaceState``: no reload, no new history entry), with the week
read from the page's week display, so stepping never costs a server round
trip; the page reads the query back once, when it opens (:func:`fields`).

Everything read from a URL is checked as a value typed on the page is
(:func:`whole`, :func:`one_of`, :func:`apply`): a bad value is refused with
the declaration's one line (``seed: got '-3'; allowed: ...``) and the rest
still applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode

import ipyvuetify
import traitlets

from .. import parameters
from ..parameters import ParameterError


def changes(base: dict[str, Any], config: dict[str, Any]) -> list[tuple[str, Any]]:
    """The parameters ``config`` sets differently from ``base``, as ``(path, value)`` pairs.

    Covers what Explore's controls change: world parameters, each company's
    and the influencers' defaults.
    """
    out: list[tuple[str, Any]] = []
    for param in parameters.WORLD_PARAMS:
        if config.get(param.name) != base.get(param.name):
            out.append((param.name, config[param.name]))
    for index, (mine, theirs) in enumerate(zip(config.get("companies", []),
                                               base.get("companies", []), strict=False)):
        for param in parameters.COMPANY_PARAMS:
            if mine.get(param.name) != theirs.get(param.name):
                out.append((f"companies[{index}].{param.name}", mine[param.name]))
    for param in parameters.INFLUENCER_PARAMS:
        mine, theirs = config.get("influencer", {}), base.get("influencer", {})
        if mine.get(param.name) != theirs.get(param.name):
            out.append((f"influencer.{param.name}", mine[param.name]))
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode(pairs: Sequence[tuple[str, Any]]) -> str:
    """A URL query from ``(name, value)`` pairs, values written as a page's fields read them.

    A name may come several times (``set=a%3D1&set=b%3D2``); a value of None
    is left out.
    """
    return urlencode([(name, _text(value)) for name, value in pairs if value is not None])


def fields(search: str | None) -> dict[str, list[str]]:
    """A URL query (``?a=1&b=2``, the leading ``?`` optional) as each name's values, in order."""
    return {name: list(values)
            for name, values in parse_qs((search or "").lstrip("?")).items()}


def last(found: dict[str, list[str]], name: str) -> str | None:
    """The value ``name`` was given last in the query, or None when it was not given."""
    values = found.get(name) or []
    return values[-1].strip() if values else None


def whole(found: dict[str, list[str]], name: str, low: int, high: int | None,
          problems: list[str], allowed: str | None = None) -> int | None:
    """The whole number ``name`` holds, from ``low`` to ``high`` (None: no upper bound).

    A value that is not one is refused: None comes back and ``problems``
    gets the one line a typed value would get (``allowed`` says what is, in
    words, when the bounds alone would not).
    """
    text = last(found, name)
    if text is None:
        return None
    value = int(text) if text.isdigit() else None
    if value is None or value < low or (high is not None and value > high):
        if allowed is None:
            allowed = (f"whole numbers from {low} to {high}" if high is not None
                       else f"an integer >= {low}")
        problems.append(str(ParameterError(name, text, allowed)))
        return None
    return value


def one_of(found: dict[str, list[str]], name: str, allowed: Sequence[str],
           problems: list[str]) -> str | None:
    """The value ``name`` holds if it is one of ``allowed``; else None (and a problem if given)."""
    text = last(found, name)
    if text is None:
        return None
    if text not in allowed:
        problems.append(str(ParameterError(name, text, "one of " + ", ".join(allowed))))
        return None
    return text


def query(scenario: str, changed: list[tuple[str, Any]], seed: int) -> str:
    """Explore's URL query: scenario, changed parameters, seed (the page adds the week)."""
    return encode([("scenario", scenario), ("seed", seed),
                   *(("set", f"{path}={_text(value)}") for path, value in changed)])


def parse(search: str | None) -> dict[str, Any]:
    """Explore's query: ``scenario``, ``seed``, ``week`` (None each if absent), ``set`` (a list)."""
    found = fields(search)
    ignored: list[str] = []  # Explore reads a bad seed or week as none given
    return {"scenario": last(found, "scenario"),
            "seed": whole(found, "seed", 0, None, ignored),
            "week": whole(found, "week", 0, None, ignored), "set": list(found.get("set") or [])}


def apply(config: dict[str, Any], settings: list[str]) -> tuple[dict[str, Any], list[str]]:
    """``config`` with each ``path=value`` applied and validated; the problems, one per bad one."""
    problems = []
    for item in settings:
        path, sep, value = item.partition("=")
        if not sep:
            problems.append(f"{item}: allowed: PATH=VALUE")
            continue
        try:
            config = parameters.resolve(parameters.set_path(config, path.strip(), value.strip()))
        except ParameterError as error:
            problems.append(str(error))
    return config, problems


_TEMPLATE = """
<template><span class="page-url" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    this.write();
    this.timer = setInterval(() => this.write(), 400);
  },
  destroyed() { clearInterval(this.timer); },
  watch: { query() { this.write(); }, week_from() { this.write(); } },
  methods: {
    write() {
      const display = this.week_from && document.querySelector(this.week_from);
      const found = display && display.innerText.match(/\\d+/);
      const week = found ? found[0] : '0';
      const search = '?' + this.query + (week !== '0' ? '&week=' + week : '');
      if (window.location.search !== search) {
        window.history.replaceState(window.history.state, '', window.location.pathname + search);
      }
    },
  },
};
</script>
"""


class PageUrl(ipyvuetify.VuetifyTemplate):
    """An invisible widget keeping the address bar's query at ``query`` and the week shown.

    The week is read from the element ``week_from`` selects (the page's week
    display) and added as ``week=N`` when it is not 0; a page without a week
    sets ``week_from`` to "".
    """

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    week_from = traitlets.Unicode(".week-display").tag(sync=True)

