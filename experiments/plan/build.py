"""A roster and a company mapped onto the model: a configuration and the roster table.

The mapping, in absolute units (docs/plan.md says the same in words):

* **money** is counted in units of the company's ``reference_price`` (the
  category's usual price, the model's price of 1); the model counts money per
  1,000 people in the market, so a weekly budget B becomes
  ``budget = B / reference_price x 1000 / market_size``, a liaison cost the
  same way, and a fee per post F (money for the whole market) becomes
  ``fee = F / reference_price``. A post then costs the same share of the
  budget as in the company's books, at any number of modelled consumers.
* **audiences** are the real follower counts: an influencer reaches the
  share ``followers x followers_in_market / market_size`` of the market.
* **engagement**: a roster gives likes per follower per post; the model's
  ``engagement`` is the chance a follower attends to a post, and an attending
  follower likes it with chance ``like_rate`` x credibility, credibility
  starting at 0.5 for everyone. So ``engagement = engagement_pct / 100 /
  (like_rate x 0.5)``, which gives the roster's observed rate in the model's
  first week (measured: tests/test_plan_roster.py); a rate above
  ``like_rate x 0.5`` is held at attention 1, with a note.
* **deals**: an influencer who accepts one deal gets that deal; one who
  accepts both gets the deal the company's strategy offers: fixed at the start
  when shareholders never act (``pressure = 0``), so that its relationship fee
  can price it, or left to the strategy (``deal = "company"``) when they may
  change it.

:func:`build` is what ``influence plan scenario`` and the later plan search
use: it takes the parsed company and roster, and optionally which influencers
to keep and which deal each gets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulation import parameters
from simulation.deals import deal_for
from simulation.influencers import audience_share, engagement_rate
from simulation.parameters import COMPANY, INFLUENCER_ROLE, ParameterError

from .company import Company
from .roster import PlanError, RosterRow

#: Credibility every follower starts with (Beta evidence (0, 0): E = 0.5).
START_CREDIBILITY = 0.5

#: Fewest modelled followers an influencer should have before a note suggests more consumers.
FEW_FOLLOWERS = 5


@dataclass(frozen=True)
class Plan:
    """A company and its roster, mapped onto the model.

    Attributes:
        company: The validated company.toml.
        roster: The validated roster rows (all of them).
        config: The resolved model configuration
            (``InfluenceModel(rng=seed, **plan.config)``).
        table: One row per influencer in the world, with the roster's columns
            and what the model makes of them (see :data:`TABLE_COLUMNS`).
        weeks: The horizon.
        notes: Things worth knowing about the mapping (small audiences, fees
            the model cannot use), one line each.
    """

    company: Company
    roster: tuple[RosterRow, ...]
    config: dict[str, Any]
    table: pd.DataFrame
    weeks: int
    notes: tuple[str, ...] = field(default=())

    @property
    def money_factor(self) -> float:
        """Company money per unit of money in the model's outputs (spend, revenue, profit)."""
        return money_factor(self.company, self.config["consumers"])


#: Columns of :attr:`Plan.table` beyond the roster's own.
TABLE_COLUMNS = {
    "deal": "the deal written into the scenario (billboard, engaged, or company: the "
            "company's strategy decides)",
    "deal_at_start": "the deal the influencer works under in week 1",
    "price_per_post": "what one post costs at the start, in the company's currency (the "
                      "retainer of an engaged deal included)",
    "audience_share": "share of the market among the influencer's followers",
    "modelled_followers": "followers among the modelled consumers",
    "attention": "the model's engagement: chance a follower attends to one post",
    "attention_from": "roster (converted engagement_pct), capped (converted, held at 1) "
                      "or curve (the model's engagement curve)",
    "fee_relationship_used": "whether fee_relationship prices this influencer's engaged posts",
}


def engagement_factor(config: Mapping[str, Any] | None = None) -> float:
    """Attention per observed like: 1 / (like_rate x starting credibility), at the defaults."""
    like_rate = (config or parameters.defaults())["like_rate"]
    return 1.0 / (like_rate * START_CREDIBILITY) if like_rate > 0 else float("inf")


def money_factor(company: Company, consumers: int) -> float:
    """Company money per model money unit in a run's outputs.

    A run books money per modelled consumer world: one unit there is
    ``reference_price x market_size / consumers`` in the company's currency.
    """
    return company["product.reference_price"] * company["market.size"] / consumers


def build(company: Company, roster: Sequence[RosterRow], *, label: str = "roster.csv",
          keep: Sequence[str] | None = None,
          deals: Mapping[str, str] | None = None) -> Plan:
    """Map a company and (part of) its roster onto the model.

    Args:
        company: The validated company.toml.
        roster: The validated roster.
        label: How messages name the roster file.
        keep: Names of the influencers to put in the world (default: all), in
            roster order.
        deals: Deal per influencer name, overriding the company's choice for
            those who accept both; must be a deal the influencer accepts.

    Raises:
        PlanError: naming the file, row and column (or key) of a value the
            model cannot take once converted.
    """
    deals = dict(deals or {})
    names = {r.name for r in roster}
    for name in deals:
        if name not in names:
            raise PlanError(label, "deals", name, "the name of an influencer in the roster")
    if keep is not None:
        unknown = [n for n in keep if n not in names]
        if unknown:
            raise PlanError(label, "keep", unknown[0], "the name of an influencer in the roster")
    chosen = [r for r in roster if keep is None or r.name in set(keep)]
    if not chosen:
        raise PlanError(label, "keep", "no influencer", "at least one influencer of the roster")

    ref = company["product.reference_price"]
    size = company["market.size"]
    consumers = company["market.consumers"]
    world = {
        "consumers": consumers,
        "market_size": size,
        "followers_in_market": company["market.followers_in_market"],
        "influencers_per_company": 0,
        "candidates_per_company": 0,
    }
    if consumers > size:
        raise PlanError(company.label, "market.consumers", consumers,
                        f"an integer no larger than market.size ({size:,}): the modelled "
                        "consumers are a sample of the market")
    defaults = parameters.defaults()
    if consumers <= defaults["network_degree"]:
        raise PlanError(company.label, "market.consumers", consumers,
                        f"an integer in [{defaults['network_degree'] + 1}, "
                        f"{int(parameters.WORLD['consumers'].high)}] (more than the "
                        f"{defaults['network_degree']} friends each consumer has)")
    firm = _company_params(company)
    factor = engagement_factor(defaults)
    premium = COMPANY["involvement_premium"].default
    fixed_strategy = firm["pressure"] == 0

    roles, rows, notes = [], [], []
    for position, r in enumerate(chosen):
        wanted = deals.get(r.name)
        if wanted is not None and wanted not in r.deals:
            raise PlanError(label, f"row {r.row}, column deals", wanted,
                            "a deal this influencer accepts (" + "|".join(r.deals) + ")")
        offered = deal_for(firm["strategy"], position, firm["engaged_share"])
        if wanted is not None:
            deal = wanted
        elif len(r.deals) == 1:
            deal = r.deals[0]
        elif fixed_strategy:
            deal = offered
        else:
            deal = "company"
        at_start = offered if deal == "company" else deal
        relationship_used = r.fee_relationship is not None and deal == "engaged"
        if relationship_used:
            fee = r.fee_relationship / (1.0 + premium)  # type: ignore[operator]
        else:
            fee = r.fee_per_post
            if r.fee_relationship is not None and deal == "company":
                notes.append(f"row {r.row} ({r.name}): fee_relationship is kept in the table "
                             "only: with shareholder pressure its deal may change, and the "
                             f"model prices an engaged post at fee_per_post x {1 + premium:g}")
        model_fee = fee / ref
        fee_param = INFLUENCER_ROLE["fee"]
        if not 0 < model_fee <= fee_param.high:  # type: ignore[operator]
            column = "fee_relationship" if relationship_used else "fee_per_post"
            raise PlanError(label, f"row {r.row}, column {column}",
                            r.fee_relationship if relationship_used else r.fee_per_post,
                            f"a fee whose ratio to product.reference_price ({ref:g}) lies in "
                            f"(0, {fee_param.high:g}]")
        role: dict[str, Any] = {"company": 0, "followers": r.followers, "fee": model_fee,
                                "deal": deal}
        if r.overlap_group:
            role["overlap_group"] = r.overlap_group
        if r.engagement_pct is not None:
            attention = r.engagement_pct / 100.0 * factor
            source = "roster"
            if attention > 1.0:
                notes.append(f"row {r.row} ({r.name}): engagement_pct {r.engagement_pct:g} is "
                             f"above the most the model can show ({100.0 / factor:.3g} % = "
                             "like_rate x 0.5 x 100, every follower attending every post): "
                             "its attention is 1 and its modelled likes fall short of the "
                             "roster's")
                attention = 1.0
                source = "capped"
            role["engagement"] = attention
        else:
            attention = engagement_rate(r.followers, defaults["engagement_ref"],
                                        defaults["engagement_ref_followers"],
                                        defaults["engagement_exponent"])
            source = "curve"
        roles.append(role)
        share = audience_share(r.followers, world["followers_in_market"], size)
        modelled = max(1, int(round(share * consumers)))
        if modelled < FEW_FOLLOWERS:
            notes.append(f"row {r.row} ({r.name}): about {share * consumers:.2g} of its "
                         f"followers are among the {consumers:,} modelled consumers; raise "
                         "market.consumers for a finer picture")
        price = fee * (1.0 + premium * (at_start == "engaged"))
        rows.append({
            "row": r.row, "name": r.name, "platform": r.platform, "followers": r.followers,
            "engagement_pct": r.engagement_pct, "fee_per_post": r.fee_per_post,
            "fee_relationship": r.fee_relationship, "deals": "|".join(r.deals),
            "overlap_group": r.overlap_group, "deal": deal, "deal_at_start": at_start,
            "price_per_post": price, "audience_share": share, "modelled_followers": modelled,
            "attention": attention, "attention_from": source,
            "fee_relationship_used": relationship_used,
        })

    config_in = {**world, "companies": [firm], "influencers": roles}
    try:
        config = parameters.resolve(config_in)
    except ParameterError as error:
        raise PlanError(company.label, _company_path(error.path), error.value,
                        error.allowed) from None
    return Plan(company, tuple(roster), config, pd.DataFrame(rows), company["weeks"],
                tuple(notes))


def _company_params(company: Company) -> dict[str, Any]:
    """The company's model parameters, converted to the model's units."""
    ref = company["product.reference_price"]
    size = company["market.size"]
    per_thousand = 1000.0 / size / ref
    firm = {
        "name": company["name"],
        "strategy": company["strategy"],
        "engaged_share": company["engaged_share"],
        "structure": "transversal" if company["structure.liaison"] else "siloed",
        "departments": company["structure.departments"],
        "hoarding": company["structure.hoarding"],
        "transparency": company["structure.transparency"],
        "horizon": company["shareholders.horizon"],
        "pressure": company["shareholders.pressure"],
        "return_target": company["shareholders.return_target"],
        "quality": company["product.quality"],
        "responsibility": company["product.responsibility"],
        "budget": company["weekly_budget"] * per_thousand,
        "liaison_cost": company["structure.liaison_cost"] * per_thousand,
        "design_cost": company["structure.design_cost"] * per_thousand,
        "disclosure_cost": company["structure.disclosure_cost"] * per_thousand,
        "price": company["product.price"] / ref,
        "unit_cost": company["product.unit_cost"] / ref,
    }
    for key, source in (("budget", "weekly_budget"), ("liaison_cost", "structure.liaison_cost"),
                        ("design_cost", "structure.design_cost"),
                        ("disclosure_cost", "structure.disclosure_cost"),
                        ("price", "product.price"), ("unit_cost", "product.unit_cost")):
        param = COMPANY[key]
        if not param.low <= firm[key] <= param.high:  # type: ignore[operator]
            if key in ("price", "unit_cost"):
                why = (f"x product.reference_price ({ref:g}): the model counts money in units "
                       "of the category's usual price")
            else:
                why = (f"x product.reference_price x market.size / 1000 ({ref * size / 1000:g})"
                       f": the model's {key} is {param.unit}")
            raise PlanError(company.label, source, company[source],
                            f"a number in [{param.low:g}, {param.high:g}] {why}")
    return firm


#: Model parameter paths and the company.toml key that set them.
_PATHS = {
    "consumers": "market.consumers", "market_size": "market.size",
    "followers_in_market": "market.followers_in_market",
    "network_degree": "market.consumers",
}


def _company_path(path: str) -> str:
    """Where a model parameter came from in company.toml (for a message)."""
    if path in _PATHS:
        return _PATHS[path]
    key = path.rpartition(".")[2]
    for section, keys in (("product", ("quality", "responsibility")),
                          ("structure", ("departments", "hoarding", "transparency")),
                          ("shareholders", ("horizon", "pressure", "return_target"))):
        if key in keys:
            return f"{section}.{key}"
    return path


def _plain(value: float) -> str:
    return f"{value:g}"
