"""The trust figure of a run: value over time, and vanity against value.

Left panel: mean brand trust per company over the weeks, with the band from
the 10th to the 90th percentile of consumers, and vertical lines where
something happened (a crisis, shareholders forcing a change of strategy);
influencers ending a relationship are marked on the company's curve.

Right panel: the same trust plotted against the cumulative impressions and
likes the company's influencers collected. A company whose curves run far to
the right but stay low bought reach, not trust: the vanity metrics do not
measure the value.

Rendering uses Matplotlib's Agg canvas directly (no pyplot, no display, no
global backend state), so it works on servers and in worker processes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

#: How each event kind is drawn on the time axis: colour, line style, legend text.
EVENT_STYLE = {
    "crisis": ("#c0392b", "--", "crisis"),
    "strategy": ("#222222", ":", "strategy change"),
}


def trust_figure(frame: pd.DataFrame, events: Sequence[Mapping[str, Any]] = (),
                 title: str | None = None) -> Figure:
    """Draw the trust figure from a tidy frame.

    Args:
        frame: Tidy frame (:func:`simulation.metrics.timeseries`): one row per
            week and company.
        events: ``model.events``: dicts with ``step``, ``company``, ``kind``
            and ``text``.
        title: Optional subtitle (world size, seed).

    Returns:
        A Matplotlib Figure bound to an Agg canvas.
    """
    fig = Figure(figsize=(13, 5.2), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax_time, ax_vanity = fig.subplots(1, 2, width_ratios=(3, 2))
    companies = list(dict.fromkeys(frame["company"]))
    colours = {c: f"C{i % 10}" for i, c in enumerate(companies)}

    for company in companies:
        own = frame[frame["company"] == company].sort_values("step")
        steps = own["step"].to_numpy()
        mean = own["trust_mean"].to_numpy()
        colour = colours[company]
        first, last = own["strategy"].iloc[0], own["strategy"].iloc[-1]
        label = f"{company} ({first})" if first == last else f"{company} ({first} -> {last})"
        ax_time.fill_between(steps, own["trust_p10"], own["trust_p90"], color=colour,
                             alpha=0.18, linewidth=0)
        ax_time.plot(steps, mean, color=colour, linewidth=2, label=label)
        churned = [e["step"] for e in events
                   if e.get("kind") == "churn" and e.get("company") == company]
        if churned:
            at = np.interp(churned, steps, mean)
            ax_time.plot(churned, at, linestyle="none", marker="v", markersize=7,
                         markerfacecolor="white", markeredgecolor=colour, markeredgewidth=1.5)

        cum_imp = own["impressions"].cumsum().to_numpy()
        cum_likes = own["likes"].cumsum().to_numpy()
        for cum, style in ((cum_imp, "-"), (cum_likes, "--")):
            shown = cum > 0
            if shown.any():
                ax_vanity.plot(cum[shown], mean[shown], color=colour, linestyle=style,
                               linewidth=1.8)
                ax_vanity.plot(cum[shown][-1], mean[shown][-1], color=colour, marker="o",
                               markersize=6)

    kinds_seen = []
    for event in events:
        style = EVENT_STYLE.get(str(event.get("kind")))
        if style is None:
            continue
        colour, dash, _ = style
        ax_time.axvline(event["step"], color=colour, linestyle=dash, linewidth=1.3, alpha=0.85)
        ax_time.annotate(f"{event['company']}: {event.get('text', event['kind'])}",
                         xy=(event["step"], 1.0), xycoords=("data", "axes fraction"),
                         xytext=(3, -4), textcoords="offset points", rotation=90,
                         va="top", ha="left", fontsize=7.5, color=colour)
        if event["kind"] not in kinds_seen:
            kinds_seen.append(event["kind"])

    handles, labels = ax_time.get_legend_handles_labels()
    handles.append(Patch(facecolor="#555555", alpha=0.18, linewidth=0))
    labels.append("p10-p90 of consumers")
    for kind in kinds_seen:
        colour, dash, text = EVENT_STYLE[kind]
        handles.append(Line2D([], [], color=colour, linestyle=dash))
        labels.append(text)
    if any(e.get("kind") == "churn" for e in events):
        handles.append(Line2D([], [], linestyle="none", marker="v", markerfacecolor="white",
                              markeredgecolor="#555555"))
        labels.append("influencer leaves")
    ax_time.legend(handles, labels, loc="lower left", fontsize=8, framealpha=0.9)
    ax_time.set_xlabel("week")
    ax_time.set_ylabel("brand trust (expected, 0-1)")
    ax_time.set_ylim(0.0, 1.0)
    ax_time.set_xlim(frame["step"].min(), max(frame["step"].max(), 1))
    ax_time.grid(alpha=0.3)
    ax_time.set_title("Value: brand trust over time")

    ax_vanity.set_xscale("log")
    ax_vanity.set_ylim(0.0, 1.0)
    ax_vanity.set_xlabel("cumulative count (log scale)")
    ax_vanity.set_ylabel("brand trust (mean)")
    ax_vanity.grid(alpha=0.3)
    ax_vanity.set_title("Vanity against value")
    vanity_handles = [Line2D([], [], color=colours[c], linewidth=2) for c in companies]
    vanity_handles += [Line2D([], [], color="#555555", linestyle="-"),
                       Line2D([], [], color="#555555", linestyle="--")]
    ax_vanity.legend(vanity_handles, [*companies, "impressions", "likes"], loc="lower right",
                     fontsize=8, framealpha=0.9)
    if not ax_vanity.lines:
        ax_vanity.text(0.5, 0.5, "no impressions yet", transform=ax_vanity.transAxes,
                       ha="center", va="center", color="#777777")
        ax_vanity.set_xscale("linear")

    fig.suptitle("Influence world: trust earned" + (f" ({title})" if title else ""))
    return fig


def trust_figure_png(frame: pd.DataFrame, events: Sequence[Mapping[str, Any]] = (),
                     title: str | None = None) -> bytes:
    """Render :func:`trust_figure` to PNG bytes (nothing is written to disk)."""
    fig = trust_figure(frame, events, title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
