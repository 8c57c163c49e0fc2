"""Docking: under limiting settings the model's mechanisms reduce to published models.

A model earns trust when its parts, pushed to settings where a published model
applies, reproduce that model's known results (Axtell et al. 1996 call this
"docking"; Rand & Rust 2011 ask it of every marketing ABM). Each check here
drives the real code, not a copy of it:

* **Bass diffusion** (Bass 1969; ABM form of Rand & Rust 2011): the consumer
  kernel (:meth:`ConsumerPopulation.week`) with one brand, one influencer that
  everyone follows (the broadcast channel, p), word of mouth on the social
  network (the imitation channel, q), awareness standing for adoption. On a
  complete graph the adoption curve approaches the closed form
  F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t) as consumers grow and the
  time step shrinks; on a ring it approaches the one-dimensional result of
  Fibich & Gibori (2010), which is slower.
* **Beta reputation** (Josang & Ismail 2002): expected trust and uncertainty
  of evidence, forgetting and the asymmetry of negative evidence
  (:mod:`simulation.trust`).
* **Information flow**: the independent cascade of a fact through a
  company's departments (:func:`simulation.companies.spread_fact`) against the
  exact probabilities obtained by enumerating every live-edge graph
  (Kempe, Kleinberg & Tardos 2003).
* **Persuasion knowledge** (Friestad & Wright 1994): the share of followers
  who recognise a paid message against 1 - (1 - delta)(1 - pi).

``influence dock ...`` prints each result and writes its figure; ``influence dock patterns``
does the same for the empirical patterns of :mod:`simulation.patterns`.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np
import scipy.sparse as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import patterns as pattern_runs
from .companies import department_graph, spread_fact
from .consumers import ConsumerPopulation, Market, Post, draw_week
from .network import build_network
from .parameters import ParameterError, resolve
from .trust import expected_trust, forget, negative_weight, uncertainty

# --------------------------------------------------------------------------
# Bass diffusion
# --------------------------------------------------------------------------
#: Settings under which the consumer kernel is a Bass ABM: every consumer who knows the
#: brand shops every week and (nearly) always buys it, and every buyer talks. Price,
#: trust and responsibility do not enter the choice, and nobody stops following.
BASS_LIMIT = {
    "in_market_rate": 1.0,
    "word_of_mouth": 1.0,
    "outside_utility": -10.0,  # the lowest allowed: a buyer skips one week in 22,000
    "trust_utility": 0.0,
    "responsibility_utility": 0.0,
    "price_sensitivity": 0.0,
    "unfollow_threshold": 0.0,
}


def bass_curve(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t)."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def bass_peak_time(p: float, q: float) -> float:
    """Time of the Bass adoption peak, t* = ln(q/p) / (p + q) (0 when q <= p)."""
    return max(0.0, math.log(q / p) / (p + q)) if q > 0 else 0.0


def ring_bass_curve(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Adoption on a ring where each neighbour weighs q/2 (Fibich & Gibori 2010).

    f_1D(t) = 1 - exp(-(p + q) t + (q/p)(1 - e^-pt)). A non-adopter waits for
    an outside adoption to reach it along the ring, so this curve lies below
    the Bass curve at every t: sparse ties slow diffusion.
    """
    t = np.asarray(t, dtype=float)
    return 1.0 - np.exp(-(p + q) * t + (q / p) * (1.0 - np.exp(-p * t)))


@dataclass(frozen=True)
class BassRun:
    """One simulated adoption curve.

    Attributes:
        times: (weeks + 1,) model time of each observation, k x dt.
        adoption: (weeks + 1,) share of consumers aware of the brand.
        p, q, dt: The Bass coefficients and the length of a week in Bass time.
        consumers: Population size.
        network: Kind of social network.
        mean_degree: Mean number of ties per consumer.
    """

    times: np.ndarray
    adoption: np.ndarray
    p: float
    q: float
    dt: float
    consumers: int
    network: str
    mean_degree: float

    def gap(self, reference: np.ndarray | None = None) -> float:
        """Largest absolute distance to ``reference`` (default: the Bass closed form)."""
        ref = bass_curve(self.times, self.p, self.q) if reference is None else reference
        return float(np.max(np.abs(self.adoption - ref)))

    def peak_time(self) -> float:
        """Observed peak of adoption: where new adopters per unit time are most numerous.

        Weekly counts are noisy when weeks are short (a few adopters a week), so
        they are first averaged over a centred window of one unit of Bass time
        (1/dt weeks, at least one); the peak is the middle of the best window.
        """
        new = np.diff(self.adoption)
        width = max(1, int(round(1.0 / self.dt)))
        smooth = np.convolve(new, np.ones(width) / width, mode="valid")
        return float((int(np.argmax(smooth)) + width / 2) * self.dt)


def bass_parameters(*, p: float, q: float, dt: float, mean_degree: float,
                    consumers: int) -> dict:
    """World parameters that turn the consumer kernel into a Bass ABM.

    Rand & Rust (2011): in each step of length dt a non-adopter adopts with
    probability (p + q a/k) dt, a of its k neighbours having adopted. Here the
    broadcast post reaches each follower with probability p dt (its
    engagement), and each story a friend tells is taken in with probability
    ``listening`` = q dt / (k x P(buy)), where P(buy) = 1 / (1 + e^outside) is the
    chance that an aware consumer buys (and so talks) in a week. A non-adopter
    with a adopting friends then hears of the brand with probability
    1 - (1 - listening x P(buy))^a, which is q dt a/k to first order.

    Raises:
        ParameterError: when the settings leave the declared ranges (for
            instance q dt larger than the degree).
    """
    buy = 1.0 / (1.0 + math.exp(BASS_LIMIT["outside_utility"]))
    return resolve({**BASS_LIMIT, "consumers": consumers,
                    "listening": q * dt / (mean_degree * buy)})


def simulate_bass(*, p: float, q: float, consumers: int, dt: float = 0.1,
                  horizon: float | None = None, network: str = "complete", degree: int = 10,
                  rewiring: float = 0.1, seed: int = 0) -> BassRun:
    """Run the consumer kernel as a Bass ABM and record the adoption curve.

    Args:
        p: Coefficient of innovation (broadcast), per unit of Bass time.
        q: Coefficient of imitation (word of mouth), per unit of Bass time.
        consumers: Population size.
        dt: Bass time per model week; p dt and q dt are the weekly chances.
        horizon: Bass time to simulate; default 3 t* + 10 / (p + q), past saturation.
        network: Kind of social network (``complete`` for the classical result).
        degree: Mean degree of a sparse network.
        rewiring: Small-world rewiring probability (0: a ring lattice).
        seed: Fixes network and draws.

    Returns:
        The curve, observed after every week.
    """
    if horizon is None:
        horizon = 3.0 * bass_peak_time(p, q) + 10.0 / (p + q)
    weeks = int(math.ceil(horizon / dt - 1e-9))
    rng = np.random.default_rng(seed)
    friends = build_network(network, consumers, degree, rng, rewiring=rewiring)
    mean_degree = friends.nnz / consumers
    params = bass_parameters(p=p, q=q, dt=dt, mean_degree=mean_degree, consumers=consumers)
    follows = sp.csr_matrix(np.ones((1, consumers), dtype=np.float32))
    pop = ConsumerPopulation(friends=friends, follows=follows, companies=1,
                             persuasion=np.zeros(consumers), care=np.zeros(consumers))
    broadcast = Post(influencer=0, company=0, posts=1.0, engagement=p * dt, claim=0.5,
                     script=0.0, explained=0.0, salience=0.0)
    market = Market(quality=np.array([0.5]), responsibility=np.array([0.5]),
                    price=np.array([1.0]))
    adoption = np.empty(weeks + 1)
    adoption[0] = 0.0
    for week in range(1, weeks + 1):
        pop.week([broadcast], market, draw_week(rng, consumers, pop.follow_count), params)
        adoption[week] = pop.aware[0].mean()
    return BassRun(times=np.arange(weeks + 1) * dt, adoption=adoption, p=p, q=q, dt=dt,
                   consumers=consumers, network=network, mean_degree=mean_degree)


def bass_map(*, p: float, q: float, dt: float, mean_degree: float, weeks: int,
             consumers: int | None = None) -> np.ndarray:
    """Mean-field curve of the kernel's weekly rule, F_0 = 0 to F_weeks.

    With F the share aware, a consumer who is not hears the broadcast with
    probability e = p dt; otherwise each of its a aware friends buys and tells
    with probability b and is listened to with probability lambda
    (b lambda k = q dt), and each of its o other friends does so only if the
    broadcast just reached them (e b). The weekly hazard is therefore
    h = 1 - (1 - e) (1 - b lambda)^a (1 - e b lambda)^o and F' = F + (1 - F) h.
    On a sparse network a = k F and o = k (1 - F); on a complete graph of N
    (``consumers``) exactly a = N F and o = N (1 - F) - 1.

    As dt -> 0, h = (p + q F) dt + O(dt^2): a first-order scheme for the Bass
    equation dF/dt = (p + q F)(1 - F), hence an O(dt) gap to the closed form
    (the discrete-time bias of Rand & Rust 2011).
    """
    e = p * dt
    told = q * dt / mean_degree  # b x lambda: one friend's story gets through
    curve = np.zeros(weeks + 1)
    for week in range(weeks):
        f = curve[week]
        if consumers is None:
            aware, other = mean_degree * f, mean_degree * (1.0 - f)
        else:
            aware, other = consumers * f, consumers * (1.0 - f) - 1.0
        stay = (1.0 - e) * (1.0 - told) ** aware * (1.0 - e * told) ** max(other, 0.0)
        curve[week + 1] = f + (1.0 - f) * (1.0 - stay)
    return curve


def bass_runs(*, runs: int, seed: int, **settings) -> list[BassRun]:
    """``runs`` independent replicates of :func:`simulate_bass`, seeds seed, seed+1, ..."""
    return [simulate_bass(seed=seed + k, **settings) for k in range(runs)]


def mean_curve(runs: Sequence[BassRun]) -> np.ndarray:
    """Mean adoption curve over replicates."""
    return np.mean([r.adoption for r in runs], axis=0)


# --------------------------------------------------------------------------
# Beta reputation
# --------------------------------------------------------------------------
def beta_table(cases: Sequence[tuple[float, float]] = ((0, 0), (8, 2), (2, 8), (1, 1),
                                                      (30, 10))) -> list[dict]:
    """Expected trust and uncertainty of evidence pairs, against Josang & Ismail's formulas.

    The Beta(r + 1, s + 1) distribution has mean (r + 1)/(r + s + 2); subjective
    logic reads u = 2/(r + s + 2) as the mass not yet committed to belief or
    disbelief. The reference values here come from the Beta distribution
    itself (scipy), not from the formulas the model codes.
    """
    from scipy.stats import beta

    rows = []
    for r, s in cases:
        rows.append({"r": r, "s": s, "E": float(expected_trust(r, s)),
                     "E_beta_mean": float(beta(r + 1, s + 1).mean()),
                     "u": float(uncertainty(r, s)), "u_formula": 2.0 / (r + s + 2.0)})
    return rows


def trust_path(*, weeks: int, keep: float, asymmetry: float, good: float = 1.0,
               bad_from: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Trust of one relation fed one unit of good news a week, then bad news.

    Until week ``bad_from`` the relation gets ``good`` evidence for each week,
    after it ``good`` evidence against (weighted by the asymmetry), with the
    forgetting ``keep`` applied weekly through :func:`simulation.trust.forget`.

    Returns:
        (expected trust, uncertainty) after each week.
    """
    r, s = np.zeros(1), np.zeros(1)
    trust, unc = np.empty(weeks), np.empty(weeks)
    for week in range(weeks):
        if bad_from is None or week < bad_from:
            r += good
        else:
            s += negative_weight(good, asymmetry)
        forget(r, keep)
        forget(s, keep)
        trust[week], unc[week] = expected_trust(r, s)[0], uncertainty(r, s)[0]
    return trust, unc


def weeks_to_cross(trust: np.ndarray, level: float, *, rising: bool) -> int | None:
    """First week (1-based) at which a trust path reaches ``level`` (None: never)."""
    hit = np.flatnonzero(trust >= level) if rising else np.flatnonzero(trust <= level)
    return int(hit[0]) + 1 if hit.size else None


# --------------------------------------------------------------------------
# Information flow: independent cascade over departments
# --------------------------------------------------------------------------
def cascade_exact_live_edges(adj: np.ndarray, origin: int, spread_inside: float,
                             hoarding: float) -> np.ndarray:
    """Exact chance that each department learns a fact, by enumerating live-edge graphs.

    An independent cascade is equivalent to keeping each directed tie "live"
    with its passing probability, independently, and asking who is reachable
    from the origin (Kempe, Kleinberg & Tardos 2003). Here the origin itself
    knows with probability tau_in and a tie passes with tau_in (1 - h). The
    sum runs over all 2^(directed ties) graphs: for small departments only.
    """
    n = adj.shape[0]
    edges = [(u, v) for u in range(n) for v in range(n) if adj[u, v]]
    if len(edges) > 16:
        raise ValueError(f"adj: got {len(edges)} directed ties; allowed: at most 16")
    cross = spread_inside * (1.0 - hoarding)
    reach = np.zeros(n)
    for live in itertools.product((False, True), repeat=len(edges)):
        weight = 1.0
        out: list[list[int]] = [[] for _ in range(n)]
        for (u, v), on in zip(edges, live, strict=True):
            weight *= cross if on else 1.0 - cross
            if on:
                out[u].append(v)
        if weight == 0.0:
            continue
        seen = {origin}
        stack = [origin]
        while stack:
            for v in out[stack.pop()]:
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        for v in seen:
            reach[v] += weight
    return spread_inside * reach


def cascade_exact_frontier(adj: np.ndarray, origin: int, spread_inside: float,
                           hoarding: float) -> np.ndarray:
    """Exact chance that each department learns a fact, by following the cascade.

    The cascade's state is (who knows, who just learned); from it each
    department that does not know yet learns with probability
    1 - (1 - c)^(number of its neighbours who just learned), independently,
    c = tau_in (1 - h). Summing over every possible next frontier gives the
    exact distribution; fine for a dozen departments or fewer.
    """
    n = adj.shape[0]
    cross = spread_inside * (1.0 - hoarding)
    reach = np.zeros(n)
    states = {(1 << origin, 1 << origin): spread_inside}
    while states:
        nxt: dict[tuple[int, int], float] = {}
        for (known, frontier), prob in states.items():
            candidates = []
            for v in range(n):
                if known >> v & 1:
                    continue
                pressure = sum(1 for u in range(n) if frontier >> u & 1 and adj[u, v])
                if pressure:
                    candidates.append((v, 1.0 - (1.0 - cross) ** pressure))
            if not candidates:
                for v in range(n):
                    if known >> v & 1:
                        reach[v] += prob
                continue
            for pattern in itertools.product((False, True), repeat=len(candidates)):
                weight, new = prob, 0
                for (v, chance), on in zip(candidates, pattern, strict=True):
                    weight *= chance if on else 1.0 - chance
                    new |= (1 << v) if on else 0
                if weight == 0.0:
                    continue
                if new == 0:
                    for v in range(n):
                        if known >> v & 1:
                            reach[v] += weight
                    continue
                key = (known | new, new)
                nxt[key] = nxt.get(key, 0.0) + weight
        states = nxt
    return reach


def cascade_frequencies(adj: np.ndarray, origin: int, spread_inside: float, hoarding: float,
                        trials: int, seed: int) -> np.ndarray:
    """Share of ``trials`` runs of :func:`simulation.companies.spread_fact` each department
    learned the fact in."""
    rng = np.random.default_rng(seed)
    counts = np.zeros(adj.shape[0])
    for _ in range(trials):
        counts += spread_fact(adj, origin, spread_inside, hoarding, rng)
    return counts / trials


# --------------------------------------------------------------------------
# Persuasion knowledge
# --------------------------------------------------------------------------
def recognition_share(*, salience: float, persuasion: float, followers: int,
                      seed: int) -> tuple[float, float]:
    """Share of followers who recognise one paid post, through the consumer kernel.

    Everyone attends (engagement 1), so every follower draws recognition once.

    Returns:
        (observed share, predicted 1 - (1 - delta)(1 - pi)).
    """
    rng = np.random.default_rng(seed)
    follows = sp.csr_matrix(np.ones((1, followers), dtype=np.float32))
    friends = sp.csr_matrix((followers, followers), dtype=np.float32)
    pop = ConsumerPopulation(friends=friends, follows=follows, companies=1,
                             persuasion=np.full(followers, persuasion),
                             care=np.zeros(followers))
    post = Post(influencer=0, company=0, posts=1.0, engagement=1.0, claim=0.5,
                script=0.0, explained=0.0, salience=salience)
    market = Market(quality=np.array([0.5]), responsibility=np.array([0.5]),
                    price=np.array([1.0]))
    out = pop.week([post], market, draw_week(rng, followers, pop.follow_count), resolve())
    return out.recognised / followers, 1.0 - (1.0 - salience) * (1.0 - persuasion)


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------
def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def bass_figure(runs: Sequence[BassRun]) -> bytes:
    """Adoption curves of the runs against the closed form and the weekly rule's mean field."""
    first = runs[0]
    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    fine = np.linspace(0.0, first.times[-1], 400)
    mf = bass_map(p=first.p, q=first.q, dt=first.dt, mean_degree=first.mean_degree,
                  weeks=first.times.size - 1,
                  consumers=first.consumers if first.network == "complete" else None)
    for k, run in enumerate(runs):
        left.plot(run.times, run.adoption, color="#3b7dd8", alpha=0.35 if len(runs) > 1 else 1,
                  lw=1, label="model (kernel)" if k == 0 else None)
        right.plot(run.times[1:] - run.dt / 2, np.diff(run.adoption) / run.dt, color="#3b7dd8",
                   alpha=0.35 if len(runs) > 1 else 1, lw=1,
                   label="model (kernel)" if k == 0 else None)
    left.plot(fine, bass_curve(fine, first.p, first.q), color="black", lw=2,
              label="Bass closed form")
    left.plot(first.times, mf, color="#e67e22", ls="--", lw=1.5, label="weekly rule, mean field")
    decay = np.exp(-(first.p + first.q) * fine)
    rate = (first.p + first.q) ** 2 / first.p * decay / (1 + first.q / first.p * decay) ** 2
    right.plot(fine, rate, color="black", lw=2, label="Bass dF/dt")
    right.axvline(bass_peak_time(first.p, first.q), color="black", ls=":", lw=1,
                  label="predicted peak t*")
    left.set(xlabel="time (Bass units)", ylabel="share aware (adopted)", ylim=(0, 1.02))
    right.set(xlabel="time (Bass units)", ylabel="adoption rate")
    left.legend(loc="lower right", fontsize=8)
    right.legend(loc="upper right", fontsize=8)
    fig.suptitle(f"Bass docking: p = {first.p:g}, q = {first.q:g}, {first.consumers:,} "
                 f"consumers, dt = {first.dt:g}, {first.network} network, {len(runs)} run(s)")
    return _png(fig)


def convergence_figure(by_n: Sequence[tuple[int, float, float]],
                       by_dt: Sequence[tuple[float, float, float, float]]) -> bytes:
    """Gap to the closed form against consumers (fixed dt) and against dt (fixed N)."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    n = np.array([row[0] for row in by_n], dtype=float)
    left.errorbar(n, [row[1] for row in by_n], yerr=[2 * row[2] for row in by_n], fmt="o-",
                  color="#3b7dd8", label="model, mean max gap (2 s.e.)")
    scale = by_n[0][1] * np.sqrt(n[0])
    left.plot(n, scale / np.sqrt(n), color="grey", ls=":", label="1 / sqrt(N)")
    left.set(xscale="log", yscale="log", xlabel="consumers N", ylabel="max |F_model - F_Bass|")
    left.legend(fontsize=8)
    dts = np.array([row[0] for row in by_dt])
    right.errorbar(dts, [row[1] for row in by_dt], yerr=[2 * row[2] for row in by_dt],
                   fmt="o-", color="#3b7dd8", label="model, mean max gap (2 s.e.)")
    right.plot(dts, [row[3] for row in by_dt], "s--", color="#e67e22",
               label="weekly rule, mean field (no sampling)")
    right.set(xscale="log", yscale="log", xlabel="dt (Bass time per week)",
              ylabel="max |F - F_Bass|")
    right.legend(fontsize=8)
    fig.suptitle("Convergence to the Bass closed form")
    return _png(fig)


def networks_figure(curves: Sequence[tuple[str, np.ndarray, np.ndarray]], p: float,
                    q: float) -> bytes:
    """Mean adoption on each network against Bass (complete graph) and the ring (1-D) result."""
    fig = Figure(figsize=(6.5, 4.5), layout="constrained")
    ax = fig.subplots()
    t_max = max(c[1][-1] for c in curves)
    fine = np.linspace(0.0, t_max, 400)
    ax.plot(fine, bass_curve(fine, p, q), color="black", lw=2, label="Bass (complete graph)")
    ax.plot(fine, ring_bass_curve(fine, p, q), color="black", lw=2, ls="--",
            label="1-D ring (Fibich & Gibori 2010)")
    for label, times, adoption in curves:
        ax.plot(times, adoption, lw=1.3, label=f"model: {label}")
    ax.set(xlabel="time (Bass units)", ylabel="share aware (adopted)", ylim=(0, 1.02))
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"Sparse ties slow diffusion (p = {p:g}, q = {q:g})")
    return _png(fig)


def beta_figure(keep: float, asymmetry: float, weeks: int) -> bytes:
    """Trust built by good news then destroyed by bad news, with its uncertainty."""
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    half = weeks // 2
    for kappa, style in ((1.0, ":"), (asymmetry, "-")):
        trust, unc = trust_path(weeks=weeks, keep=keep, asymmetry=kappa, bad_from=half)
        ax.plot(np.arange(1, weeks + 1), trust, ls=style, color="#3b7dd8",
                label=f"expected trust E, kappa = {kappa:g}")
        ax.plot(np.arange(1, weeks + 1), unc, ls=style, color="#e67e22",
                label=f"uncertainty u, kappa = {kappa:g}")
    ax.axvline(half + 0.5, color="grey", lw=0.8)
    ax.set(xlabel="week (good news, then bad news from the grey line)", ylabel="",
           ylim=(0, 1))
    ax.legend(fontsize=8)
    ax.set_title(f"Beta reputation with forgetting lambda = {keep:g}")
    return _png(fig)


def bars_figure(title: str, labels: Sequence[str], predicted: Sequence[float],
                observed: Sequence[float], errors: Sequence[float], ylabel: str) -> bytes:
    """Predicted against observed values, with 4 standard errors on the observed."""
    fig = Figure(figsize=(max(5.0, 0.9 * len(labels) + 2), 4), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(labels))
    ax.bar(x - 0.2, predicted, width=0.4, color="#bbbbbb", label="exact / formula")
    ax.bar(x + 0.2, observed, width=0.4, color="#3b7dd8", yerr=4 * np.asarray(errors),
           capsize=3, label="simulated (4 s.e.)")
    ax.set_xticks(x, labels, fontsize=8, rotation=20)
    ax.set(ylabel=ylabel, ylim=(0, 1.05))
    ax.legend(fontsize=8)
    ax.set_title(title)
    return _png(fig)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------
def _write(out: Path, files: dict[str, bytes]) -> None:
    from .cli import check_out_dir
    from .output import atomic_write_many

    check_out_dir(out)
    for path in atomic_write_many(out, files):
        click.echo(f"figure: {path}")


def _check(name: str, value: float, low: float, high: float, allowed: str) -> None:
    from .cli import _fail

    if not (low < value <= high) or math.isnan(value):
        raise _fail(f"{name}: got {value:g}; allowed: {allowed}")


def _bass_settings(p: float, q: float, consumers: int, dt: float, network: str,
                   degree: int) -> None:
    """Reject settings the Bass docking cannot honour, before running anything."""
    from .cli import _fail

    _check("--p", p, 0.0, 1.0, "a number in (0, 1]")
    _check("--q", q, 0.0, 10.0, "a number in (0, 10]")
    _check("--dt", dt, 0.0, 1.0 / (p + q), f"a number in (0, 1/(p+q)] = (0, {1 / (p + q):.4g}]")
    from .parameters import WORLD

    # a complete graph has N^2 ties; otherwise the world's own bound on consumers
    limit = 4000 if network == "complete" else int(WORLD["consumers"].high)
    if not 10 <= consumers <= limit:
        raise _fail(f"--consumers: got {consumers}; allowed: an integer in [10, {limit}]"
                    + (" on a complete graph (N^2 ties)" if network == "complete" else ""))
    if network != "complete" and not 2 <= degree < consumers:
        raise _fail(f"--degree: got {degree}; allowed: an integer in [2, consumers)")
    from .cli import check_memory

    # the memory guard of every world-building command: free memory, cgroup, ulimit
    check_memory(resolve({"consumers": consumers, "network": network,
                          "network_degree": degree if network != "complete" else 2}))


_OUT = click.option("--out", type=click.Path(path_type=Path), default=Path("results/dock"),
                    show_default=True, help="Folder for the figure.")


@click.group()
def dock() -> None:
    """Docking: the model's mechanisms against published results (see docs/validation.md)."""


@dock.command()
@click.option("--p", "p", type=float, default=0.03, show_default=True,
              help="Coefficient of innovation (broadcast) per unit of Bass time.")
@click.option("--q", "q", type=float, default=0.38, show_default=True,
              help="Coefficient of imitation (word of mouth) per unit of Bass time.")
@click.option("--consumers", type=int, default=1000, show_default=True)
@click.option("--dt", type=float, default=0.1, show_default=True,
              help="Bass time per model week.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--weeks", type=int, default=None,
              help="Model weeks to run [default: past saturation, 3 t* + 10/(p+q)].")
@click.option("--runs", type=int, default=1, show_default=True,
              help="Replicates (seeds seed, seed+1, ...); gaps are for their mean curve.")
@click.option("--network", type=click.Choice(["complete", "small_world", "random",
                                              "scale_free"]), default="complete",
              show_default=True)
@click.option("--degree", type=int, default=10, show_default=True,
              help="Mean degree of a sparse network.")
@click.option("--rewiring", type=float, default=0.1, show_default=True)
@_OUT
def bass(p: float, q: float, consumers: int, dt: float, seed: int, weeks: int | None,
         runs: int, network: str, degree: int, rewiring: float, out: Path) -> None:
    """Bass diffusion: the kernel's adoption curve against the closed form."""
    from .cli import _fail

    _bass_settings(p, q, consumers, dt, network, degree)
    if weeks is not None and weeks < 1:
        raise _fail(f"--weeks: got {weeks}; allowed: an integer >= 1")
    if runs < 1:
        raise _fail(f"--runs: got {runs}; allowed: an integer >= 1")
    horizon = None if weeks is None else weeks * dt
    try:
        results = bass_runs(runs=runs, seed=seed, p=p, q=q, consumers=consumers, dt=dt,
                            horizon=horizon, network=network, degree=degree,
                            rewiring=rewiring)
    except ParameterError as error:
        raise _fail(f"--q/--dt: {error}") from None
    first = results[0]
    mean = mean_curve(results)
    mf = bass_map(p=p, q=q, dt=dt, mean_degree=first.mean_degree,
                  weeks=first.times.size - 1,
                  consumers=consumers if network == "complete" else None)
    closed = bass_curve(first.times, p, q)
    merged = BassRun(first.times, mean, p, q, dt, consumers, network, first.mean_degree)
    t_star = bass_peak_time(p, q)
    click.echo(f"Bass docking: p={p:g} q={q:g} consumers={consumers} dt={dt:g} "
               f"network={network} (mean degree {first.mean_degree:.1f}) runs={runs} "
               f"seed={seed} weeks={first.times.size - 1}")
    click.echo(f"max |F_model - F_Bass|        {merged.gap():.4f}")
    click.echo(f"max |F_meanfield - F_Bass|    {np.max(np.abs(mf - closed)):.4f}"
               "  (discrete-time bias of the weekly rule, no sampling)")
    if network != "complete":
        ring = ring_bass_curve(first.times, p, q)
        click.echo(f"max |F_model - F_1D ring|     {np.max(np.abs(mean - ring)):.4f}")
    click.echo(f"peak time: predicted {t_star:.2f}, observed {merged.peak_time():.2f}")
    k = int(np.argmin(np.abs(first.times - t_star)))
    click.echo(f"F at t*: predicted {(q - p) / (2 * q):.4f}, observed {mean[k]:.4f} "
               f"(t = {first.times[k]:.2f})")
    _write(out, {"dock_bass.png": bass_figure(results)})


@dock.command()
@click.option("--p", "p", type=float, default=0.03, show_default=True)
@click.option("--q", "q", type=float, default=0.38, show_default=True)
@click.option("--consumers", "sizes", default="100,250,500,1000,2000", show_default=True,
              help="Population sizes (comma-separated) at the finest --dt.")
@click.option("--dt", "steps", default="1,0.5,0.25,0.1", show_default=True,
              help="Time steps (comma-separated) at the largest population.")
@click.option("--runs", type=int, default=5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@_OUT
def convergence(p: float, q: float, sizes: str, steps: str, runs: int, seed: int,
                out: Path) -> None:
    """Gap to the Bass closed form as consumers grow and the time step shrinks."""
    from .cli import _fail

    try:
        ns = [int(x) for x in sizes.split(",")]
        dts = [float(x) for x in steps.split(",")]
    except ValueError:
        raise _fail(f"--consumers/--dt: got {sizes!r} / {steps!r}; allowed: "
                    "comma-separated numbers") from None
    if runs < 2:
        raise _fail(f"--runs: got {runs}; allowed: an integer >= 2")
    for n in ns:
        _bass_settings(p, q, n, min(dts), "complete", 2)
    for dt in dts:
        _bass_settings(p, q, max(ns), dt, "complete", 2)
    horizon = 3.0 * bass_peak_time(p, q) + 10.0 / (p + q)

    def gaps(n: int, dt: float) -> tuple[float, float]:
        g = [r.gap() for r in bass_runs(runs=runs, seed=seed, p=p, q=q, consumers=n, dt=dt,
                                        horizon=horizon)]
        return float(np.mean(g)), float(np.std(g, ddof=1) / math.sqrt(runs))

    click.echo(f"Bass convergence: p={p:g} q={q:g}, complete graph, {runs} runs each; "
               "gap = max over t of |F_model - F_Bass|, mean (standard error)")
    by_n = []
    click.echo(f"dt = {min(dts):g}:")
    for n in ns:
        mean, se = gaps(n, min(dts))
        by_n.append((n, mean, se))
        click.echo(f"  consumers {n:>7}  gap {mean:.4f} ({se:.4f})  x sqrt(N) = "
                   f"{mean * math.sqrt(n):.2f}")
    by_dt = []
    click.echo(f"consumers = {max(ns)}:")
    for dt in sorted(dts, reverse=True):
        mean, se = gaps(max(ns), dt)
        weeks = int(math.ceil(horizon / dt - 1e-9))
        mf = bass_map(p=p, q=q, dt=dt, mean_degree=max(ns) - 1, weeks=weeks,
                      consumers=max(ns))
        bias = float(np.max(np.abs(mf - bass_curve(np.arange(weeks + 1) * dt, p, q))))
        by_dt.append((dt, mean, se, bias))
        click.echo(f"  dt {dt:>6g}  gap {mean:.4f} ({se:.4f})  mean-field bias {bias:.4f}")
    _write(out, {"dock_convergence.png": convergence_figure(by_n, by_dt)})


@dock.command()
@click.option("--p", "p", type=float, default=0.03, show_default=True)
@click.option("--q", "q", type=float, default=0.38, show_default=True)
@click.option("--consumers", type=int, default=2000, show_default=True)
@click.option("--dt", type=float, default=0.1, show_default=True)
@click.option("--runs", type=int, default=4, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@_OUT
def networks(p: float, q: float, consumers: int, dt: float, runs: int, seed: int,
             out: Path) -> None:
    """Diffusion on sparse networks is slower than Bass, down to the 1-D ring result."""
    from .cli import _fail

    _bass_settings(p, q, consumers, dt, "complete", 2)
    if runs < 1:
        raise _fail(f"--runs: got {runs}; allowed: an integer >= 1")
    cases = [("complete graph", "complete", 2, 0.0),
             ("random, degree 10", "random", 10, 0.0),
             ("small world, degree 10", "small_world", 10, 0.1),
             ("ring lattice, degree 10", "small_world", 10, 0.0),
             ("ring, degree 2", "small_world", 2, 0.0)]
    horizon = 3.0 * bass_peak_time(p, q) + 10.0 / (p + q)
    t_star = bass_peak_time(p, q)
    click.echo(f"Bass on networks: p={p:g} q={q:g} consumers={consumers} dt={dt:g}, "
               f"{runs} runs each; F at t* = {t_star:.2f}: Bass {bass_curve(t_star, p, q):.3f},"
               f" 1-D ring {ring_bass_curve(t_star, p, q):.3f}")
    curves = []
    for label, network, degree, rewiring in cases:
        results = bass_runs(runs=runs, seed=seed, p=p, q=q, consumers=consumers, dt=dt,
                            horizon=horizon, network=network, degree=degree,
                            rewiring=rewiring)
        times, mean = results[0].times, mean_curve(results)
        k = int(np.argmin(np.abs(times - t_star)))
        gap_bass = np.max(np.abs(mean - bass_curve(times, p, q)))
        gap_ring = np.max(np.abs(mean - ring_bass_curve(times, p, q)))
        click.echo(f"  {label:<26} F(t*) {mean[k]:.3f}  max gap to Bass {gap_bass:.4f}, "
                   f"to 1-D ring {gap_ring:.4f}")
        curves.append((label, times, mean))
    _write(out, {"dock_networks.png": networks_figure(curves, p, q)})


@dock.command()
@click.option("--weeks", type=int, default=60, show_default=True)
@_OUT
def beta(weeks: int, out: Path) -> None:
    """Beta reputation: E, u, forgetting and the asymmetry of trust."""
    from .cli import _fail
    from .parameters import defaults

    if weeks < 4:
        raise _fail(f"--weeks: got {weeks}; allowed: an integer >= 4")
    world = defaults()
    keep, kappa = world["forgetting"], world["asymmetry"]
    click.echo("Beta reputation (Josang & Ismail 2002): E = (r+1)/(r+s+2), u = 2/(r+s+2)")
    for row in beta_table():
        click.echo(f"  r={row['r']:>4g} s={row['s']:>4g}  E {row['E']:.4f} (Beta mean "
                   f"{row['E_beta_mean']:.4f})  u {row['u']:.4f} (formula "
                   f"{row['u_formula']:.4f})")
    steady = keep / (1.0 - keep)
    simulated = trust_path(weeks=400, keep=keep, asymmetry=1.0)[0][-1]
    click.echo(f"Forgetting lambda = {keep:g}: one unit a week, then the week's decay, saturates "
               f"at lambda/(1-lambda) = {steady:.2f} units, E -> {(steady + 1) / (steady + 2):.4f}"
               f" (simulated after 400 weeks: {simulated:.4f})")
    half = weeks // 2
    for k in (1.0, kappa):
        trust, _ = trust_path(weeks=weeks, keep=keep, asymmetry=k, bad_from=half)
        down = weeks_to_cross(trust[half:], 0.5, rising=False)
        click.echo(f"kappa = {k:g}: {half} weeks of good news build E = {trust[half - 1]:.3f}; "
                   f"the same news turned bad brings E back to 0.5 in {down} week(s)")
    _write(out, {"dock_beta.png": beta_figure(keep, kappa, weeks)})


@dock.command()
@click.option("--trials", type=int, default=20_000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@_OUT
def cascade(trials: int, seed: int, out: Path) -> None:
    """Information flow: spread_fact against exact cascade probabilities."""
    from .cli import _fail

    if trials < 100:
        raise _fail(f"--trials: got {trials}; allowed: an integer >= 100")
    cases = [(4, 0.8, 0.5), (4, 0.9, 0.2), (6, 0.8, 0.3), (6, 0.8, 1.0)]
    click.echo(f"Independent cascade over departments ({trials} runs of spread_fact each); "
               "chance each department learns a fact from department 0")
    labels, exact_all, seen_all, se_all = [], [], [], []
    for count, inside, hoarding in cases:
        adj = department_graph(count)
        exact = (cascade_exact_live_edges(adj, 0, inside, hoarding) if count <= 4 else
                 cascade_exact_frontier(adj, 0, inside, hoarding))
        seen = cascade_frequencies(adj, 0, inside, hoarding, trials, seed)
        se = np.sqrt(exact * (1 - exact) / trials)
        z = np.max(np.abs(seen - exact) / np.maximum(se, 1e-300))
        method = "live-edge enumeration" if count <= 4 else "cascade enumeration"
        click.echo(f"  {count} departments, tau_in={inside:g}, h={hoarding:g} ({method}):")
        click.echo("    exact     " + " ".join(f"{x:.4f}" for x in exact))
        click.echo("    simulated " + " ".join(f"{x:.4f}" for x in seen)
                   + f"   max |z| = {z:.2f}")
        for d in range(1, count):
            labels.append(f"{count}d h={hoarding:g} #{d}")
            exact_all.append(exact[d])
            seen_all.append(seen[d])
            se_all.append(se[d])
    _write(out, {"dock_cascade.png": bars_figure(
        "Independent cascade: exact against spread_fact", labels, exact_all, seen_all,
        se_all, "chance the department learns the fact")})


@dock.command()
@click.option("--followers", type=int, default=20_000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@_OUT
def recognition(followers: int, seed: int, out: Path) -> None:
    """Persuasion knowledge: recognition share against 1 - (1 - delta)(1 - pi)."""
    from .cli import _fail

    if followers < 100:
        raise _fail(f"--followers: got {followers}; allowed: an integer >= 100")
    cases = [(0.0, 0.0), (0.5, 0.0), (0.0, 0.3), (0.5, 0.3), (0.7, 0.1), (0.2, 0.8)]
    click.echo(f"Recognition of a paid post by {followers} followers (consumer kernel)")
    labels, want, got, errors = [], [], [], []
    for k, (delta, pi) in enumerate(cases):
        share, predicted = recognition_share(salience=delta, persuasion=pi,
                                             followers=followers, seed=seed + k)
        se = math.sqrt(predicted * (1 - predicted) / followers)
        z = (share - predicted) / se if se > 0 else 0.0
        click.echo(f"  delta={delta:.1f} pi={pi:.1f}: predicted {predicted:.4f}, observed "
                   f"{share:.4f}, z = {z:+.2f}")
        labels.append(f"d={delta:g}, pi={pi:g}")
        want.append(predicted)
        got.append(share)
        errors.append(se)
    _write(out, {"dock_recognition.png": bars_figure(
        "Recognition as paid: 1 - (1 - delta)(1 - pi)", labels, want, got, errors,
        "share recognising")})


@dock.command()
@click.option("--seeds", "seed_count", type=int, default=len(pattern_runs.SEEDS),
              show_default=True,
              help="Seeds 0, 1, ..., N-1: one world (two where a pattern compares) per seed.")
@click.option("--consumers", type=int, default=None,
              help="Consumers in every world [default: each pattern's documented size: "
                   f"{pattern_runs.ENGAGEMENT_CONSUMERS} for engagement, "
                   f"{pattern_runs.DISCLOSURE_CONSUMERS} for disclosure, "
                   f"{pattern_runs.CRISIS_CONSUMERS} for the crisis].")
@click.option("--out", type=click.Path(path_type=Path), default=Path("results/dock"),
              show_default=True, help="Folder for the five figures (pattern_<name>.png).")
def patterns(seed_count: int, consumers: int | None, out: Path) -> None:
    """Empirical patterns at the defaults: numbers, verdict and one figure per pattern."""
    from .cli import _fail, check_out_dir

    if not 1 <= seed_count <= 100:
        raise _fail(f"--seeds: got {seed_count}; allowed: an integer in [1, 100]")
    if consumers is not None:
        try:
            resolve({"consumers": consumers})
        except ParameterError as error:
            raise _fail(f"--consumers: got {consumers}; allowed: {error.allowed}") from None
        from .cli import check_memory

        check_memory(resolve({"consumers": consumers}))
    check_out_dir(out)
    seeds = tuple(range(seed_count))

    def size(documented: int) -> int:
        return documented if consumers is None else consumers

    pr = pattern_runs
    results = [
        pr.engagement_by_audience(seeds=seeds, consumers=size(pr.ENGAGEMENT_CONSUMERS)),
        pr.friend_over_advertising(),
        pr.disclosure_credibility(seeds=seeds, consumers=size(pr.DISCLOSURE_CONSUMERS)),
        pr.trust_asymmetry(seeds=seeds, consumers=size(pr.CRISIS_CONSUMERS)),
        pr.crisis_buffer(seeds=seeds, consumers=size(pr.CRISIS_CONSUMERS)),
    ]
    click.echo(f"Empirical patterns at the default mechanisms, seeds {seeds[0]}..{seeds[-1]}")
    for number, result in enumerate(results, start=1):
        click.echo(f"{number}. {result.title} ({result.reference})")
        for line in result.lines():
            click.echo(f"   {line}")
    reproduced = sum(result.reproduced for result in results)
    click.echo(f"{reproduced} of {len(results)} patterns reproduced")
    _write(out, {f"pattern_{result.name}.png": result.figure() for result in results})
