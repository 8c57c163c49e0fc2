"""Echarts options for the Explore page, built from a :class:`LiveRun`.

Echarts draws in the browser from a small JSON option, so a redraw costs the
server a few dictionaries, not an image: this is what keeps a step under the
200 ms the page promises. Each builder is a pure function of the run and the
language, so tests can check what a chart shows without a browser.
"""

from __future__ import annotations

import math
from typing import Any

from .i18n import t
from .live import LiveRun

#: One colour per company (cycled beyond eight companies).
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2")
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
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 60, "right": 60, "top": 40, "bottom": 60},
        "xAxis": {"type": "value", "min": 0, "max": max(10, weeks), "name": "",
                  "nameLocation": "middle", "nameGap": 25},
    }


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
        series.append({"name": f"{company.name} 10-90%", "type": "line", "showSymbol": False,
                       "color": colour(i), "lineStyle": {"width": 0.8, "type": "dotted"},
                       "data": [[w, lo] for w, lo, _ in band]})
        series.append({"name": f"{company.name} 10-90%", "type": "line", "showSymbol": False,
                       "color": colour(i), "lineStyle": {"width": 0.8, "type": "dotted"},
                       "data": [[w, hi] for w, _, hi in band]})
    option["series"] = series
    option["legend"]["data"] = list(names)
    return option


def vanity_option(run: LiveRun, lang: str) -> dict[str, Any]:
    """Impressions and likes per week (left, log scale) against trust (right)."""
    option = _base(t("chart_vanity", lang), weeks=run.week)
    option["xAxis"]["name"] = t("weeks", lang)
    option["yAxis"] = [
        {"type": "log", "name": f"{t('impressions', lang)} / {t('likes', lang)}", "min": 1},
        {"type": "value", "min": 0, "max": 1, "name": t("trust", lang)},
    ]
    series = []
    for i, company in enumerate(run.companies):
        s = company.series
        series += [
            {"name": f"{company.name}: {t('impressions', lang)}", "type": "line",
             "showSymbol": False, "color": colour(i), "lineStyle": {"type": "dotted"},
             "data": _pairs(run.weeks, [max(1.0, v) for v in s["impressions"]])},
            {"name": f"{company.name}: {t('likes', lang)}", "type": "line", "showSymbol": False,
             "color": colour(i), "lineStyle": {"type": "dashed"},
             "data": _pairs(run.weeks, [max(1.0, v) for v in s["likes"]])},
            {"name": f"{company.name}: {t('trust', lang)}", "type": "line", "showSymbol": False,
             "yAxisIndex": 1, "color": colour(i), "lineStyle": {"width": 2.5},
             "data": _pairs(run.weeks, s["trust_mean"])},
        ]
    option["series"] = series
    return option


def sales_option(run: LiveRun, lang: str) -> dict[str, Any]:
    """Weekly sales (bars, left) and cumulative profit (lines, right)."""
    option = _base(t("chart_sales", lang), weeks=run.week)
    option["xAxis"]["name"] = t("weeks", lang)
    option["yAxis"] = [{"type": "value", "name": t("sales", lang)},
                       {"type": "value", "name": t("profit", lang)}]
    series = []
    for i, company in enumerate(run.companies):
        s = company.series
        series += [
            {"name": f"{company.name}: {t('sales', lang)}", "type": "bar", "color": colour(i),
             "itemStyle": {"opacity": 0.45}, "barGap": "0%",
             "data": _pairs(run.weeks, s["sales"])},
            {"name": f"{company.name}: {t('profit', lang)}", "type": "line", "yAxisIndex": 1,
             "showSymbol": False, "color": colour(i), "lineStyle": {"width": 2.5},
             "data": _pairs(run.weeks, s["profit_cumulative"])},
        ]
    option["series"] = series
    return option


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
    return option


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
                                     f"{inf.deal})",
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
        "title": {"text": f"{t('network_title', lang)}: {t('trust', lang)} / {name}",
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
        nodes.append({"id": f"d{d}", "name": DEPARTMENT_NAMES[d % len(DEPARTMENT_NAMES)],
                      "x": round(100 * math.cos(angle), 2), "y": round(100 * math.sin(angle), 2),
                      "symbolSize": 26 if is_contact else 20,
                      "itemStyle": {"color": "#f39c12" if is_contact else "#7f8c8d"}})
    links = [{"source": f"d{a}", "target": f"d{b}",
              "lineStyle": {"width": 0.5 + 5 * cross, "opacity": 0.3 + 0.7 * cross}}
             for a in range(count) for b in range(a + 1, count) if adj[a, b]]
    if model_company.liaison:
        nodes.append({"id": "liaison", "name": t("liaison", lang), "x": 0, "y": 0,
                      "symbol": "diamond", "symbolSize": 28, "itemStyle": {"color": "#f39c12"}})
        reach = model_company.liaison_reach()  # skill, span and the hoarding it meets
        links += [{"source": "liaison", "target": f"d{d}",
                   "lineStyle": {"color": "#f39c12", "width": 0.5 + 4 * reach, "type": "dashed"}}
                  for d in range(count)]
    return {
        "animation": False,
        "title": {"text": model_company.name, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {},
        "series": [{"type": "graph", "layout": "none", "data": nodes, "links": links,
                    "label": {"show": True, "fontSize": 10, "position": "bottom"},
                    "lineStyle": {"color": "#34495e"}}],
    }
