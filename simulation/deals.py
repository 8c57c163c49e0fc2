"""Deal types as inputs: what a company buys from an influencer, never which rules apply.

The model compares two ways of working with influencers. A rule that applied
to one of them only would be a conclusion written in, so a deal type here is
nothing but a choice of *inputs*; the same mechanisms (attention, recognition,
reactance, the weight of an explained relationship, experience against
claims, the influencer's own trust in the company, crisis candour) then judge
every post and every influencer alike.

The inputs a deal chooses:

* ``script``: share of the post's words written by the company (1: marketing's
  script, 0: the influencer's own words). Reactance to a recognised
  persuasion attempt scales with it, and so does how much of the claim is
  marketing's rather than what the influencer knows.
* ``briefed``: whether the company's contact passes product facts to the
  influencer. Facts are what the influencer knows, and each is evidence that
  the company is straight with them; a briefed influencer may also learn of a
  crisis in time to tell their audience first.
* ``feedback``: whether a channel exists for the influencer's product feedback
  to reach design (where it takes design capacity and may be wrong).
* ``explained``: share of the disclosure that explains the relationship rather
  than only saying "paid".
* ``involvement``: extra time the influencer gives (briefings, co-design),
  paid as a retainer on top of the market rate per post.

How much a post costs, how salient its disclosure is and how far marketing
overstates are company settings, the same whatever the deal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DealTerms:
    """The inputs one deal type chooses (see the module docstring).

    Attributes:
        script: Share of the words written by the company, in [0, 1].
        briefed: The contact passes product facts to the influencer.
        feedback: A channel exists for product feedback to reach design.
        explained: Share of the disclosure that explains the relationship, in [0, 1].
        involvement: Retainer as a multiple of ``involvement_premium``, in [0, 1].
        salience_key: Company setting that gives the disclosure's salience.
    """

    script: float
    briefed: bool
    feedback: bool
    explained: float
    involvement: float
    salience_key: str


#: The two deal types of the essay, as inputs. A billboard deal rents the
#: audience: marketing writes the words, nothing else is shared, the
#: disclosure says "paid". An engaged deal is a relationship: the influencer
#: writes, is briefed, can send feedback, and the disclosure explains the tie.
DEAL_TYPES: dict[str, DealTerms] = {
    "billboard": DealTerms(script=1.0, briefed=False, feedback=False, explained=0.0,
                           involvement=0.0, salience_key="disclosure_billboard"),
    "engaged": DealTerms(script=0.0, briefed=True, feedback=True, explained=1.0,
                         involvement=1.0, salience_key="disclosure_engaged"),
}

#: Strategies a company may follow: one deal type for everyone, or a mix.
STRATEGIES = ("billboard", "engaged", "mixed")


def terms(deal: str) -> DealTerms:
    """The inputs of a deal type; raises KeyError for an unknown one."""
    return DEAL_TYPES[deal]


def deal_for(strategy: str, position: int, engaged_share: float) -> str:
    """The deal offered to the company's ``position``-th influencer (largest first).

    A pure strategy gives everyone its deal; a mixed one spreads engaged deals
    evenly through the roster, ``engaged_share`` of them (rounded so that the
    first ``k`` influencers hold ``round(k x share)`` engaged deals).
    """
    if strategy != "mixed":
        return strategy
    before = round(position * engaged_share)
    return "engaged" if round((position + 1) * engaged_share) > before else "billboard"


def salience(deal: str, settings: dict[str, Any], floor: float) -> float:
    """Disclosure salience of a post under ``deal``: the company's wording, or a rule's floor."""
    return max(floor, float(settings[terms(deal).salience_key]))


def post_price(audience_share: float, consumers: int, deal: str,
               settings: dict[str, Any], market_size: int, fee: float = 0.0) -> float:
    """What one post costs the company: the market rate plus the deal's retainer.

    The market rate grows with the audience: ``post_fee`` per 1,000 followers
    in the market (``audience_share * market_size`` people). Money is counted
    per 1,000 people in the market and paid in the modelled world's units
    (``consumers / market_size`` of it), so that money and audiences keep their
    proportion at any number of modelled consumers. Involvement is paid on top,
    as a share ``involvement_premium`` of the rate. An influencer with an own
    ``fee`` (money per post for the whole market) is paid that instead of the
    market rate.
    """
    whole_market = fee if fee > 0 else settings["post_fee"] * audience_share * market_size / 1000.0
    rate = whole_market * consumers / market_size
    return rate * (1.0 + settings["involvement_premium"] * terms(deal).involvement)
