"""Search for a robust plan (issue 13 item 2): ``influence plan search DIR``.

A *candidate plan* chooses, for every influencer of the roster, nothing (left
out), a billboard deal or an engaged deal (among the deals the influencer
accepts) and how many sponsored posts a week at most (``influencers[i].max_posts``);
and the company's levers: a liaison or not (``structure``), ``transparency``
and the feedback channel (``design_capacity``: how many ideas from engaged
influencers design acts on each week; in the model an engaged deal is what
opens a feedback channel, so the company's lever is whether anyone answers).
The model spends the weekly budget itself (the liaison first, then equal
shares, what a capped partner cannot take goes to the others), so every plan
stays within the budget; :func:`allocation` shows what the budget buys.

Uncertainty: every candidate is run on the same ``replicates`` *draws*: draw
``r`` has one seed (:func:`common_seed`, not keyed by the candidate: common
random numbers) and one set of values of the model's uncertain parameters,
drawn uniformly from the ranges the sensitivity study declares
(:func:`experiments.sensitivity.factors`, less what the strategist's own files
set), or a particle of a calibration posterior (:mod:`simulation.posterior`),
or none (seed noise only). The same draws serve the baselines: her current
plan, all-billboard, all-engaged and an even split.

The objective is trust at the horizon, sales over the horizon or profit at
the horizon (in the company's units), as the mean over the draws or the mean
of the worst 10 % (:func:`cvar`); two objectives give a Pareto front.

Optuna's TPE sampler proposes the candidates, in batches of fixed size, with a
sampler seeded per batch from the root seed, so the search is the same for any
number of workers. The study lives in ``search.db`` (SQLite) in the output
folder: a killed search is resumed by the same command (the trials asked but
not told are evaluated with their stored parameters, finished ones are kept);
another plan or other options refuse the folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import parameters
from simulation.output import atomic_write_many
from simulation.seeds import canonical_json, derive_seed

from . import COMPANY_FILE, ROSTER_FILE, Plan, PlanError, build, load_plan

#: The outcomes a strategist may optimise, and their units.
METRICS = {
    "trust": "brand trust at the horizon (mean over consumers, 0 to 1)",
    "sales": "units sold over the horizon, in the whole market",
    "profit": "cumulative profit at the horizon, in the company's currency",
}
#: How the draws are summarised: the mean, or the mean of the worst 10 % (CVaR).
MEASURES = ("mean", "cvar10")
#: Tail share of the CVaR measure.
CVAR_ALPHA = 0.10
#: Candidate plans asked of the sampler at once (fixed: the search does not depend on workers).
BATCH = 8
#: Random candidates before TPE models the results.
STARTUP = 16
#: The feedback lever's choices: ideas a week design acts on (the model's default is 1).
FEEDBACK_CHOICES = (0.0, 1.0, 2.0)
#: Transparency's grid.
TRANSPARENCY_STEP = 0.1
#: Company levers the search may move.
LEVERS = ("liaison", "transparency", "feedback")
#: Uncertain parameters the strategist's files (or the decisions) set: never drawn.
NOT_DRAWN = ("followers_in_market", "transparency", "departments", "hoarding", "liaison_cost",
             "company_quality", "unit_cost", "post_fee", "involvement_premium",
             "design_capacity", "design_cost", "disclosure_cost", "horizon", "return_target",
             "responsibility")
#: Baselines, always evaluated on the search's draws.
BASELINES = {
    "current": "her current plan (the files as they are)",
    "all-billboard": "every influencer who accepts it on a billboard deal",
    "all-engaged": "every influencer who accepts it on an engaged deal",
    "even-split": "every influencer, half of those who accept both engaged (alternating)",
}
DB_FILE = "search.db"
SPEC_FILE = "search.json"
STUDY = "plan-search"
#: Mixed into the seed of the parameter draws, apart from the model seeds.
_DRAW_TAG = 0x64726177  # "draw"


class SearchError(ValueError):
    """A bad option or folder: ``where: got VALUE; allowed: ...`` (exit status 2)."""


# --------------------------------------------------------------------------
# Objectives
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Objective:
    """One thing to maximise: a metric and a measure over the draws."""

    metric: str
    measure: str = "mean"

    @property
    def key(self) -> str:
        return f"{self.metric}_{self.measure}"

    @property
    def label(self) -> str:
        how = "mean" if self.measure == "mean" else "worst 10 % (CVaR)"
        return f"{self.metric} ({how})"

    def value(self, values: Sequence[float]) -> float:
        return summarise(values, self.measure)


def parse_objective(text: str) -> Objective:
    """``profit``, ``trust:cvar10`` ... into an :class:`Objective`."""
    metric, _, measure = text.strip().lower().partition(":")
    measure = measure or "mean"
    if measure in ("cvar", "cvar10", "cvar@10", "cvar10%"):
        measure = "cvar10"
    if metric not in METRICS or measure not in MEASURES:
        raise SearchError(f"--objective: got {text!r}; allowed: trust, sales or profit, "
                          "optionally :mean or :cvar10 (the mean of the worst 10 % of draws), "
                          "given once, or twice for a Pareto front")
    return Objective(metric, measure)


def cvar(values: Sequence[float], alpha: float = CVAR_ALPHA) -> float:
    """Mean of the worst ``alpha`` share of ``values`` (lower is worse), each value weighing 1/n.

    With n values, the worst ``alpha`` share of the probability mass is the
    smallest ``floor(alpha n)`` values in full and a fraction of the next one:
    ``CVaR = (sum of the k - 1 smallest / n + (alpha - (k - 1) / n) x k-th) / alpha``,
    ``k = ceil(alpha n)``. With 8 draws and alpha = 0.1 it is the worst draw.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0:
        return math.nan
    k = max(1, math.ceil(alpha * n - 1e-12))
    head = x[:k - 1].sum() / n
    return float((head + (alpha - (k - 1) / n) * x[k - 1]) / alpha)


def summarise(values: Sequence[float], measure: str) -> float:
    if measure == "mean":
        return float(np.mean(values))
    return cvar(values)


def pareto_front(points: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated rows of ``points`` (every column maximised)."""
    points = np.asarray(points, dtype=float)
    keep = []
    for i, p in enumerate(points):
        dominated = np.any(np.all(points >= p, axis=1) & np.any(points > p, axis=1))
        if not dominated:
            keep.append(i)
    return np.asarray(keep, dtype=int)


# --------------------------------------------------------------------------
# The search's options
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Options:
    """What the strategist chose (the CLI's options)."""

    trials: int = 200
    replicates: int = 8
    seed: int = 0
    objectives: tuple[Objective, ...] = (Objective("profit"),)
    uncertainty: str = "ranges"          # ranges, none, or a posterior file's path
    consumers: int | None = None
    max_posts: int | None = None         # a cap per influencer
    min_engaged: float = 0.0             # least share of standing (engaged) relationships
    disclosure: float | None = None      # a disclosure rule: least salience of a paid post
    fixed: tuple[str, ...] = ()          # levers kept at the company's values
    batch: int = BATCH


@dataclass(frozen=True)
class Candidate:
    """One plan: a deal (or none) and a cap per influencer, and the company's levers."""

    deals: tuple[str, ...]               # per roster row: none, billboard or engaged
    posts: tuple[int, ...]               # per roster row: most posts a week
    liaison: bool
    transparency: float
    feedback: float

    @property
    def chosen(self) -> list[int]:
        return [i for i, d in enumerate(self.deals) if d != "none"]

    def key(self) -> str:
        """The same text for the same plan (posts of influencers left out do not count)."""
        parts = [f"{d}:{p}" if d != "none" else "none"
                 for d, p in zip(self.deals, self.posts, strict=True)]
        return (",".join(parts) + f"|liaison={int(self.liaison)}|transparency="
                f"{self.transparency:.4g}|feedback={self.feedback:g}")

    def as_dict(self) -> dict[str, Any]:
        return {"deals": list(self.deals), "posts": list(self.posts), "liaison": self.liaison,
                "transparency": self.transparency, "feedback": self.feedback}


@dataclass
class Search:
    """A plan folder and the options, checked; everything a search needs."""

    folder: Path
    plan: Plan
    options: Options
    company_max_posts: int
    cap: int
    factors: list[Any] = field(default_factory=list)
    posterior: Any = None
    identity: dict[str, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------- space
    @property
    def rows(self) -> tuple[Any, ...]:
        return self.plan.roster

    @property
    def company(self) -> Any:
        return self.plan.company

    @property
    def consumers(self) -> int:
        return int(self.plan.config["consumers"])

    def distributions(self) -> dict[str, Any]:
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

        out: dict[str, Any] = {}
        for i, row in enumerate(self.rows):
            out[f"deal:{i}"] = CategoricalDistribution(["none", *row.deals])
            if self.cap > 1:
                out[f"posts:{i}"] = IntDistribution(1, self.cap)
        if "liaison" not in self.options.fixed:
            out["liaison"] = CategoricalDistribution([False, True])
        if "transparency" not in self.options.fixed:
            out["transparency"] = FloatDistribution(0.0, 1.0, step=TRANSPARENCY_STEP)
        if "feedback" not in self.options.fixed:
            out["feedback"] = CategoricalDistribution(list(FEEDBACK_CHOICES))
        return out

    def company_levers(self) -> dict[str, Any]:
        c = self.company
        return {"liaison": bool(c["structure.liaison"]),
                "transparency": float(c["structure.transparency"]),
                "feedback": float(parameters.COMPANY["design_capacity"].default)}

    def decode(self, params: Mapping[str, Any]) -> Candidate:
        levers = self.company_levers()
        return Candidate(
            deals=tuple(str(params[f"deal:{i}"]) for i in range(len(self.rows))),
            posts=tuple(int(params.get(f"posts:{i}", self.cap)) for i in range(len(self.rows))),
            liaison=bool(params.get("liaison", levers["liaison"])),
            transparency=round(float(params.get("transparency", levers["transparency"])), 6),
            feedback=float(params.get("feedback", levers["feedback"])))

    def violations(self, candidate: Candidate) -> list[float]:
        """Constraint values (<= 0 is met): at least one influencer; the engaged share."""
        chosen = candidate.chosen
        engaged = sum(candidate.deals[i] == "engaged" for i in chosen)
        share = engaged / len(chosen) if chosen else 0.0
        return [0.0 if chosen else 1.0, self.options.min_engaged - share]

    def feasible(self, candidate: Candidate) -> bool:
        return all(v <= 1e-12 for v in self.violations(candidate))

    # ----------------------------------------------------------- baselines
    def baselines(self) -> dict[str, Candidate]:
        levers = self.company_levers()
        rows = self.rows
        table = self.plan.table
        current_deals = []
        by_name = {r["name"]: r for r in table.to_dict("records")}
        for r in rows:
            current_deals.append(by_name[r.name]["deal_at_start"])
        cap = self.company_max_posts
        posts = tuple(cap for _ in rows)
        both = 0
        split = []
        for r in rows:
            if len(r.deals) == 1:
                split.append(r.deals[0])
            else:
                split.append("engaged" if both % 2 == 0 else "billboard")
                both += 1
        return {
            "current": Candidate(tuple(current_deals), posts, **levers),
            "all-billboard": Candidate(tuple("billboard" if "billboard" in r.deals else "none"
                                             for r in rows), posts, **levers),
            "all-engaged": Candidate(tuple("engaged" if "engaged" in r.deals else "none"
                                           for r in rows), posts, **levers),
            "even-split": Candidate(tuple(split), posts, **levers),
        }

    # ------------------------------------------------------------- configs
    def config(self, candidate: Candidate) -> dict[str, Any]:
        """The resolved model configuration of a candidate (before any draw)."""
        chosen = candidate.chosen
        names = [self.rows[i].name for i in chosen]
        variant = build(self.company, self.rows, keep=names,
                        deals={self.rows[i].name: candidate.deals[i] for i in chosen})
        config = dict(variant.config)
        config["consumers"] = self.consumers
        firm = dict(config["companies"][0])
        firm["structure"] = "transversal" if candidate.liaison else "siloed"
        firm["transparency"] = candidate.transparency
        firm["design_capacity"] = candidate.feedback
        config["companies"] = [firm]
        config["influencers"] = [{**role, "max_posts": float(candidate.posts[i])}
                                 for role, i in zip(config["influencers"], chosen, strict=True)]
        if self.options.disclosure is not None:
            config["events"] = [*config.get("events", []),
                                {"week": 1, "kind": "disclosure",
                                 "salience": self.options.disclosure}]
        return parameters.resolve(config)

    def draw(self, replicate: int) -> dict[str, float]:
        """The uncertain parameters' values of draw ``replicate`` (the same for every plan)."""
        if self.posterior is not None:
            return {p: v for p, v in self.posterior.draw(self.options.seed, replicate).items()
                    if _posterior_usable(p)}
        if not self.factors:
            return {}
        seq = np.random.SeedSequence([self.options.seed & 0xFFFFFFFF, self.options.seed >> 32,
                                      replicate & 0xFFFFFFFF, replicate >> 32, _DRAW_TAG])
        rng = np.random.default_rng(seq)
        out: dict[str, float] = {}
        for f in self.factors:
            if f.param.kind == "int":
                value: float = int(rng.integers(int(f.low), int(f.high) + 1))
            else:
                value = float(rng.uniform(f.low, f.high))
            for path in f.paths:
                out[path] = value
        return out

    def drawn_config(self, config: Mapping[str, Any], replicate: int) -> dict[str, Any]:
        out = dict(config)
        for path, value in self.draw(replicate).items():
            out = parameters.set_path(out, path, value)
        return parameters.resolve(out)

    def seed(self, replicate: int) -> int:
        return common_seed(self.options.seed, replicate)

    # ------------------------------------------------------------- money
    @property
    def units_factor(self) -> float:
        """Units sold in the market per modelled sale."""
        return self.company["market.size"] / self.consumers

    @property
    def money_factor(self) -> float:
        return self.plan.money_factor

    def allocation(self, candidate: Candidate) -> pd.DataFrame:
        """What the weekly budget buys in week 1 (the model's rule), in the company's money.

        The liaison is paid first, then design's capacity to act on feedback (the
        feedback lever's ideas a week at ``structure.design_cost`` each); the rest is
        shared equally between the partners and buys posts at each one's price, up to
        its cap; what a capped partner cannot take goes to the others (ODD 7.17).
        """
        company = self.company
        premium = parameters.COMPANY["involvement_premium"].default
        pool = company["weekly_budget"] - (company["structure.liaison_cost"]
                                           if candidate.liaison else 0.0)
        pool -= min(max(pool, 0.0), company["structure.design_cost"] * candidate.feedback)
        rows = []
        for i in candidate.chosen:
            r = self.rows[i]
            deal = candidate.deals[i]
            if deal == "engaged" and r.fee_relationship is not None:
                price = r.fee_relationship
            else:
                price = r.fee_per_post * (1.0 + premium * (deal == "engaged"))
            rows.append({"row": r.row, "name": r.name, "deal": deal,
                         "cap": candidate.posts[i], "price_per_post": price, "posts": 0.0})
        open_ = list(range(len(rows)))
        pool = max(pool, 0.0)
        while pool > 1e-9 and open_:
            each = pool / len(open_)
            still = []
            for j in open_:
                room = (rows[j]["cap"] - rows[j]["posts"]) * rows[j]["price_per_post"]
                pay = min(each, room)
                rows[j]["posts"] += pay / rows[j]["price_per_post"]
                pool -= pay
                if room - pay > 1e-9:
                    still.append(j)
            open_ = still
        frame = pd.DataFrame(rows, columns=["row", "name", "deal", "cap", "price_per_post",
                                            "posts"])
        frame["weekly_cost"] = frame["posts"] * frame["price_per_post"]
        frame.attrs["unspent"] = pool
        return frame


def _posterior_usable(path: str) -> bool:
    """A posterior column the plan's world can take: not another company, not a decision."""
    match = re.match(r"companies\[(\d+)\]\.(\w+)$", path)
    if match:
        return match.group(1) == "0" and match.group(2) not in (
            "structure", "transparency", "design_capacity", "quality", "budget", "price",
            "unit_cost", "liaison_cost", "design_cost", "disclosure_cost", "strategy")
    return not path.startswith("influencers[")


def common_seed(root: int, replicate: int) -> int:
    """The model seed of draw ``replicate``: the same for every candidate plan."""
    return derive_seed(root, {"plan-search": "common random numbers"}, replicate)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare(folder: str | os.PathLike[str], options: Options) -> Search:
    """Load the plan, check the options, fix the uncertainty; nothing is written.

    Raises:
        PlanError: a bad roster or company file (naming the file, row and column).
        SearchError: a bad option (naming it).
    """
    o = options
    for name, value, low, high in (("--trials", o.trials, 1, 100_000),
                                   ("--replicates", o.replicates, 1, 1000),
                                   ("--batch", o.batch, 1, 1000)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SearchError(f"{name}: got {value!r}; allowed: an integer in [{low}, {high}]")
    if not 0 <= o.seed < 2**63:
        raise SearchError(f"--seed: got {o.seed!r}; allowed: an integer in [0, 2**63 - 1]")
    if not 1 <= len(o.objectives) <= 2 or len(set(o.objectives)) != len(o.objectives):
        raise SearchError(f"--objective: got {len(o.objectives)} different objectives; "
                          "allowed: one, or two for a Pareto front")
    if o.max_posts is not None and not 1 <= o.max_posts <= 21:
        raise SearchError(f"--max-posts: got {o.max_posts!r}; allowed: an integer in [1, 21] "
                          "(sponsored posts a week per influencer)")
    if not 0.0 <= o.min_engaged <= 1.0:
        raise SearchError(f"--min-engaged: got {o.min_engaged!r}; allowed: a share in [0, 1] "
                          "of the chosen influencers on an engaged deal")
    if o.disclosure is not None and not 0.0 <= o.disclosure <= 1.0:
        raise SearchError(f"--disclosure: got {o.disclosure!r}; allowed: a salience in [0, 1] "
                          "(the least salience a paid post's disclosure may have)")
    for lever in o.fixed:
        if lever not in LEVERS:
            raise SearchError(f"--fix: got {lever!r}; allowed: {', '.join(LEVERS)}")
    root = Path(folder)
    plan = load_plan(root)
    if o.consumers is not None:
        size = plan.company["market.size"]
        low = int(plan.config["network_degree"]) + 1
        if not low <= o.consumers <= min(size, int(parameters.WORLD["consumers"].high)):
            raise SearchError(f"--consumers: got {o.consumers!r}; allowed: an integer in "
                              f"[{low}, {min(size, int(parameters.WORLD['consumers'].high))}] "
                              "(no more than market.size)")
        config = dict(plan.config)
        config["consumers"] = o.consumers
        plan = Plan(plan.company, plan.roster, parameters.resolve(config), plan.table,
                    plan.weeks, plan.notes)
    if o.min_engaged > 0 and not any("engaged" in r.deals for r in plan.roster):
        raise SearchError(f"--min-engaged: got {o.min_engaged!r}; allowed: 0 for this roster, "
                          "where no influencer accepts an engaged deal")
    company_max = int(round(plan.config["companies"][0]["max_posts"]))
    cap = max(1, min(company_max, o.max_posts) if o.max_posts is not None else company_max)
    search = Search(root, plan, o, company_max_posts=min(company_max, cap), cap=cap)
    posterior_hash = None
    if o.uncertainty == "ranges":
        from experiments.sensitivity import factors

        search.factors = [f for f in factors(plan.config) if f.name not in NOT_DRAWN]
    elif o.uncertainty == "none":
        pass
    else:
        from simulation import posterior

        path = Path(o.uncertainty)
        try:
            search.posterior = posterior.load(path, f"--uncertainty {o.uncertainty}")
        except posterior.PosteriorError as error:
            raise SearchError(str(error)) from None
        if not any(_posterior_usable(p) for p in search.posterior.paths):
            raise SearchError(f"--uncertainty: got {o.uncertainty!r}, whose parameters are all "
                              "set by the plan or its decisions; allowed: ranges, none, or a "
                              "posterior file with a model parameter the plan leaves open")
        posterior_hash = file_digest(path)
    # every baseline must build, and a candidate of every influencer too
    for candidate in search.baselines().values():
        if candidate.chosen:
            search.config(candidate)
    search.identity = {
        "roster_sha256": file_digest(root / ROSTER_FILE),
        "company_sha256": file_digest(root / COMPANY_FILE),
        "replicates": o.replicates, "seed": o.seed,
        "objectives": [x.key for x in o.objectives],
        "uncertainty": o.uncertainty if o.uncertainty in ("ranges", "none") else "posterior",
        "posterior_sha256": posterior_hash, "consumers": search.consumers,
        "max_posts": o.max_posts, "min_engaged": o.min_engaged, "disclosure": o.disclosure,
        "fixed": sorted(o.fixed), "batch": o.batch,
        "drawn": [f.name for f in search.factors],
    }
    return search


def parameter_hash(search: Search) -> str:
    """SHA-256 (first 16 hex) of what decides the results: plan files, options, draws."""
    draws = [search.draw(r) for r in range(search.options.replicates)]
    text = canonical_json({"identity": search.identity, "draws": draws,
                           "base": search.plan.config})
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


# --------------------------------------------------------------------------
# Running a candidate's draws
# --------------------------------------------------------------------------
def evaluate_run(run: Any) -> Any:
    """Run one (plan, draw): its three outcomes (and weekly series if asked), as JSON bytes.

    Module-level, of picklable data: it goes to a local pool or to Dask like
    :func:`experiments.executors.execute`.
    """
    import traceback

    from experiments.executors import Outcome
    from simulation.model import InfluenceModel

    start = time.perf_counter()
    try:
        model = InfluenceModel(rng=run.seed, **run.config)
        for _ in range(run.weeks):
            model.step()
        frame = model.timeseries()
        frame = frame[frame["company"] == frame["company"].iloc[0]].sort_values("step")
        units, money = run.values["units"], run.values["money"]
        weekly_sales = frame["sales"].to_numpy(float) * units
        weekly_sales[frame["step"].to_numpy() == 0] = 0.0
        out: dict[str, Any] = {
            "trust": float(frame["trust_mean"].iloc[-1]),
            "sales": float(weekly_sales.sum()),
            "profit": float(frame["profit_cumulative"].iloc[-1]) * money,
        }
        if run.values.get("series"):
            out["series"] = {"step": frame["step"].astype(int).tolist(),
                             "trust": frame["trust_mean"].astype(float).tolist(),
                             "sales": np.cumsum(weekly_sales).tolist(),
                             "profit": (frame["profit_cumulative"].to_numpy(float)
                                        * money).tolist()}
        data = json.dumps(out).encode("utf-8")
    except Exception as error:
        return Outcome(run.run_id, None, f"{type(error).__name__}: {error}",
                       traceback.format_exc(), time.perf_counter() - start)
    return Outcome(run.run_id, data, seconds=time.perf_counter() - start)


def _runs(search: Search, label: str, candidate: Candidate, series: bool = False) -> list[Any]:
    from experiments.spec import Run

    config = search.config(candidate)
    values = {"units": search.units_factor, "money": search.money_factor, "series": series}
    return [Run(run_id=f"{label}__r{r}", experiment="plan-search", point=0, sample=0,
                replicate=r, values=values, config=search.drawn_config(config, r),
                seed=search.seed(r), weeks=search.plan.weeks, every=0, end=False, metrics=())
            for r in range(search.options.replicates)]


def evaluate(search: Search, executor: Any, candidates: Mapping[str, Candidate],
             series: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Every candidate on every draw: per label, one result per draw (in draw order)."""
    runs, owner = [], {}
    for label, candidate in candidates.items():
        for run in _runs(search, label, candidate, series):
            runs.append(run)
            owner[run.run_id] = (label, run.replicate)
    results: dict[str, list[Any]] = {label: [None] * search.options.replicates
                                     for label in candidates}
    if not runs:
        return results
    for outcome in executor.map(evaluate_run, runs):
        if outcome.data is None:
            raise RuntimeError(f"a run of the search failed ({outcome.run_id}): "
                               f"{outcome.error}\n{outcome.trace or ''}")
        label, r = owner[outcome.run_id]
        results[label][r] = json.loads(outcome.data)
    return results


def measures(results: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Every metric's mean and CVaR over the draws."""
    out = {}
    for metric in METRICS:
        values = [r[metric] for r in results]
        for measure in MEASURES:
            out[f"{metric}_{measure}"] = summarise(values, measure)
    return out


# --------------------------------------------------------------------------
# The search
# --------------------------------------------------------------------------
Progress = Callable[[int, int, str], None]


def _sampler(search: Search, batch_index: int) -> Any:
    import optuna

    seed = derive_seed(search.options.seed, {"plan-search": "sampler"}, batch_index) % 2**32

    def constraints(trial: Any) -> list[float]:
        return list(trial.user_attrs.get("violations", [0.0, 0.0]))

    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=STARTUP,
                                      constraints_func=constraints)


def open_study(search: Search, out: Path) -> Any:
    """The search's study in ``out/search.db``, created or resumed; refuses another search."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(f"sqlite:///{(out / DB_FILE).resolve()}")
    directions = ["maximize"] * len(search.options.objectives)
    study = optuna.create_study(study_name=STUDY, storage=storage, directions=directions,
                                load_if_exists=True, sampler=_sampler(search, 0))
    if "identity" not in study.user_attrs:
        study.set_user_attr("identity", search.identity)
    return study


def stored_identity(out: Path) -> dict[str, Any] | None:
    """The identity of the search already in ``out`` (None when there is none)."""
    path = out / SPEC_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))["identity"]
    except (OSError, ValueError, KeyError, TypeError):
        return {"unreadable": True}


def check_out(out: Path, search: Search) -> bool:
    """Refuse a folder that holds something else or another search; True when resuming."""
    if out.exists() and not out.is_dir():
        raise SearchError(f"--out: got {str(out)!r}, which is a file; allowed: a folder")
    stored = stored_identity(out)
    if stored is None:
        if out.is_dir() and any(out.iterdir()):
            raise SearchError(f"--out: got {str(out)!r}, a folder with other files; allowed: "
                              "a new or empty folder, or the folder of this same search "
                              "(to resume it)")
        return False
    if stored != search.identity:
        keys = sorted(set(stored) | set(search.identity))
        differ = [k for k in keys if stored.get(k) != search.identity.get(k)]
        raise SearchError(f"--out: got {str(out)!r}, the folder of another search (it differs "
                          f"in: {', '.join(differ) or 'its record'}); allowed: the same plan "
                          "files and options to resume it (only --trials and where it runs: "
                          "--workers, --scheduler, --dask-local, may change), or another "
                          "folder")
    if not (out / DB_FILE).is_file():
        raise SearchError(f"--out: got {str(out)!r}, whose {DB_FILE} is missing; allowed: a "
                          "search folder as the search left it, or another folder")
    return True


def run_search(search: Search, out: Path, executor: Any, *, command: str = "",
               progress: Progress | None = None) -> dict[str, Any]:
    """Search, resuming what ``out`` holds, and write the outputs; returns the summary."""
    from optuna.trial import TrialState

    o = search.options
    resuming = check_out(out, search)
    if not resuming:
        atomic_write_many(out, {SPEC_FILE: _json({"identity": search.identity,
                                                  "command": command}).encode()})
    study = open_study(search, out)
    distributions = search.distributions()
    objectives = o.objectives

    # baselines: evaluated once, on the same draws, kept in the study
    if "baselines" not in study.user_attrs:
        base = evaluate(search, executor, {k: v for k, v in search.baselines().items()
                                           if v.chosen})
        study.set_user_attr("baselines", base)
    baselines: dict[str, list[dict[str, float]]] = study.user_attrs["baselines"]

    cache: dict[str, list[dict[str, float]]] = {}
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        if "results" in t.user_attrs:
            cache[t.user_attrs["key"]] = t.user_attrs["results"]

    def done_count() -> int:
        return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))

    def best_text() -> str:
        complete = list(enumerate(completed_trials(study)))
        complete = [(k, t) for k, t in complete if t.user_attrs.get("feasible")]
        if not complete:
            return "no feasible plan yet"
        first = objectives[0]
        k, best = max(complete, key=lambda kt: (kt[1].values[0], -kt[0]))
        return f"best {first.label} {_fmt(best.values[0])} (plan {k})"

    if progress is not None:
        progress(min(done_count(), o.trials), o.trials, best_text())
    while True:
        trials = study.get_trials(deepcopy=False)
        running = []
        for t in trials:
            if t.state != TrialState.RUNNING:
                continue
            if set(t.params) == set(distributions):
                running.append(t)
            else:  # killed while its parameters were being drawn
                study._storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
        complete = done_count()
        size = min(o.batch - complete % o.batch, o.trials - complete)
        if running and (complete >= o.trials or len(running) < size):
            # killed while the batch was being asked: its trials are asked again, by a
            # sampler seeded as before and seeing the same finished trials (failed ones
            # are ignored), so they come out the same as in an uninterrupted search
            for t in running:
                study._storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
            running = []
        if not running:
            if complete >= o.trials:
                break
            study.sampler = _sampler(search, complete // o.batch)
            running = [study.ask(distributions) for _ in range(size)]
        numbers = [t.number for t in running]
        params = [t.params for t in running]
        ids = {t.number: t._trial_id for t in running}
        candidates = {n: search.decode(p) for n, p in zip(numbers, params, strict=True)}
        todo: dict[str, Candidate] = {}
        for c in candidates.values():
            if search.feasible(c) and c.key() not in cache:
                todo[c.key()] = c
        fresh = evaluate(search, executor, todo)
        cache.update(fresh)
        for n, c in candidates.items():
            violations = search.violations(c)
            ok = search.feasible(c)
            results = cache.get(c.key()) if ok else None
            values = ([objective.value([r[objective.metric] for r in results])
                       for objective in objectives] if results else [-1e300] * len(objectives))
            attrs = {"key": c.key(), "feasible": ok, "violations": violations,
                     "results": results}
            for name, value in attrs.items():
                study._storage.set_trial_user_attr(ids[n], name, value)
            study.tell(n, values)
        if progress is not None:
            progress(min(done_count(), o.trials), o.trials, best_text())
    return write_outputs(search, out, study, baselines, executor, command=command)


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------
def completed_trials(study: Any) -> list[Any]:
    """The finished trials in the order they were asked: plan 0, plan 1 ...

    Optuna's trial numbers also count the trials a killed search left half-asked
    (marked failed on resume); the plan's index does not, so a resumed search
    numbers its plans as an uninterrupted one does.
    """
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return sorted(trials, key=lambda t: t.number)


def evaluated_table(search: Search, study: Any,
                    baselines: Mapping[str, list[dict[str, float]]]) -> pd.DataFrame:
    """One row per evaluated plan (trials and baselines): its measures and its decisions."""

    rows = []

    def row(kind: str, label: str, number: int | None, candidate: Candidate, ok: bool,
            results: list[dict[str, float]] | None) -> dict[str, Any]:
        chosen = candidate.chosen
        alloc = search.allocation(candidate) if chosen else None
        entry: dict[str, Any] = {
            "plan": label, "kind": kind, "trial": number, "feasible": ok,
            "influencers": len(chosen),
            "engaged": sum(candidate.deals[i] == "engaged" for i in chosen),
            "liaison": candidate.liaison, "transparency": candidate.transparency,
            "feedback": candidate.feedback,
            "weekly_cost": float(alloc["weekly_cost"].sum()) if alloc is not None else 0.0,
            "key": candidate.key(),
        }
        for metric in METRICS:
            for measure in MEASURES:
                entry[f"{metric}_{measure}"] = (summarise([r[metric] for r in results], measure)
                                                if results else math.nan)
        for i, r in enumerate(search.rows):
            entry[f"deal:{r.name}"] = candidate.deals[i]
            entry[f"posts:{r.name}"] = candidate.posts[i] if candidate.deals[i] != "none" else 0
        return entry

    for label, candidate in search.baselines().items():
        results = baselines.get(label)
        ok = bool(candidate.chosen) and search.feasible(candidate)
        rows.append(row("baseline", label, None, candidate, ok, results if results and
                        results[0] is not None else None))
    for k, t in enumerate(completed_trials(study)):
        candidate = search.decode(t.params)
        rows.append(row("trial", f"plan {k}", k, candidate,
                        bool(t.user_attrs.get("feasible")), t.user_attrs.get("results")))
    frame = pd.DataFrame(rows)
    frame["trial"] = frame["trial"].astype("Int64")
    return frame


def choose_best(search: Search, table: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """The best trial (row index in ``table``) and the Pareto front of the two objectives.

    One objective: the highest value (the earliest trial on a tie). Two: the front's
    plan with the largest sum of the objectives each scaled to [0, 1] over the front
    (a balanced point; the front itself is in pareto.parquet).
    """
    objectives = search.options.objectives
    keys = [o.key for o in objectives]
    if len(keys) == 1:
        pair = [keys[0], "trust_mean" if keys[0] != "trust_mean" else "profit_mean"]
    else:
        pair = keys
    trials = table[(table["kind"] == "trial") & table["feasible"]]
    if trials.empty:
        raise SearchError("--min-engaged: no candidate plan met the constraints; allowed: "
                          "constraints some plan of the roster can meet")
    front_idx = pareto_front(trials[pair].to_numpy())
    front = trials.iloc[front_idx].sort_values(pair[0], ascending=False)
    if len(keys) == 1:
        best = trials.sort_values([keys[0], "trial"], ascending=[False, True]).index[0]
    else:
        values = front[keys].to_numpy(float)
        span = values.max(axis=0) - values.min(axis=0)
        span[span == 0] = 1.0
        score = ((values - values.min(axis=0)) / span).sum(axis=1)
        order = np.lexsort((front["trial"].to_numpy(), -score))
        best = front.index[order[0]]
    return int(best), front


def best_roster(search: Search, candidate: Candidate) -> pd.DataFrame:
    """Every roster row with the decision: none / billboard / engaged, the cap and what it buys."""
    alloc = search.allocation(candidate).set_index("name")
    rows = []
    for i, r in enumerate(search.rows):
        deal = candidate.deals[i]
        a = alloc.loc[r.name] if deal != "none" else None
        rows.append({
            "name": r.name, "platform": r.platform, "followers": r.followers,
            "engagement_pct": r.engagement_pct, "fee_per_post": r.fee_per_post,
            "fee_relationship": r.fee_relationship, "deals": "|".join(r.deals),
            "overlap_group": r.overlap_group, "decision": deal,
            "max_posts_per_week": candidate.posts[i] if deal != "none" else 0,
            "posts_per_week": round(float(a["posts"]), 4) if a is not None else 0.0,
            "price_per_post": round(float(a["price_per_post"]), 2) if a is not None else None,
            "weekly_cost": round(float(a["weekly_cost"]), 2) if a is not None else 0.0,
        })
    return pd.DataFrame(rows)


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for name in ("influence-world", "mesa", "numpy", "pandas", "optuna"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "?"
    out["git"] = _git_commit()
    return out


def _git_commit() -> str:
    import subprocess

    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return done.stdout.strip() or "?"


def write_outputs(search: Search, out: Path, study: Any,
                  baselines: Mapping[str, list[dict[str, float]]], executor: Any, *,
                  command: str = "") -> dict[str, Any]:
    """best_plan.csv, plans.parquet, pareto.parquet, draws.parquet, series.parquet, summary."""
    o = search.options
    table = evaluated_table(search, study, baselines)
    best_index, front = choose_best(search, table)
    best_row = table.loc[best_index]
    completed = completed_trials(study)
    trial = completed[int(best_row["trial"])]
    best = search.decode(trial.params)
    # the weekly series of the best plan and the baselines, on the same draws
    plans = {"best": best, **{k: v for k, v in search.baselines().items() if v.chosen}}
    series_results = evaluate(search, executor, plans, series=True)
    stored = trial.user_attrs["results"]
    for r, (a, b) in enumerate(zip(series_results["best"], stored, strict=True)):
        for metric in METRICS:
            if not math.isclose(a[metric], b[metric], rel_tol=1e-9, abs_tol=1e-9):
                raise RuntimeError(f"the best plan's draw {r} gave {metric} {a[metric]!r} on "
                                   f"a rerun and {b[metric]!r} in the search: runs are not "
                                   "reproducible")
    series_rows, replicate_rows = [], []
    for label, results in series_results.items():
        for r, result in enumerate(results):
            s = result["series"]
            for k, step in enumerate(s["step"]):
                series_rows.append({"plan": label, "replicate": r, "step": step,
                                    "trust": s["trust"][k], "sales": s["sales"][k],
                                    "profit": s["profit"][k]})
    for _, row in table.iterrows():
        results = (baselines.get(row["plan"]) if row["kind"] == "baseline"
                   else completed[int(row["trial"])].user_attrs.get("results"))
        for r, result in enumerate(results or []):
            if result is None:
                continue
            replicate_rows.append({"plan": row["plan"], "replicate": r,
                                   **{m: result[m] for m in METRICS}})
    draws = []
    for r in range(o.replicates):
        draws.append({"replicate": r, "seed": search.seed(r), **search.draw(r)})
    best_measures = {k: float(best_row[k]) for k in table.columns
                     if any(k == f"{m}_{x}" for m in METRICS for x in MEASURES)}
    baseline_measures = {}
    for label in BASELINES:
        row = table[(table["kind"] == "baseline") & (table["plan"] == label)].iloc[0]
        baseline_measures[label] = {k: (None if pd.isna(row[k]) else float(row[k]))
                                    for k in best_measures}
    summary = {
        "company": search.company["name"], "currency": search.company["currency"],
        "weeks": search.plan.weeks, "consumers": search.consumers,
        "market_size": search.company["market.size"],
        "weekly_budget": search.company["weekly_budget"],
        "objectives": [{"key": x.key, "metric": x.metric, "measure": x.measure,
                        "label": x.label} for x in o.objectives],
        "trials": int((table["kind"] == "trial").sum()), "replicates": o.replicates,
        "seed": o.seed, "uncertainty": o.uncertainty,
        "drawn": [{"name": f.name, "paths": list(f.paths), "low": f.low, "high": f.high,
                   "rule": f.rule, "source": f.param.source} for f in search.factors],
        "posterior": (None if search.posterior is None else
                      {"source": search.posterior.source,
                       "paths": [p for p in search.posterior.paths if _posterior_usable(p)]}),
        "constraints": {"max_posts": o.max_posts, "min_engaged": o.min_engaged,
                        "disclosure": o.disclosure, "fixed": list(o.fixed)},
        "best": {"trial": int(best_row["trial"]), **best.as_dict(), "measures": best_measures,
                 "unspent": max(0.0, float(search.allocation(best).attrs["unspent"]))},
        "baselines": baseline_measures,
        "company_levers": search.company_levers(),
        "identity": search.identity, "parameter_hash": parameter_hash(search),
        "command": command, "versions": versions(),
        "front": [int(t) for t in front["trial"]],
    }
    roster = best_roster(search, best)
    files = {
        "best_plan.csv": _csv(roster),
        "plans.parquet": _parquet(table),
        "pareto.parquet": _parquet(front.reset_index(drop=True)),
        "replicates.parquet": _parquet(pd.DataFrame(replicate_rows)),
        "draws.parquet": _parquet(pd.DataFrame(draws)),
        "series.parquet": _parquet(pd.DataFrame(series_rows)),
        "summary.json": _json(summary).encode("utf-8"),
    }
    atomic_write_many(out, files)
    return summary


def describe(summary: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """A few lines for the terminal: the best plan against the baselines."""
    objective = summary["objectives"][0]
    key = objective["key"]
    best = summary["best"]
    lines = [f"best plan: trial {best['trial']}, {objective['label']} "
             f"{_fmt(best['measures'][key])}"]
    for label, values in summary["baselines"].items():
        value = values.get(key)
        lines.append(f"  {label}: {objective['label']} "
                     + ("n/a (no influencer)" if value is None else _fmt(value)))
    for r in rows:
        if r["decision"] != "none":
            lines.append(f"  {r['name']}: {r['decision']}, up to {r['max_posts_per_week']} "
                         f"posts a week ({r['posts_per_week']:.3g} bought)")
    return lines


__all__ = ["BASELINES", "Candidate", "METRICS", "MEASURES", "Objective", "Options", "PlanError",
           "Search", "SearchError", "cvar", "parse_objective", "pareto_front", "prepare",
           "run_search"]
