"""The consumer population: many consumers as arrays, one week at a time.

Consumers are far too many to be Mesa agents (about 5 microseconds per
agent-step in Python against nanoseconds here), so their state lives in numpy
arrays and the week runs as four compiled passes over them (:mod:`.kernel`):
the posts over follow entries, one pass over consumers for shopping,
experience and the press, the tellers' ties for word of mouth, and one pass
for forgetting.

The week is a pure function of (state, posts, market, draws): all the random
numbers a week needs are drawn up front by :func:`draw_week`, so the readable
per-consumer reference in ``tests/reference.py`` can replay exactly the same
draws and must end in the same state (floats to a relative 1e-12: see
:mod:`.kernel` for why not bit for bit).

Schedule inside the week (each step reads the state the previous one left):

1. exposure and evaluation, influencer by influencer in index order;
2. purchase (a multinomial-logit choice among the brands one knows);
3. experience against the last claim heard;
4. the press: a company under scrutiny this week has its responsibility
   claims checked against the truth;
5. word of mouth to network neighbours;
6. forgetting and the slow maturation of persuasion knowledge and of care.

No rule here knows a deal type: a post carries its inputs (how much of it is
scripted, how much its disclosure explains), and the same arithmetic weighs
every post.

State is kept compact so that ten million consumers fit on one machine: follow
entries and consumers are indexed with int32 (``last_source``, the follow
matrix, the friendship network) and purchases are counted in int32; evidence,
claims, persuasion knowledge and care stay float64, because rounding them to
float32 would move the thresholds the rules compare them with (see
``benchmarks/README.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import kernel
from .trust import expected_trust


@dataclass(frozen=True)
class Post:
    """What one influencer publishes for one company in one week.

    Attributes:
        influencer: Row of the influencer in the follow matrix.
        company: Index of the company the posts promote.
        posts: Number of posts this week (may be fractional: an expected count).
        engagement: Chance that a follower attends to one post.
        claim: Quality the posts claim, in [0, 1].
        script: Share of the words written by the company, in [0, 1]: a
            recognised persuasion attempt backfires on wary consumers in
            proportion.
        explained: Share of the disclosure that explains the relationship, in [0, 1].
        salience: Disclosure salience delta.
        responsibility_claim: Responsibility the posts claim, in [0, 1]; NaN
            (the default) for a post that claims nothing about it.
    """

    influencer: int
    company: int
    posts: float
    engagement: float
    claim: float
    script: float
    explained: float
    salience: float
    responsibility_claim: float = float("nan")


@dataclass(frozen=True)
class Market:
    """The products on offer this week, one entry per company."""

    quality: np.ndarray
    responsibility: np.ndarray
    price: np.ndarray
    #: (companies,) bool: the press reports the company's true responsibility this week
    scrutinised: np.ndarray | None = None


@dataclass
class WeekDraws:
    """Every random number one week of the consumer kernel consumes."""

    exposure: np.ndarray    # (follows,) uniform: attends to this week's posts
    recognise: np.ndarray   # (follows,) uniform: recognises the paid message
    like: np.ndarray        # (follows,) uniform: taps like
    in_market: np.ndarray   # (consumers,) uniform: shops this week
    choice: np.ndarray      # (consumers,) uniform: which brand
    quality: np.ndarray     # (consumers,) standard normal: experienced quality
    talk: np.ndarray        # (consumers,) uniform: tells friends
    listen: np.ndarray      # (consumers,) uniform: takes in the friends' stories


def draw_week(rng: np.random.Generator, consumers: int, follows: int) -> WeekDraws:
    """Draw one week's random numbers, always in the same order.

    ``follows`` may be less than the number of follow entries when the entries
    past it belong to influencers who do not post this week (the model's
    candidates, stored last): only posting influencers' entries are read.
    """
    return WeekDraws(
        exposure=rng.random(follows),
        recognise=rng.random(follows),
        like=rng.random(follows),
        in_market=rng.random(consumers),
        choice=rng.random(consumers),
        quality=rng.standard_normal(consumers),
        talk=rng.random(consumers),
        listen=rng.random(consumers),
    )


@dataclass
class WeekOutcome:
    """What the week produced, for influencers, companies and metrics."""

    impressions: np.ndarray  # (influencers,) followers who attended to a post
    likes: np.ndarray        # (influencers,)
    complaints: np.ndarray   # (influencers,) followers who found the influencer's claim false
    praises: np.ndarray      # (influencers,) followers who found the influencer's claim true
    sales: np.ndarray        # (companies,)
    attributed: np.ndarray   # (influencers,) sales whose buyer last heard this influencer
    recognised: int          # paid messages recognised as such
    recognised_by: np.ndarray | None = None  # (influencers,) the same, per influencer


class ConsumerPopulation:
    """State of all consumers, as arrays.

    Attributes:
        brand_r, brand_s: (companies, consumers) Beta evidence for and against
            each brand.
        aware: (companies, consumers) has heard of the brand.
        last_claim: (companies, consumers) quality last claimed to the
            consumer, or NaN when no influencer has made a claim to them.
        last_responsibility: (companies, consumers) responsibility last
            claimed to the consumer, or NaN.
        last_source: (companies, consumers) follow entry (position in the
            follow matrix) of the influencer who made that claim, or -1.
        purchases: (companies, consumers) units bought so far.
        last_experience: (companies, consumers) +1 kept promise, -1 broken,
            0 never bought.
        persuasion: (consumers,) persuasion knowledge pi in [0, 1].
        care: (consumers,) care for responsible products nu in [0, 1].
        follows: (influencers, consumers) CSR follow matrix; its stored
            entries are the "follow entries" below.
        following: (follows,) the follower still follows.
        cred_r, cred_s: (follows,) Beta evidence on the influencer's credibility.
        friends: (consumers, consumers) CSR social network.
    """

    def __init__(self, *, friends: sp.csr_matrix, follows: sp.csr_matrix, companies: int,
                 persuasion: np.ndarray, care: np.ndarray) -> None:
        n = friends.shape[0]
        # Row i of ``friends`` lists the consumers who hear consumer i's stories.
        self.friends = _compact_csr(friends)
        self.follows = _compact_csr(follows)
        self.n = n
        nnz = self.follows.nnz
        self.follow_owner = np.repeat(np.arange(self.follows.shape[0], dtype=np.int32),
                                      np.diff(self.follows.indptr))
        self.following = np.ones(nnz, dtype=bool)
        self.cred_r = np.zeros(nnz)
        self.cred_s = np.zeros(nnz)
        self.brand_r = np.zeros((companies, n))
        self.brand_s = np.zeros((companies, n))
        self.aware = np.zeros((companies, n), dtype=bool)
        self.last_claim = np.full((companies, n), np.nan)
        self.last_responsibility = np.full((companies, n), np.nan)
        self.last_source = np.full((companies, n), -1, dtype=np.int32)
        self.purchases = np.zeros((companies, n), dtype=np.int32)
        self.last_experience = np.zeros((companies, n), dtype=np.int8)
        self.persuasion = np.asarray(persuasion, dtype=float).copy()
        self.care = np.asarray(care, dtype=float).copy()
        # Scratch of the week's passes: the story each consumer tells (-1: none) and
        # each hearer's row of the story counts (-1 between weeks).
        self._story = np.full(n, -1, dtype=np.int32)
        self._slot = np.full(n, -1, dtype=np.int32)
        #: (consumers,) float64 scratch for whoever needs a per-consumer value for a
        #: moment (the weekly measurement writes each brand's trust into it).
        self.scratch = np.zeros(n)
        #: (follows,) float64 scratch for a value per follow entry for a moment (the
        #: weekly measurement of credibility), made when first needed and reused: a
        #: fresh array would fault in its pages each week.
        self.follow_scratch: np.ndarray | None = None

    # ------------------------------------------------------------------ views
    @property
    def follow_count(self) -> int:
        """Number of follow entries (stored entries of the follow matrix)."""
        return self.follows.nnz

    def audience(self, influencer: int) -> slice:
        """Slice of the follow entries that belong to ``influencer``."""
        ptr = self.follows.indptr
        return slice(int(ptr[influencer]), int(ptr[influencer + 1]))

    def brand_trust(self) -> np.ndarray:
        """(companies, consumers) expected trust in each brand."""
        return expected_trust(self.brand_r, self.brand_s)

    def credibility(self) -> np.ndarray:
        """(follows,) expected credibility of the followed influencer."""
        return expected_trust(self.cred_r, self.cred_s)

    # ------------------------------------------------------------------- week
    def week(self, posts: Sequence[Post], market: Market, draws: WeekDraws,
             p: dict) -> WeekOutcome:
        """Advance every consumer by one week, in the four compiled passes of :mod:`.kernel`.

        1. Exposure, influencer by influencer in index order, follow entry by
           follow entry. A follower who still follows attends with
           1 - (1 - engagement)^posts and recognises the message as paid with
           P = 1 - (1 - delta)(1 - pi). A message's weight is discounted through
           the influencer's credibility (Josang), falls with recognised
           persuasion, rises with the share of the disclosure that explains the
           relationship, and scales with the quality it claims. A recognised
           message read by a consumer whose persuasion knowledge is above the
           reactance threshold backfires on brand and influencer alike, in
           proportion to its scripted share. A follower who no longer finds the
           influencer credible stops following.
        2. Purchase: shoppers choose among the brands they know, or none, by
           multinomial logit (utility rises with expected trust and with care
           times responsibility, falls with price).
        3. Experience: a claim that exceeded the experienced quality by more
           than the tolerance is a broken promise, negative evidence weighted by
           the asymmetry kappa against the brand and the influencer who made the
           claim; otherwise positive evidence. Buyers never told anything compare
           with a neutral 0.5. The influencer told gets a complaint or a praise
           and the sale (last touch).
        4. The press: every consumer who heard a responsibility claim about a
           company under scrutiny compares it with the truth, by the same rule.
        5. Word of mouth: a buyer talks with probability ``word_of_mouth`` and
           tells every friend the story of the purchase. A consumer told m
           stories about brand c becomes aware of c with probability
           1 - (1 - lambda_L)^m (one uniform draw per consumer and week shared by
           the brands) and receives lambda_L times the evidence, its expected
           value: ``friend_weight`` a good story, kappa times that a bad one. This
           per-story hazard is the imitation term of Bass diffusion.
        6. Forgetting and the slow maturation of persuasion knowledge and care.

        Args:
            posts: This week's posts, at most one per influencer.
            market: Products on offer.
            draws: Random numbers from :func:`draw_week`.
            p: Resolved world parameters.
        """
        n_inf = self.follows.shape[0]
        n_comp = self.brand_r.shape[0]
        impressions = np.zeros(n_inf, dtype=np.int64)
        likes = np.zeros(n_inf, dtype=np.int64)
        complaints = np.zeros(n_inf, dtype=np.int64)
        praises = np.zeros(n_inf, dtype=np.int64)
        attributed = np.zeros(n_inf, dtype=np.int64)
        recognised_by = np.zeros(n_inf, dtype=np.int64)
        sales = np.zeros(n_comp, dtype=np.int64)
        ordered = sorted(posts, key=lambda x: x.influencer)
        columns = _post_columns(ordered, p)
        kernel.exposure_pass(
            self.follows.indptr, self.follows.indices, self.following, self.cred_r,
            self.cred_s, self.brand_r, self.brand_s, self.aware, self.last_claim,
            self.last_responsibility, self.last_source, self.persuasion,
            draws.exposure, draws.recognise, draws.like, *columns,
            p["like_rate"], p["pk_discount"], p["reactance_threshold"],
            p["reactance_weight"], p["message_weight"], p["credibility_weight"],
            p["pk_learning"], p["unfollow_threshold"], impressions, likes, recognised_by)
        scrutinised = (np.zeros(n_comp, dtype=bool) if market.scrutinised is None
                       else np.asarray(market.scrutinised, dtype=bool))
        kappa = p["asymmetry"]
        tellers = kernel.consumer_pass(
            self.brand_r, self.brand_s, self.aware, self.last_claim,
            self.last_responsibility, self.last_source, self.purchases,
            self.last_experience, self.care, self.cred_r, self.cred_s, self.follow_owner,
            draws.in_market, draws.choice, draws.quality, draws.talk,
            np.asarray(market.quality, dtype=float),
            np.asarray(market.responsibility, dtype=float),
            np.asarray(market.price, dtype=float), scrutinised,
            p["in_market_rate"], p["trust_utility"], p["responsibility_utility"],
            p["price_sensitivity"], float(np.exp(p["outside_utility"])),
            p["experience_noise"], p["claim_tolerance"], p["experience_weight"], kappa,
            p["influencer_blame"], p["word_of_mouth"],
            sales, complaints, praises, attributed, self._story)
        if tellers:
            lam = p["listening"]
            w = p["friend_weight"]
            kernel.word_of_mouth_pass(
                self.friends.indptr, self.friends.indices, self._story, tellers,
                self._slot, self.brand_r, self.brand_s, self.aware, draws.listen,
                lam * w, lam * kappa * w, lam)
        kernel.forget_pass(self.brand_r, self.brand_s, self.persuasion, self.care,
                           self.cred_r, self.cred_s, p["forgetting"], p["pk_drift"],
                           p["care_drift"])
        return WeekOutcome(impressions, likes, complaints, praises, sales, attributed,
                           int(recognised_by.sum()), recognised_by)

    def crisis_news(self, company: int, candid_entries: np.ndarray, p: dict,
                    explained: np.ndarray | float = 1.0) -> None:
        """A scandal reaches everyone who knows the brand.

        Prior trust cushions the news (Dawar & Pillutla 2000): a consumer whose
        expected trust E is above neutral takes ``1 - prior_buffer * (2E - 1)``
        of the damage. Followers who heard it first and honestly from an
        influencer (the follow entries in ``candid_entries``) take only
        ``1 - candour_buffer`` of what is left, and credit the influencer for
        telling them: ``credibility_weight x (1 + explained_bonus x explained)``,
        ``explained`` being the telling influencer's disclosure input (per entry).
        """
        prior = expected_trust(self.brand_r[company], self.brand_s[company])
        cushion = 1.0 - p["prior_buffer"] * np.maximum(0.0, 2.0 * prior - 1.0)
        damage = np.where(self.aware[company], p["crisis_news_weight"] * cushion, 0.0)
        candid = self.follows.indices[candid_entries]
        damage[candid] *= 1.0 - p["candour_buffer"]
        self.brand_s[company] += damage
        self.cred_r[candid_entries] += p["credibility_weight"] * (
            1.0 + p["explained_bonus"] * np.asarray(explained, dtype=float))



def _compact_csr(matrix: sp.spmatrix) -> sp.csr_matrix:
    """``matrix`` as CSR with sorted int32 indices (int64 only past 2**31 entries).

    The kernel walks rows through ``indptr`` and ``indices``; int32 halves what a
    ten-million-consumer network holds, and a matrix already in that form is kept,
    not copied.
    """
    out = matrix.tocsr() if sp.issparse(matrix) else sp.csr_matrix(matrix)
    out.sort_indices()
    if out.nnz < 2**31 - 1 and out.indices.dtype != np.int32:
        out.indices = out.indices.astype(np.int32)
        out.indptr = out.indptr.astype(np.int32)
    return out


def _post_columns(posts: Sequence[Post], p: dict) -> tuple[np.ndarray, ...]:
    """The week's posts (in influencer order) as the columns :func:`kernel.exposure_pass`
    reads: influencer, company, chance of attending, claim, script, explanation
    factor, salience, responsibility claim."""
    def column(values, dtype=float):
        return np.array(values, dtype=dtype)

    return (column([x.influencer for x in posts], np.int64),
            column([x.company for x in posts], np.int64),
            column([1.0 - (1.0 - x.engagement) ** x.posts for x in posts]),
            column([x.claim for x in posts]),
            column([x.script for x in posts]),
            column([1.0 + p["explained_bonus"] * x.explained for x in posts]),
            column([x.salience for x in posts]),
            column([x.responsibility_claim for x in posts]))
