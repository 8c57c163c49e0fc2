"""Explore's state in its URL, so a reload or a shared link opens the same world.

The query holds the scenario's key, the parameters changed from it (as
``path=value`` pairs, the way ``influence compare`` and Compare's variants
write them), the seed and the week: ``/?scenario=h03-silos&seed=7&week=12&
set=consumers%3D500``. :class:`PageUrl` writes it into the address bar
(``history.replaceState``: no reload, no new history entry), and the page
reads it back once, when it opens (:func:`parse`). The week is read from the
page's week display, so stepping never costs a server round trip.

Everything read from a URL is checked as a value typed on the page is: an
unknown scenario, a bad value or path is refused with the declaration's
message and the rest still applies.
"""

from __future__ import annotations

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


def query(scenario: str, changed: list[tuple[str, Any]], seed: int) -> str:
    """The URL query for a scenario, its changed parameters and a seed (week added in the page)."""
    pairs = [("scenario", scenario), ("seed", str(seed))]
    pairs += [("set", f"{path}={_text(value)}") for path, value in changed]
    return urlencode(pairs)


def parse(search: str | None) -> dict[str, Any]:
    """``scenario``, ``seed``, ``week`` (or None each) and ``set`` (a list of ``path=value``)."""
    found = parse_qs(search or "", keep_blank_values=False)

    def whole(name: str) -> int | None:
        text = (found.get(name) or [""])[-1]
        return int(text) if text.isdigit() else None

    return {"scenario": (found.get("scenario") or [None])[-1], "seed": whole("seed"),
            "week": whole("week"), "set": list(found.get("set") or [])}


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
  watch: { query() { this.write(); } },
  methods: {
    write() {
      const display = document.querySelector('.week-display');
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
    """An invisible widget keeping the address bar's query at ``query`` and the week shown."""

    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)

