"""The vectorised consumer kernel against the per-consumer reference.

:mod:`reference` states the consumer rules one consumer at a time. Here both
implementations advance copies of the same population with the same pre-drawn
random numbers, week after week, and must end every week in the same state
(floats to 1e-12, integers and booleans exactly) with the same outcome. The
test worlds are built so that every mechanism fires, and the tests check that
it did, so that agreement is never vacuous.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import same_outcome, same_population
from reference import (
    reference_crisis_news,
    reference_week,
)

from simulation.consumers import ConsumerPopulation, Market, Post, draw_week
from simulation.model import InfluenceModel
from simulation.network import build_network
from simulation.parameters import resolve

SEEDS = (1, 7, 2024)
NETWORKS = ("small_world", "random", "scale_free")

# Parameters of the hand-built worlds: defaults, except a livelier market and
# word of mouth so that 120 consumers produce purchases and stories every week.
WORLD_PARAMS = {"in_market_rate": 0.3, "word_of_mouth": 0.5, "pk_learning": 0.05}


@dataclass
class World:
    """A hand-built consumer world and the rules of its weekly posts."""

    pop: ConsumerPopulation
    company_of: np.ndarray   # (influencers,) partner company
    billboard: np.ndarray    # (influencers,) scripted billboard deal, else the influencer's words
    quality: np.ndarray      # (companies,) true quality
    responsibility: np.ndarray
    price: np.ndarray


def build_world(seed: int, network: str, *, n: int = 120, companies: int = 3,
                influencers: int = 6) -> World:
    """Consumers, friends, a random follow matrix and wary-to-naive consumers.

    Persuasion knowledge spans [0.05, 0.95] so that many consumers sit above
    the reactance threshold; company 0's product is poor, so its overstated
    billboard claims break.
    """
    rng = np.random.default_rng(seed)
    friends = build_network(network, n, 6, rng)
    rows, cols = [], []
    for k in range(influencers):
        size = int(rng.integers(n // 5, n // 2))
        members = np.sort(rng.choice(n, size=size, replace=False))
        rows.append(np.full(size, k))
        cols.append(members)
    rows_a, cols_a = np.concatenate(rows), np.concatenate(cols)
    follows = sp.csr_matrix((np.ones(rows_a.size, dtype=np.float32), (rows_a, cols_a)),
                            shape=(influencers, n))
    pop = ConsumerPopulation(friends=friends, follows=follows, companies=companies,
                             persuasion=rng.uniform(0.05, 0.95, n), care=rng.uniform(0, 1, n))
    return World(
        pop=pop,
        company_of=np.arange(influencers) % companies,
        billboard=np.arange(influencers) % 2 == 0,
        quality=np.linspace(0.35, 0.8, companies),
        responsibility=rng.uniform(0.2, 0.9, companies),
        price=rng.uniform(0.8, 1.3, companies),
    )


def weekly_posts(world: World, rng: np.random.Generator) -> list[Post]:
    """This week's posts: most influencers post; scripts overstate, own words don't.

    Influencer 4 (an engaged one) speaks half in a script, half in its own
    words, with a half-explained disclosure, so fractional inputs are compared too.
    """
    posts = []
    for k, company in enumerate(world.company_of):
        if rng.random() < 0.15:
            continue
        q = float(world.quality[company])
        r = float(world.responsibility[company])
        if world.billboard[k]:
            posts.append(Post(influencer=k, company=int(company),
                              posts=float(rng.integers(1, 8)), engagement=0.25,
                              claim=min(1.0, q + 0.25), script=1.0, explained=0.0,
                              salience=0.5, responsibility_claim=min(1.0, r + 0.2)))
        else:
            mixed = 0.5 if k == 4 else 0.0
            posts.append(Post(influencer=k, company=int(company), posts=1.0 + rng.random(),
                              engagement=0.4, claim=float(np.clip(q + rng.normal(0, 0.05), 0, 1)),
                              script=mixed, explained=1.0 - mixed, salience=0.7,
                              responsibility_claim=r))
    rng.shuffle(posts)  # the kernel and the reference must both sort by influencer
    return posts


def candid_entries(world: World, pop: ConsumerPopulation, company: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Follow entries of ``company``'s engaged influencers that hear of a crisis first."""
    chosen = []
    for k in np.flatnonzero((world.company_of == company) & ~world.billboard):
        span = pop.audience(int(k))
        entries = np.arange(span.start, span.stop)[pop.following[span]]
        chosen.append(entries[rng.random(entries.size) < 0.6])
    return np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)


def run_side_by_side(seed: int, network: str, params: dict, weeks: int = 24) -> Counter:
    """Advance kernel and reference together and compare them every week.

    Returns:
        The reference's tally of what happened, for the "it fired" checks.
    """
    p = resolve(params)
    world = build_world(seed, network)
    kernel, oracle = copy.deepcopy(world.pop), copy.deepcopy(world.pop)
    rng = np.random.default_rng(seed + 1)
    tally: Counter = Counter()
    for week in range(1, weeks + 1):
        posts = weekly_posts(world, rng)
        # A quality dip for company 2 between weeks 9 and 14 breaks its kept promises too.
        quality = world.quality.copy()
        if 9 <= week <= 14:
            quality[-1] -= 0.3
        # The press looks at one company every fourth week.
        scrutinised = np.arange(quality.size) == (week // 4) % quality.size
        market = Market(quality=quality, responsibility=world.responsibility, price=world.price,
                        scrutinised=scrutinised if week % 4 == 0 else None)
        draws = draw_week(rng, kernel.n, kernel.follow_count)
        got = kernel.week(posts, market, draws, p)
        want = reference_week(oracle, posts, market, draws, p, tally=tally)
        same_outcome(got, want, f"week {week}")
        same_population(kernel, oracle, f"week {week}")
        for c in ((week // 6) % 3,) if week % 6 == 0 else ():
            entries = candid_entries(world, kernel, c, rng)
            tally["candid_entries"] += entries.size
            # half-explained disclosures for odd entries: the credit follows the input
            explained = np.where(entries % 2 == 1, 0.5, 1.0)
            kernel.crisis_news(c, entries, p, explained)
            reference_crisis_news(oracle, c, entries, p, explained, tally=tally)
            same_population(kernel, oracle, f"week {week}, crisis news for {c}")
    tally["maturing"] = int((kernel.persuasion > world.pop.persuasion).sum())
    tally["never_told"] = int(np.isnan(kernel.last_claim).sum())
    return tally


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("seed", SEEDS)
def test_kernel_matches_reference_week_by_week(seed: int, network: str) -> None:
    tally = run_side_by_side(seed, network, WORLD_PARAMS)
    # Every mechanism fired, so agreement on it means something.
    for event in ("impression", "recognised", "backfire", "unfollow", "purchase", "kept",
                  "broken", "complaint", "untold_buyer", "story", "crisis_hit", "buffered",
                  "never_told", "press_kept", "press_broken"):
        assert tally[event] > 0, f"{event} never happened: {dict(tally)}"
    assert tally["maturing"] == 120  # everyone's persuasion knowledge rose


def test_word_of_mouth_evidence_is_exact_for_any_friend_weight() -> None:
    """A friend's story is ``friend_weight`` evidence, whatever that weight is.

    With the default weight (0.5, and 1.25 against) float32 arithmetic is
    exact; with 0.3 it is not, so this catches word-of-mouth evidence computed
    in single precision.
    """
    tally = run_side_by_side(3, "small_world", {**WORLD_PARAMS, "friend_weight": 0.3,
                                                "asymmetry": 2.2}, weeks=6)
    assert tally["story"] > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_partial_listening_matches_reference(seed: int) -> None:
    """With ``listening`` below 1 some stories are not taken in: kernel and reference
    still agree week by week (same draw per listener), and the world is built so that
    stories were told, some listeners stayed unaware, and some became aware."""
    params = {**WORLD_PARAMS, "listening": 0.35}
    tally = run_side_by_side(seed, "small_world", params, weeks=12)
    assert tally["story"] > 0 and tally["unheard"] > 0 and tally["heard"] > 0


def test_busy_week_on_a_complete_graph_matches_reference() -> None:
    """Every consumer shops and every buyer talks to everyone: the tellers' ties are the
    whole network (the case the earlier kernel handed to a sparse product), and kernel
    and reference still agree week by week, stories counted in the hundreds per hearer."""
    params = {**WORLD_PARAMS, "in_market_rate": 1.0, "word_of_mouth": 1.0, "listening": 0.01}
    tally = run_side_by_side(5, "complete", params, weeks=6)
    assert tally["story"] > 100 * 120 and tally["unheard"] > 0 and tally["heard"] > 0


def test_hand_computed_week_for_one_wary_follower() -> None:
    """One consumer, one billboard post: the numbers of MODEL.md by hand.

    pi = 0.9 > 0.5 and the message is recognised (draw 0.0), so it backfires:
    0.6 x (0.9 - 0.5) / 0.5 = 0.48 against brand and influencer, nothing for;
    pi learns to 0.9 + 0.05 x 0.1 = 0.905, then drifts to
    0.905 + 0.002 x 0.095; all evidence keeps 0.97. Credibility
    1 / (2 + 0.48) = 0.403 stays above 0.3: still following.
    """
    friends = sp.csr_matrix((1, 1), dtype=np.float32)
    follows = sp.csr_matrix(np.ones((1, 1), dtype=np.float32))
    p = resolve({"pk_learning": 0.05, "like_rate": 0.5})
    post = Post(influencer=0, company=0, posts=3.0, engagement=0.5, claim=0.9,
                script=1.0, explained=0.0, salience=0.5, responsibility_claim=0.5)
    market = Market(quality=np.array([0.6]), responsibility=np.array([0.5]),
                    price=np.array([1.0]))
    draws = draw_week(np.random.default_rng(0), 1, 1)
    draws.exposure[:] = 0.5      # < 1 - 0.5^3 = 0.875: attends
    draws.recognise[:] = 0.0     # recognised
    draws.like[:] = 0.2          # < 0.5 x 0.5: likes
    draws.in_market[:] = 0.99    # does not shop
    for week in (ConsumerPopulation.week, reference_week):
        pop = ConsumerPopulation(friends=friends, follows=follows, companies=1,
                                 persuasion=np.array([0.9]), care=np.array([0.5]))
        outcome = week(pop, [post], market, draws, p)
        assert (outcome.impressions[0], outcome.likes[0], outcome.recognised) == (1, 1, 1)
        assert pop.brand_r[0, 0] == 0.0
        assert pop.brand_s[0, 0] == pytest.approx(0.48 * 0.97, rel=1e-12)
        assert pop.cred_s[0] == pytest.approx(0.48 * 0.97, rel=1e-12)
        assert pop.persuasion[0] == pytest.approx(0.905 + 0.002 * 0.095, rel=1e-12)
        assert pop.following[0] and pop.aware[0, 0] and pop.last_source[0, 0] == 0
        assert pop.last_claim[0, 0] == 0.9


@pytest.mark.parametrize(
    "mutation",
    [
        ("reactance_evidence", lambda f: lambda pi, p: f(pi, p) * 1.001),
        ("recognition_probability", lambda f: lambda delta, pi: f(delta, 0.0)),
        ("promise_kept", lambda f: lambda got, claim, p: f(got + 0.02, claim, p)),
        ("forget_and_mature", lambda f: lambda pop, p: f(pop, {**p, "pk_drift": 0.0})),
        ("backfire_share", lambda f: lambda post, pi, rec, p: f(post, pi, rec, p) * 0.999),
        ("press", lambda f: lambda pop, c, market, p, reports, tally: None),
    ],
    ids=lambda m: m[0],
)
def test_comparison_catches_a_changed_rule(mutation, monkeypatch) -> None:
    """The side-by-side check has teeth: bend one rule of the reference a little,
    and the same world no longer agrees with the kernel."""
    import reference

    name, bend = mutation
    monkeypatch.setattr(reference, name, bend(getattr(reference, name)))
    with pytest.raises(AssertionError):
        run_side_by_side(1, "small_world", WORLD_PARAMS)


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("seed", SEEDS)
def test_model_weeks_match_reference(seed: int, network: str) -> None:
    """Through the whole model: every week and the crisis news, checked as they happen.

    Default two-company world (billboard against engaged) at 300 consumers,
    with larger audiences so that more follow entries are compared, and a
    scandal at the engaged company in week 10.
    """
    model = InfluenceModel(rng=seed, consumers=300, network=network,
                           followers_min=250_000, followers_max=1_500_000,
                           companies=[{}, {"crisis_week": 10}])
    pop = model.population
    kernel_week, kernel_news = pop.week, pop.crisis_news
    tally: Counter = Counter()
    checked = Counter()

    def checked_week(posts, market, draws, p):
        shadow = copy.deepcopy(pop)
        want = reference_week(shadow, posts, market, draws, p, tally=tally)
        got = kernel_week(posts, market, draws, p)
        same_outcome(got, want, f"step {model.steps}")
        same_population(pop, shadow, f"step {model.steps}")
        checked["weeks"] += 1
        return got

    def checked_news(company, entries, p, explained=1.0):
        shadow = copy.deepcopy(pop)
        reference_crisis_news(shadow, company, entries, p, explained, tally=tally)
        kernel_news(company, entries, p, explained)
        same_population(pop, shadow, f"crisis news, step {model.steps}")
        checked["news"] += 1
        tally["candid_entries"] += len(entries)

    pop.week, pop.crisis_news = checked_week, checked_news
    for _ in range(25):
        model.step()
    assert checked == {"weeks": 25, "news": 1}
    for event in ("impression", "recognised", "backfire", "purchase", "kept", "broken",
                  "story", "crisis_hit"):
        assert tally[event] > 0, f"{event} never happened in the model: {dict(tally)}"
