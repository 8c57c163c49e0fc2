"""A Mesa peer of the consumer kernel: one ``mesa.Agent`` per consumer, as a modeller
would write it in Mesa 3. A baseline to measure the kernel against, nothing more.

The world is the model's own: :class:`MesaPeerModel` subclasses
:class:`simulation.model.InfluenceModel`, so network, audiences, companies,
influencers, deals, crises, events and measurement are the model's unchanged; only
the consumer population is swapped. In its place stands :class:`MesaPopulation`, a
drop-in for :class:`simulation.consumers.ConsumerPopulation` (the same
``week(posts, market, draws, p)`` and ``crisis_news`` calls, the same read-only views
the model and the metrics use), built from :class:`Consumer` agents:

* each consumer is a :class:`mesa.discrete_space.FixedAgent` on its own node of a
  :class:`mesa.discrete_space.Network` built from the model's friendship graph, and
  finds its friends as ``self.cell.neighborhood.agents``;
* each consumer holds its own state: Beta evidence for and against every brand,
  awareness, the last quality and responsibility claims heard and who made them,
  purchases, persuasion knowledge and care, and its :class:`Follow` ties (credibility
  evidence in one influencer, still following or not);
* the week is three staged activations of the consumers' :class:`mesa.AgentSet`:
  ``shuffle_do("act")`` (read the week's posts, shop, compare the product with the
  claim, read the press), ``shuffle_do("talk")`` (buyers tell their friends) and
  ``do("settle")`` (take in the stories heard, forget, mature). Stories are only
  taken in once everyone has spoken, as in the kernel.

The rules are those of ``docs/ODD.md`` 7.5-7.10, 7.16 and 7.21, written per consumer
from the documentation; the random numbers are the peer's own (the model's
``random``, a stream the kernel never reads), so a run agrees with the kernel in
distribution, not draw for draw. ``tests/test_mesa_peer.py`` checks that agreement.

:class:`SymmetricConsumer` bends one rule on purpose (negative evidence weighs no
more than positive: the asymmetry kappa ignored) so that the test can show it
detects a wrong rule.

Usage::

    from benchmarks.mesa_peer import MesaPeerModel
    model = MesaPeerModel(rng=1, consumers=2000)
    for _ in range(52):
        model.step()
    model.timeseries()
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa.agentset import AgentSet
from mesa.discrete_space import FixedAgent, Network

from simulation.consumers import Market, Post, WeekDraws, WeekOutcome
from simulation.model import InfluenceModel


def trust(r: float, s: float) -> float:
    """Expected trust of Beta evidence: (r + 1) / (r + s + 2)."""
    return (r + 1.0) / (r + s + 2.0)


class Follow:
    """One consumer following one influencer: the consumer's view of that influencer.

    Attributes:
        influencer: Row of the influencer (its index in ``model.influencers``).
        entry: Position of this tie among all follow ties (the model's follow entry).
        cred_r, cred_s: Beta evidence for and against the influencer's credibility.
        following: Still following (an unfollow is for good).
    """

    __slots__ = ("influencer", "entry", "cred_r", "cred_s", "following")

    def __init__(self, influencer: int, entry: int) -> None:
        self.influencer = influencer
        self.entry = entry
        self.cred_r = 0.0
        self.cred_s = 0.0
        self.following = True

    @property
    def credibility(self) -> float:
        """Expected credibility of the influencer to this follower."""
        return trust(self.cred_r, self.cred_s)


class Consumer(FixedAgent):
    """One consumer, with its own trust in every brand and in the influencers it follows.

    Args:
        model: The model (a :class:`MesaPeerModel`).
        cell: The consumer's node of the friendship network.
        population: The :class:`MesaPopulation` that tallies the week's outcome.
        persuasion: Initial persuasion knowledge pi.
        care: Initial care for responsible products nu.
        companies: Number of brands.
    """

    def __init__(self, model: mesa.Model, cell, population: MesaPopulation,
                 persuasion: float, care: float, companies: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.population = population
        self.persuasion = persuasion
        self.care = care
        self.brand_r = [0.0] * companies
        self.brand_s = [0.0] * companies
        self.aware = [False] * companies
        self.last_claim = [math.nan] * companies
        self.last_responsibility = [math.nan] * companies
        self.last_source: list[Follow | None] = [None] * companies
        self.purchases = [0] * companies
        self.last_experience = [0] * companies
        self.follows: list[Follow] = []   # in influencer order
        self.fresh: tuple[int, int] | None = None   # (brand, +1 kept / -1 broken) this week
        self.stories: list[tuple[int, int]] = []    # (brand, +1 / -1) heard this week

    # ----------------------------------------------------------------- rules
    def asymmetry(self, p: dict) -> float:
        """Weight of negative evidence against positive (kappa)."""
        return p["asymmetry"]

    def brand_trust(self, c: int) -> float:
        """Expected trust in brand ``c``."""
        return trust(self.brand_r[c], self.brand_s[c])

    # --------------------------------------------------- stage 1: act (own state)
    def act(self, posts: dict[int, Post], market: Market, scrutinised: Sequence[int],
            p: dict) -> None:
        """Read this week's posts, shop, judge the purchase, read the press."""
        for follow in self.follows:
            post = posts.get(follow.influencer)
            if post is not None and follow.following:
                self.read(post, follow, p)
        if self.random.random() < p["in_market_rate"]:
            brand = self.choose(market, p)
            if brand >= 0:
                self.experience(brand, market, p)
        for c in scrutinised:
            self.read_press(c, market, p)

    def read(self, post: Post, follow: Follow, p: dict) -> None:
        """One followed influencer's posts this week (ODD 7.5, 7.6)."""
        attend = 1.0 - (1.0 - post.engagement) ** post.posts
        if not self.random.random() < attend:
            return
        tally = self.population
        tally.impressions[post.influencer] += 1
        pi = self.persuasion
        recognised = self.random.random() < 1.0 - (1.0 - post.salience) * (1.0 - pi)
        cred = follow.credibility
        if self.random.random() < p["like_rate"] * cred:
            tally.likes[post.influencer] += 1
        discount = 1.0 - p["pk_discount"] * pi if recognised else 1.0
        explained = 1.0 + p["explained_bonus"] * post.explained
        thr = p["reactance_threshold"]
        backfire = post.script if recognised and pi > thr else 0.0
        react = backfire * p["reactance_weight"] * (pi - thr) / max(1.0 - thr, 1e-12)
        c = post.company
        self.brand_r[c] += (1.0 - backfire) * p["message_weight"] * cred * discount \
            * explained * post.claim
        self.brand_s[c] += react
        follow.cred_r += (1.0 - backfire) * p["credibility_weight"] * discount * explained
        follow.cred_s += react
        self.aware[c] = True
        self.last_claim[c] = post.claim
        self.last_responsibility[c] = post.responsibility_claim
        self.last_source[c] = follow
        if recognised:
            tally.recognised_by[post.influencer] += 1
            self.persuasion = pi + p["pk_learning"] * (1.0 - pi)
        if follow.credibility < p["unfollow_threshold"]:
            follow.following = False

    def choose(self, market: Market, p: dict) -> int:
        """Multinomial logit among the brands this consumer knows (ODD 7.7); -1 for none."""
        weights = []
        for c, known in enumerate(self.aware):
            if not known:
                weights.append(0.0)
                continue
            utility = (p["trust_utility"] * (self.brand_trust(c) - 0.5)
                       + p["responsibility_utility"] * self.care
                       * (float(market.responsibility[c]) - 0.5)
                       - p["price_sensitivity"] * (float(market.price[c]) - 1.0))
            weights.append(math.exp(utility))
        if not any(weights):
            return -1
        u = self.random.random() * (math.exp(p["outside_utility"]) + sum(weights))
        for c, w in enumerate(weights):
            u -= w
            if u < 0.0:
                return c
        return -1

    def experience(self, c: int, market: Market, p: dict) -> None:
        """Compare the product bought with the last claim heard (ODD 7.8)."""
        tally = self.population
        tally.sales[c] += 1
        got = float(market.quality[c]) + p["experience_noise"] * self.random.gauss(0.0, 1.0)
        told = self.last_claim[c]
        kept = got >= (0.5 if math.isnan(told) else told) - p["claim_tolerance"]
        self.judge(c, kept, p)
        source = self.last_source[c]
        if source is not None:
            tally.attributed[source.influencer] += 1
        self.aware[c] = True
        self.purchases[c] += 1
        self.last_experience[c] = 1 if kept else -1
        self.fresh = (c, self.last_experience[c])

    def read_press(self, c: int, market: Market, p: dict) -> None:
        """The press reports brand ``c``'s true responsibility (ODD 7.21)."""
        told = self.last_responsibility[c]
        if not math.isnan(told):
            self.judge(c, float(market.responsibility[c]) >= told - p["claim_tolerance"], p)

    def judge(self, c: int, kept: bool, p: dict) -> None:
        """A claim about brand ``c`` held or broke: brand and claimant are judged."""
        kappa = self.asymmetry(p)
        source = self.last_source[c]
        tally = self.population
        if kept:
            self.brand_r[c] += p["experience_weight"]
        else:
            self.brand_s[c] += kappa * p["experience_weight"]
        if source is None:
            return
        if kept:
            source.cred_r += p["influencer_blame"]
            tally.praises[source.influencer] += 1
        else:
            source.cred_s += kappa * p["influencer_blame"]
            tally.complaints[source.influencer] += 1

    # ------------------------------------------------------ stage 2: talk
    def talk(self, p: dict) -> None:
        """A buyer tells every friend how the purchase went, with some probability (7.9)."""
        if self.fresh is not None and self.random.random() < p["word_of_mouth"]:
            for friend in self.cell.neighborhood.agents:
                friend.stories.append(self.fresh)

    # ---------------------------------------------------- stage 3: settle
    def settle(self, p: dict) -> None:
        """Take in the stories heard, then forget and mature (ODD 7.9, 7.10)."""
        if self.stories:
            lam, w, kappa = p["listening"], p["friend_weight"], self.asymmetry(p)
            told: dict[int, int] = {}
            for c, outcome in self.stories:
                if outcome > 0:
                    self.brand_r[c] += lam * w
                else:
                    self.brand_s[c] += lam * kappa * w
                told[c] = told.get(c, 0) + 1
            draw = self.random.random()   # one draw a week, shared by the brands
            for c, m in told.items():
                if draw < 1.0 - (1.0 - lam) ** m:
                    self.aware[c] = True
            self.stories = []
        self.fresh = None
        keep = p["forgetting"]
        self.brand_r = [r * keep for r in self.brand_r]
        self.brand_s = [s * keep for s in self.brand_s]
        for follow in self.follows:
            follow.cred_r *= keep
            follow.cred_s *= keep
        self.persuasion += p["pk_drift"] * (1.0 - self.persuasion)
        self.care += p["care_drift"] * (1.0 - self.care)

    # ---------------------------------------------------------- crisis news
    def hear_crisis(self, c: int, candid: bool, p: dict) -> None:
        """A scandal at brand ``c``: prior trust cushions it, candour too (ODD 7.16)."""
        if not self.aware[c]:
            return
        damage = p["crisis_news_weight"] * (
            1.0 - p["prior_buffer"] * max(0.0, 2.0 * self.brand_trust(c) - 1.0))
        if candid:
            damage *= 1.0 - p["candour_buffer"]
        self.brand_s[c] += damage


class SymmetricConsumer(Consumer):
    """A deliberately wrong consumer: bad news weighs no more than good (kappa = 1)."""

    def asymmetry(self, p: dict) -> float:
        """Ignore the trust asymmetry."""
        return 1.0


class MesaPopulation:
    """The consumers as Mesa agents, behind the interface of ``ConsumerPopulation``.

    Args:
        model: The model the consumer agents belong to.
        friends: (consumers, consumers) symmetric 0/1 friendship matrix.
        follows: (influencers, consumers) follow matrix; its stored entries, in CSR
            order, are the follow entries the model names in ``crisis_news``.
        companies: Number of brands.
        persuasion, care: (consumers,) initial persuasion knowledge and care.
        consumer_class: The agent class (:class:`Consumer` or a bent subclass).
    """

    def __init__(self, model: mesa.Model, *, friends: sp.csr_matrix, follows: sp.csr_matrix,
                 companies: int, persuasion: np.ndarray, care: np.ndarray,
                 consumer_class: type[Consumer] = Consumer) -> None:
        self.model = model
        self.friends = friends
        self.follows = follows.tocsr()
        self.follows.sort_indices()
        self.n = friends.shape[0]
        self.companies = companies
        self.space = Network(nx.from_scipy_sparse_array(friends), random=model.random,
                             layout=None)
        people = [consumer_class(model, self.space._cells[i], self, float(persuasion[i]),
                                 float(care[i]), companies) for i in range(self.n)]
        self.consumers = AgentSet(people, random=model.random)
        self.people = people   # in consumer order, for the array views below
        self.entries: list[Follow] = []
        ptr, who = self.follows.indptr, self.follows.indices
        for row in range(self.follows.shape[0]):
            for entry in range(ptr[row], ptr[row + 1]):
                follow = Follow(row, entry)
                people[who[entry]].follows.append(follow)
                self.entries.append(follow)
        self._reset_tally()

    def _reset_tally(self) -> None:
        n_inf = self.follows.shape[0]
        self.impressions = [0] * n_inf
        self.likes = [0] * n_inf
        self.complaints = [0] * n_inf
        self.praises = [0] * n_inf
        self.attributed = [0] * n_inf
        self.recognised_by = [0] * n_inf
        self.sales = [0] * self.companies

    # ------------------------------------------------------------------- week
    def week(self, posts: Sequence[Post], market: Market, draws: WeekDraws | None,
             p: dict) -> WeekOutcome:
        """Advance every consumer by one week. ``draws`` is ignored: agents draw their own."""
        self._reset_tally()
        by_influencer = {post.influencer: post for post in posts}
        scrutinised = ([] if market.scrutinised is None
                       else [int(c) for c in np.flatnonzero(market.scrutinised)])
        self.consumers.shuffle_do("act", by_influencer, market, scrutinised, p)
        self.consumers.shuffle_do("talk", p)
        self.consumers.do("settle", p)
        counts = {name: np.array(getattr(self, name), dtype=np.int64)
                  for name in ("impressions", "likes", "complaints", "praises", "sales",
                               "attributed", "recognised_by")}
        return WeekOutcome(**counts, recognised=int(counts["recognised_by"].sum()))

    def crisis_news(self, company: int, candid_entries: np.ndarray, p: dict,
                    explained: np.ndarray | float = 1.0) -> None:
        """A scandal reaches everyone aware of the brand; candid influencers are credited."""
        entries = [self.entries[int(e)] for e in candid_entries]
        told_first = {self.people[self.follows.indices[f.entry]] for f in entries}
        self.consumers.do(lambda a: a.hear_crisis(company, a in told_first, p))
        share = np.broadcast_to(np.asarray(explained, dtype=float), (len(entries),))
        for follow, x in zip(entries, share, strict=True):
            follow.cred_r += p["credibility_weight"] * (1.0 + p["explained_bonus"] * x)

    # ------------------------------------------- views for the model and metrics
    @property
    def follow_count(self) -> int:
        """Number of follow ties."""
        return len(self.entries)

    def audience(self, influencer: int) -> slice:
        """Slice of the follow entries that belong to ``influencer``."""
        ptr = self.follows.indptr
        return slice(int(ptr[influencer]), int(ptr[influencer + 1]))

    @property
    def following(self) -> np.ndarray:
        """(follows,) the follower still follows."""
        return np.fromiter((f.following for f in self.entries), dtype=bool,
                           count=len(self.entries))

    def credibility(self) -> np.ndarray:
        """(follows,) expected credibility of the followed influencer."""
        return np.fromiter((f.credibility for f in self.entries), dtype=float,
                           count=len(self.entries))

    def brand_trust(self) -> np.ndarray:
        """(companies, consumers) expected trust in each brand."""
        return np.array([[a.brand_trust(c) for a in self.people]
                         for c in range(self.companies)]).reshape(self.companies, self.n)

    @property
    def aware(self) -> np.ndarray:
        """(companies, consumers) has heard of the brand."""
        return np.array([a.aware for a in self.people], dtype=bool).T.reshape(
            self.companies, self.n)

    @property
    def persuasion(self) -> np.ndarray:
        """(consumers,) persuasion knowledge."""
        return np.fromiter((a.persuasion for a in self.people), dtype=float, count=self.n)


class MesaPeerModel(InfluenceModel):
    """The influence world with its consumers as Mesa agents (see the module docstring).

    Args:
        rng: Seed, as for :class:`InfluenceModel`: the same seed gives the same network,
            audiences, companies and initial consumers as the kernel's model.
        consumer_class: The consumer agent class (default :class:`Consumer`).
        **params: World parameters, as for :class:`InfluenceModel`.
    """

    def __init__(self, *, rng: Any = None, consumer_class: type[Consumer] = Consumer,
                 **params: Any) -> None:
        super().__init__(rng=rng, **params)
        kernel = self.population   # the initial consumers the model drew, as arrays
        self.population = MesaPopulation(
            self, friends=kernel.friends, follows=kernel.follows,
            companies=len(self.companies), persuasion=kernel.persuasion, care=kernel.care,
            consumer_class=consumer_class)
