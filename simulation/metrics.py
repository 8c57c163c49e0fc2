"""What is measured: per company and week, in tidy long form.

Each week the model takes one snapshot per company (:func:`measure`), so that
trust quantiles over a million consumers are computed once, not once per
reporter. Mesa's DataCollector then reads the snapshot through the small
named reporter functions below, and :func:`timeseries` turns its records into
one tidy pandas DataFrame: one row per week and company.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import kernel
from .consumers import ConsumerPopulation

if TYPE_CHECKING:
    from .companies import Company
    from .model import InfluenceModel

#: Columns of the tidy frame, in order.
COLUMNS = ("step", "company", "structure", "strategy", "trust_mean", "trust_p10",
           "trust_p50", "trust_p90", "trusting_share", "awareness", "influencer_credibility",
           "knowledge_reached", "impressions", "likes", "followers", "sales", "revenue",
           "spend", "unspent", "posts", "profit_cumulative", "relationships_alive", "quality",
           "persuasion_knowledge")


def measure(model: InfluenceModel) -> None:
    """Take this week's snapshot of every company into ``company.metrics``.

    Trust is summarised by :func:`trust_summary` in one compiled pass per company
    instead of a selection over every consumer: ``trust_mean``,
    ``trusting_share`` and ``awareness`` are exact (the mean is numpy's to the last
    bit); the quantiles ``trust_p10``/``trust_p50``/``trust_p90`` are read from a
    histogram, within half a bin width (0.5 / :data:`simulation.kernel.TRUST_BINS`
    = 5e-5) of numpy's linear percentile, and exactly 0.5 where they fall among the
    consumers with no evidence.
    """
    pop = model.population
    threshold = model.params["trusting_threshold"]
    for company in model.companies:
        c = company.index
        summary = trust_summary(pop, c, threshold)
        alive = company.alive()
        # credibility among the followers of its live partners (of all it had, once none is)
        credibility, followed = _credibility(pop, [i.row for i in alive or company.influencers])
        company.metrics = {
            **summary,
            "influencer_credibility": credibility,
            "knowledge_reached": float(np.mean([i.knowledge for i in alive])) if alive else 0.0,
            "impressions": int(sum(i.impressions for i in company.influencers)),
            "likes": int(sum(i.likes for i in company.influencers)),
            "followers": followed if alive else 0,
            "sales": int(company.sales[-1]) if company.sales else 0,
            "revenue": float(company.revenue[-1]) if company.revenue else 0.0,
            "spend": float(company.spend[-1]) if company.spend else 0.0,
            "unspent": float(company.unspent[-1]) if company.unspent else 0.0,
            "posts": float(company.posts[-1]) if company.posts else 0.0,
            "profit_cumulative": float(company.profit_cumulative),
            "relationships_alive": len(alive),
            "quality": float(company.current_quality),
        }


def _credibility(population: Any, influencers: list[int]) -> tuple[float, int]:
    """Mean expected credibility of some influencers among their followers, and how many.

    Only the follow entries of those influencers still following count. For the
    kernel's population one compiled pass writes their values into a scratch
    array and numpy takes the mean (the same values in the same order as
    gathering them, so the same mean to the last bit), without the index arrays
    a gather over hundreds of thousands of entries would build each week.

    Returns:
        (mean credibility, NaN when no entry counts; number of entries counted).
    """
    ptr = population.follows.indptr
    starts = np.array([ptr[i] for i in influencers], dtype=np.int64)
    stops = np.array([ptr[i + 1] for i in influencers], dtype=np.int64)
    if isinstance(population, ConsumerPopulation):
        if population.follow_scratch is None:
            population.follow_scratch = np.empty(population.follow_count)
        values = population.follow_scratch
        count = int(kernel.followed_credibility(starts, stops, population.following,
                                                population.cred_r, population.cred_s,
                                                values))
        values = values[:count]
    else:
        entries = np.concatenate([np.arange(a, b) for a, b in zip(starts, stops, strict=True)]
                                 or [np.empty(0, dtype=np.int64)])
        values = population.credibility()[entries[population.following[entries]]]
        count = values.size
    return (float(values.mean()) if count else float("nan")), count


def trust_summary(population: Any, company: int, threshold: float) -> dict[str, float]:
    """Mean, p10/p50/p90, share above ``threshold`` and awareness of one brand's trust.

    One compiled call (:func:`simulation.kernel.trust_summary_pass`) computes
    trust, counts it in :data:`~simulation.kernel.TRUST_BINS` bins over [0, 1],
    counts the consumers above the threshold and aware, and reads the quantiles
    from the histogram as :func:`simulation.kernel.histogram_quantiles` states,
    instead of a full selection over a million values every week. The mean, the
    share and the awareness are exact (the mean is numpy's ``mean`` of the same
    values); the quantiles are within half a bin width (5e-5) of numpy's linear
    percentile, and exactly 0.5 where they fall in the mass of consumers with no
    evidence. Works on the kernel's evidence arrays, or on ``brand_trust()`` for a
    population that only shows trust (the Mesa peer).
    """
    if isinstance(population, ConsumerPopulation):
        r, s = population.brand_r[company], population.brand_s[company]
        trust = population.scratch  # reused: a fresh array would fault in its pages each week
    else:
        r, s = np.ascontiguousarray(population.brand_trust()[company], dtype=float), None
        trust = np.empty(r.size)
    aware = np.ascontiguousarray(population.aware[company])
    counts, groups = _histogram_scratch()
    quantiles = np.empty(len(QUANTILES))
    above, known = kernel.trust_summary_pass(r, s, aware, float(threshold), counts, groups,
                                             trust, QUANTILES, quantiles)
    n = r.size
    p10, p50, p90 = (float(q) for q in quantiles)
    return {"trust_mean": float(trust.mean()), "trust_p10": p10, "trust_p50": p50, "trust_p90": p90,
            "trusting_share": int(above) / n, "awareness": int(known) / n}


#: The trust quantiles measured each week (p10, p50, p90).
QUANTILES = np.array([0.1, 0.5, 0.9])
_SCRATCH = threading.local()


def _histogram_scratch() -> tuple[np.ndarray, np.ndarray]:
    """The histogram's count arrays, all zeros: made once per thread and reused.

    :func:`simulation.kernel.trust_summary_pass` leaves them zeroed as it found
    them, so a week's measurement costs a pass over the consumers, not the
    zeroing (and page faults) of 320 kB of counts per company. One pair per
    thread, so models stepped in the UI's background threads never share one.
    """
    arrays = getattr(_SCRATCH, "arrays", None)
    if arrays is None:
        arrays = (np.zeros((4, kernel.TRUST_BINS), dtype=np.int64),
                  np.zeros(kernel.TRUST_BINS // kernel.BINS_PER_GROUP, dtype=np.int64))
        _SCRATCH.arrays = arrays
    return arrays


def _company_reporter(name: str):
    def report(company: Company):
        return company.metrics[name]
    report.__name__ = name
    report.__doc__ = f"The company's {name.replace('_', ' ')} this week."
    return report


def company_name(company: Company) -> str:
    """The company's display name."""
    return company.name


def structure(company: Company) -> str:
    """Structure in force: transversal while a liaison exists (a change event may cut it)."""
    return "transversal" if company.liaison else "siloed"


def strategy(company: Company) -> str:
    """Deal type in force this week: that of its live relationships, "mixed" if both."""
    deals = {inf.deal for inf in company.alive()}
    return deals.pop() if len(deals) == 1 else ("mixed" if deals else company.strategy)


def persuasion_knowledge(model: InfluenceModel) -> float:
    """Mean persuasion knowledge of the population: how mature consumers are."""
    return float(model.population.persuasion.mean())


def company_reporters() -> dict[str, object]:
    """Reporters for Mesa's DataCollector, one per column of the tidy frame."""
    reporters: dict[str, object] = {"company": company_name, "structure": structure,
                                    "strategy": strategy}
    for column in COLUMNS:
        if column not in reporters and column not in ("step", "persuasion_knowledge"):
            reporters[column] = _company_reporter(column)
    return reporters


def timeseries(model: InfluenceModel) -> pd.DataFrame:
    """The run as one tidy frame: one row per week (0 = initial state) and company."""
    from .companies import Company

    frame = model.datacollector.get_agenttype_vars_dataframe(Company).reset_index()
    frame = frame.rename(columns={"Step": "step"})
    frame["step"] = frame["step"].astype(int)
    population = model.datacollector.get_model_vars_dataframe()
    population.index = population.index.astype(int)
    frame["persuasion_knowledge"] = frame["step"].map(population["persuasion_knowledge"])
    return frame[list(COLUMNS)].sort_values(["step", "company"], kind="stable") \
        .reset_index(drop=True)


def crisis_recovery(frame: pd.DataFrame, company: str, week: int) -> dict[str, float]:
    """Trough depth and weeks to recover 90 % of the trust a crisis cost.

    Args:
        frame: A tidy frame from :func:`timeseries`.
        company: Company name.
        week: Week the crisis hit.

    Returns:
        ``baseline`` (mean trust the week before), ``trough``, ``depth``
        (baseline - trough), ``trough_week`` and ``weeks_to_recover`` (from
        the crisis week; NaN when trust has not recovered by the end).
    """
    rows = frame[frame["company"] == company].set_index("step")["trust_mean"]
    baseline = float(rows.get(week - 1, rows.iloc[0]))
    after = rows[rows.index >= week]
    if after.empty:
        nan = float("nan")
        return {"baseline": baseline, "trough": nan, "depth": nan,
                "trough_week": nan, "weeks_to_recover": nan}
    trough_week = int(after.idxmin())
    trough = float(after.min())
    target = trough + 0.9 * (baseline - trough)
    later = after[(after.index > trough_week) & (after >= target)]
    recover = float(later.index[0] - week) if not later.empty and baseline > trough \
        else (0.0 if baseline <= trough else float("nan"))
    return {"baseline": baseline, "trough": trough, "depth": baseline - trough,
            "trough_week": float(trough_week), "weeks_to_recover": recover}


VANITY = ("impressions", "likes", "followers")
VALUE = ("trust_mean", "sales")


def vanity_against_value(frame: pd.DataFrame) -> pd.DataFrame:
    """How well the vanity metrics track what matters, per company.

    The essay's point is that likes, reach and follower counts do not measure
    influence. For each company this gives the Spearman rank correlation,
    across weeks (week 0 excluded), between each vanity metric and brand
    trust and sales. NaN where a series is constant (e.g. no likes at all).

    Returns:
        One row per company and vanity metric, one column per value metric.
    """
    rows = []
    for company, own in frame[frame["step"] > 0].groupby("company", sort=False):
        for vanity in VANITY:
            row = {"company": company, "vanity": vanity}
            x = own[vanity].to_numpy(dtype=float)
            for value in VALUE:
                row[value] = spearman(x, own[value].to_numpy(dtype=float))
            rows.append(row)
    return pd.DataFrame(rows)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation of two series; NaN where one is constant.

    Pairs with a NaN on either side are left out, as pandas' ``Series.corr``
    leaves them out; the ranks and their correlation are computed as
    ``scipy.stats.spearmanr`` computes them (average ranks, then
    ``numpy.corrcoef``), so the value is the same to the last bit, at a small
    part of the cost of going through pandas (a sweep computes a dozen per run).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if x.size < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    ranked = np.column_stack([average_ranks(x), average_ranks(y)])
    return float(np.corrcoef(ranked, rowvar=False)[1, 0])


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing the mean of their positions (``scipy.stats.rankdata``'s
    default). Each rank is half an integer, exact in floating point, so any correct
    computation gives the same values; this one skips scipy's per-call checks."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], values.size]  # each run of ties holds positions starts..ends-1
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(0.5 * (starts + ends + 1), ends - starts)
    return ranks


def cost_per_trust_point(frame: pd.DataFrame) -> pd.Series:
    """Money spent per percentage point of mean trust gained since week 0, per company.

    NaN where trust did not rise: no amount of money bought a point.
    """
    out = {}
    for company, own in frame.groupby("company", sort=False):
        gain = 100.0 * (own["trust_mean"].iloc[-1] - own["trust_mean"].iloc[0])
        out[company] = float(own["spend"].sum() / gain) if gain > 0 else float("nan")
    return pd.Series(out, name="cost_per_trust_point")


def summary(model: InfluenceModel, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per company: where the run ended, and what it cost to get there."""
    frame = timeseries(model) if frame is None else frame
    cost = cost_per_trust_point(frame)
    vanity = vanity_against_value(frame).set_index(["company", "vanity"])
    rows = []
    for company in model.companies:
        own = frame[frame["company"] == company.name]
        last = own.iloc[-1]
        row = {
            "company": company.name,
            "strategy": last["strategy"],
            "trust": last["trust_mean"],
            "trusting_share": last["trusting_share"],
            "credibility": last["influencer_credibility"],
            "impressions": int(own["impressions"].sum()),
            "likes": int(own["likes"].sum()),
            "sales": int(own["sales"].sum()),
            "profit": last["profit_cumulative"],
            "alive": int(last["relationships_alive"]),
            "cost_per_trust_point": cost[company.name],
            "likes_vs_trust": vanity.loc[(company.name, "likes"), "trust_mean"],
        }
        if company.crises:  # the first crisis of the run
            rec = crisis_recovery(frame, company.name, company.crises[0])
            row["crisis_depth"] = rec["depth"]
            row["weeks_to_recover"] = rec["weeks_to_recover"]
        rows.append(row)
    return pd.DataFrame(rows)


#: Columns of :func:`fairness`, in order.
FAIRNESS_COLUMNS = ("company", "strategy", "structure", "budget_total", "spend_total",
                    "unspent_total", "posts", "influencers", "followers_total", "audience_total",
                    "audience_share", "audiences", "price", "responsibility", "unit_cost",
                    "quality_start", "quality_final")


def fairness(model: InfluenceModel) -> pd.DataFrame:
    """What differs between the companies of a run: money, reach, product, organisation.

    A comparison is only as fair as its inputs: a reader must see whether
    the companies spent the same, reached audiences of the same size and sold
    the same product at the same price, before reading anything into their
    trust.

    Args:
        model: A model, run for as many weeks as wanted (week 0 gives zeros
            for the money and posts).

    Returns:
        One row per company: ``strategy`` and ``structure`` (``"a -> b"``
        when they changed during the run), ``budget_total`` (the budget over
        the weeks run: what was spent plus what was not), ``spend_total``
        (realised spend: fees and the liaison), ``unspent_total`` (budget no
        deal could absorb), ``posts`` (bought over
        the run), ``influencers`` (recruited, still in a relationship or not),
        ``followers_total`` (their followers on the platform at the start,
        summed), ``audience_total`` (their followers among the modelled
        consumers at the start, summed), ``audience_share`` (that over
        consumers: the share of the market they reach; audiences may
        overlap), ``audiences`` (each one's followers on the platform and share
        of the market, largest first, as text), ``price``, ``responsibility`` and ``unit_cost`` (the
        cost of making one unit, responsibility included) at the end,
        ``quality_start`` and ``quality_final`` (quality a buyer gets in the
        last week, lower during a crisis).
    """
    consumers = model.params["consumers"]
    rows = []
    for company, start in zip(model.companies, model.params["companies"], strict=True):
        structure_now = "transversal" if company.liaison else "siloed"
        sizes = sorted((inf.audience_size for inf in company.influencers), reverse=True)
        counts = sorted(((inf.followers, inf.audience_size) for inf in company.influencers),
                        reverse=True)
        rows.append({
            "company": company.name,
            "strategy": _then_now(start["strategy"], company.strategy),
            "structure": _then_now(start["structure"], structure_now),
            "budget_total": float(sum(company.spend) + sum(company.unspent)),
            "spend_total": float(sum(company.spend)),
            "unspent_total": float(sum(company.unspent)),
            "posts": float(sum(company.posts)),
            "influencers": len(company.influencers),
            "followers_total": int(sum(f for f, _ in counts)),
            "audience_total": int(sum(sizes)),
            "audience_share": float(sum(sizes) / consumers),
            "audiences": ", ".join(f"{followers:,} ({100 * size / consumers:.1f}%)"
                                   for followers, size in counts),
            "price": float(company.price),
            "responsibility": float(company.responsibility),
            "unit_cost": float(company.unit_cost),
            "quality_start": float(start["quality"]),
            "quality_final": float(company.current_quality),
        })
    return pd.DataFrame(rows, columns=list(FAIRNESS_COLUMNS))


def _then_now(then: str, now: str) -> str:
    return then if then == now else f"{then} -> {now}"
