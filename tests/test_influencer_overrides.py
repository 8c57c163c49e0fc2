"""An ``influencers[i].KEY`` override changes that influencer and nothing else (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulation import cli, parameters
from simulation.model import InfluenceModel
from simulation.parameters import ParameterError, resolve, set_path

SMALL = {"consumers": 300}


def _roster(model: InfluenceModel) -> list[tuple]:
    """Every influencer as (company, audience share, audience size, deal, settings, followers)."""
    return [(inf.company.unique_id if hasattr(inf.company, "unique_id") else inf.company.name,
             inf.audience_share, inf.audience_size, inf.deal, inf.takes_company_deal,
             tuple(sorted(inf.settings.items())), inf.status, inf.followers)
            for inf in model.influencers]


def _model(config: dict) -> InfluenceModel:
    return InfluenceModel(rng=11, **config)


def test_override_to_the_default_changes_nothing() -> None:
    base = set_path(resolve(), "consumers", 300)
    default = parameters.INFLUENCER["churn_threshold"].default
    same = set_path(base, "influencers[0].churn_threshold", default)
    a, b = _model(base), _model(same)
    assert len(a.influencers) == len(b.influencers) > 1
    assert _roster(a) == _roster(b)
    for company_a, company_b in zip(a.companies, b.companies, strict=True):
        assert len(company_a.influencers) == len(company_b.influencers) > 0


def test_override_changes_only_that_influencer() -> None:
    base = set_path(resolve(), "consumers", 300)
    changed = set_path(base, "influencers[3].churn_threshold", 0.05)
    changed = set_path(changed, "influencers[3].deal", "billboard")
    a, b = _roster(_model(base)), _roster(_model(changed))
    assert len(a) == len(b)
    differs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert differs == [3]
    inf = _model(changed).influencers[3]
    assert inf.settings["churn_threshold"] == 0.05
    assert inf.deal == "billboard" and not inf.takes_company_deal
    # its partner company and audience stay the generated ones
    assert a[3][:3] == b[3][:3]


def test_override_of_company_or_audience_moves_only_that_influencer() -> None:
    base = set_path(resolve(), "consumers", 300)
    changed = set_path(base, "influencers[1].followers", 1_000_000)
    ra, rb = _roster(_model(base)), _roster(_model(changed))
    assert [i for i, (x, y) in enumerate(zip(ra, rb, strict=True)) if x != y] == [1]
    assert rb[1][1] == 0.2 and rb[1][2] == 60
    assert rb[1][0] == ra[1][0], "the generated partner company stays"


def test_entries_beyond_the_generated_ones_add_influencers() -> None:
    base = set_path(resolve(), "consumers", 300)
    generated = parameters.generated_roles(base)
    assert generated == 6
    more = set_path(base, f"influencers[{generated}].followers", 500_000)
    assert len(_model(more).influencers) == len(_model(base).influencers) + 1
    with pytest.raises(ParameterError) as err:
        set_path(base, f"influencers[{generated + 1}].deal", "engaged")
    assert err.value.path == f"influencers[{generated + 1}].deal"


def test_zero_generated_influencers_means_the_list_is_the_roster() -> None:
    config = set_path(resolve(), "consumers", 300)
    config = set_path(config, "influencers_per_company", 0)
    config = set_path(config, "candidates_per_company", 0)
    config = set_path(config, "influencers[0].company", 1)
    model = _model(config)
    assert len(model.influencers) == 1
    assert model.influencers[0].company is model.companies[1]
    assert model.influencers[0].followers == parameters.INFLUENCER_ROLE["followers"].default


def test_cli_set_one_influencer_keeps_the_others(tmp_path: Path) -> None:
    runner = CliRunner()
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    common = ["run", "--steps", "4", "--quiet", "--set", "consumers=300", "--seed", "3"]
    first = runner.invoke(cli.cli, [*common, "--out", str(out_a)], prog_name="influence")
    second = runner.invoke(cli.cli, [*common, "--out", str(out_b),
                                     "--set", "influencers[0].churn_threshold=0.3"],
                           prog_name="influence")
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    # same summary line on recruits: six generated influencers in both
    assert first.stdout.splitlines()[1] == second.stdout.splitlines()[1]
    roles = json.loads((out_b / "run.json").read_text())["parameters"]["influencers"]
    assert len(roles) == 1 and roles[0]["churn_threshold"] == 0.3
    assert "company" not in roles[0] and "followers" not in roles[0]


def test_an_own_fee_replaces_the_market_rate_for_that_influencer_only() -> None:
    """A rate card in money per post for the whole market, paid in the world's units."""
    config = set_path(resolve(), "consumers", 400)
    config = set_path(config, "influencers[0].fee", 500.0)
    model = _model(config)
    own, other = model.influencers[0], model.influencers[2]
    assert own.fee == 500.0 and other.fee == 0.0
    from simulation.deals import post_price
    s = own.company.settings
    price = post_price(own.audience_share, 400, own.deal, s, config["market_size"], own.fee)
    base = 500.0 * 400 / config["market_size"]
    premium = 1 + s["involvement_premium"] * own.terms.involvement
    assert price == pytest.approx(base * premium)
    market = post_price(other.audience_share, 400, other.deal, s, config["market_size"])
    assert post_price(other.audience_share, 400, other.deal, s, config["market_size"],
                      other.fee) == market


def test_an_own_engagement_replaces_the_curve_for_that_influencer_only() -> None:
    base = set_path(resolve(), "consumers", 300)
    changed = set_path(base, "influencers[1].engagement", 0.42)
    a, b = _model(base), _model(changed)
    assert b.influencers[1].engagement == 0.42
    assert [i.engagement for i in a.influencers if i.row != 1] == \
        [i.engagement for i in b.influencers if i.row != 1]


def test_an_own_cap_limits_that_influencers_posts_only() -> None:
    """A plan's posting schedule: influencers[0] at most half a post a week; the money it
    cannot absorb goes to the others, as with the company's cap."""
    base = set_path(set_path(resolve(), "consumers", 300), "companies[0].budget", 1000.0)
    capped = set_path(base, "influencers[0].max_posts", 0.5)
    a, b = _model(base), _model(capped)
    a.step()
    b.step()
    assert a.influencers[0].posts == pytest.approx(a.companies[0].settings["max_posts"])
    assert b.influencers[0].posts == pytest.approx(0.5)
    others = [i.posts for i in b.companies[0].influencers if i.row != 0]
    assert all(p == pytest.approx(b.companies[0].settings["max_posts"]) for p in others)
