"""The influence world: consumers, influencers and companies in one Mesa model.

Schedule of one week (one step), in order:

1. Scheduled events of the week: a crisis is set to break, a company
   changes its settings (strategy, structure, transparency ...), a
   disclosure rule comes into force.
2. Companies: their own development moves quality; product facts arise and
   spread through the departments; what reaches the influencers' contact is
   passed on to briefed influencers (scaled by transparency); feedback from
   influencers with a channel may reach design; a crisis starts;
   shareholders may change the strategy; the budget buys posts (and
   recruits candidates when partners cannot absorb it).
3. Influencers post what their deal pays for.
4. Consumers (vectorised): exposure and evaluation, purchase, experience
   against claims, the press on responsibility, word of mouth, forgetting
   and maturation.
5. Influencers review the week: complaints cost trust, praise builds it;
   some leave.
6. Companies settle their books.
7. Crisis news: a crisis that broke this week reaches the public; followers
   of an influencer who learned of it in time hear it first, honestly.
8. Measurement.
"""

from __future__ import annotations

import secrets
from typing import Any

import mesa
import numpy as np
import scipy.sparse as sp

from . import metrics
from .companies import Company
from .consumers import ConsumerPopulation, Market, draw_week
from .influencers import (
    Influencer,
    audience_share,
    engagement_rate,
    follower_counts,
    recruit_audience,
)
from .network import build_network
from .parameters import resolve


class InfluenceModel(mesa.Model):
    """Billboard deals against engaged relationships, in one world.

    Args:
        rng: Seed (int) or numpy Generator. One seed fixes the whole run,
            network and audiences included. None draws a fresh seed and
            records it in ``self.seed``.
        **params: Any declared parameter (see :mod:`simulation.parameters`);
            missing ones take their defaults. ``companies``, ``influencer``
            and ``influencers`` take nested tables.

    Raises:
        ParameterError: for an unknown parameter or a value out of range.
    """

    def __init__(self, *, rng: int | str | np.random.Generator | None = None,
                 **params: Any) -> None:
        if rng is None:
            rng = secrets.randbits(63)
        if isinstance(rng, str):
            rng = int(rng.strip())
        self.seed = rng if isinstance(rng, int) else None
        super().__init__(rng=rng)
        self.params = resolve(params)
        p = self.params
        self.events: list[dict[str, Any]] = []
        self.friends = build_network(p["network"], p["consumers"], p["network_degree"],
                                     self.rng, rewiring=p["rewiring"],
                                     exponent=p["scale_free_exponent"])
        self.companies = [Company(self, i, cfg) for i, cfg in enumerate(p["companies"])]
        follows = self._create_influencers()
        n = p["consumers"]
        persuasion = np.clip(self.rng.normal(p["pk_initial"], p["pk_spread"], n), 0.0, 1.0)
        care = _care(p["care_mean"], n, self.rng)
        self.population = ConsumerPopulation(friends=self.friends, follows=follows,
                                             companies=len(self.companies),
                                             persuasion=persuasion, care=care)
        self.datacollector = mesa.DataCollector(
            model_reporters={"persuasion_knowledge": metrics.persuasion_knowledge},
            agenttype_reporters={Company: metrics.company_reporters()},
        )
        metrics.measure(self)
        self.datacollector.collect(self)

    def _create_influencers(self) -> sp.csr_matrix:
        """Create the influencer agents and their audiences (the follow matrix)."""
        p = self.params
        n = p["consumers"]
        counts = self._draw_followers(p["influencers_per_company"])
        generated = [{**p["influencer"], "company": c, "followers": int(f)}
                     for f in counts for c in range(len(self.companies))]
        # influencers[i] overrides the i-th generated influencer (only the keys it sets);
        # entries beyond the generated ones add influencers.
        overrides = p["influencers"]
        roles = [{**gen, **overrides[i]} if i < len(overrides) else gen
                 for i, gen in enumerate(generated)] + list(overrides[len(generated):])
        pool = self._draw_followers(p["candidates_per_company"])
        candidates = [{**p["influencer"], "company": c, "followers": int(f),
                       "candidate": True} for f in pool for c in range(len(self.companies))]
        self.influencers: list[Influencer] = []
        audiences = []
        #: overlap group -> the consumer its members' local audiences grow around
        centres: dict[str, int] = {}
        for row, role in enumerate([*roles, *candidates]):
            company = self.companies[role["company"]]
            followers = role["followers"]
            share = audience_share(followers, p["followers_in_market"], p["market_size"])
            size = max(1, int(round(share * n)))
            group = role.get("overlap_group", "")
            if group and group not in centres and p["follower_locality"] > 0:
                # drawn as recruit_audience would draw it: the first member's audience
                # is the one it would have had without a group
                centres[group] = int(self.rng.integers(n))
            audiences.append(recruit_audience(self.friends, size, p["follower_locality"],
                                              self.rng, centre=centres.get(group)))
            er = role.get("engagement") or engagement_rate(
                followers, p["engagement_ref"], p["engagement_ref_followers"],
                p["engagement_exponent"])
            settings = {k: role[k] for k in p["influencer"]}
            deal = role.get("deal", "company")
            candidate = role.get("candidate", False)
            offered = company.deal_of_next_recruit() if deal == "company" else deal
            inf = Influencer(self, row, company, share, er, settings, deal=offered,
                             candidate=candidate, followers=followers)
            inf.audience_size = audiences[-1].size
            inf.fee = float(role.get("fee", 0.0))
            inf.max_posts = float(role.get("max_posts", 0.0))
            inf.takes_company_deal = deal == "company"
            (company.candidates if candidate else company.influencers).append(inf)
            self.influencers.append(inf)
        rows = np.repeat(np.arange(len(audiences)), [a.size for a in audiences])
        cols = np.concatenate(audiences) if audiences else np.empty(0, dtype=np.int64)
        data = np.ones(rows.size, dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(audiences), n))

    def _draw_followers(self, count: int) -> np.ndarray:
        """Follower counts of ``count`` influencers per company, largest first."""
        p = self.params
        return follower_counts(count, p["followers_min"], p["followers_max"],
                               p["audience_tail"], self.rng)

    # ------------------------------------------------------------------ week
    def step(self) -> None:
        """Advance the world by one week (see the module docstring for the order)."""
        p = self.params
        self._scheduled_events()
        for company in self.companies:
            company.step()
        posts = [post for inf in self.influencers if (post := inf.step()) is not None]
        market = Market(
            quality=np.array([c.current_quality for c in self.companies]),
            responsibility=np.array([c.responsibility for c in self.companies]),
            price=np.array([c.price for c in self.companies]),
            scrutinised=self.rng.random(len(self.companies)) < p["scrutiny"],
        )
        pop = self.population
        # Follow entries of influencers not yet recruited are never read this week: draw
        # only up to the end of the last partner's audience (candidates come last).
        partners = [inf.row for inf in self.influencers if inf.status != "candidate"]
        active = int(pop.follows.indptr[max(partners) + 1]) if partners else 0
        draws = draw_week(self.rng, pop.n, active)
        outcome = pop.week(posts, market, draws, p)
        for inf in self.influencers:
            inf.impressions = int(outcome.impressions[inf.row])
            inf.likes = int(outcome.likes[inf.row])
            inf.recognised = int(outcome.recognised_by[inf.row])
            inf.review(int(outcome.complaints[inf.row]), int(outcome.praises[inf.row]))
        for company in self.companies:
            company.settle(int(outcome.sales[company.index]), outcome.attributed)
        self._crisis_news()
        metrics.measure(self)
        self.datacollector.collect(self)

    def _scheduled_events(self) -> None:
        """Step 1: this week's scheduled events (crisis, change, disclosure rule)."""
        for event in self.params["events"]:
            if event["week"] != self.steps:
                continue
            kind = event["kind"]
            if kind == "disclosure":
                targets = (self.companies if "company" not in event
                           else [self.companies[event["company"]]])
                for company in targets:
                    company.disclosure_rule(event["salience"])
                continue
            company = self.companies[event["company"]]
            if kind == "crisis":
                company.schedule_crisis(event["severity"], event["duration"])
            else:
                company.change({k: v for k, v in event.items()
                                if k not in ("week", "kind", "company")})

    def _crisis_news(self) -> None:
        """Step 7: a crisis that broke this week reaches the public."""
        pop = self.population
        for company in self.companies:
            if not company.crises or company.crises[-1] != self.steps:
                continue
            candid, explained = [], []
            for inf in company.influencers:
                if not (inf.alive and inf.speaks_first):
                    continue
                span = pop.audience(inf.row)
                entries = np.arange(span.start, span.stop)[pop.following[span]]
                hears = self.rng.random(entries.size) < inf.engagement
                candid.append(entries[hears])
                explained.append(np.full(int(hears.sum()), inf.terms.explained))
            candid_entries = np.concatenate(candid) if candid else np.empty(0, dtype=np.int64)
            shares = np.concatenate(explained) if explained else np.empty(0)
            pop.crisis_news(company.index, candid_entries, self.params, shares)

    # --------------------------------------------------------------- helpers
    def log_event(self, company: Company, kind: str, text: str) -> None:
        """Record a moment worth marking on a chart (crisis, strategy change, churn)."""
        self.events.append({"step": self.steps, "company": company.name, "kind": kind,
                            "text": text})

    def timeseries(self):
        """The run so far as one tidy DataFrame (see :func:`metrics.timeseries`)."""
        return metrics.timeseries(self)


def _care(mean: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Care for responsible products: Beta-distributed around ``mean``."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, mean)
    concentration = 4.0
    return rng.beta(concentration * mean, concentration * (1.0 - mean), n)
