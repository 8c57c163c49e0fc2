"""Companies: departments, the flow of product facts, budgets and strategy.

The essay's central claim about organisations is that "information is power":
departments hoard what they know, so a siloed company cannot feed an
influencer the real product story, while a transversal one gives the
influencer a privileged contact (the liaison) who can reach every department.
Here that claim is a mechanism, an independent cascade of facts over a small
graph of departments, and its consequences (what influencers know, what they
claim, whether they stay) are left to emerge. The liaison meets the same
organisation: hoarding and rivalry reduce what it obtains (by
``liaison_exposure``, less than a department-to-department path), and a
liaison stretched over more departments than its span reaches each less.

Every rule here applies to every deal: a deal type only chooses inputs (see
:mod:`simulation.deals`), money buys posts for both at the same market rate,
and shareholders judge both on the company's own evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from .deals import DEAL_TYPES, deal_for, post_price, terms

if TYPE_CHECKING:
    from .influencers import Influencer

DEPARTMENT_NAMES = ("design", "production", "marketing", "communication",
                    "customer service", "sales", "finance", "legal", "purchasing",
                    "logistics", "human resources", "IT")
MARKETING = 2  # the department an influencer talks to when there is no liaison
PRODUCTION = 1  # where a product scandal starts


def department_graph(count: int) -> np.ndarray:
    """Adjacency of a company's departments: each works with its two nearest on each side.

    A ring lattice of degree four: small companies (five departments or fewer)
    are fully connected, large ones need several hops to cross.
    """
    adj = np.zeros((count, count), dtype=bool)
    for i in range(count):
        for step in (1, 2):
            j = (i + step) % count
            if j != i:
                adj[i, j] = adj[j, i] = True
    return adj


def effective_hoarding(hoarding: float, rivalry: float, departments: int) -> float:
    """Hoarding raised by rivalry between department heads, capped at 1."""
    return min(1.0, hoarding + rivalry * max(0, departments - 2))


def spread_fact(adj: np.ndarray, origin: int, spread_inside: float, hoarding: float,
                rng: np.random.Generator,
                neighbours: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """Spread one fact through the departments as an independent cascade.

    The fact first has to spread inside its own department (probability
    ``spread_inside``, tau_in); every department that knows it then gets one
    chance to pass it to each neighbouring department, with probability
    ``spread_inside * (1 - hoarding)``.

    Args:
        neighbours: Each department's neighbours in ``adj``, in order
            (:func:`neighbour_lists`); a company passes them so that a week's
            facts do not search the adjacency again (same draws, same result).

    Returns:
        Boolean array: which departments know the fact.
    """
    if neighbours is None:
        neighbours = neighbour_lists(adj)
    known = [False] * adj.shape[0]
    if rng.random() >= spread_inside:
        return np.array(known, dtype=bool)
    known[origin] = True
    frontier = [origin]
    cross = spread_inside * (1.0 - hoarding)
    while frontier:
        nxt = []
        for dept in frontier:
            for other in neighbours[dept]:
                if not known[other] and rng.random() < cross:
                    known[other] = True
                    nxt.append(other)
        frontier = nxt
    return np.array(known, dtype=bool)


def neighbour_lists(adj: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Each department's neighbours in an adjacency matrix, in increasing order."""
    return tuple(tuple(int(j) for j in np.flatnonzero(row)) for row in adj)


class Company(mesa.Agent):
    """A company: structure, product, budget, strategy and its shareholders.

    Attributes:
        index: Position in the model's company list (and in consumer arrays).
        settings: The company's resolved parameters (see ``parameters.COMPANY_PARAMS``).
        strategy: The strategy in force ("billboard", "engaged" or "mixed");
            shareholder pressure may change it, either way.
        liaison: Whether a liaison role exists (a transversal structure); it
            works only in weeks the budget pays for it (``liaison_funded``).
        quality: True product quality (own development and feedback move it).
        influencers: Influencers recruited by this company, in the order they
            joined, in a relationship or not any more.
        candidates: Influencers the company may still recruit, largest first.
    """

    def __init__(self, model: mesa.Model, index: int, settings: dict[str, Any]) -> None:
        super().__init__(model)
        self.index = index
        self.settings = settings
        self.name: str = settings["name"]
        self.structure: str = settings["structure"]
        self.strategy: str = settings["strategy"]
        self.liaison: bool = self.structure == "transversal"
        self.liaison_funded: bool = self.liaison
        self.departments = department_graph(settings["departments"])
        self._neighbours = neighbour_lists(self.departments)
        self.hoarding = effective_hoarding(settings["hoarding"], settings["rivalry"],
                                           settings["departments"])
        self.quality: float = settings["quality"]
        self.responsibility: float = settings["responsibility"]
        self.price: float = settings["price"]
        self.crisis_weeks_left = 0
        self.crisis_severity = 0.0
        self.crisis_due: tuple[float, int] | None = None
        self.crises: list[int] = []  # weeks at which a crisis started
        self.disclosure_floor = 0.0  # set by a disclosure rule
        self.influencers: list[Influencer] = []
        self.candidates: list[Influencer] = []
        self.strategy_since = 0  # weeks on the books when the strategy in force was adopted
        # ledgers, one entry per week
        self.revenue: list[float] = []
        self.spend: list[float] = []
        self.costs: list[float] = []
        self.sales: list[int] = []
        self.unspent: list[float] = []
        self.posts: list[float] = []
        #: per deal type and week: spend on it (fees, and the liaison for briefed deals)
        #: and the gross margin of the sales attributed to it (last influencer heard)
        self.deal_spend: dict[str, list[float]] = {d: [] for d in DEAL_TYPES}
        self.deal_margin: dict[str, list[float]] = {d: [] for d in DEAL_TYPES}
        self.profit_cumulative = 0.0
        self.week_spend = 0.0
        self.week_unspent = 0.0
        self.liaison_paid = 0.0
        self.design_paid = 0.0
        self.design_funded = float(self.settings["design_capacity"])
        # this week's information flow
        self.facts_arisen = 0
        self.facts_shared = 0
        self.metrics: dict[str, float] = {}

    # ---------------------------------------------------------------- queries
    @property
    def current_quality(self) -> float:
        """Quality a buyer gets this week (lower while a crisis lasts)."""
        if self.crisis_weeks_left > 0:
            return max(0.0, self.quality - self.crisis_severity)
        return self.quality

    @property
    def scripted_claim(self) -> float:
        """The quality claim marketing writes: nominal quality plus overstatement."""
        return min(1.0, self.quality + self.settings["overstatement"])

    @property
    def scripted_responsibility(self) -> float:
        """The responsibility claim marketing writes: true responsibility plus greenwashing."""
        return min(1.0, self.responsibility + self.settings["responsibility_overstatement"])

    @property
    def unit_cost(self) -> float:
        """Cost of making one unit: responsibility above 0.5 costs more, below saves."""
        s = self.settings
        return max(0.0, s["unit_cost"] + s["responsibility_cost"] * (self.responsibility - 0.5))

    def alive(self) -> list[Influencer]:
        """Influencers still in a relationship with the company."""
        return [i for i in self.influencers if i.alive]

    @property
    def has_liaison(self) -> bool:
        """A liaison works this week: the role exists and the budget pays for it."""
        return self.liaison and self.liaison_funded

    def liaison_reach(self) -> float:
        """Chance the liaison learns a fact known in one department.

        Its skill (``liaison_reach``), spread over the departments beyond its
        span, and reduced by the hoarding it meets: ``liaison_exposure`` times
        that of a department-to-department path.
        """
        s = self.settings
        span = min(1.0, s["liaison_span"] / self.departments.shape[0])
        return s["liaison_reach"] * span * (1.0 - s["liaison_exposure"] * self.hoarding)

    def channel(self) -> float:
        """Chance that a fact the company's contact knows reaches a briefed influencer.

        With a liaison it is the transparency tau. Without one the
        influencer's contact is marketing, and handing a fact outside is one
        more boundary crossing, blocked by hoarding.
        """
        tau = self.settings["transparency"]
        return tau if self.has_liaison else tau * (1.0 - self.hoarding)

    # ------------------------------------------------------------------- week
    def step(self) -> None:
        """Step 2 of the week: development, facts, feedback, crisis, shareholders, budget."""
        rng = self.model.rng
        s = self.settings
        self.liaison_funded = self.liaison and s["budget"] >= s["liaison_cost"]
        self.design_funded = self._funded_design()
        self.quality += s["development_rate"] * (1.0 - self.quality)
        self._information_flow(rng)
        self._feedback(rng)
        self._crisis_onset(rng)
        self._shareholders(rng)
        self._allocate_budget()

    def _funded_design(self) -> float:
        """Ideas a week design can act on: its capacity, or what the budget pays for.

        Design is paid after the liaison, before any post (``design_cost`` per idea
        a week); with no cost (the default) it is the whole ``design_capacity``.
        """
        s = self.settings
        if s["design_cost"] <= 0:
            return s["design_capacity"]
        left = s["budget"] - (s["liaison_cost"] if self.has_liaison else 0.0)
        return min(s["design_capacity"], max(0.0, left) / s["design_cost"])

    def _information_flow(self, rng: np.random.Generator) -> None:
        s = self.settings
        briefed = [i for i in self.alive() if i.terms.briefed]
        n_facts = int(rng.poisson(s["fact_rate"]))
        self.facts_arisen = n_facts
        self.facts_shared = 0
        reached = np.zeros(len(briefed), dtype=np.int64)
        ordinary = 0
        for _ in range(n_facts):
            origin = int(rng.integers(self.departments.shape[0]))
            strategic = rng.random() < s["strategic_share"]
            contact_knows = self._contact_learns(origin, rng)
            if strategic:
                continue  # strategic facts never leave the company
            ordinary += 1
            if not contact_knows:
                continue
            passed = rng.random(len(briefed)) < self.channel()
            reached += passed
            self.facts_shared += int(passed.sum())
        for inf, got in zip(briefed, reached, strict=True):
            inf.learn(int(got), ordinary)

    def _contact_learns(self, origin: int, rng: np.random.Generator) -> bool:
        """Spread one fact and say whether the influencers' contact now knows it."""
        s = self.settings
        known = spread_fact(self.departments, origin, s["spread_inside"], self.hoarding, rng,
                            self._neighbours)
        if self.has_liaison:
            return bool((rng.random(known.size) < self.liaison_reach())[known].any())
        return bool(known[min(MARKETING, known.size - 1)])

    def _feedback(self, rng: np.random.Generator) -> None:
        """Feedback from influencers with a channel may reach design, and may be wrong.

        Feedback reaches design through the liaison (its reach) or, without
        one, across the silo walls from marketing. Design acts on at most
        ``design_capacity`` ideas a week; an idea it acts on moves quality a
        step toward 1 with probability ``feedback_accuracy``, otherwise a step
        toward 0. Feedback that never reaches design, or finds no capacity
        left, is an unanswered question: it costs the influencer's trust as
        much as an answer builds it.
        """
        s = self.settings
        heard_p = self.liaison_reach() if self.has_liaison \
            else s["spread_inside"] * (1 - self.hoarding)
        capacity = self.design_funded
        whole = math.floor(capacity)
        left = whole + int(rng.random() < capacity - whole)
        gain = s["feedback_gain"]
        for inf in self.alive():
            if not inf.terms.feedback or rng.random() >= inf.settings["feedback_rate"]:
                continue
            if rng.random() < heard_p and left > 0:
                left -= 1
                if rng.random() < s["feedback_accuracy"]:
                    self.quality += gain * (1.0 - self.quality)
                else:
                    self.quality -= gain * self.quality
                inf.heard()
            else:
                inf.unanswered()

    # ---------------------------------------------------------------- events
    def schedule_crisis(self, severity: float, duration: int) -> None:
        """A scandal will break this week (a scheduled event)."""
        self.crisis_due = (severity, duration)

    def change(self, changes: dict[str, Any]) -> None:
        """New company settings from this week on (a scheduled ``change`` event).

        Derived state follows: a new structure creates or removes the
        liaison, a new strategy (or mix) changes the deal of every influencer
        who takes the company's deal, new hoarding or rivalry changes the
        effective hoarding.
        """
        self.settings = {**self.settings, **changes}
        s = self.settings
        if "structure" in changes:
            self.structure = s["structure"]
            self.liaison = self.structure == "transversal"
        if "strategy" in changes or "engaged_share" in changes:
            self._adopt(s["strategy"])
        self.hoarding = effective_hoarding(s["hoarding"], s["rivalry"], s["departments"])
        for name in ("quality", "responsibility", "price"):
            if name in changes:
                setattr(self, name, s[name])
        text = ", ".join(f"{k} = {v}" for k, v in changes.items())
        kind = "strategy" if "strategy" in changes or "structure" in changes else "change"
        self.model.log_event(self, kind, text)

    def _adopt(self, strategy: str) -> None:
        """Follow ``strategy`` from now on: every influencer on the company's deal gets its own."""
        self.strategy = strategy
        self.settings = {**self.settings, "strategy": strategy}
        self.strategy_since = len(self.spend)
        share = self.settings["engaged_share"]
        for position, inf in enumerate(self.influencers):
            if inf.takes_company_deal:
                inf.deal = deal_for(strategy, position, share)

    def deal_of_next_recruit(self) -> str:
        """The deal the strategy offers the next influencer to join."""
        return deal_for(self.strategy, len(self.influencers), self.settings["engaged_share"])

    def disclosure_rule(self, salience: float) -> None:
        """From now on every paid post carries a disclosure at least this salient."""
        self.disclosure_floor = max(self.disclosure_floor, salience)
        self.model.log_event(self, "disclosure",
                             f"disclosure rule: salience at least {salience:g}")

    def _crisis_onset(self, rng: np.random.Generator) -> None:
        """A scandal (scheduled by ``crisis_week`` or an event) starts in production.

        Who learns of it in time to tell the audience first? Any briefed
        influencer the news reaches through the company's contact.
        """
        if self.crisis_weeks_left > 0:
            self.crisis_weeks_left -= 1
        if self.model.steps == self.settings["crisis_week"]:
            self.crisis_due = (self.settings["crisis_severity"], self.settings["crisis_duration"])
        if self.crisis_due is None:
            return
        self.crisis_severity, self.crisis_weeks_left = self.crisis_due
        self.crisis_due = None
        self.crises.append(self.model.steps)
        self.model.log_event(self, "crisis", "a product scandal breaks")
        origin = min(PRODUCTION, self.departments.shape[0] - 1)
        contact_knows = self._contact_learns(origin, rng)
        for inf in self.alive():
            inf.speaks_first = (inf.terms.briefed and contact_knows
                                and rng.random() < self.channel())

    # ------------------------------------------------------------ shareholders
    def deal_returns(self, weeks: int) -> dict[str, float | None]:
        """Return on spend of each deal type over the last ``weeks``, on the company's own books.

        The return of a deal is (gross margin of the sales attributed to it -
        spend on it) / spend on it, where a sale is attributed to the deal of
        the last influencer whose claim the buyer heard (last-touch, as
        companies measure it) and the liaison's salary is spent on the briefed
        deals. None for a deal the company has not paid for in that window.
        """
        out: dict[str, float | None] = {}
        for deal in DEAL_TYPES:
            spend = sum(self.deal_spend[deal][-weeks:])
            margin = sum(self.deal_margin[deal][-weeks:])
            out[deal] = (margin - spend) / spend if spend > 0 else None
        return out

    def strategy_return(self, weeks: int) -> float | None:
        """Return on all influence spend over the last ``weeks`` (attributed margin, all deals)."""
        spend = sum(sum(v[-weeks:]) for v in self.deal_spend.values())
        margin = sum(sum(v[-weeks:]) for v in self.deal_margin.values())
        return (margin - spend) / spend if spend > 0 else None

    def believed_returns(self, weeks: int) -> dict[str, float | None]:
        """What the company believes each deal type returns, from evidence only.

        A deal it has run: the return on its own books over the last ``weeks``
        in which it paid for that deal (remembered after it stopped). A deal
        it never ran: what rival companies running it earn on theirs over the
        last ``weeks`` (the industry's benchmark). None where there is no
        evidence: nobody can say that an untried deal pays better.
        """
        believed: dict[str, float | None] = {}
        for deal in DEAL_TYPES:
            own = self._remembered_return(deal, weeks)
            if own is not None:
                believed[deal] = own
                continue
            rivals = [r for c in self.model.companies if c is not self
                      if (r := c.deal_returns(weeks)[deal]) is not None]
            believed[deal] = float(np.mean(rivals)) if rivals else None
        return believed

    def _remembered_return(self, deal: str, weeks: int) -> float | None:
        """Return of ``deal`` over the last ``weeks`` weeks the company paid for it."""
        paid = [w for w, spend in enumerate(self.deal_spend[deal]) if spend > 0][-weeks:]
        if len(paid) < weeks:
            return None
        spend = sum(self.deal_spend[deal][w] for w in paid)
        margin = sum(self.deal_margin[deal][w] for w in paid)
        return (margin - spend) / spend

    def _shareholders(self, rng: np.random.Generator) -> None:
        """Shareholders judge the strategy on the company's evidence, either way.

        Once the strategy in force has run for a whole horizon, its return
        over that horizon is compared with ``return_target``. Shareholders who
        find it lagging move, with probability ``pressure`` a week, to the
        pure strategy with the best believed return (:meth:`believed_returns`),
        if that belief beats the current return by at least ``switch_margin``
        (a switch has costs). A strategy that meets the target stays, and so
        does one for which no evidence shows a better alternative.
        """
        s = self.settings
        horizon = s["horizon"]
        if s["pressure"] <= 0 or len(self.spend) - self.strategy_since < horizon:
            return
        current = self.strategy_return(horizon)
        if current is None or current >= s["return_target"]:
            return
        believed = {d: r for d, r in self.believed_returns(horizon).items() if r is not None}
        if not believed:
            return
        best = max(believed, key=lambda d: believed[d])
        if best == self.strategy or believed[best] < current + s["switch_margin"]:
            return
        if rng.random() < s["pressure"]:
            before = self.strategy
            self._adopt(best)
            self.model.log_event(self, "strategy",
                                 f"shareholders move from {before} to {best} deals "
                                 f"(return {current:+.2f}, believed {believed[best]:+.2f}, "
                                 f"target {s['return_target']:+.2f})")

    # ------------------------------------------------------------------ money
    def _allocate_budget(self) -> None:
        """Spend the weekly budget, the same way whatever the deals.

        The liaison is paid first, then design's capacity to act on feedback
        (``design_cost``, 0 by default). The rest is shared equally between the
        relationships alive and buys posts at each deal's price (the market
        rate, plus the retainer of an involved deal), up to ``max_posts`` per
        (or that influencer's own ``max_posts``, a plan's cap)
        influencer; money a capped influencer cannot absorb goes to the
        others, and once every partner is capped the company recruits its
        largest remaining candidate. What no one can absorb is reported as
        unspent.
        """
        s = self.settings
        n = self.model.params["consumers"]
        scale = n / 1000.0
        budget = s["budget"] * scale
        self.liaison_paid = s["liaison_cost"] * scale if self.has_liaison else 0.0
        # design's capacity to act on feedback is paid next, whatever the deals (0 unless a
        # scenario or a plan prices it), for the ideas the budget funds this week
        self.design_paid = s["design_cost"] * self.design_funded * scale
        for inf in self.influencers:
            inf.posts, inf.fee_paid = 0.0, 0.0
        pool = budget - self.liaison_paid - self.design_paid
        open_ = self.alive()
        while pool > 1e-9:
            if not open_:
                recruit = self._recruit()
                if recruit is None:
                    break
                open_ = [recruit]
            each = pool / len(open_)
            still = []
            for inf in open_:
                price = post_price(inf.audience_share, n, inf.deal, s,
                                   self.model.params["market_size"], inf.fee)
                cap = inf.max_posts if inf.max_posts > 0 else s["max_posts"]
                room = (cap - inf.posts) * price
                pay = min(each, room)
                inf.posts += pay / price
                inf.fee_paid += pay
                pool -= pay
                if room - pay > 1e-9:
                    still.append(inf)
            open_ = still
        self.week_unspent = pool if pool > 1e-9 else 0.0
        self.week_spend = (self.liaison_paid + self.design_paid
                           + sum(i.fee_paid for i in self.influencers))

    def _recruit(self) -> Influencer | None:
        """Start a relationship with the largest remaining candidate, if any."""
        if not self.candidates:
            return None
        inf = self.candidates.pop(0)
        inf.deal = self.deal_of_next_recruit()
        inf.join()
        self.influencers.append(inf)
        self.model.log_event(self, "recruit",
                             f"influencer {inf.row} joins on a {inf.deal} deal")
        return inf

    def settle(self, sales: int, attributed: np.ndarray) -> None:
        """Close the week's books once consumers have bought.

        Args:
            sales: Units sold this week.
            attributed: (influencers,) sales whose buyer last heard a claim
                from each influencer (rows of the follow matrix).
        """
        s = self.settings
        revenue = sales * self.price
        scale = self.model.params["consumers"] / 1000.0
        costs = sales * self.unit_cost + self.facts_shared * s["disclosure_cost"] * scale
        self.revenue.append(revenue)
        self.spend.append(self.week_spend)
        self.costs.append(costs)
        self.sales.append(sales)
        self.unspent.append(self.week_unspent)
        self.posts.append(sum(i.posts for i in self.influencers))
        margin_each = self.price - self.unit_cost
        fees = {d: 0.0 for d in DEAL_TYPES}
        margin = {d: 0.0 for d in DEAL_TYPES}
        for inf in self.influencers:
            fees[inf.deal] += inf.fee_paid
            margin[inf.deal] += margin_each * float(attributed[inf.row])
        paid = [d for d in DEAL_TYPES if fees[d] > 0]
        carriers = [d for d in paid if terms(d).briefed] or paid
        for d in carriers:
            fees[d] += self.liaison_paid / len(carriers)
        listened = [d for d in paid if terms(d).feedback] or paid
        for d in listened:
            fees[d] += self.design_paid / len(listened)
        for d in DEAL_TYPES:
            self.deal_spend[d].append(fees[d])
            self.deal_margin[d].append(margin[d])
        self.profit_cumulative += revenue - costs - self.week_spend
