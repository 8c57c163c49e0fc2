"""Companies: departments, the flow of product facts, budgets and strategy.

The essay's central claim about organisations is that "information is power":
departments hoard what they know, so a siloed company cannot feed an
influencer the real product story, while a transversal one gives the
influencer a privileged contact (the liaison) who can reach every department.
Here that claim is a mechanism, an independent cascade of facts over a small
graph of departments, and its consequences (what influencers know, what they
claim, whether they stay) are left to emerge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

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
                rng: np.random.Generator) -> np.ndarray:
    """Spread one fact through the departments as an independent cascade.

    The fact first has to spread inside its own department (probability
    ``spread_inside``, tau_in); every department that knows it then gets one
    chance to pass it to each neighbouring department, with probability
    ``spread_inside * (1 - hoarding)``.

    Returns:
        Boolean array: which departments know the fact.
    """
    known = np.zeros(adj.shape[0], dtype=bool)
    if rng.random() >= spread_inside:
        return known
    known[origin] = True
    frontier = [origin]
    cross = spread_inside * (1.0 - hoarding)
    while frontier:
        nxt = []
        for dept in frontier:
            for other in np.flatnonzero(adj[dept]):
                if not known[other] and rng.random() < cross:
                    known[other] = True
                    nxt.append(int(other))
        frontier = nxt
    return known


class Company(mesa.Agent):
    """A company: structure, product, budget, strategy and its shareholders.

    Attributes:
        index: Position in the model's company list (and in consumer arrays).
        settings: The company's resolved parameters (see ``parameters.COMPANY_PARAMS``).
        strategy: The deal type the company offers ("billboard" or "engaged");
            shareholder pressure may switch it to billboard.
        liaison: Whether a liaison role currently exists.
        quality: True product quality (influencer feedback can raise it).
        influencers: Influencers in a relationship with this company, alive or not.
    """

    def __init__(self, model: mesa.Model, index: int, settings: dict[str, Any]) -> None:
        super().__init__(model)
        self.index = index
        self.settings = settings
        self.name: str = settings["name"]
        self.structure: str = settings["structure"]
        self.strategy: str = settings["strategy"]
        self.liaison: bool = self.structure == "transversal"
        self.departments = department_graph(settings["departments"])
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
        # ledgers, one entry per week
        self.revenue: list[float] = []
        self.spend: list[float] = []
        self.costs: list[float] = []
        self.sales: list[int] = []
        self.profit_cumulative = 0.0
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
        """The claim marketing writes: nominal quality plus overstatement."""
        return min(1.0, self.quality + self.settings["overstatement"])

    def alive(self) -> list[Influencer]:
        """Influencers still in a relationship with the company."""
        return [i for i in self.influencers if i.alive]

    def channel(self) -> float:
        """Chance that a fact the company's contact knows reaches an engaged influencer.

        With a liaison it is the transparency tau. Without one the
        influencer's contact is marketing, and handing a fact outside is one
        more boundary crossing, blocked by hoarding.
        """
        tau = self.settings["transparency"]
        return tau if self.liaison else tau * (1.0 - self.hoarding)

    # ------------------------------------------------------------------- week
    def step(self) -> None:
        """Step 2 of the week: facts, feedback, crisis onset, shareholders, budget."""
        rng = self.model.rng
        self._information_flow(rng)
        self._feedback(rng)
        self._crisis_onset(rng)
        self._shareholders(rng)
        self._allocate_budget()

    def _information_flow(self, rng: np.random.Generator) -> None:
        s = self.settings
        engaged = [i for i in self.alive() if i.deal == "engaged"]
        n_facts = int(rng.poisson(s["fact_rate"]))
        self.facts_arisen = n_facts
        self.facts_shared = 0
        reached = np.zeros(len(engaged), dtype=np.int64)
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
            passed = rng.random(len(engaged)) < self.channel()
            reached += passed
            self.facts_shared += int(passed.sum())
        for inf, got in zip(engaged, reached, strict=True):
            inf.learn(int(got), ordinary)

    def _contact_learns(self, origin: int, rng: np.random.Generator) -> bool:
        """Spread one fact and say whether the influencers' contact now knows it."""
        s = self.settings
        known = spread_fact(self.departments, origin, s["spread_inside"], self.hoarding, rng)
        if self.liaison:
            return bool((rng.random(known.size) < s["liaison_reach"])[known].any())
        return bool(known[min(MARKETING, known.size - 1)])

    def _feedback(self, rng: np.random.Generator) -> None:
        """Engaged influencers' feedback may reach design and improve the product.

        Feedback that is sent but never reaches design is an unanswered
        question: it costs the influencer's trust as much as an answer builds it.
        """
        s = self.settings
        heard_p = s["liaison_reach"] if self.liaison else s["spread_inside"] * (1 - self.hoarding)
        for inf in self.alive():
            if inf.deal != "engaged":
                continue
            if rng.random() >= inf.settings["feedback_rate"]:
                continue
            if rng.random() < heard_p:
                self.quality += s["feedback_gain"] * (1.0 - self.quality)
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
        liaison, a new strategy changes the deal of every influencer who
        takes the company's deal, new hoarding or rivalry changes the
        effective hoarding.
        """
        self.settings = {**self.settings, **changes}
        s = self.settings
        if "structure" in changes:
            self.structure = s["structure"]
            self.liaison = self.structure == "transversal"
        if "strategy" in changes:
            self.strategy = s["strategy"]
            for inf in self.influencers:
                if inf.takes_company_deal:
                    inf.deal = self.strategy
        self.hoarding = effective_hoarding(s["hoarding"], s["rivalry"], s["departments"])
        for name in ("quality", "responsibility", "price"):
            if name in changes:
                setattr(self, name, s[name])
        text = ", ".join(f"{k} = {v}" for k, v in changes.items())
        kind = "strategy" if "strategy" in changes or "structure" in changes else "change"
        self.model.log_event(self, kind, text)

    def disclosure_rule(self, salience: float) -> None:
        """From now on every paid post carries a disclosure at least this salient."""
        self.disclosure_floor = max(self.disclosure_floor, salience)
        self.model.log_event(self, "disclosure",
                             f"disclosure rule: salience at least {salience:g}")

    def _crisis_onset(self, rng: np.random.Generator) -> None:
        """A scandal (scheduled by ``crisis_week`` or an event) starts in production.

        Who learns of it in time to tell the audience first?
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
            inf.speaks_first = (inf.deal == "engaged" and contact_knows
                                and rng.random() < self.channel())

    def _shareholders(self, rng: np.random.Generator) -> None:
        """Shareholder myopia: a lagging return over the horizon may end engagement."""
        s = self.settings
        horizon = s["horizon"]
        engaged = [inf for inf in self.alive() if inf.deal == "engaged"]
        if not engaged or s["pressure"] <= 0 or len(self.spend) < horizon:
            return
        spend = sum(self.spend[-horizon:])
        if spend <= 0:
            return
        gain = sum(self.revenue[-horizon:]) - sum(self.costs[-horizon:]) - spend
        if gain / spend < s["return_target"] and rng.random() < s["pressure"]:
            self.strategy = "billboard"
            self.liaison = False
            for inf in engaged:
                inf.deal = "billboard"
            self.model.log_event(self, "strategy", "shareholders force billboard deals")

    def _allocate_budget(self) -> None:
        """Spend the weekly budget on the relationships alive.

        Engaged deals share the budget left after the liaison as retainers
        and post a fixed number of times. Billboard deals buy posts at a fee
        that grows with the audience, up to a weekly cap; money a capped
        influencer cannot absorb goes to the others.
        """
        s = self.settings
        alive = self.alive()
        scale = self.model.params["consumers"] / 1000.0
        budget = s["budget"] * scale
        # The liaison is paid first; it can never cost more than the whole budget.
        liaison_cost = min(budget, s["liaison_cost"] * scale) if self.liaison else 0.0
        for inf in self.influencers:
            inf.posts, inf.fee_paid = 0.0, 0.0
        if not alive:
            self.week_spend = 0.0
            return
        budget_left = max(0.0, budget - liaison_cost)
        engaged = [i for i in alive if i.deal == "engaged"]
        billboard = [i for i in alive if i.deal == "billboard"]
        share = budget_left / len(alive)
        for inf in engaged:
            inf.posts, inf.fee_paid = s["engaged_posts"], share
        pool = share * len(billboard)
        open_ = list(billboard)
        while open_ and pool > 1e-9:
            each = pool / len(open_)
            still = []
            for inf in open_:
                fee = s["billboard_fee"] * 100.0 * inf.audience_share * scale
                room = (s["max_posts"] - inf.posts) * fee
                pay = min(each, room)
                inf.posts += pay / fee
                inf.fee_paid += pay
                pool -= pay
                if room - pay > 1e-9:
                    still.append(inf)
            if len(still) == len(open_):
                break
            open_ = still
        self.week_spend = liaison_cost + sum(i.fee_paid for i in alive)

    def settle(self, sales: int) -> None:
        """Close the week's books once consumers have bought."""
        s = self.settings
        revenue = sales * self.price
        scale = self.model.params["consumers"] / 1000.0
        costs = sales * s["unit_cost"] + self.facts_shared * s["disclosure_cost"] * scale
        self.revenue.append(revenue)
        self.spend.append(self.week_spend)
        self.costs.append(costs)
        self.sales.append(sales)
        self.profit_cumulative += revenue - costs - self.week_spend
