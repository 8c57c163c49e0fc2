"""Who wins a comparison, and how sure: differences with 95 % intervals, in plain words.

A comparison's runs (:attr:`simulation.compare.CompareResult.runs`) hold one
row per scenario, replicate, week and company. For every pair of companies
in one scenario, and every pair of scenarios for a company both have, this
module takes the difference of each outcome at chosen weeks with its 95 %
confidence interval:

* two companies of one scenario share each run, so their difference is
  paired by replicate (Student's t on the per-run differences);
* two scenarios are independent runs, so theirs is Welch's t interval.

Outcomes are the weekly ones (trust, likes, sales, cumulative profit) and the
cumulative view over the weeks so far: reach (impressions summed), spend
summed, and return on spend (revenue summed over spend summed). Each carries
its unit. :func:`verdicts` says in one line per pair who ends ahead in what,
and where the interval includes no difference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from .. import parameters, parameters_fr
from .i18n import number, t

#: Outcome key -> (catalogue key of its label, catalogue key of its unit, format).
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "trust_mean": ("out_trust", "unit_trust", ".3f"),
    "likes": ("out_likes", "unit_per_week", ",.1f"),
    "sales": ("out_sales", "unit_units_week", ",.1f"),
    "profit_cumulative": ("out_profit", "unit_money", ",.0f"),
    "reach_cumulative": ("out_reach", "unit_impressions", ",.0f"),
    "spend_cumulative": ("out_spend", "unit_money", ",.0f"),
    "return_on_spend": ("out_return", "unit_return", ",.2f"),
}
#: Every column of a comparison's runs (``scenario, replicate, seed`` and
#: :data:`simulation.metrics.COLUMNS`) -> (catalogue key of its label, catalogue key
#: of its unit, or None). The headline outcomes' words are :data:`OUTCOMES`'; the
#: company settings measured each week (structure, strategy, quality) are named
#: by their parameter declaration (:func:`run_column`).
RUN_COLUMNS: dict[str, tuple[str, str | None]] = {
    "scenario": ("scenario", None),
    "replicate": ("col_replicate", None),
    "seed": ("seed", None),
    "step": ("col_week", None),
    "company": ("col_company", None),
    "trust_mean": OUTCOMES["trust_mean"][:2],
    "trust_p10": ("run_trust_p10", "unit_trust"),
    "trust_p50": ("run_trust_p50", "unit_trust"),
    "trust_p90": ("run_trust_p90", "unit_trust"),
    "trusting_share": ("run_trusting", "unit_share"),
    "awareness": ("run_awareness", "unit_share"),
    "influencer_credibility": ("run_credibility", "unit_trust"),
    "knowledge_reached": ("run_knowledge", "unit_story"),
    "impressions": ("run_impressions", "unit_impressions_week"),
    "likes": OUTCOMES["likes"][:2],
    "followers": ("run_followers", "unit_people"),
    "sales": OUTCOMES["sales"][:2],
    "revenue": ("run_revenue", "unit_money_week"),
    "spend": ("run_spend", "unit_money_week"),
    "unspent": ("run_unspent", "unit_money_week"),
    "posts": ("run_posts", "unit_posts_week"),
    "profit_cumulative": OUTCOMES["profit_cumulative"][:2],
    "relationships_alive": ("run_relationships", "unit_influencers"),
    "persuasion_knowledge": ("run_persuasion", "unit_trust"),
}
#: Columns that are a company's parameter as it stands that week.
SETTING_COLUMNS = ("structure", "strategy", "quality")
#: Outcomes the one-line verdict speaks of.
VERDICT_OUTCOMES = ("trust_mean", "sales", "profit_cumulative", "reach_cumulative")
LEVEL = 0.95


def with_cumulative(runs: pd.DataFrame) -> pd.DataFrame:
    """``runs`` with the cumulative outcomes added (summed from week 1 to each week)."""
    frame = runs.sort_values(["scenario", "company", "replicate", "step"], kind="stable").copy()
    group = frame.groupby(["scenario", "company", "replicate"], sort=False)
    frame["reach_cumulative"] = group["impressions"].cumsum()
    frame["spend_cumulative"] = group["spend"].cumsum()
    revenue = group["revenue"].cumsum()
    frame["return_on_spend"] = np.where(frame["spend_cumulative"] > 0,
                                        revenue / frame["spend_cumulative"].where(
                                            frame["spend_cumulative"] > 0), np.nan)
    return frame


def interval(first: np.ndarray, second: np.ndarray, paired: bool) -> tuple[float, float, float]:
    """Mean difference ``first - second`` and its 95 % interval (NaN where none can be had)."""
    first, second = np.asarray(first, float), np.asarray(second, float)
    if paired:
        keep = np.isfinite(first) & np.isfinite(second)
        diff = first[keep] - second[keep]
        if diff.size == 0:
            return math.nan, math.nan, math.nan
        mean = float(diff.mean())
        if diff.size < 2:
            return mean, math.nan, math.nan
        half = float(scipy_stats.t.ppf(0.5 + LEVEL / 2, diff.size - 1)
                     * diff.std(ddof=1) / math.sqrt(diff.size))
        return mean, mean - half, mean + half
    first, second = first[np.isfinite(first)], second[np.isfinite(second)]
    if first.size == 0 or second.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(first.mean() - second.mean())
    if first.size < 2 or second.size < 2:
        return mean, math.nan, math.nan
    va, vb = first.var(ddof=1) / first.size, second.var(ddof=1) / second.size
    se = math.sqrt(va + vb)
    if se == 0:
        return mean, mean, mean
    df = (va + vb) ** 2 / (va ** 2 / (first.size - 1) + vb ** 2 / (second.size - 1))
    half = float(scipy_stats.t.ppf(0.5 + LEVEL / 2, df) * se)
    return mean, mean - half, mean + half


def pairs(runs: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """Every pair compared: ``(scenario a, company a, scenario b, company b)``.

    Companies within each scenario first (in their order), then, for each
    company two scenarios both have, those scenarios.
    """
    scenarios = list(dict.fromkeys(runs["scenario"]))
    companies = {s: list(dict.fromkeys(runs.loc[runs["scenario"] == s, "company"]))
                 for s in scenarios}
    out = [(s, a, s, b) for s in scenarios for i, a in enumerate(companies[s])
           for b in companies[s][i + 1:]]
    out += [(s, c, r, c) for i, s in enumerate(scenarios) for r in scenarios[i + 1:]
            for c in companies[s] if c in companies[r]]
    return out


def differences(runs: pd.DataFrame, weeks: Sequence[int]) -> pd.DataFrame:
    """Each pair's difference (first minus second) in each outcome at each of ``weeks``.

    Returns:
        One row per pair, outcome and week: ``scenario_a, company_a,
        scenario_b, company_b, outcome, week, paired, mean_a, mean_b,
        difference, lo, hi`` (the 95 % interval of the difference).
    """
    frame = with_cumulative(runs)
    last = int(frame["step"].max())
    weeks = sorted({min(int(w), last) for w in weeks if int(w) >= 1} or {last})
    rows = []
    for sa, ca, sb, cb in pairs(runs):
        for week in weeks:
            own_a = frame[(frame["scenario"] == sa) & (frame["company"] == ca)
                          & (frame["step"] == week)].set_index("replicate")
            own_b = frame[(frame["scenario"] == sb) & (frame["company"] == cb)
                          & (frame["step"] == week)].set_index("replicate")
            paired = sa == sb
            if paired:
                common = own_a.index.intersection(own_b.index)
                own_a, own_b = own_a.loc[common], own_b.loc[common]
            for outcome in OUTCOMES:
                a, b = own_a[outcome].to_numpy(float), own_b[outcome].to_numpy(float)
                mean, lo, hi = interval(a, b, paired)
                rows.append({"scenario_a": sa, "company_a": ca, "scenario_b": sb,
                             "company_b": cb, "outcome": outcome, "week": week,
                             "paired": paired, "mean_a": float(np.nanmean(a)) if a.size
                             else math.nan, "mean_b": float(np.nanmean(b)) if b.size
                             else math.nan, "difference": mean, "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def side(row: Any) -> tuple[str, str]:
    """How a pair's two sides are named: the company, or the company in its scenario."""
    if row["scenario_a"] == row["scenario_b"]:
        return row["company_a"], row["company_b"]
    return (f"{row['company_a']} ({row['scenario_a']})",
            f"{row['company_b']} ({row['scenario_b']})")


def interval_text(row: Any, lang: str) -> str:
    """``+0.090 [0.070, 0.110]`` in the outcome's format, written for ``lang``."""
    form = OUTCOMES[row["outcome"]][2]
    if not math.isfinite(row["difference"]):
        return "-"
    head = number(row["difference"], "+" + form, lang)
    if not (math.isfinite(row["lo"]) and math.isfinite(row["hi"])):
        return head
    sep = " ; " if lang == "fr" else ", "
    return f"{head} [{number(row['lo'], form, lang)}{sep}{number(row['hi'], form, lang)}]"


def clear(row: Any) -> bool:
    """Whether the interval excludes no difference (both ends on one side of 0)."""
    return (math.isfinite(row["lo"]) and math.isfinite(row["hi"])
            and (row["lo"] > 0 or row["hi"] < 0))


def verdicts(table: pd.DataFrame, lang: str) -> list[str]:
    """One line per pair, at the last chosen week, saying who ends ahead in what.

    A clear lead names its size and interval ("Engaged Co ends with 0.090 more
    trust [0.070, 0.110]"); a lead whose interval includes no difference says
    so; equal outcomes are said to be level.
    """
    if table.empty:
        return []
    week = int(table["week"].max())
    last = table[(table["week"] == week) & table["outcome"].isin(VERDICT_OUTCOMES)]
    several = table["scenario_a"].nunique() > 1 or table["scenario_b"].nunique() > 1
    lines = []
    for _, own in last.groupby(["scenario_a", "company_a", "scenario_b", "company_b"],
                               sort=False):
        first, second = side(own.iloc[0])
        parts = []
        for _, row in own.iterrows():
            outcome = t(OUTCOMES[row["outcome"]][0], lang)
            diff = row["difference"]
            if not math.isfinite(diff):
                continue
            if diff == 0:
                parts.append(t("verdict_level", lang, outcome=outcome))
                continue
            leader = first if diff > 0 else second
            size = abs(diff)
            form = OUTCOMES[row["outcome"]][2]
            if clear(row):
                lo, hi = sorted((abs(row["lo"]), abs(row["hi"])))
                parts.append(t("verdict_clear", lang, leader=leader,
                               size=number(size, form, lang), outcome=outcome,
                               lo=number(lo, form, lang), hi=number(hi, form, lang)))
            else:
                # The leader's advantage: the interval turned round when the second leads.
                turned = row if diff > 0 else {**row, "difference": -diff, "lo": -row["hi"],
                                               "hi": -row["lo"]}
                parts.append(t("verdict_unclear", lang, leader=leader, outcome=outcome,
                               interval=interval_text(turned, lang)))
        if parts:
            head = t("verdict_head", lang, first=first, second=second, week=week)
            row = own.iloc[0]
            if several and row["scenario_a"] == row["scenario_b"]:
                head = t("verdict_in", lang, scenario=row["scenario_a"]) + head
            lines.append(head + ("\u00a0: " if lang == "fr" else ": ")
                         + ("\u00a0; " if lang == "fr" else "; ").join(parts) + ".")
    return lines


def display_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The differences as the page shows them: readable headers, units, intervals."""
    rows = []
    for _, row in table.iterrows():
        first, second = side(row)
        label, unit, form = OUTCOMES[row["outcome"]]
        rows.append({
            t("col_pair", lang): f"{first} − {second}",
            t("col_outcome", lang): f"{t(label, lang)} ({t(unit, lang)})",
            t("col_week", lang): row["week"],
            t("col_first", lang): number(row["mean_a"], form, lang),
            t("col_second", lang): number(row["mean_b"], form, lang),
            t("col_difference", lang): interval_text(row, lang),
            t("col_clear", lang): t("yes", lang) if clear(row) else t("no", lang),
        })
    return pd.DataFrame(rows)


def csv_table(table: pd.DataFrame, lines: list[str], lang: str) -> pd.DataFrame:
    """The differences for the CSV download: a unit column, the verdicts as rows at the end."""
    frame = table.copy()
    frame.insert(frame.columns.get_loc("outcome") + 1, "unit",
                 [t(OUTCOMES[o][1], lang) for o in frame["outcome"]])
    frame = frame.rename(columns={"lo": "ci95_low", "hi": "ci95_high"})
    frame["verdict"] = ""
    tail = pd.DataFrame([{c: "" for c in frame.columns} | {"verdict": line} for line in lines])
    return pd.concat([frame, tail], ignore_index=True) if lines else frame


def run_column(column: str, lang: str) -> str:
    """The readable name of a runs column in ``lang``, with its unit: ``trust (0-1 scale)``.

    Raises:
        KeyError: for a column neither :data:`RUN_COLUMNS` nor the company
            parameters name (a new measurement needs its words first).
    """
    if column in SETTING_COLUMNS:
        param = parameters.COMPANY[column]
        unit = parameters_fr.unit(param, lang)
        name = parameters_fr.label(param, lang)
        return f"{name} ({unit})" if unit and unit != "-" else name
    label, unit_key = RUN_COLUMNS[column]
    return f"{t(label, lang)} ({t(unit_key, lang)})" if unit_key else t(label, lang)


def runs_table(runs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A comparison's runs for the visitor's CSV: readable column names with units, in ``lang``.

    The values are left as measured (numbers with a decimal point, so any
    spreadsheet or script reads them); choice values (``siloed``) are written
    in words for the language. ``influence compare``'s ``runs.csv`` keeps the
    code names (``trust_mean``), which scripts and the tests read.
    """
    frame = runs.copy()
    if lang == "fr":
        for column in ("structure", "strategy"):
            if column in frame:
                frame[column] = [parameters_fr.choice(v, lang) for v in frame[column]]
    return frame.rename(columns={c: run_column(c, lang) for c in frame.columns})


#: The figure's panels, as :data:`simulation.compare.HEADLINE` orders them.
FIGURE_OUTCOMES = ("trust_mean", "likes", "sales", "profit_cumulative")


def figure_png(stats: pd.DataFrame, lines: list[str], *, replicates: int, seed: int,
               lang: str) -> bytes:
    """The comparison's figure in ``lang``, with its units and the verdict lines under the title.

    The figure is :func:`simulation.compare.figure`'s (mean lines, 95 % bands);
    its panel titles, axis label and title are written here in the page's
    language, and each verdict line is printed under the title.
    """
    import io
    import textwrap

    from ..compare import figure

    fig = figure(stats, FIGURE_OUTCOMES)
    for ax, outcome in zip(fig.axes, FIGURE_OUTCOMES, strict=False):
        label, unit, _ = OUTCOMES[outcome]
        ax.set_title(f"{t(label, lang)} ({t(unit, lang)})")
        ax.set_xlabel(t("weeks", lang))
    detail = t("figure_title", lang, replicates=replicates, seed=seed)
    wrapped = [textwrap.fill(line, 150) for line in lines]
    fig.suptitle("\n".join([t("figure_suptitle", lang, detail=detail), *wrapped]),
                 fontsize=9)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
