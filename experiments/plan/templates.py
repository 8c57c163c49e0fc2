"""The files ``influence plan init DIR`` writes: a documented roster and company.

They parse as they are (tests/test_plan_roster.py runs them), so a strategist
can start from a plan that works and replace its rows and values.
"""

from __future__ import annotations

ROSTER_CSV = """\
# Roster: one row per influencer the company could work with (docs/plan.md documents it).
# Lines starting with # are comments. Columns may come in any order; optional ones may be
# left out or left empty. Money is in the currency of company.toml; numbers use a point.
#   name              required  unique name or handle
#   platform          required  instagram, tiktok, youtube ... (kept; the model has one platform)
#   followers         required  followers on the platform, a whole number >= 1
#   engagement_pct    optional  likes per follower per post, in percent (1.8 = 1.8 %);
#                               empty: the model's engagement curve
#   fee_per_post      required  what one sponsored post costs, > 0
#   fee_relationship  optional  what one post costs in a standing relationship, retainer included
#   deals             required  billboard, engaged, or billboard|engaged (either)
#   overlap_group     optional  a label shared by influencers whose audiences overlap
# These three rows are placeholders, not real influencers.
name,platform,followers,engagement_pct,fee_per_post,fee_relationship,deals,overlap_group
Example Nano,instagram,8000,2.4,100,150,billboard|engaged,city
Example Micro,tiktok,60000,1.1,600,,engaged,city
Example Macro,youtube,450000,,4000,5500,billboard,
"""

COMPANY_TOML = """\
# Company: who runs the plan, with what money, product, structure and market
# (docs/plan.md documents every key). Money is in `currency`.

name = "Example Co"          # a label in the results
currency = "EUR"             # a label only
weekly_budget = 5000         # money per week for influencers, the liaison included
weeks = 52                   # horizon: weeks to simulate
strategy = "engaged"         # deal for influencers who accept both: billboard, engaged or mixed
# engaged_share = 0.5        # with strategy = "mixed": share of them offered an engaged deal

[product]
quality = 0.6                # true quality, 0 to 1
responsibility = 0.5         # true responsibility, 0 to 1 (0.5 is neutral)
price = 20.0                 # unit price
unit_cost = 8.0              # cost of making one unit
# reference_price = 20.0     # the category's usual price (default: price)

[structure]
departments = 6              # 1 to 12
hoarding = 0.5               # chance a fact crossing departments is blocked, 0 to 1
liaison = true               # a liaison links departments and influencers (transversal)
liaison_cost = 800           # money per week for the liaison, out of weekly_budget
transparency = 0.8           # share of non-strategic facts shared with influencers, 0 to 1
# disclosure_cost = 0        # money per fact shared (what competitors may learn), in costs
# design_cost = 0            # money per week per idea a week design acts on, out of weekly_budget

[shareholders]
horizon = 26                 # weeks over which they judge the return
pressure = 0.0               # chance per week they act on a lagging return (0: never)
return_target = 0.0          # return on influence spend they expect (0: break even)

[market]
size = 1000000               # people in the product's addressable market
followers_in_market = 0.2    # share of an influencer's followers who are in that market
consumers = 5000             # consumers modelled (a sample of the market)
"""
