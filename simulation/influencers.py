"""Influencers: audiences, deals, what they know and whether they stay.

An influencer is a person with an audience, not a billboard with a reach: how
much of the product story reaches them, what they claim, and how much they
trust the company decide whether their audience keeps believing them and
whether they keep the relationship at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import scipy.sparse as sp

from .consumers import Post
from .deals import DealTerms, salience, terms
from .network import neighbourhood
from .trust import expected_trust

if TYPE_CHECKING:
    from .companies import Company


def follower_counts(count: int, low: float, high: float, tail: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Draw heavy-tailed follower counts, largest first.

    A Pareto law truncated to [low, high]: many small influencers, few large
    ones, as in the industry's tiers (nano 1k-10k, micro 10k-100k, macro
    100k-1M, mega above).
    """
    u = rng.random(count)
    ratio = (low / high) ** tail
    counts = low * (1.0 - u * (1.0 - ratio)) ** (-1.0 / tail)
    return np.sort(np.rint(np.minimum(counts, high)))[::-1]


def audience_share(followers: float, in_market: float, market_size: float) -> float:
    """Share of the market that follows an influencer: followers in the market over its size.

    The modelled consumers are a sample of the market, so an influencer's
    audience among them is this share of them, whatever their number: the same
    roster means the same world at 2,000 or 1,000,000 modelled consumers.
    """
    return float(min(1.0, followers * in_market / market_size))


def engagement_rate(followers: float, ref: float, ref_followers: float,
                    exponent: float) -> float:
    """Chance a follower attends to one post: ER = ref * (followers / ref_followers)^-exponent.

    Engagement falls with the real follower count (Markerly 2016;
    HypeAuditor), so a macro influencer reaches many people thinly; it is read
    from the count on the platform, not from the modelled sample.
    """
    return float(min(1.0, ref * (followers / ref_followers) ** (-exponent)))


def recruit_audience(friends: sp.csr_matrix, size: int, locality: float,
                     rng: np.random.Generator, *, centre: int | None = None) -> np.ndarray:
    """Pick an audience of ``size`` consumers, clustered in a neighbourhood.

    A share ``locality`` comes breadth-first around a consumer (``centre``, or a
    random one when None), so followers know each other; the rest are drawn at
    random from everyone else. Influencers of one overlap group pass the same
    centre: their local followers come from the same rings of the network, so
    their audiences overlap as a niche's or a city's do.
    """
    n = friends.shape[0]
    size = max(1, min(size, n))
    if locality > 0 and centre is None:
        centre = int(rng.integers(n))
    local = neighbourhood(friends, centre, int(round(locality * size)), rng) \
        if locality > 0 else np.empty(0, dtype=np.int64)
    rest = size - local.size
    if rest > 0:
        mask = np.ones(n, dtype=bool)
        mask[local] = False
        others = np.flatnonzero(mask)
        local = np.concatenate([local, rng.choice(others, size=rest, replace=False)])
    return np.sort(local)


class Influencer(mesa.Agent):
    """An influencer in a relationship with one company.

    Attributes:
        row: The influencer's row in the follow matrix.
        company: The partner company.
        followers: Followers on the platform at the start (real people, in and out
            of the market).
        audience_share: Share of the market that follows (and of the modelled consumers).
        audience_size: Followers at the start among the modelled consumers.
        engagement: Chance a follower attends to one post.
        deal: "billboard" or "engaged": the inputs of the relationship (see
            :mod:`simulation.deals`), never which rules apply.
        status: "candidate" (not yet recruited), "partner" or "left".
        knowledge: Share of the product story that has reached the influencer.
        trust_r, trust_s: Beta evidence of the influencer's own trust in the company.
        alive: Whether the relationship stands now (a partner).
        tenure: Weeks in the relationship.
        posts, fee_paid: This week's posts and what the company paid for them.
        speaks_first: Learned of a crisis in time to tell the audience first.
    """

    def __init__(self, model: mesa.Model, row: int, company: Company, audience_share: float,
                 engagement: float, settings: dict[str, Any], *, deal: str,
                 candidate: bool = False, followers: int | None = None) -> None:
        super().__init__(model)
        self.row = row
        self.company = company
        p = model.params
        self.followers = int(followers) if followers is not None else int(round(
            audience_share * p["market_size"] / p["followers_in_market"]))
        self.audience_share = audience_share
        self.audience_size = max(1, int(round(audience_share * model.params["consumers"])))
        self.engagement = engagement
        self.fee = 0.0  # own rate per post for the whole market; 0: the market rate
        self.max_posts = 0.0  # own cap on sponsored posts a week; 0: the company's
        self.settings = settings
        self.deal = deal
        self.takes_company_deal = True  # False when the role set its own deal
        self.knowledge = 0.0
        self.trust_r = 0.0
        self.trust_s = 0.0
        self.status = "candidate" if candidate else "partner"
        self.alive = not candidate
        self.tenure = 0
        self.posts = 0.0
        self.fee_paid = 0.0
        self.speaks_first = False
        self.impressions = 0
        self.likes = 0
        self.recognised = 0  # this week's attending followers who recognised a paid post
        self.complaints = 0
        self.praises = 0

    @property
    def terms(self) -> DealTerms:
        """The inputs of this influencer's deal."""
        return terms(self.deal)

    def join(self) -> None:
        """A candidate starts a relationship with the company."""
        self.status = "partner"
        self.alive = True

    @property
    def trust_in_company(self) -> float:
        """The influencer's expected trust in the partner company."""
        return float(expected_trust(self.trust_r, self.trust_s))

    def learn(self, facts_reached: int, facts_ordinary: int) -> None:
        """Facts reached the influencer: knowledge grows, and so does trust.

        Knowledge is a moving average of the share of the week's
        non-strategic facts that reached them; each answer given is evidence
        that the company is straight with them.
        """
        if facts_ordinary > 0:
            memory = self.settings["knowledge_memory"]
            self.knowledge = memory * self.knowledge + (1 - memory) * facts_reached / facts_ordinary
        self.trust_r += self.settings["answer_weight"] * facts_reached

    def heard(self) -> None:
        """The influencer's feedback reached the designers."""
        self.trust_r += self.settings["answer_weight"]

    def unanswered(self) -> None:
        """The influencer's feedback went nowhere: "never getting answers" costs trust."""
        self.trust_s += self.settings["answer_weight"]

    def claim(self) -> float:
        """The quality the influencer's posts claim this week.

        The company's share of the words (``script``) says marketing's
        claim. The influencer's own words say what they know: a mix of the
        true quality (as far as the story reached them) and the script, or,
        for one who heard of a crisis in time, the truth.
        """
        company = self.company
        script = self.terms.script
        if self.speaks_first and company.crisis_weeks_left > 0:
            own = company.current_quality
        else:
            k = self.knowledge
            own = k * company.current_quality + (1 - k) * company.scripted_claim
        return script * company.scripted_claim + (1 - script) * own

    def responsibility_claim(self) -> float:
        """The responsibility the posts claim, mixed from script and knowledge like quality."""
        company = self.company
        script = self.terms.script
        k = self.knowledge
        own = k * company.responsibility + (1 - k) * company.scripted_responsibility
        return script * company.scripted_responsibility + (1 - script) * own

    def step(self) -> Post | None:
        """Step 3 of the week: publish what the deal pays for."""
        if not self.alive or self.posts <= 0:
            return None
        company = self.company
        deal = self.terms
        return Post(
            influencer=self.row,
            company=company.index,
            posts=self.posts,
            engagement=self.engagement,
            claim=self.claim(),
            script=deal.script,
            explained=deal.explained,
            salience=salience(self.deal, company.settings, company.disclosure_floor),
            responsibility_claim=self.responsibility_claim(),
        )

    def review(self, complaints: int, praises: int) -> None:
        """After the week: what followers found costs or builds trust; below the threshold, leave.

        Being asked to make claims one's audience then finds false is the
        main reason an influencer ends a relationship; claims the audience
        finds true are the other side of the same evidence. What counts is
        the share of the audience that reports, not the head count, so the
        rule is the same whatever the number of consumers modelled:
        ``audience_blame`` evidence per percent of the audience.
        """
        self.complaints = complaints
        self.praises = praises
        if not self.alive:
            return
        self.tenure += 1
        weight = self.settings["audience_blame"] * 100.0 / self.audience_size
        self.trust_s += weight * complaints
        self.trust_r += weight * praises
        keep = self.model.params["forgetting"]
        self.trust_r *= keep
        self.trust_s *= keep
        if self.trust_in_company < self.settings["churn_threshold"]:
            self.alive = False
            self.status = "left"
            self.model.log_event(self.company, "churn",
                                 f"influencer {self.row} ends the relationship")
