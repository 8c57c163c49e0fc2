"""Echarts options for the Explore page, built from a :class:`LiveRun`.

Echarts draws in the browser from a small JSON option, so a redraw costs the
server a few dictionaries, not an image: this is what keeps a step under the
200 ms the page promises. Each builder is a pure function of the run and the
language, so tests can check what a chart shows without a browser.
"""

from __future__ import annotations

import math
from typing import Any

from .. import parameters_fr
from .i18n import colon, t
from .live import LiveRun

#: One colour per company (cycled beyond eight companies); each has a contrast of
#: at least 3:1 against the white page, as WCAG asks of graphics.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#c65f00", "#0e8a96", "#8c564b",
           "#c2489d")
#: The contact or liaison in a company's chart, and the other departments (3:1, too).
CONTACT = "#b36b00"
DEPARTMENT = "#6c7a7b"
#: Events drawn as vertical lines on the trust chart; others are points.
LINE_EVENTS = ("crisis", "strategy", "change", "disclosure")


def colour(index: int) -> str:
    """The colour of company ``index``."""
    return PALETTE[index % len(PALETTE)]


def _clean(value: float) -> float | None:
    """JSON has no NaN: a missing value is a gap in the line."""
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _pairs(weeks: list[int], values: list[float]) -> list[list[float | None]]:
    return [[w, _clean(v)] for w, v in zip(weeks, values, strict=True)]


def _base(title: str, *, weeks: int) -> dict[str, Any]:
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        # Every entry in view (no "1/3" pages): the legend wraps, the plot makes room
        # (see _legend_room).
        "legend": {"bottom": 0, "type": "plain", "itemGap": 8, "itemWidth": 18,
                   "textStyle": {"fontSize": 10}},
        "grid": {"left": 60, "right": 60, "top": 40, "bottom": 60},
        "xAxis": {"type": "value", "min": 0, "max": max(10, weeks), "name": "",
                  "nameLocation": "middle", "nameGap": 25},
    }


#: About how many characters of legend fit on one line of a chart half a page wide.
LEGEND_LINE_CHARACTERS = 70
#: Pixels under the plot for its axis labels and name, and per line of legend.
LEGEND_BASE = 48
LEGEND_LINE = 20


def _legend_room(option: dict[str, Any]) -> dict[str, Any]:
    """``option`` with its plot raised enough for every legend line under it."""
    names = option["legend"].get("data") or list(dict.fromkeys(
        s["name"] for s in option.get("series", []) if s.get("name")))
    lines, used = 1, 0
    for name in names:
        width = len(str(name)) + 6  # the symbol and the gap
        if used and used + width > LEGEND_LINE_CHARACTERS:
            lines, used = lines + 1, 0
        used += width
    option["grid"]["bottom"] = LEGEND_BASE + LEGEND_LINE * lines
    # Long axis names run inwards from their axis rather than off the chart's edge.
    axes = option.get("yAxis")
    for index, axis in enumerate(axes if isinstance(axes, list) else [axes] if axes else []):
        axis.setdefault("nameTextStyle", {})["align"] = "left" if index == 0 else "right"
    return option


def event_label(kind: str, lang: str) -> str:
    """A marked moment's kind in words."""
    key = f"event_{kind}"
    from .i18n import CATALOGUE

    return t(key, lang) if key in CATALOGUE else kind


def trust_option(run: LiveRun, lang: str) -> dict[str, Any]:
    """Mean brand trust per company, its 10-90 % band, and the marked moments."""
    option = _base(t("chart_trust", lang), weeks=run.week)
    option["xAxis"]["name"] = t("weeks", lang)
    option["yAxis"] = {"type": "value", "min": 0, "max": 1, "name": t("trust", lang)}
    series = []
    names = {c.name: i for i, c in enumerate(run.companies)}
    events = run.events()
    for i, company in enumerate(run.companies):
        s = company.series
        lines = [e for e in events if e["company"] == company.name and e["kind"] in LINE_EVENTS]
        points = [e for e in events if e["company"] == company.name
                  and e["kind"] not in LINE_EVENTS]
        trust_at = dict(zip(run.weeks, s["trust_mean"], strict=True))
        series.append({
            "name": company.name, "type": "line", "showSymbol": False,
            "color": colour(i), "lineStyle": {"width": 2.5},
            "data": _pairs(run.weeks, s["trust_mean"]),
            "markLine": {"symbol": "none", "label": {"formatter": "{b}", "fontSize": 10},
                         "lineStyle": {"color": colour(i), "type": "dashed"},
                         "data": [{"xAxis": e["step"], "name": event_label(e["kind"], lang)}
                                  for e in lines]},
            "markPoint": {"symbol": "pin", "symbolSize": 22,
                          "data": [{"coord": [e["step"], _clean(trust_at.get(e["step"],
                                                                             math.nan))],
                                    "name": event_label(e["kind"], lang), "value": "×"}
                                   for e in points if e["step"] in trust_at]},
        })
        band = [[w, _clean(lo), _clean(hi)] for w, lo, hi in
                zip(run.weeks, s["trust_p10"], s["trust_p90"], strict=True)]
        series.append({"name": f"{company.name} {t('band', lang)}", "type": "line",
                       "showSymbol": False,
                       "color": colour(i), "lineStyle": {"width": 0.8, "type": "dotted"},
                       "data": [[w, lo] for w, lo, _ in band]})
        series.append({"name": f"{company.name} {t('band', lang)}", "type": "line",
                       "showSymbol": False,
                       "color": colour(i), "lineStyle": {"width": 0.8, "type": "dotted"},
                       "data": [[w, hi] for w, _, hi in band]})
    option["series"] = series
    option["legend"]["data"] = list(names)
    return _legend_room(option)


def vanity_option(run: LiveRun, lang: str) -> dict[str, Any]:
    """Impressions and likes per week (left, log scale) against trust (right)."""
    option = _base(t("chart_vanity", lang), weeks=run.week)
    option["xAxis"]["name"] = t("weeks", lang)
    option["yAxis"] = [
        {"type": "log", "name": f"{t('impressions', lang)} / {t('likes', lang)} "
                                f"({t('per_week_log', lang)})", "min": 1},
        {"type": "value", "min": 0, "max": 1, "name": t("trust", lang)},
    ]
    series = []
    sep = colon(lang)
    for i, company in enumerate(run.companies):
        s = company.series
        series += [
            {"name": f"{company.name}{sep}{t('impressions', lang)}", "type": "line",
             "showSymbol": False, "color": colour(i), "lineStyle": {"type": "dotted"},
             "data": _pairs(run.weeks, [max(1.0, v) for v in s["impressions"]])},
            {"name": f"{company.name}{sep}{t('likes', lang)}", "type": "line",
             "showSymbol": False,
             "color": colour(i), "lineStyle": {"type": "dashed"},
             "data": _pairs(run.weeks, [max(1.0, v) for v in s["likes"]])},
            {"name": f"{company.name}{sep}{t('trust', lang)}", "type": "line",
             "showSymbol": False,
             "yAxisIndex": 1, "color": colour(i), "lineStyle": {"width": 2.5},
             "data": _pairs(run.weeks, s["trust_mean"])},
        ]
    option["series"] = series
    return _legend_room(option)


def sales_option(run: LiveRun, lang: str) -> dict[str, Any]:
    """Weekly sales (bars, left) and cumulative profit (lines, right)."""
    option = _base(t("chart_sales", lang), weeks=run.week)
    option["xAxis"]["name"] = t("weeks", lang)
    option["yAxis"] = [{"type": "value", "name": f"{t('sales', lang)} ({t('per_week', lang)})"},
                       {"type": "value", "name": f"{t('profit', lang)} ({t('unit_money', lang)})"}]
    series = []
    sep = colon(lang)
    for i, company in enumerate(run.companies):
        s = company.series
        series += [
            {"name": f"{company.name}{sep}{t('sales', lang)}", "type": "bar", "color": colour(i),
             "itemStyle": {"opacity": 0.45}, "barGap": "0%",
             "data": _pairs(run.weeks, s["sales"])},
            {"name": f"{company.name}{sep}{t('profit', lang)}", "type": "line", "yAxisIndex": 1,
             "showSymbol": False, "color": colour(i), "lineStyle": {"width": 2.5},
             "data": _pairs(run.weeks, s["profit_cumulative"])},
        ]
    option["series"] = series
    return _legend_room(option)


def knowledge_option(run: LiveRun, lang: str) -> dict[str, Any]:
    """Share of the product story reaching each company's live influencers."""
    option = _base(t("chart_knowledge", lang), weeks=run.week)
    option["xAxis"]["name"] = t("weeks", lang)
    option["yAxis"] = {"type": "value", "min": 0, "max": 1, "name": t("knowledge", lang)}
    option["series"] = [
        {"name": company.name, "type": "line", "showSymbol": False, "color": colour(i),
         "lineStyle": {"width": 2.5}, "areaStyle": {"opacity": 0.12},
         "data": _pairs(run.weeks, company.series["knowledge_reached"])}
        for i, company in enumerate(run.companies)]
    return _legend_room(option)


def network_option(run: LiveRun, company: int, lang: str) -> dict[str, Any]:
    """The consumer sample coloured by trust in ``company``, influencers and followers marked."""
    sample = run.sample
    trust = run.consumer_trust(company)
    follows = run.following()
    followed = {pos for _, pos in follows}
    nodes: list[dict[str, Any]] = []
    for i, (x, y) in enumerate(sample.positions):
        nodes.append({
            "id": f"c{i}", "name": f"{t('consumer', lang)} {int(sample.consumers[i])}",
            "x": round(float(x) * 400, 2), "y": round(float(y) * 400, 2),
            "value": round(float(trust[i]), 3), "symbolSize": 9 if i in followed else 7,
            "itemStyle": {"borderColor": "#222", "borderWidth": 1.6} if i in followed else {},
        })
    rows = sorted({row for row, _ in follows})
    influencers = {inf.row: inf for inf in run.model.influencers}
    for k, row in enumerate(rows):
        inf = influencers[row]
        angle = 2 * math.pi * k / max(1, len(rows))
        nodes.append({
            "id": f"i{row}", "name": f"{t('influencer', lang)} {row} ({inf.company.name}, "
                                     f"{parameters_fr.choice(inf.deal, lang)})",
            "x": round(520 * math.cos(angle), 2), "y": round(520 * math.sin(angle), 2),
            "symbol": "rect", "symbolSize": 16, "value": None,
            "itemStyle": {"color": colour(inf.company.index),
                          "opacity": 1.0 if inf.alive else 0.35},
        })
    links = [{"source": f"c{a}", "target": f"c{b}"} for a, b in sample.edges]
    links += [{"source": f"i{row}", "target": f"c{pos}",
               "lineStyle": {"color": colour(influencers[row].company.index), "opacity": 0.35,
                             "width": 1.2}}
              for row, pos in follows]
    name = run.model.companies[company].name
    return {
        "animation": False,
        "title": {"text": f"{t('network_title', lang)}{colon(lang)}{t('trust', lang)} / {name}",
                  "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "visualMap": {"min": 0, "max": 1, "dimension": 0, "seriesIndex": 0, "calculable": False,
                      "orient": "horizontal", "left": "center", "bottom": 0,
                      "text": ["1", "0"], "inRange": {"color": ["#c0392b", "#bbbbbb",
                                                                "#27ae60"]}},
        "series": [{
            "type": "graph", "layout": "none", "roam": True, "data": nodes, "links": links,
            "lineStyle": {"color": "#999", "opacity": 0.5, "width": 0.6},
            "emphasis": {"focus": "adjacency"},
        }],
    }


def department_option(run: LiveRun, company: int, lang: str) -> dict[str, Any]:
    """A company's departments, how easily facts cross between them, and its contact."""
    from ..companies import DEPARTMENT_NAMES, MARKETING

    model_company = run.model.companies[company]
    adj = model_company.departments
    count = adj.shape[0]
    settings = model_company.settings
    cross = settings["spread_inside"] * (1.0 - model_company.hoarding)
    contact = min(MARKETING, count - 1)
    nodes = []
    for d in range(count):
        angle = 2 * math.pi * d / count - math.pi / 2
        is_contact = d == contact and not model_company.liaison
        nodes.append({"id": f"d{d}",
                      "name": department_name(DEPARTMENT_NAMES[d % len(DEPARTMENT_NAMES)], lang),
                      "x": round(100 * math.cos(angle), 2), "y": round(100 * math.sin(angle), 2),
                      "symbolSize": 26 if is_contact else 20,
                      "itemStyle": {"color": CONTACT if is_contact else DEPARTMENT}})
    links = [{"source": f"d{a}", "target": f"d{b}",
              "lineStyle": {"width": 0.5 + 5 * cross, "opacity": 0.3 + 0.7 * cross}}
             for a in range(count) for b in range(a + 1, count) if adj[a, b]]
    if model_company.liaison:
        nodes.append({"id": "liaison", "name": t("liaison", lang), "x": 0, "y": 0,
                      "symbol": "diamond", "symbolSize": 28, "itemStyle": {"color": CONTACT}})
        reach = model_company.liaison_reach()  # skill, span and the hoarding it meets
        links += [{"source": "liaison", "target": f"d{d}",
                   "lineStyle": {"color": CONTACT, "width": 0.5 + 4 * reach, "type": "dashed"}}
                  for d in range(count)]
    return {
        "animation": False,
        "title": {"text": model_company.name, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {},
        "series": [{"type": "graph", "layout": "none", "data": nodes, "links": links,
                    "label": {"show": True, "fontSize": 10, "position": "bottom"},
                    "lineStyle": {"color": "#34495e"}}],
    }


def department_name(name: str, lang: str) -> str:
    """A department's name (``simulation.companies.DEPARTMENT_NAMES``) in ``lang``."""
    from .i18n import CATALOGUE

    key = f"dept_{name}"
    return t(key, lang) if key in CATALOGUE else name


def _last(values: list[float]) -> float:
    return values[-1] if values else math.nan


def summary(run: LiveRun, chart: str, lang: str, network_company: int = 0) -> str:
    """The latest values of one Explore chart in words: its text alternative.

    ``chart`` is ``trust``, ``vanity``, ``sales``, ``knowledge``, ``network``
    or ``departments<index>``; a screen reader reads this sentence where a
    sighted visitor reads the chart.
    """
    titles = {"trust": "chart_trust", "vanity": "chart_vanity", "sales": "chart_sales",
              "knowledge": "chart_knowledge", "network": "network_title"}
    parts: list[str] = []
    if chart == "network":
        company = min(network_company, len(run.model.companies) - 1)
        trust = run.consumer_trust(company)
        parts.append(t("summary_network", lang, n=len(trust),
                       trusting=float((trust >= run.config["trusting_threshold"]).mean())
                       if len(trust) else 0.0,
                       company=run.model.companies[company].name,
                       influencers=len({row for row, _ in run.following()})))
        title = t("network_title", lang)
    elif chart.startswith("departments"):
        company = run.model.companies[int(chart.removeprefix("departments"))]
        adj = company.departments
        links = int(sum(1 for a in range(adj.shape[0]) for b in range(a + 1, adj.shape[0])
                        if adj[a, b]))
        parts.append(t("summary_departments", lang, departments=adj.shape[0], links=links,
                       liaison=t("has_liaison", lang) if company.liaison
                       else t("no_liaison", lang)))
        title = company.name
    else:
        title = t(titles[chart], lang)
        for company in run.companies:
            s = company.series
            if chart == "trust":
                parts.append(t("summary_trust", lang, company=company.name,
                               trust=_last(s["trust_mean"]), low=_last(s["trust_p10"]),
                               high=_last(s["trust_p90"])))
            elif chart == "vanity":
                parts.append(t("summary_vanity", lang, company=company.name,
                               impressions=_last(s["impressions"]), likes=_last(s["likes"]),
                               trust=_last(s["trust_mean"])))
            elif chart == "sales":
                parts.append(t("summary_sales", lang, company=company.name,
                               sales=_last(s["sales"]), profit=_last(s["profit_cumulative"])))
            else:
                parts.append(t("summary_knowledge", lang, company=company.name,
                               knowledge=_last(s["knowledge_reached"])))
    values = ("\u00a0; " if lang == "fr" else "; ").join(parts) or t("no_data", lang)
    return t("summary_at", lang, title=title, week=run.week, values=values)
