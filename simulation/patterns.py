"""Empirical patterns: which observed regularities the model shows at its default mechanisms.

Docking (:mod:`simulation.docking`) checks the parts; this module checks the whole. Each
function below runs the default world (default mechanism parameters; only the size of the
world and, where a pattern needs them, the number of influencers or a crisis date are set)
and returns the numbers a reader needs to judge one documented pattern: the effect, its
size, a correlation with its p-value where the pattern is a correlation, each seed's value,
and a verdict that applies the same criterion as ``tests/test_patterns.py``:

* engagement rate falling with audience size (Markerly 2016; HypeAuditor 2026);
* friends trusted above advertising (Nielsen 2015);
* disclosure lowering the influencer's credibility (Eisend et al. 2020);
* trust destroyed faster than it is built (Slovic 1993);
* crisis damage buffered by prior trust (Dawar & Pillutla 2000).

Not every pattern emerges: some are put in by a parameter, and each result says which
(``origin``), so that a reproduced pattern is never mistaken for a finding. Each result
draws its own figure (:meth:`figure`, PNG bytes, Agg canvas, no timestamp) and prints its
own lines (:meth:`lines`); ``influence dock patterns`` does both for all five.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy.stats import spearmanr

from .parameters import resolve

#: Seeds of the documented runs: each pattern is checked in every one of them.
SEEDS = (0, 1, 2)
#: Level at which a correlation counts as shown (one-sided direction, two-sided p-value).
ALPHA = 0.01

#: World sizes of the documented runs (the command's ``--consumers`` overrides them).
ENGAGEMENT_CONSUMERS = 2000
DISCLOSURE_CONSUMERS = 1000
CRISIS_CONSUMERS = 2000

_BLUE, _ORANGE, _GREY = "#3b7dd8", "#e67e22", "#777777"
_SEED_COLOURS = ("#3b7dd8", "#e67e22", "#2a9d4b", "#c0392b", "#8e44ad", "#16a085")


# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Correlation:
    """A Spearman rank correlation: a monotone association, robust to the scale of either side.

    Attributes:
        rho: Spearman's rho (NaN when it is undefined: fewer than 3 points or a constant).
        pvalue: Two-sided p-value of rho = 0 (NaN when rho is).
        n: Number of pairs.
    """

    rho: float
    pvalue: float
    n: int

    @classmethod
    def spearman(cls, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
                 ) -> Correlation:
        """Spearman's rho of ``x`` and ``y``; NaN rather than an exception when undefined."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            return cls(math.nan, math.nan, int(x.size))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rho, pvalue = spearmanr(x, y)
        return cls(float(rho), float(pvalue), int(x.size))

    @property
    def negative(self) -> bool:
        """Whether the correlation is negative at the :data:`ALPHA` level."""
        return bool(self.rho < 0 and self.pvalue < ALPHA)

    def __str__(self) -> str:
        return f"rho {self.rho:+.3f} (p = {self.pvalue:.2g}, n = {self.n})"


def _png(fig: Figure) -> bytes:
    """PNG bytes from an Agg canvas, without the Software tag: same figure, same bytes."""
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _sparse_log_label(value: float, _position: int) -> str:
    """Label the minor ticks 2 and 5 of each decade of a log axis, no others."""
    if value <= 0:
        return ""
    leading = value / 10 ** math.floor(math.log10(value) + 1e-9)
    return f"{value:g}" if round(leading) in (2, 5) and abs(leading - round(leading)) < 1e-6 \
        else ""


def _verdict(reproduced: bool) -> str:
    return "reproduced" if reproduced else "NOT reproduced"


def _seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueError("at least one seed is needed")
    return seeds


# --------------------------------------------------------------------------
# 1. Engagement rate falls with audience size
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class EngagementPattern:
    """Likes per follower-week against audience size, for influencers of every size.

    Attributes:
        seeds: Seeds run; ``seed_of`` gives each influencer's.
        consumers: Consumers in each world.
        weeks: Weeks counted.
        seed_of: Seed of each influencer's world.
        strategy_of: Strategy of each influencer's company (billboard or engaged posts draw
            likes at different levels, so the figure tells them apart).
        followers: Mean followers per week of each influencer.
        rate: Likes per follower-week of each influencer (the engagement rate).
        pooled: Spearman correlation of followers and rate over all influencers.
        per_seed: The same within each seed's world.
        by_strategy: The same within each company strategy, all seeds pooled.
        elasticity: Slope of log rate on log followers (influencers with at least one like).
        built_in_exponent: ``engagement_exponent``: attention per post is put in as
            falling as audience^-exponent, so a slope near -exponent is partly by design.
    """

    seeds: tuple[int, ...]
    consumers: int
    weeks: int
    seed_of: np.ndarray
    strategy_of: np.ndarray
    followers: np.ndarray
    rate: np.ndarray
    pooled: Correlation
    per_seed: tuple[Correlation, ...]
    by_strategy: tuple[tuple[str, Correlation], ...]
    elasticity: float
    built_in_exponent: float

    name = "engagement"
    title = "Engagement rate falls with audience size"
    reference = "Markerly 2016; HypeAuditor 2026"
    origin = ("partly built in: attention per post falls as audience share^-engagement_exponent;"
              " likes also depend on the influencer's credibility and, for billboard deals, on "
              "the posts a budget buys")

    @property
    def reproduced(self) -> bool:
        """Negative pooled correlation at the 1 % level."""
        return self.pooled.negative

    def lines(self) -> list[str]:
        """What the command prints for this pattern."""
        per_seed = ", ".join(f"seed {s}: {c.rho:+.2f} (p {c.pvalue:.2g})"
                             for s, c in zip(self.seeds, self.per_seed, strict=True))
        return [
            f"{len(self.rate)} influencers ({len(self.seeds)} seed(s)), {self.consumers} "
            f"consumers, {self.weeks} weeks; likes per follower-week against followers",
            f"Spearman, pooled: {self.pooled}",
            f"per seed: {per_seed}",
            "per strategy: " + ", ".join(f"{name}: {c.rho:+.2f} (p {c.pvalue:.2g})"
                                         for name, c in self.by_strategy),
            f"elasticity (slope of log rate on log followers): {self.elasticity:+.2f}; "
            f"attention put in: {-self.built_in_exponent:+.2f} (engagement_exponent)",
            f"verdict: {_verdict(self.reproduced)} (rho < 0 at p < {ALPHA:g})",
            f"how: {self.origin}",
        ]

    def figure(self) -> bytes:
        """Log-log scatter with the fitted slope and the slope put in, for comparison."""
        fig = Figure(figsize=(6.5, 5.0), layout="constrained")
        ax = fig.subplots()
        liked = self.rate > 0
        markers = "os^Dv<>p"
        for j, strategy in enumerate(dict.fromkeys(self.strategy_of)):
            for k, seed in enumerate(self.seeds):
                mine = (self.seed_of == seed) & (self.strategy_of == strategy) & liked
                ax.scatter(self.followers[mine], self.rate[mine], s=20, alpha=0.8,
                           marker=markers[k % len(markers)],
                           color=_SEED_COLOURS[j % len(_SEED_COLOURS)],
                           label=f"{strategy} company, seed {seed}")
        if liked.sum() >= 2 and np.isfinite(self.elasticity):
            x = np.log(self.followers[liked])
            centre_x, centre_y = x.mean(), np.log(self.rate[liked]).mean()
            grid = np.linspace(x.min(), x.max(), 50)
            ax.plot(np.exp(grid), np.exp(centre_y + self.elasticity * (grid - centre_x)),
                    color="black", lw=1.5, label=f"fitted slope {self.elasticity:+.2f}")
            ax.plot(np.exp(grid), np.exp(centre_y - self.built_in_exponent * (grid - centre_x)),
                    color=_GREY, ls="--", lw=1.2,
                    label=f"attention put in: slope {-self.built_in_exponent:+.2f}")
        ax.set(xscale="log", yscale="log", xlabel="followers (mean per week)",
               ylabel="likes per follower-week")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
            axis.set_minor_formatter(FuncFormatter(_sparse_log_label))
        ax.tick_params(which="minor", labelsize=7)
        fig.legend(fontsize=7, ncols=3, loc="outside lower center")
        left_out = int((~liked).sum())
        note = f"; {left_out} influencer(s) without a like not shown" if left_out else ""
        ax.set_title(f"{self.title}\nSpearman rho = {self.pooled.rho:+.2f} "
                     f"(p = {self.pooled.pvalue:.2g}){note}", fontsize=10)
        return _png(fig)


def engagement_by_audience(*, seeds: Sequence[int] = SEEDS,
                           consumers: int = ENGAGEMENT_CONSUMERS, weeks: int = 26
                           ) -> EngagementPattern:
    """Engagement rate against audience size, over influencers of every size.

    Fifteen influencers per company (30 per world) with 10,000 to 2,000,000 followers (0.2 %
    to 40 % of the market at the defaults), so that small and large influencers are both
    present; the rate is likes per follower-week over ``weeks`` weeks, so an influencer whose
    followers leave is judged on those who stayed.

    Args:
        seeds: One world per seed.
        consumers: Consumers in each world.
        weeks: Weeks to run and count.

    Returns:
        The rates, their correlation with audience size, pooled and per seed.
    """
    from .model import InfluenceModel

    seeds = _seeds(seeds)
    seed_of, strategy_of, followers, rates, per_seed = [], [], [], [], []
    for seed in seeds:
        model = InfluenceModel(rng=seed, consumers=consumers, influencers_per_company=15,
                               candidates_per_company=0,
                               followers_min=10_000, followers_max=2_000_000)
        pop = model.population
        likes = np.zeros(len(model.influencers))
        follow = np.zeros(len(model.influencers))
        for _ in range(weeks):
            model.step()
            likes += [inf.likes for inf in model.influencers]
            follow += [pop.following[pop.audience(inf.row)].sum() for inf in model.influencers]
        rate = likes / np.maximum(follow, 1)
        per_seed.append(Correlation.spearman(follow, rate))
        seed_of += [seed] * follow.size
        strategy_of += [inf.company.strategy for inf in model.influencers]
        followers += list(follow / weeks)
        rates += list(rate)
    followers_arr, rate_arr = np.array(followers), np.array(rates)
    strategy_arr = np.array(strategy_of)
    by_strategy = tuple((name, Correlation.spearman(followers_arr[strategy_arr == name],
                                                    rate_arr[strategy_arr == name]))
                        for name in dict.fromkeys(strategy_of))
    liked = (rate_arr > 0) & (followers_arr > 0)
    elasticity = (float(np.polyfit(np.log(followers_arr[liked]), np.log(rate_arr[liked]), 1)[0])
                  if liked.sum() >= 2 and np.ptp(followers_arr[liked]) > 0 else math.nan)
    return EngagementPattern(
        seeds=seeds, consumers=consumers, weeks=weeks, seed_of=np.array(seed_of),
        strategy_of=strategy_arr, followers=followers_arr, rate=rate_arr,
        pooled=Correlation.spearman(followers_arr, rate_arr), per_seed=tuple(per_seed),
        by_strategy=by_strategy,
        elasticity=elasticity, built_in_exponent=float(resolve()["engagement_exponent"]))


# --------------------------------------------------------------------------
# 2. Friends trusted above advertising
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class FriendPattern:
    """Brand evidence from one friend's good story against one influencer message.

    Attributes:
        friend_story: ``listening`` x ``friend_weight``: expected evidence from one story.
        best_advertisement: The most one message can bring: ``message_weight`` x
            credibility 1 x no persuasion discount x (1 + ``explained_bonus``) x a claim of 1.
        neutral_advertisement: The same message from an influencer at neutral credibility
            (E = 0.5), not recognised, not explained: what a message is worth to a follower
            who has no opinion of its author yet.
    """

    friend_story: float
    best_advertisement: float
    neutral_advertisement: float

    name = "friends"
    title = "Friends trusted above advertising"
    reference = "Nielsen 2015"
    origin = "built in by parameters (listening, friend_weight, message_weight, explained_bonus)"

    @property
    def ratio(self) -> float:
        """How many times the best message one friend's story is worth."""
        return self.friend_story / self.best_advertisement

    @property
    def reproduced(self) -> bool:
        """One friend's story outweighs a message from an influencer at neutral credibility.

        Nielsen's shares are averages over sources, not a bound on the best message an
        influencer can send (a fully credible, explained one may outweigh a friend);
        the stylised-facts panel (F4) checks the average as received.
        """
        return self.friend_story > self.neutral_advertisement

    def lines(self) -> list[str]:
        """What the command prints for this pattern (no simulation: the evidence weights)."""
        return [
            f"one friend's good story: listening x friend_weight = {self.friend_story:.3f}",
            f"best possible message: message_weight x 1 x 1 x (1 + explained_bonus) x 1 = "
            f"{self.best_advertisement:.3f} (ratio {self.ratio:.2f})",
            f"a message from an influencer at neutral credibility, not explained: "
            f"{self.neutral_advertisement:.3f}",
            f"verdict: {_verdict(self.reproduced)} (friend > message at neutral credibility; "
            "the average as received is F4 of influence check facts)",
            f"how: {self.origin}",
        ]

    def figure(self) -> bytes:
        """Bars of the three evidence amounts."""
        fig = Figure(figsize=(6.5, 3.6), layout="constrained")
        ax = fig.subplots()
        labels = ["one friend's good story", "best possible message\n(credibility 1, explained)",
                  "message at neutral credibility\n(E = 0.5, not explained)"]
        values = [self.friend_story, self.best_advertisement, self.neutral_advertisement]
        bars = ax.barh(labels[::-1], values[::-1], color=[_GREY, _ORANGE, _BLUE])
        ax.bar_label(bars, fmt="%.3f", padding=3)
        ax.set(xlabel="positive brand evidence added (Beta units)",
               xlim=(0, 1.2 * max(values)))
        fig.suptitle(f"{self.title}: one story = {self.ratio:.2f} best messages\n"
                     "(set by parameters, not an outcome of the simulation)", fontsize=10)
        return _png(fig)


def friend_over_advertising() -> FriendPattern:
    """The evidence weights of a friend's story and of an influencer message, at the defaults.

    No simulation: the pattern is a choice of parameters, checked here so that a change of
    defaults that breaks it is seen.
    """
    p = resolve()
    best = p["message_weight"] * 1.0 * 1.0 * (1.0 + p["explained_bonus"]) * 1.0
    return FriendPattern(friend_story=p["listening"] * p["friend_weight"],
                         best_advertisement=best,
                         neutral_advertisement=p["message_weight"] * 0.5)


# --------------------------------------------------------------------------
# 3. Disclosure lowers credibility
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class DisclosurePattern:
    """The billboard company's influencer credibility with and without disclosure.

    Attributes:
        seeds: Seeds run (the same seed for both arms: a paired comparison).
        consumers: Consumers in each world.
        weeks: Weeks run.
        hidden: Influencer credibility week by week (row per seed, column 0 = start),
            disclosure salience 0.
        disclosed: The same with disclosure salience 1.
    """

    seeds: tuple[int, ...]
    consumers: int
    weeks: int
    hidden: np.ndarray
    disclosed: np.ndarray

    name = "disclosure"
    title = "Disclosure lowers credibility"
    reference = "Eisend et al. 2020"
    origin = ("emerges from the recognition sub-model: disclosure raises recognition, and a "
              "recognised post weighs less (pk_discount) or backfires (reactance), both put in; "
              "no parameter ties credibility to disclosure, and the year's fall is an outcome")

    @property
    def effect(self) -> np.ndarray:
        """Final credibility with disclosure minus without, per seed."""
        return self.disclosed[:, -1] - self.hidden[:, -1]

    @property
    def reproduced(self) -> bool:
        """Credibility ends lower with disclosure in every seed."""
        return bool(np.all(self.effect < 0))

    def lines(self) -> list[str]:
        """What the command prints for this pattern."""
        rows = [f"billboard posts, {self.consumers} consumers, {self.weeks} weeks; "
                "influencer credibility at the end, disclosure salience 0 against 1"]
        for k, seed in enumerate(self.seeds):
            rows.append(f"seed {seed}: no disclosure {self.hidden[k, -1]:.3f}, full disclosure "
                        f"{self.disclosed[k, -1]:.3f}, difference {self.effect[k]:+.3f}")
        mean_hidden = float(self.hidden[:, -1].mean())
        rows.append(f"mean difference {self.effect.mean():+.3f} "
                    f"({self.effect.mean() / mean_hidden:+.0%} of the undisclosed level)")
        rows.append(f"verdict: {_verdict(self.reproduced)} (lower in every seed)")
        rows.append(f"how: {self.origin}")
        return rows

    def figure(self) -> bytes:
        """Credibility paths of both arms, each seed thin and their mean thick."""
        fig = Figure(figsize=(6.5, 4.2), layout="constrained")
        ax = fig.subplots()
        weeks = np.arange(self.hidden.shape[1])
        for paths, colour, label in ((self.hidden, _BLUE, "no disclosure (salience 0)"),
                                     (self.disclosed, _ORANGE, "full disclosure (salience 1)")):
            for row in paths:
                ax.plot(weeks, row, color=colour, lw=0.8, alpha=0.45)
            ax.plot(weeks, paths.mean(axis=0), color=colour, lw=2.2,
                    label=f"{label}, mean of {len(self.seeds)} seed(s)")
        ax.set(xlabel="week", ylabel="influencer credibility (mean expected trust)",
               ylim=(0, 1))
        ax.legend(fontsize=8, loc="lower left")
        ax.set_title(f"{self.title} (billboard posts, {self.consumers:,} consumers)\n"
                     f"end of year: {self.hidden[:, -1].mean():.2f} without, "
                     f"{self.disclosed[:, -1].mean():.2f} with disclosure", fontsize=10)
        return _png(fig)


def _credibility_path(disclosure: float, seed: int, consumers: int, weeks: int) -> np.ndarray:
    from .model import InfluenceModel

    model = InfluenceModel(rng=seed, consumers=consumers,
                           companies=[{"strategy": "billboard",
                                       "disclosure_billboard": disclosure}, {}])
    for _ in range(weeks):
        model.step()
    frame = model.timeseries()
    first = frame["company"].iloc[0]
    return frame.loc[frame["company"] == first, "influencer_credibility"].to_numpy(dtype=float)


def disclosure_credibility(*, seeds: Sequence[int] = SEEDS,
                           consumers: int = DISCLOSURE_CONSUMERS, weeks: int = 52
                           ) -> DisclosurePattern:
    """Influencer credibility after a year of billboard posts, undisclosed and fully disclosed.

    The first company runs the billboard strategy with disclosure salience 0 or 1; the same
    seed gives both arms the same world, so each seed's difference is the effect of
    disclosure alone.
    """
    seeds = _seeds(seeds)
    hidden = np.array([_credibility_path(0.0, s, consumers, weeks) for s in seeds])
    disclosed = np.array([_credibility_path(1.0, s, consumers, weeks) for s in seeds])
    return DisclosurePattern(seeds=seeds, consumers=consumers, weeks=weeks, hidden=hidden,
                             disclosed=disclosed)


# --------------------------------------------------------------------------
# 4 and 5. A crisis: trust destroyed faster than built; prior trust as a buffer
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class CrisisRun:
    """One run in which the engaged company's crisis breaks in ``crisis_week``.

    Attributes:
        trust: The engaged company's mean expected trust by week (index = week, 0 = start).
        before: Each consumer aware of the brand: expected trust just before the crisis
            news reaches them.
        after: The same consumers' expected trust just after it (the rest of the week's
            evidence, posts and purchases, is in neither, so the drop is the news alone).
    """

    trust: np.ndarray
    before: np.ndarray
    after: np.ndarray


def crisis_run(seed: int, *, consumers: int = CRISIS_CONSUMERS, crisis_week: int = 80,
               weeks: int = 100, **params: float) -> CrisisRun:
    """Run the default world with a crisis for the second (engaged) company.

    Args:
        seed: The run's seed.
        consumers: Consumers in the world.
        crisis_week: Week the crisis breaks (1 <= crisis_week <= weeks).
        weeks: Weeks to run.
        **params: Model parameters to change (the contrast run sets ``prior_buffer``).
    """
    from .model import InfluenceModel

    if not 1 <= crisis_week <= weeks:
        raise ValueError(f"crisis_week {crisis_week} outside 1..{weeks}")
    model = InfluenceModel(rng=seed, consumers=consumers,
                           companies=[{}, {"crisis_week": crisis_week}], **params)
    pop = model.population
    seen: dict[str, np.ndarray] = {}
    news = pop.crisis_news

    def measured_news(company: int, entries: np.ndarray, p: dict, *args) -> None:
        seen["before"], seen["aware"] = pop.brand_trust()[1].copy(), pop.aware[1].copy()
        news(company, entries, p, *args)
        seen["after"] = pop.brand_trust()[1].copy()

    pop.crisis_news = measured_news
    for _ in range(weeks):
        model.step()
    pop.crisis_news = news
    aware = seen["aware"]
    before, after = seen["before"], seen["after"]
    frame = model.timeseries()
    second = frame["company"].unique()[1]
    trust = frame.loc[frame["company"] == second, "trust_mean"].to_numpy(dtype=float)
    return CrisisRun(trust=trust, before=before[aware], after=after[aware])


@dataclass(frozen=True)
class AsymmetryPattern:
    """Trust built before a crisis against trust lost in the week it breaks.

    Attributes:
        seeds: Seeds run.
        consumers: Consumers in each world.
        crisis_week: Week the crisis breaks.
        trust: Mean expected trust in the engaged company (row per seed, index = week).
    """

    seeds: tuple[int, ...]
    consumers: int
    crisis_week: int
    trust: np.ndarray

    name = "asymmetry"
    title = "Trust destroyed faster than built"
    reference = "Slovic 1993"
    origin = ("partly built in: the crisis sends crisis_news_weight units of bad news to every "
              "aware consumer at once, and bad experiences weigh asymmetry (kappa) times a good "
              "one; the slow build-up emerges from small, forgotten weekly evidence")

    @property
    def built(self) -> np.ndarray:
        """Trust gained from week 0 to the week before the crisis, per seed."""
        return self.trust[:, self.crisis_week - 1] - self.trust[:, 0]

    @property
    def lost(self) -> np.ndarray:
        """Trust lost in the crisis week, per seed."""
        return self.trust[:, self.crisis_week - 1] - self.trust[:, self.crisis_week]

    @property
    def reproduced(self) -> bool:
        """In every seed trust was built, and one week's loss exceeds it."""
        return bool(np.all(self.built > 0) and np.all(self.lost > self.built))

    def lines(self) -> list[str]:
        """What the command prints for this pattern."""
        w = self.crisis_week
        rows = [f"engaged company, {self.consumers} consumers, crisis in week {w}; mean trust"]
        for k, seed in enumerate(self.seeds):
            ratio = (f" ({self.lost[k] / self.built[k]:.1f} x what was built)"
                     if self.built[k] > 0 else " (nothing was built)")
            rows.append(f"seed {seed}: built over {w - 1} weeks {self.built[k]:+.3f}, lost in "
                        f"week {w} {-self.lost[k]:+.3f}{ratio}")
        rows.append(f"verdict: {_verdict(self.reproduced)} (built > 0 and lost > built, every "
                    "seed)")
        rows.append(f"how: {self.origin}")
        return rows

    def figure(self) -> bytes:
        """Mean trust by week in each seed, with the crisis week marked."""
        fig = Figure(figsize=(6.5, 4.2), layout="constrained")
        ax = fig.subplots()
        weeks = np.arange(self.trust.shape[1])
        for k, seed in enumerate(self.seeds):
            ax.plot(weeks, self.trust[k], color=_SEED_COLOURS[k % len(_SEED_COLOURS)], lw=1.3,
                    label=f"seed {seed}")
        ax.axvline(self.crisis_week, color=_GREY, ls=":", lw=1, label="crisis breaks")
        ax.set(xlabel="week", ylabel="mean expected trust in the engaged company")
        ax.legend(fontsize=8, loc="lower left")
        ax.set_title(f"{self.title}: built {self.built.mean():+.3f} in {self.crisis_week - 1} "
                     f"weeks,\nlost {-self.lost.mean():+.3f} in one week (mean of "
                     f"{len(self.seeds)} seed(s))", fontsize=10)
        return _png(fig)


def trust_asymmetry(*, seeds: Sequence[int] = SEEDS, consumers: int = CRISIS_CONSUMERS,
                    crisis_week: int = 80, weeks: int = 100) -> AsymmetryPattern:
    """Trust the engaged company builds before its crisis, and what one crisis week takes."""
    seeds = _seeds(seeds)
    trust = np.array([crisis_run(s, consumers=consumers, crisis_week=crisis_week,
                                 weeks=weeks).trust for s in seeds])
    return AsymmetryPattern(seeds=seeds, consumers=consumers, crisis_week=crisis_week,
                            trust=trust)


@dataclass(frozen=True)
class BufferPattern:
    """The crisis week's drop in trust against prior trust, with and without the buffer rule.

    Only consumers who trusted the brand (expected trust at least 0.5) when the crisis broke
    are compared: the pattern is about how much a good opinion protects.

    Attributes:
        seeds: Seeds run.
        consumers: Consumers in each world.
        prior_buffer: The default ``prior_buffer`` (the run "with the rule").
        prior: Prior trust of each trusting consumer, per seed (same in both runs: the runs
            differ only from the crisis week on).
        drop: Their drop in the crisis week, with the rule, per seed.
        drop_without: The same with ``prior_buffer`` = 0, per seed.
        with_rule: Spearman correlation of prior and drop, with the rule, per seed.
        without_rule: The same with ``prior_buffer`` = 0, per seed.
    """

    seeds: tuple[int, ...]
    consumers: int
    prior_buffer: float
    prior: tuple[np.ndarray, ...]
    drop: tuple[np.ndarray, ...]
    drop_without: tuple[np.ndarray, ...]
    with_rule: tuple[Correlation, ...]
    without_rule: tuple[Correlation, ...]

    name = "crisis_buffer"
    title = "Crisis damage buffered by prior trust"
    reference = "Dawar & Pillutla 2000"
    origin = ("built in by the crisis sub-model (prior_buffer), which makes it much stronger; "
              "the contrast run with prior_buffer = 0 shows a weaker fall where it appears: "
              "trusting consumers hold more evidence, so a fixed dose of bad news moves them "
              "less")

    @property
    def reproduced(self) -> bool:
        """Drop falls with prior trust at the 1 % level, in every seed."""
        return all(c.negative for c in self.with_rule)

    @property
    def rule_strengthens(self) -> bool:
        """In every seed the fall is steeper with the rule than without it."""
        return all(w.rho < wo.rho for w, wo in zip(self.with_rule, self.without_rule,
                                                    strict=True))

    def quartile_drops(self, without: bool = False) -> tuple[float, float]:
        """Mean drop in the lowest and the highest quarter of prior trust, pooled over seeds."""
        prior = np.concatenate(self.prior)
        drop = np.concatenate(self.drop_without if without else self.drop)
        if prior.size < 4:
            return math.nan, math.nan
        low, high = np.quantile(prior, [0.25, 0.75])
        return float(drop[prior <= low].mean()), float(drop[prior >= high].mean())

    def lines(self) -> list[str]:
        """What the command prints for this pattern."""
        rows = [f"engaged company, {self.consumers} consumers; consumers trusting the brand "
                "(E >= 0.5) when the crisis breaks: drop in the week against prior trust"]
        for k, seed in enumerate(self.seeds):
            rows.append(f"seed {seed}: prior_buffer {self.prior_buffer:g}: {self.with_rule[k]}; "
                        f"prior_buffer 0: {self.without_rule[k]}")
        low, high = self.quartile_drops()
        low0, high0 = self.quartile_drops(without=True)
        rows.append(f"mean drop, lowest vs highest quarter of prior trust: {low:.3f} vs "
                    f"{high:.3f} (prior_buffer {self.prior_buffer:g}); {low0:.3f} vs {high0:.3f} "
                    "(prior_buffer 0)")
        rows.append(f"verdict: {_verdict(self.reproduced)} (rho < 0 at p < {ALPHA:g}, every seed);"
                    f" without the rule (prior_buffer 0): present in "
                    f"{sum(c.negative for c in self.without_rule)} of {len(self.seeds)} seed(s)")
        rows.append(f"how: {self.origin}")
        return rows

    def figure(self) -> bytes:
        """Drop against prior trust: each consumer faint, binned means bold, both runs."""
        fig = Figure(figsize=(6.5, 4.5), layout="constrained")
        ax = fig.subplots()
        prior = np.concatenate(self.prior)
        edges = np.linspace(0.5, 1.0, 11)
        centres = (edges[:-1] + edges[1:]) / 2
        which = np.clip(np.digitize(prior, edges) - 1, 0, len(centres) - 1)
        for drops, colour, label in (
                (self.drop, _BLUE, f"prior_buffer = {self.prior_buffer:g} (default)"),
                (self.drop_without, _ORANGE, "prior_buffer = 0 (contrast run)")):
            drop = np.concatenate(drops)
            ax.scatter(prior, drop, s=3, alpha=0.15, color=colour, linewidths=0)
            counts = np.bincount(which, minlength=len(centres))
            sums = np.bincount(which, weights=drop, minlength=len(centres))
            filled = counts >= 5
            ax.plot(centres[filled], sums[filled] / counts[filled], "o-", color=colour, lw=2,
                    label=f"{label}: mean per bin")
        ax.set(xlabel="expected trust just before the crisis (trusting consumers)",
               ylabel="trust lost in the crisis week", xlim=(0.5, 1.0))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="lower left")
        rhos = ", ".join(f"{c.rho:+.2f}" for c in self.with_rule)
        rhos0 = ", ".join(f"{c.rho:+.2f}" for c in self.without_rule)
        ax.set_title(f"{self.title}\nSpearman rho per seed: {rhos} (with rule); "
                     f"{rhos0} (without)", fontsize=10)
        return _png(fig)


def crisis_buffer(*, seeds: Sequence[int] = SEEDS, consumers: int = CRISIS_CONSUMERS,
                  crisis_week: int = 80, weeks: int = 100) -> BufferPattern:
    """Does prior trust cushion the crisis? With the default rule, and with it switched off.

    Each seed is run twice, with the default ``prior_buffer`` and with 0; the two runs are
    identical up to the crisis week, so the same consumers with the same prior trust are
    compared. Crisis candour is off in both (``candour_buffer`` 0): followers told first
    by a briefed influencer are also the ones its posts made trusting, so candour would
    cushion high prior trust too and the contrast would no longer isolate the prior.
    """
    seeds = _seeds(seeds)
    prior, drop, drop_without, with_rule, without_rule = [], [], [], [], []
    for seed in seeds:
        run = crisis_run(seed, consumers=consumers, crisis_week=crisis_week, weeks=weeks,
                         candour_buffer=0.0)
        contrast = crisis_run(seed, consumers=consumers, crisis_week=crisis_week, weeks=weeks,
                              prior_buffer=0.0, candour_buffer=0.0)
        if not np.array_equal(run.before, contrast.before):
            raise RuntimeError("the contrast run diverged before the crisis: prior_buffer "
                               "must act only from the crisis week on")
        trusting = run.before >= 0.5
        prior.append(run.before[trusting])
        drop.append((run.before - run.after)[trusting])
        drop_without.append((contrast.before - contrast.after)[trusting])
        with_rule.append(Correlation.spearman(prior[-1], drop[-1]))
        without_rule.append(Correlation.spearman(prior[-1], drop_without[-1]))
    return BufferPattern(seeds=seeds, consumers=consumers,
                         prior_buffer=float(resolve()["prior_buffer"]), prior=tuple(prior),
                         drop=tuple(drop), drop_without=tuple(drop_without),
                         with_rule=tuple(with_rule), without_rule=tuple(without_rule))
