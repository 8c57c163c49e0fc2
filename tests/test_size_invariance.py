"""Influencers in real units: results that do not depend on how many consumers are modelled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation import InfluenceModel
from simulation.cli import cli
from simulation.deals import post_price
from simulation.size_invariance import compare, tier
from tests.fuzz_inputs import assert_clean, invoke_bounded


# --------------------------------------------------------------- mechanisms
@pytest.mark.parametrize(("followers", "name"), [
    (999, "below nano"), (1_000, "nano"), (9_999, "nano"), (10_000, "micro"),
    (99_999, "micro"), (100_000, "macro"), (999_999, "macro"), (1_000_000, "mega"),
    (50_000_000, "mega")])
def test_tiers_follow_the_real_follower_count(followers: int, name: str) -> None:
    assert tier(followers) == name


def _world(consumers: int, **extra) -> InfluenceModel:
    return InfluenceModel(rng=5, consumers=consumers, network="random", **extra)


def test_the_same_roster_is_the_same_share_of_any_sample() -> None:
    """Audience sizes are followers in the market over its size, times the sample."""
    roster = dict(influencers=[{"company": c, "followers": f} for c in (0, 1)
                               for f in (60_000, 240_000, 900_000)],
                  influencers_per_company=0, candidates_per_company=0)
    small, large = _world(1_000, **roster), _world(50_000, **roster)
    for a, b in zip(small.influencers, large.influencers, strict=True):
        assert a.followers == b.followers and a.audience_share == b.audience_share
        assert a.engagement == b.engagement
        assert a.audience_size == max(1, round(a.audience_share * 1_000))
        assert b.audience_size == max(1, round(b.audience_share * 50_000))


def test_a_post_costs_the_same_share_of_the_budget_at_any_sample() -> None:
    settings_ = {"post_fee": 20.0, "involvement_premium": 0.5, "budget": 10.0}
    shares = []
    for consumers in (500, 2_000, 1_000_000):
        price = post_price(0.05, consumers, "engaged", settings_, 1_000_000)
        shares.append(price / (settings_["budget"] * consumers / 1000))
    assert shares == pytest.approx([shares[0]] * 3)
    # 50,000 followers in the market at 20 per 1,000, with the retainer of an engaged deal
    assert post_price(0.05, 1_000_000, "engaged", settings_, 1_000_000) == \
        pytest.approx(20 * 50 * 1.5)


def test_a_bigger_market_with_proportionate_followers_is_the_same_world() -> None:
    """Only followers in the market as a share of it reach the dynamics."""
    base = _world(800)
    scaled = _world(800, market_size=10_000_000, followers_min=500_000,
                    followers_max=10_000_000, engagement_ref_followers=500_000)
    for _ in range(8):
        base.step()
        scaled.step()
    assert [c.metrics["trust_mean"] for c in base.companies] == \
        [c.metrics["trust_mean"] for c in scaled.companies]


# ------------------------------------------------------------------ compare
def _runs(small: list[float], large: list[float]) -> pd.DataFrame:
    rows = [{"size": "small", "seed": i, "group": "A", "measure": "trust", "value": v}
            for i, v in enumerate(small)]
    rows += [{"size": "large", "seed": i, "group": "A", "measure": "trust", "value": v}
             for i, v in enumerate(large)]
    return pd.DataFrame(rows)


def test_a_difference_within_sampling_error_agrees() -> None:
    rng = np.random.default_rng(0)
    row = compare(_runs(list(0.6 + 0.01 * rng.standard_normal(20)),
                        list(0.6 + 0.01 * rng.standard_normal(3)))).iloc[0]
    assert row["ci_low"] < 0 < row["ci_high"] and row["agree"]


def test_a_systematic_difference_is_reported() -> None:
    rng = np.random.default_rng(0)
    row = compare(_runs(list(0.6 + 0.01 * rng.standard_normal(20)),
                        list(0.7 + 0.01 * rng.standard_normal(3)))).iloc[0]
    assert row["difference"] == pytest.approx(0.1, abs=0.03)
    assert not row["agree"]


def test_identical_values_at_both_sizes_agree() -> None:
    row = compare(_runs([3.0] * 5, [3.0] * 3)).iloc[0]
    assert row["agree"] and row["ci_low"] == row["ci_high"] == 0.0


# ------------------------------------------------------------------ command
def invoke(*args: str):
    return CliRunner().invoke(cli, ["dock", "size", "-q", *args], prog_name="influence")


def test_command_prints_every_company_measure_and_a_verdict() -> None:
    result = invoke("--small", "300", "--large", "1200", "--small-seeds", "3",
                    "--large-seeds", "2", "--weeks", "8")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("default: 300 against 1,200 modelled consumers, 8 weeks")
    for company in ("Billboard Co", "Engaged Co"):
        for measure in ("final trust", "relationships alive", "followers kept"):
            assert any(line.startswith(company) and measure in line for line in lines)
    assert any("likes per follower per post" in line for line in lines)
    assert lines[-1].startswith("size invariance: ")


@pytest.mark.parametrize(("args", "needle"), [
    (["--small", "2000", "--large", "1000"], "--large: got 1000"),
    (["--small", "3"], "--small: got 3"),
    (["--set", "consumers=500"], "--set: got 'consumers'"),
    (["--set", "nosuch=1"], "--set: nosuch"),
    (["--small-seeds", "1"], "--small-seeds"),
    (["--weeks", "0"], "--weeks"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str) -> None:
    result = invoke("--small", "300", "--large", "600", "--weeks", "2", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


@settings(max_examples=25, deadline=None)
@given(small=st.one_of(st.integers(-5, 400), st.sampled_from(["x", "", "1e9", "nan"])),
       large=st.one_of(st.integers(-5, 800), st.sampled_from(["x", "-0", "2**64"])),
       seeds=st.sampled_from(["-1", "0", "1", "2", "x"]),
       weeks=st.sampled_from(["-1", "0", "1", "2", "x", "1e3"]))
def test_fuzzed_options_exit_clean(small, large, seeds, weeks) -> None:
    result = invoke_bounded(["dock", "size", "-q", "--small", str(small), "--large",
                             str(large), "--small-seeds", seeds, "--large-seeds", "2",
                             "--weeks", weeks, "--set", "network_degree=4"])
    assert_clean(result)
