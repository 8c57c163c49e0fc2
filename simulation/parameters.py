"""The one declaration of every model parameter.

Each parameter is declared exactly once, here, with its default, the values it
may take, its unit and a one-line meaning. Validation, the command line, the
documentation table (and the scenario files and web UI that build on them) all
read this module, so a parameter can never mean two things in two places.

Parameters come in three groups:

* world parameters (``consumers``, ``network``, ``forgetting`` ...), one value
  for the whole world;
* company parameters, one set per company, given as the list ``companies``;
* influencer parameters, one set per influencer role; ``influencer`` holds the
  defaults every influencer gets and ``influencers`` may override them one by
  one.

A resolved configuration is a plain nested ``dict`` (JSON-serialisable), so
that Mesa's tools can rebuild a model from it and ``run.json`` can record it.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class ParameterError(ValueError):
    """A parameter value that the model cannot accept.

    The message always names the parameter path, the value given and what is
    allowed, so that a command-line user sees one clear line.
    """

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        self.path = path
        self.value = value
        self.allowed = allowed
        super().__init__(f"{path}: got {value!r}; allowed: {allowed}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuild from the three parts, so that the error survives a trip between processes."""
        return (type(self), (self.path, self.value, self.allowed))


class InputFileError(ValueError):
    """A bad value in an input file (a scenario, an experiment spec), on one line.

    The message names the file, the key path inside it, the value and what is
    allowed: ``mine.toml: companies[1].transparency: got 1.5; allowed: ...``.

    Attributes:
        file: The file (or the name asked for) at fault.
        path: Key path inside the file, or "" for the file as a whole.
        value: The value found.
        allowed: What is allowed there, in words.
    """

    def __init__(self, file: Any, path: str, value: Any, allowed: str) -> None:
        self.file = str(file)
        self.path = path
        self.value = value
        self.allowed = allowed
        where = f"{self.file}: {path}" if path else self.file
        super().__init__(f"{where}: got {value!r}; allowed: {allowed}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuild from the parts, so that the error survives a trip between processes."""
        return (type(self), (self.file, self.path, self.value, self.allowed))


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    Attributes:
        name: Key in the configuration.
        default: Value used when the parameter is not given.
        kind: ``"float"``, ``"int"``, ``"bool"``, ``"choice"`` or ``"str"``.
        low: Smallest allowed value for numbers (inclusive), or None.
        high: Largest allowed value for numbers (inclusive), or None.
        unit: Unit of measure, for the documentation and the UI.
        doc: One-line meaning.
        choices: Allowed values for ``"choice"`` parameters.
        source: Where the default comes from (a reference, or the reason it was chosen).
    """

    name: str
    default: Any
    kind: str
    low: float | None = None
    high: float | None = None
    unit: str = "-"
    doc: str = ""
    choices: tuple[str, ...] = ()
    source: str = ""

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and docs."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "str":
            return "a label, or empty for none" if self.default == "" else "a non-empty string"
        noun = "an integer" if self.kind == "int" else "a number"
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        return f"{noun} in [{lo}, {hi}]"

    def coerce(self, value: Any, path: str) -> Any:
        """Return ``value`` converted to this parameter's type, or raise.

        Strings are parsed (they come from the command line and the UI); other
        types must already match: a bool is not accepted for a number, nor a
        float with a fractional part for an integer.
        """
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
                return _BOOL_WORDS[value.strip().lower()]
            raise ParameterError(path, value, self.allowed())
        if kind in ("choice", "str"):
            # A str parameter declared with an empty default is an optional label
            # (overlap_group): empty means "none". Any other must name something.
            optional = kind == "str" and self.default == ""
            if not isinstance(value, str) or not (value.strip() or optional):
                raise ParameterError(path, value, self.allowed())
            value = value.strip()
            if kind == "choice" and value not in self.choices:
                raise ParameterError(path, value, self.allowed())
            return value
        number = _parse_number(value, integer=kind == "int")
        if number is None:
            raise ParameterError(path, value, self.allowed())
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise ParameterError(path, value, self.allowed())
        return number


_BOOL_WORDS = {"true": True, "1": True, "yes": True, "on": True,
               "false": False, "0": False, "no": False, "off": False}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _parse_number(value: Any, *, integer: bool) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        except ValueError:
            return None
    if isinstance(value, int):
        return int(value) if integer else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if integer:
            return int(value) if value.is_integer() else None
        return value
    return None


def has_toml_type(param: Param, value: Any) -> bool:
    """Whether a value read from a TOML file has the parameter's type (a number, not
    ``"200"``; a boolean, not ``1``): files say what they mean, unlike ``--set`` text.
    Scenario files and experiment specs both hold their values to it."""
    if param.kind in ("choice", "str"):
        return isinstance(value, str)
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _p(name, default, kind, low=None, high=None, unit="-", doc="", choices=(), source=""):
    return Param(name, default, kind, low, high, unit, doc, tuple(choices), source)


#: The reason given for a default that no published figure grounds yet (issue 11).
UNGROUNDED = "assumption: first-round value, not yet grounded in data"


# --------------------------------------------------------------------------
# World
# --------------------------------------------------------------------------
WORLD_PARAMS: tuple[Param, ...] = (
    # scale and network
    _p("consumers", 2000, "int", 10, 10_000_000, "consumers",
       "Number of consumers in the world.",
       source="design choice: MODEL.md's default world for the UI (about 2,000 consumers; "
              "research scale 100,000 to 1,000,000)"),
    _p("network", "small_world", "choice", unit="-",
       doc="Social network between consumers.",
       choices=("small_world", "scale_free", "random", "complete"),
       source="design choice: MODEL.md: small-world by default (Watts & Strogatz 1998), scale-"
              "free and random as options, complete for docking"),
    _p("network_degree", 10, "int", 2, 200, "ties",
       "Mean number of friends per consumer (ignored by the complete graph).",
       source="assumption: ten friends who hear one's product stories; not yet grounded (issue "
              "11 counts it among the ten parameters that move the headline most)"),
    _p("rewiring", 0.1, "float", 0.0, 1.0, "probability",
       "Small-world: share of ring ties rewired to a random consumer.",
       source="Watts & Strogatz 1998: clustering stays high while paths become short for "
              "rewiring of about 0.01-0.1 (the small-world regime, as teaching summaries of the "
              "paper put it); 0.1 is its upper end"),
    _p("scale_free_exponent", 2.5, "float", 2.01, 4.0, "-",
       "Scale-free: exponent of the degree distribution.",
       source="Wikipedia, Scale-free network (consulted 2026): the degree exponent of "
              "networks reported scale-free is typically between 2 and 3 (many such claims are "
              "disputed); 2.5 is the middle; read only with network = scale_free"),
    # audiences
    _p("influencers_per_company", 3, "int", 0, 50, "influencers",
       "Influencer roles generated per company (each company gets the same audience sizes).",
       source="design choice: MODEL.md's default world has about 6 influencers for 2 companies"),
    _p("candidates_per_company", 9, "int", 0, 50, "influencers",
       "Candidate influencers per company, recruited when partners leave or cannot absorb "
       "the budget (the same audience sizes for every company).",
       source="design choice: three rosters of influencers_per_company: at the defaults churn "
              "never leaves a company with money and no one to pay"),
    _p("market_size", 1_000_000, "int", 100, 10**10, "people",
       "People in the product's addressable market; the modelled consumers are a sample of "
       "them (each stands for market_size / consumers people).",
       source="assumption: a national market for an everyday product; only audiences as a "
              "share of it reach the dynamics, so a different market with proportionate "
              "followers is the same world"),
    _p("followers_in_market", 0.2, "float", 0.001, 1.0, "share of followers",
       "Share of an influencer's followers who are in the product's market (the rest never "
       "see the product as theirs and are not modelled).",
       source="assumption: a fifth of a general-audience influencer's followers are potential "
              "buyers of one product; not yet grounded"),
    _p("followers_min", 50_000, "int", 1, 10**9, "followers",
       "Smallest generated influencer (followers on the platform, in and out of the market).",
       source="design choice: with the market and in-market share above, the smallest "
              "audience is 1 % of the market, as in the first round; 50,000 followers is a "
              "micro influencer (tiers: nano 1k-10k, micro 10k-100k, macro 100k-1M, mega "
              "above)"),
    _p("followers_max", 1_000_000, "int", 1, 10**9, "followers",
       "Largest generated influencer (followers on the platform).",
       source="design choice: the largest audience is a fifth of the market, as in the first "
              "round; 1,000,000 followers is the macro/mega boundary"),
    _p("audience_tail", 1.2, "float", 0.1, 5.0, "-",
       "Pareto exponent of follower counts: lower means more macro influencers.",
       source="assumption: MODEL.md asks for heavy-tailed audiences, many nano and few macro; "
              "the exponent is not fitted to follower counts; not yet grounded"),
    _p("follower_locality", 0.7, "float", 0.0, 1.0, "share",
       "Share of an audience recruited from a network neighbourhood (the rest at random).",
       source="assumption: MODEL.md: followers cluster in network neighbourhoods; the 70 % share"
              " is not measured; not yet grounded"),
    # exposure and likes
    _p("engagement_ref", 0.15, "float", 0.0, 1.0, "probability per post",
       "Chance that a follower engages with one post, for an influencer of "
       "`engagement_ref_followers` followers.",
       source="assumption: not fitted to an engagement figure (issue 11 F1 targets HypeAuditor "
              "2026: nano 1.78 %, micro 0.54 %, mega 0.33 %); not yet grounded; swept 0.05-0.4 "
              "in the study"),
    _p("engagement_ref_followers", 50_000, "int", 1, 10**9, "followers",
       "Follower count at which the engagement rate equals `engagement_ref`.",
       source="design choice: the reference point of the engagement curve, not a behaviour; "
              "equal to the default followers_min, so the smallest default influencer attends"
              " at engagement_ref"),
    _p("engagement_exponent", 0.25, "float", 0.0, 1.0, "-",
       "Engagement rate falls as followers^-exponent (observed 0.2-0.35).",
       source="calibrated to F1 (influence check facts): the exponent, inside Markerly 2016 and "
              "HypeAuditor 2026's 0.2-0.35, that brings nano, micro and mega engagement closest "
              "to HypeAuditor's 1.78 / 0.54 / 0.33 % at once (0.2, 0.22, 0.28 and 0.3 were "
              "tried; docs/validation.md 9); the first round's 0.3 missed micro and mega"),
    _p("like_rate", 0.083, "float", 0.0, 1.0, "probability",
       "Chance that an exposed follower who fully likes the influencer taps 'like'.",
       source="calibrated to F1 (influence check facts): likes per follower per post within "
              "a factor 1.5 of HypeAuditor 2026's tiers (measured 0.5 gave 5-9 times their "
              "figures); likes are an observable only, no rule reads them"),
    _p("unfollow_threshold", 0.3, "float", 0.0, 1.0, "-",
       "A follower stops following once the influencer's credibility falls below this.",
       source="assumption: first-round value, not yet grounded (issue 11 F2: Cheng & Zhang 2025 "
              "find about 0.19 % of followers lost per sponsored post; the issue finds billboard"
              " influencers losing every follower within two years at the defaults); swept "
              "0.1-0.5 in the study"),
    # persuasion knowledge
    _p("pk_initial", 0.3, "float", 0.0, 1.0, "-",
       "Mean initial persuasion knowledge (how readily paid messages are recognised).",
       source="assumption: consumers start fairly naive about paid messages (Friestad & Wright "
              "1994's persuasion knowledge, put on a 0-1 scale here); not yet grounded; swept "
              "0.05-0.6 in the study"),
    _p("pk_spread", 0.15, "float", 0.0, 0.5, "-",
       "Spread (standard deviation) of initial persuasion knowledge.",
       source="assumption: consumers differ in persuasion knowledge; the spread is not yet "
              "grounded"),
    _p("pk_learning", 0.02, "float", 0.0, 1.0, "per recognised post",
       "Rise of persuasion knowledge toward 1 after each recognised paid exposure.",
       source="assumption: the gap to full persuasion knowledge halves after about 34 recognised"
              " paid posts; not yet grounded"),
    _p("pk_drift", 0.002, "float", 0.0, 0.1, "per week",
       "Slow rise of everyone's persuasion knowledge toward 1: the consumer matures.",
       source="assumption: the essay's maturing consumer ('le consommateur mûrit plus vite "
              "depuis quelques années'); the gap halves in about 6.7 years (346 weeks); "
              "magnitude not yet grounded"),
    _p("pk_discount", 0.6, "float", 0.0, 1.0, "-",
       "How much a recognised paid message loses weight, times persuasion knowledge.",
       source="assumption: recognised advertising persuades less (Eisend et al. 2020; Liu & Zhao"
              " 2024, LITERATURE.md), size not taken from them; not yet grounded; swept 0.2-1 in"
              " the study"),
    _p("explained_bonus", 0.5, "float", 0.0, 2.0, "-",
       "Extra weight of a message whose disclosure explains the relationship.",
       source="assumption: a disclosure that explains the relationship weighs more (Stubb et al."
              " 2019; Forehand & Grier 2003; Audrezet et al. 2020, LITERATURE.md), size not "
              "taken from them; not yet grounded"),
    _p("reactance_threshold", 0.5, "float", 0.0, 1.0, "-",
       "Persuasion knowledge above which a recognised scripted message backfires.",
       source="assumption: only consumers past the middle of the persuasion-knowledge scale "
              "react against scripted messages; not yet grounded; swept 0.3-0.95 in the study"),
    _p("reactance_weight", 0.6, "float", 0.0, 5.0, "evidence",
       "Negative evidence from a backfiring message at full persuasion knowledge.",
       source="assumption: at full persuasion knowledge a backfiring message costs twice what a "
              "message brings (message_weight 0.3); not yet grounded"),
    # messages and evidence
    _p("message_weight", 0.8, "float", 0.0, 5.0, "evidence",
       "Positive brand evidence from one attended influencer message.",
       source="calibrated to F4 (influence check facts): a friend's story (friend_weight 0.5) "
              "weighs 1.35 times an attended sponsored post as received, against Nielsen "
              "2015's 83 % / 63 % = 1.32 (the first round's 0.3 gave 3.5); F4 fixes the ratio "
              "only, and friend_weight 0.19 would meet it too (docs/validation.md 9)"),
    _p("credibility_weight", 0.2, "float", 0.0, 5.0, "evidence",
       "Positive credibility evidence for the influencer from one attended post.",
       source="assumption: a post builds the influencer's credibility somewhat less than the "
              "brand's trust (message_weight 0.3); not yet grounded"),
    _p("asymmetry", 2.5, "float", 1.0, 10.0, "-",
       "Trust asymmetry kappa: weight of negative evidence relative to positive.",
       source="assumption: trust asymmetry kappa > 1 (Slovic 1993; Poortinga & Pidgeon 2004, "
              "LITERATURE.md: no canonical value, sweep 1-5); 2.5 is inside that band, not yet "
              "grounded (issue 11: among the ten most influential); swept 1.2-5 in the study"),
    _p("forgetting", 0.97, "float", 0.5, 1.0, "per week",
       "Share of trust evidence kept from one week to the next (lambda).",
       source="assumption: LITERATURE.md: lambda of 0.9-0.99 per step is typical and a "
              "modeller's choice (Beta reputation with forgetting, Josang & Ismail 2002); 0.97 a"
              " week halves old evidence in about 23 weeks; not yet grounded (issue 11: among "
              "the ten most influential); swept 0.9-0.995 in the study"),
    _p("trusting_threshold", 0.6, "float", 0.0, 1.0, "-",
       "Expected trust above which a consumer counts as trusting a brand.",
       source="design choice: a measurement threshold only (the metrics' share trusting a "
              "brand), LITERATURE.md's strategist metric 'share E > 0.6'; no agent's rule reads "
              "it"),
    # purchase and experience
    _p("in_market_rate", 0.1, "float", 0.0, 1.0, "per week",
       "Chance that a consumer shops in the category in a given week.",
       source="assumption: a consumer shops the category about every ten weeks; not yet grounded"
              " (issue 11: among the ten most influential); swept 0.03-0.3 in the study"),
    _p("trust_utility", 4.0, "float", 0.0, 20.0, "utility",
       "Weight of expected brand trust in the choice between brands.",
       source="assumption: a fully trusted brand gains 2 utility units over a neutral one; not "
              "yet grounded (issue 11: among the ten most influential)"),
    _p("responsibility_utility", 2.0, "float", 0.0, 20.0, "utility",
       "Weight of a brand's responsibility, times the consumer's care for it.",
       source="assumption: half the weight of trust, for a consumer who cares fully; not yet "
              "grounded"),
    _p("price_sensitivity", 2.0, "float", 0.0, 20.0, "utility per price unit",
       "Loss of utility per unit of price above the reference price of 1.",
       source="assumption: a 10 % price rise costs 0.2 utility units; not yet grounded"),
    _p("outside_utility", 1.0, "float", -10.0, 10.0, "utility",
       "Utility of buying nothing (or from a brand outside the model).",
       source="assumption: buying nothing is worth 1 utility unit more than a neutral brand; not"
              " yet grounded (issue 11: among the ten most influential)"),
    _p("care_mean", 0.5, "float", 0.0, 1.0, "-",
       "Mean care for responsible products (nu) in the population.",
       source="assumption: the essay: the wish for responsible products 's'installe peu à peu'; "
              "the middle of the scale; not yet grounded"),
    _p("care_drift", 0.001, "float", 0.0, 0.1, "per week",
       "Slow rise of everyone's care for responsible products toward 1: consumers mature.",
       source="assumption: half of pk_drift: the essay's maturing consumer, magnitude not yet "
              "grounded"),
    _p("scrutiny", 0.02, "float", 0.0, 1.0, "per company per week",
       "Chance per week that the press reports a company's true responsibility, checking "
       "every responsibility claim its influencers made.",
       source="assumption: about one report a year per company; not yet grounded"),
    _p("experience_weight", 1.0, "float", 0.0, 10.0, "evidence",
       "Evidence from one's own purchase experience.",
       source="assumption: one's own purchase counts as one observation, the Beta reputation's "
              "unit (Josang & Ismail 2002); swept 0.2-3 in the study"),
    _p("experience_noise", 0.1, "float", 0.0, 1.0, "quality units",
       "Spread of experienced quality around the product's true quality.",
       source="assumption: experienced quality varies by a tenth of the quality scale; not yet "
              "grounded (issue 11: among the ten most influential)"),
    _p("claim_tolerance", 0.05, "float", 0.0, 1.0, "quality units",
       "How far experience may fall short of a claim before it counts as a broken promise.",
       source="assumption: a shortfall of under 5 % of the quality scale is not a broken "
              "promise; not yet grounded (issue 11: among the ten most influential)"),
    _p("influencer_blame", 0.5, "float", 0.0, 5.0, "evidence",
       "Credibility evidence against (or for) the influencer whose claim failed (or held).",
       source="assumption: a failed claim costs the influencer half a unit of credibility "
              "evidence; not yet grounded"),
    _p("word_of_mouth", 0.3, "float", 0.0, 1.0, "probability",
       "Chance that a consumer with a fresh experience tells their friends that week.",
       source="assumption: first-round value, not yet grounded (Trusov et al. 2009 give word of "
              "mouth's long-run elasticity, about 20 times that of marketing events, not a "
              "telling rate; issue 11: among the ten most influential)"),
    _p("listening", 1.0, "float", 0.0, 1.0, "probability per story",
       "Chance a consumer takes in one friend's story (1: every story told is heard).",
       source="design choice: every story told is heard; values below 1 serve the Bass docking "
              "(docs/validation.md section 1)"),
    _p("friend_weight", 0.5, "float", 0.0, 5.0, "evidence",
       "Evidence from one friend's story (a friend is weighed above an advertisement).",
       source="assumption: the first round's value, kept; message_weight is set against it "
              "so that the ratio matches Nielsen 2015 (F4: 83 % trust friends, 63 % TV ads); "
              "its own size is not grounded"),
    _p("crisis_news_weight", 2.0, "float", 0.0, 20.0, "evidence",
       "Negative evidence a crisis sends to every consumer aware of the brand.",
       source="assumption: two units of bad news for every aware consumer; not yet grounded; "
              "swept 0.5-6 in the study"),
    _p("prior_buffer", 0.8, "float", 0.0, 1.0, "-",
       "How much trust above neutral discounts crisis news: a consumer at expected trust E "
       "takes 1 - prior_buffer x max(0, 2E - 1) of it (Dawar & Pillutla 2000).",
       source="assumption: Dawar & Pillutla 2000: strong prior expectations buffer crisis damage"
              " (the direction); 0.8 is not taken from them; not yet grounded"),
    _p("candour_buffer", 0.6, "float", 0.0, 1.0, "share",
       "Share of crisis damage spared to followers told first, honestly, by the influencer.",
       source="assumption: followers told first, honestly, are spared 60 % of the damage; not "
              "yet grounded; swept 0-1 in the study"),
)

# --------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------
COMPANY_PARAMS: tuple[Param, ...] = (
    _p("name", "Company", "str", doc="Display name.",
       source="design choice: a label only; the two default companies are named in "
              "DEFAULT_COMPANIES"),
    _p("structure", "siloed", "choice", choices=("siloed", "transversal"),
       doc="Siloed: no liaison role. Transversal: a liaison linked to every department.",
       source="scenario input: the essay's contrast of silos and a transversal structure; "
              "DEFAULT_COMPANIES sets one of each"),
    _p("strategy", "engaged", "choice", choices=("billboard", "engaged", "mixed"),
       doc="Deal type offered to its influencers (mixed: engaged_share of them engaged).",
       source="scenario input: the essay's contrast of a 'panneau publicitaire vivant' and an "
              "engaged relationship; DEFAULT_COMPANIES sets one of each"),
    _p("engaged_share", 0.5, "float", 0.0, 1.0, "share",
       doc="With the mixed strategy: share of the influencers offered an engaged deal.",
       source="design choice: an even mix"),
    _p("transparency", 0.8, "float", 0.0, 1.0, "share",
       doc="Share of known non-strategic facts the company lets reach its influencers (tau).",
       source="assumption: most non-strategic facts are shared (the essay: 'sans tout "
              "dévoiler'); not yet grounded; swept 0.2-1 in the study"),
    _p("budget", 10.0, "float", 0.0, 1e9, "money per week per 1,000 consumers",
       doc="Weekly influence budget: the liaison is paid first, deals share the rest.",
       source="scenario input: equal for both default companies, so the headline compares "
              "strategies at equal spend (MODEL.md); swept 4-25 in the study"),
    _p("departments", 6, "int", 1, 12, "departments",
       doc="Number of departments; a small company has few.",
       source="assumption: a mid-sized company; docs/ODD.md names twelve departments, the first "
              "six are used; swept 2-12 in the study"),
    _p("hoarding", 0.5, "float", 0.0, 1.0, "probability",
       doc="Hoarding h: a fact crossing between departments is blocked with this chance.",
       source="assumption: the essay's 'l'information c'est le pouvoir' (Crozier 1964; Pfeffer "
              "1981 in LITERATURE.md) gives no rate; the midpoint; not yet grounded; swept "
              "0.1-0.9 in the study"),
    _p("rivalry", 0.05, "float", 0.0, 1.0, "per extra department",
       doc="Extra hoarding from each department beyond two: rivalry between heads.",
       source="assumption: the essay's 'guerre des chefs' adds hoarding with size; not yet "
              "grounded; swept 0-0.15 in the study"),
    _p("spread_inside", 0.8, "float", 0.0, 1.0, "probability",
       doc="Chance a fact spreads within its department and can be passed on (tau_in).",
       source="assumption: most facts spread within their own department; not yet grounded; "
              "swept 0.4-1 in the study"),
    _p("fact_rate", 4.0, "float", 0.0, 50.0, "facts per week",
       doc="Mean number of product facts arising in the company each week.",
       source="assumption: about four product facts a week; not yet grounded; swept 1-10 in the "
              "study"),
    _p("strategic_share", 0.2, "float", 0.0, 1.0, "share",
       doc="Share of facts tagged strategic: they never leave the company.",
       source="assumption: the essay: some facts are truly strategic ('certaines d'entre elles "
              "sont réellement stratégiques'); a fifth; not yet grounded; swept 0-0.6 in the "
              "study"),
    _p("liaison_reach", 0.9, "float", 0.0, 1.0, "probability",
       doc="Liaison's skill: chance it learns a fact known in a department it works with.",
       source="assumption: a skilled liaison (the essay asks for 'des compétences multiples'); "
              "not yet grounded; swept 0.3-1 in the study"),
    _p("liaison_exposure", 0.5, "float", 0.0, 1.0, "-",
       doc="How much hoarding the liaison meets, relative to a department-to-department "
           "path (0: immune, 1: as much).",
       source="assumption: the essay: the liaison will meet retention and rivalry, less than a "
              "silo path; midpoint"),
    _p("liaison_span", 6, "int", 1, 12, "departments",
       doc="Departments a liaison can work with closely; beyond, its reach per department "
           "falls as span / departments.",
       source="design choice: the default number of departments, so the default liaison is not "
              "stretched"),
    _p("liaison_cost", 2.0, "float", 0.0, 1e9, "money per week per 1,000 consumers",
       doc="Weekly cost of the liaison role, taken from the budget.",
       source="assumption: a fifth of the default budget; not yet grounded; swept 0.5-6 in the "
              "study"),
    _p("design_cost", 0.0, "float", 0.0, 1e9,
       "money per week per idea a week, per 1,000 consumers",
       doc="Weekly cost of design's capacity to act on feedback (per idea a week of its "
           "design capacity), taken from the budget after the liaison.",
       source="design choice: off by default, as the first round had it (the default "
              "companies differ in feedback channels, not in design teams); a strategist's "
              "plan states its own"),
    _p("disclosure_cost", 0.0, "float", 0.0, 1e6, "money per fact per 1,000 consumers",
       doc="Cost of each fact shared with influencers (what competitors may learn).",
       source="design choice: off by default; swept 0-0.3 in the study"),
    _p("quality", 0.6, "float", 0.0, 1.0, "quality units", doc="True product quality.",
       source="assumption: a decent product, equal for both default companies; not yet grounded "
              "(issue 11: among the ten most influential); swept 0.3-0.9 in the study"),
    _p("responsibility", 0.5, "float", 0.0, 1.0, "-", doc="True responsibility of the product.",
       source="design choice: neutral, the centre of the purchase utility (docs/ODD.md 7.7), "
              "equal for every company"),
    _p("responsibility_cost", 0.2, "float", 0.0, 100.0, "money per unit per responsibility unit",
       doc="Extra cost of making one unit per unit of responsibility above 0.5 (a saving below).",
       source="assumption: the essay: responsible firms do not produce anywhere to cut costs; "
              "half the unit cost for the whole range, not yet grounded"),
    _p("responsibility_overstatement", 0.0, "float", 0.0, 1.0, "-",
       doc="How far marketing's scripted claims exceed true responsibility (greenwashing).",
       source="design choice: no greenwashing by default; scenarios vary it"),
    _p("price", 1.0, "float", 0.01, 100.0, "money per unit", doc="Unit price.",
       source="design choice: the reference price of the purchase utility (price_sensitivity "
              "acts on price - 1)"),
    _p("unit_cost", 0.4, "float", 0.0, 100.0, "money per unit", doc="Cost of making one unit.",
       source="assumption: a 60 % gross margin at the reference price; not yet grounded"),
    _p("overstatement", 0.25, "float", 0.0, 1.0, "quality units",
       doc="How far marketing's scripted claims exceed true quality.",
       source="assumption: marketing's scripts overstate quality by a quarter of the scale; not "
              "yet grounded; swept 0-0.5 in the study"),
    _p("post_fee", 20.0, "float", 0.001, 1e8,
       "money per post per 1,000 followers in the market",
       doc="Market rate of one post per 1,000 of the influencer's followers who are in the "
           "market (any deal); money is counted per 1,000 people in the market, like the "
           "budget.",
       source="assumption: the first round's rate (0.2 per percent of consumers per 1,000 "
              "consumers) restated per follower in the market; not a real fee; not yet "
              "grounded"),
    _p("involvement_premium", 0.5, "float", 0.0, 10.0, "share of the post rate",
       doc="Retainer an engaged deal pays on top of the post rate for the influencer's "
           "time (briefings, feedback).",
       source="assumption: half a post's rate for the time a relationship takes; not yet grounded"),
    _p("max_posts", 7.0, "float", 0.0, 21.0, "posts per week",
       doc="Most posts per week any deal can buy from one influencer; money left over "
           "recruits a candidate.",
       source="design choice: one sponsored post a day"),
    _p("disclosure_billboard", 0.5, "float", 0.0, 1.0, "-",
       doc="Salience delta of a plain 'paid' disclosure.",
       source="assumption: the wording of a disclosure changes its salience (Evans et al. 2017, "
              "LITERATURE.md), value not taken from them; not yet grounded"),
    _p("disclosure_engaged", 0.7, "float", 0.0, 1.0, "-",
       doc="Salience delta of a disclosure that explains the relationship.",
       source="assumption: an explaining disclosure is more salient than a plain one (Evans et "
              "al. 2017 on wording, LITERATURE.md), value not taken from them; not yet grounded"),
    _p("feedback_gain", 0.003, "float", 0.0, 1.0, "per adopted idea",
       doc="Step of quality toward 1 (or toward 0 if the idea is wrong) when design acts "
           "on an influencer's feedback.",
       source="assumption: first-round value, not yet grounded; the ablation table shows how "
              "much of the headline it carries; swept 0.0005-0.01 in the study"),
    _p("feedback_accuracy", 0.75, "float", 0.0, 1.0, "probability",
       doc="Chance that an idea from feedback improves the product; otherwise it worsens it.",
       source="assumption: most outside suggestions help, a quarter mislead; not yet grounded"),
    _p("design_capacity", 1.0, "float", 0.0, 100.0, "ideas per week",
       doc="Feedback design can act on in a week; more is left unanswered.",
       source="assumption: one outside suggestion a week; not yet grounded"),
    _p("development_rate", 0.002, "float", 0.0, 0.1, "per week",
       doc="The company's own product development: quality gained toward 1 each week.",
       source="assumption: about 10 % of the gap to perfection closed per year, equal for every "
              "company by default"),
    _p("pressure", 0.0, "float", 0.0, 1.0, "probability per week",
       doc="Shareholder pressure: chance per week of acting on a lagging return.",
       source="design choice: no shareholder pressure by default; scenarios set it; swept "
              "0.02-0.5 in the study"),
    _p("horizon", 26, "int", 1, 520, "weeks",
       doc="Shareholders' horizon: the trailing window over which return is judged.",
       source="assumption: half a year (MODEL.md: shareholder pressure as a short horizon); not "
              "yet grounded; swept 8-104 in the study"),
    _p("switch_margin", 0.1, "float", 0.0, 10.0, "return on spend",
       doc="Shareholders change strategy only for a believed gain in return of at least this.",
       source="assumption: a switch (new contracts, lost relationships) must promise 10 % of "
              "spend; not yet grounded"),
    _p("return_target", 0.0, "float", -10.0, 10.0, "return on spend",
       doc="Return on influence spend (attributed margin, last touch) shareholders expect "
           "over the horizon.",
       source="assumption: shareholders expect influence spending to break even (attributed "
              "margin equal to spend); not yet grounded; swept -0.5 to 1 in the study"),
    _p("crisis_week", 0, "int", 0, 10_000, "week",
       doc="Week a product scandal hits (weeks count from 1; 0: no crisis).",
       source="scenario input: no crisis by default; scenarios and events set one"),
    _p("crisis_severity", 0.3, "float", 0.0, 1.0, "quality units",
       doc="Drop of true quality while the crisis lasts.",
       source="assumption: a crisis takes 0.3 of the quality scale; not yet grounded; swept "
              "0.1-0.6 in the study"),
    _p("crisis_duration", 8, "int", 1, 520, "weeks", doc="Weeks the quality drop lasts.",
       source="assumption: a crisis lasts two months; not yet grounded"),
)

# --------------------------------------------------------------------------
# Influencers
# --------------------------------------------------------------------------
INFLUENCER_PARAMS: tuple[Param, ...] = (
    _p("churn_threshold", 0.35, "float", 0.0, 1.0, "-",
       doc="The influencer leaves a company once their trust in it falls below this.",
       source="assumption: an influencer leaves once trust in the company falls below 0.35; not "
              "yet grounded; swept 0.1-0.5 in the study"),
    _p("answer_weight", 0.3, "float", 0.0, 5.0, "evidence per fact",
       doc="Trust the influencer gains in the company per fact or heard feedback "
           "(and loses per feedback left unanswered).",
       source="assumption: first-round value, not yet grounded; swept 0.05-1 in the study"),
    _p("audience_blame", 0.01, "float", 0.0, 5.0, "evidence per 1 % of the audience",
       doc="Trust lost in the company per percent of the audience that found a claim false, "
           "and gained per percent that found it true.",
       source="assumption: the first round's 0.02 per follower, restated per share of the "
              "audience so that it does not depend on how many consumers are modelled (0.01 per "
              "percent is 0.025 per follower of a 40-follower audience, the default world's "
              "typical one); not yet grounded"),
    _p("knowledge_memory", 0.9, "float", 0.0, 0.999, "per week",
       doc="Share of product knowledge kept from one week to the next.",
       source="assumption: product knowledge half forgotten in about 6.6 weeks; not yet grounded"),
    _p("feedback_rate", 0.5, "float", 0.0, 1.0, "per week",
       doc="Chance per week that an influencer with a feedback channel sends product feedback.",
       source="assumption: first-round value, not yet grounded; swept 0.1-1 in the study"),
)

# Per-influencer override keys (beyond INFLUENCER_PARAMS).
INFLUENCER_ROLE_PARAMS: tuple[Param, ...] = (
    _p("company", 0, "int", 0, 1000, doc="Index of the partner company.",
       source="scenario input: a listed influencer names its partner company"),
    _p("followers", 250_000, "int", 1, 10**9, "followers",
       doc="Followers on the platform (overrides the generated count); those in the market "
           "(followers_in_market) are the audience.",
       source="scenario input: a listed influencer's own count; the default lies inside the "
              "generated range (followers_min to followers_max)"),
    _p("fee", 0.0, "float", 0.0, 1e9, "money per post",
       doc="What one post of this influencer costs before a deal's retainer, in money for the "
           "whole market (the budget's money times market_size / 1,000); 0 takes the market "
           "rate (post_fee per 1,000 followers in the market).",
       source="scenario input: an influencer's own rate card (a strategist's roster); 0 by "
              "default: every generated influencer is paid the market rate"),
    _p("max_posts", 0.0, "float", 0.0, 21.0, "posts per week",
       doc="Most sponsored posts a week this influencer's deal buys; 0 takes the company's "
           "max_posts.",
       source="scenario input: a plan's cap for one influencer (a strategist's posting "
              "schedule); 0 by default: the company's cap"),
    _p("engagement", 0.0, "float", 0.0, 1.0, "probability per post",
       doc="Chance that a follower attends to one post of this influencer; 0 reads it from "
           "the follower count (engagement_ref, engagement_exponent).",
       source="scenario input: a measured rate for a known influencer; 0 by default: the "
              "engagement curve"),
    _p("overlap_group", "", "str",
       doc="A label shared by influencers whose audiences overlap (the same niche, city or "
           "fan base): the local part of their audiences (follower_locality) is recruited "
           "around the same consumer, so they reach many of the same people. Empty: the "
           "audience is drawn on its own.",
       source="scenario input: a strategist's knowledge of her roster (influencer platforms "
              "report audience overlap between creators); empty by default: generated "
              "influencers overlap only by chance and network locality"),
    _p("deal", "company", "choice", choices=("company", "billboard", "engaged"),
       doc="Deal type of this influencer; 'company' takes the deal the company's strategy "
           "offers.",
       source="design choice: an influencer takes the deal its company's strategy offers unless "
              "a scenario says otherwise"),
)

# --------------------------------------------------------------------------
# Scheduled events
# --------------------------------------------------------------------------
#: What may happen at a scheduled week. A ``change`` event may also carry any
#: company parameter in CHANGEABLE (a strategy change is ``strategy = "engaged"``).
EVENT_KINDS = ("crisis", "change", "disclosure")

EVENT_PARAMS: tuple[Param, ...] = (
    _p("week", 1, "int", 1, 10_000, "week",
       doc="Week at whose start the event happens (weeks count from 1).",
       source="scenario input: every event names its week (1 is the earliest allowed)"),
    _p("kind", "crisis", "choice", choices=EVENT_KINDS,
       doc="crisis: a product scandal; change: new company settings (strategy, "
           "structure, transparency ...); disclosure: a rule on paid-post disclosure.",
       source="scenario input: every event names its kind"),
    _p("company", 0, "int", 0, 1000,
       doc="Company concerned (index, or its name in scenario files); a disclosure "
           "rule without one applies to every company.",
       source="scenario input: every crisis or change names its company"),
    _p("severity", 0.3, "float", 0.0, 1.0, "quality units",
       doc="crisis: drop of true quality while it lasts (default: the company's crisis_severity).",
       source="design choice: the company's crisis_severity when the event gives none (its "
              "default 0.3 shown here)"),
    _p("duration", 8, "int", 1, 520, "weeks",
       doc="crisis: weeks the quality drop lasts (default: the company's crisis_duration).",
       source="design choice: the company's crisis_duration when the event gives none (its "
              "default 8 shown here)"),
    _p("salience", 0.9, "float", 0.0, 1.0, "-",
       doc="disclosure: smallest salience a paid post's disclosure may have from then on.",
       source="assumption: a disclosure rule asks for more salience than either default "
              "disclosure (0.5, 0.7); not yet grounded; scenarios set it"),
)

#: Company parameters a ``change`` event may set during a run. The name is an
#: identity, the number of departments fixes the organisation chart, and the
#: crisis settings have their own event.
CHANGEABLE: tuple[str, ...] = tuple(
    p.name for p in COMPANY_PARAMS
    if p.name not in ("name", "departments", "crisis_week", "crisis_severity",
                      "crisis_duration"))

DEFAULT_COMPANIES: tuple[dict[str, Any], ...] = (
    {"name": "Billboard Co", "structure": "siloed", "strategy": "billboard"},
    {"name": "Engaged Co", "structure": "transversal", "strategy": "engaged"},
)

WORLD = {p.name: p for p in WORLD_PARAMS}
COMPANY = {p.name: p for p in COMPANY_PARAMS}
INFLUENCER = {p.name: p for p in INFLUENCER_PARAMS}
INFLUENCER_ROLE = {p.name: p for p in (*INFLUENCER_PARAMS, *INFLUENCER_ROLE_PARAMS)}
EVENT = {p.name: p for p in EVENT_PARAMS}
GROUPS = ("companies", "influencer", "influencers", "events")


#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defaults() -> dict[str, Any]:
    """Return the default configuration: the essay's headline contrast.

    Two companies identical in everything (budget, product, size, hoarding)
    except their deal type and their structure: one rents influencers as
    billboards, the other runs engaged relationships through a liaison.
    """
    config: dict[str, Any] = {p.name: p.default for p in WORLD_PARAMS}
    config["companies"] = [
        {**{p.name: p.default for p in COMPANY_PARAMS}, **c} for c in DEFAULT_COMPANIES
    ]
    config["influencer"] = {p.name: p.default for p in INFLUENCER_PARAMS}
    config["influencers"] = []
    config["events"] = []
    return config


def resolve(params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Validate ``params`` and fill in defaults.

    Args:
        params: Partial configuration. ``companies`` entries are merged over
            the company defaults (and over the default company at the same
            index, so ``[{"strategy": "engaged"}]`` keeps a one-company world
            otherwise default).

    Returns:
        A complete, validated, JSON-serialisable configuration.

    Raises:
        ParameterError: naming the first offending parameter path.
    """
    params = dict(params or {})
    base = defaults()
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key not in WORLD and key not in GROUPS:
            raise ParameterError(key, value,
                                 _known(key, "a known parameter (see `influence params`)"))
    for p in WORLD_PARAMS:
        out[p.name] = p.coerce(params.get(p.name, p.default), p.name)

    companies = params.get("companies", base["companies"])
    if not isinstance(companies, Sequence) or isinstance(companies, str | bytes):
        raise ParameterError("companies", companies, "a list of company tables")
    if not 1 <= len(companies) <= 20:
        raise ParameterError("companies", f"{len(companies)} companies", "1 to 20 companies")
    out["companies"] = []
    for i, entry in enumerate(companies):
        start = base["companies"][i] if i < len(base["companies"]) else {
            p.name: p.default for p in COMPANY_PARAMS} | {"name": f"Company {i + 1}"}
        company = _resolve_table(entry, COMPANY, f"companies[{i}]", start)
        name = company["name"]
        if not name.strip() or name[0] in FORMULA_STARTS:
            raise ParameterError(f"companies[{i}].name", name,
                                 "a name that is not blank and does not begin with = + - @ "
                                 "(a spreadsheet would run it as a formula from the CSV)")
        earlier = [c["name"] for c in out["companies"]]
        if company["name"] in earlier:
            other = earlier.index(company["name"])
            raise ParameterError(f"companies[{i}].name", company["name"],
                                 f"a name no other company has (companies[{other}] has it; "
                                 "results are kept by company name)")
        out["companies"].append(company)

    out["influencer"] = _resolve_table(
        params.get("influencer", {}), INFLUENCER, "influencer", base["influencer"])

    roles = params.get("influencers", [])
    if not isinstance(roles, Sequence) or isinstance(roles, str | bytes):
        raise ParameterError("influencers", roles, "a list of influencer tables")
    out["influencers"] = []
    generated = generated_roles(out)
    for i, entry in enumerate(roles):
        start = {**out["influencer"], **{p.name: p.default for p in INFLUENCER_ROLE_PARAMS}}
        role = _resolve_table(entry, INFLUENCER_ROLE, f"influencers[{i}]", start)
        if i < generated:
            # An override of the i-th generated influencer: its partner and audience stay
            # the generated ones unless the entry names them (the model merges them).
            for key in GENERATED_ROLE_KEYS:
                if not isinstance(entry, Mapping) or key not in entry:
                    del role[key]
        if role.get("company", 0) >= len(out["companies"]):
            raise ParameterError(f"influencers[{i}].company", role["company"],
                                 f"an integer in [0, {len(out['companies']) - 1}]")
        out["influencers"].append(role)

    events = params.get("events", [])
    if not isinstance(events, Sequence) or isinstance(events, str | bytes):
        raise ParameterError("events", events, "a list of event tables")
    out["events"] = [_resolve_event(entry, f"events[{i}]", out["companies"])
                     for i, entry in enumerate(events)]
    out["events"].sort(key=lambda e: e["week"])  # stable: same-week events keep their order

    if out["followers_min"] > out["followers_max"]:
        raise ParameterError("followers_min", out["followers_min"],
                             f"an integer no larger than followers_max "
                             f"({out['followers_max']:,})")
    if out["network"] == "complete" and out["consumers"] > 5000:
        raise ParameterError("consumers", out["consumers"],
                             "at most 5000 with network = complete (it has n^2 ties)")
    if out["network"] != "complete" and out["network_degree"] >= out["consumers"]:
        raise ParameterError("network_degree", out["network_degree"],
                             f"an integer smaller than consumers ({out['consumers']})")
    return out


#: Keys of an ``influencers[i]`` entry that a generated influencer draws itself
#: (its partner company, its audience); an override keeps them unless it names them.
GENERATED_ROLE_KEYS = ("company", "followers")

#: Parameters of earlier versions, and what replaced them (named in the error).
RETIRED = {
    "audience_min_share": "followers_min (followers; audiences are real counts, a share "
                          "followers_in_market of them in a market of market_size people)",
    "audience_max_share": "followers_max (followers; see followers_min)",
    "engagement_ref_share": "engagement_ref_followers (followers)",
    "audience_share": "followers (the influencer's follower count)",
}


def _known(name: str, what: str) -> str:
    """The 'allowed' text for an unknown name, saying what replaced a retired one."""
    return f"{what}; {name} was replaced by {RETIRED[name]}" if name in RETIRED else what


def generated_roles(config: Mapping[str, Any]) -> int:
    """How many influencers the world generates: influencers_per_company per company.

    ``influencers[i]`` with ``i`` below this count overrides the i-th generated
    influencer (numbered by audience rank, then company: index ``rank * companies
    + company``) and changes nothing else; entries beyond it add influencers.
    """
    per = config.get("influencers_per_company", WORLD["influencers_per_company"].default)
    companies = config.get("companies", DEFAULT_COMPANIES)
    count = len(companies) if isinstance(companies, Sequence) else 0
    return int(per) * count if isinstance(per, int) and not isinstance(per, bool) else 0


def _resolve_table(entry: Any, schema: Mapping[str, Param], path: str,
                   start: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        raise ParameterError(path, entry, "a table of parameters")
    for key, value in entry.items():
        if key not in schema:
            known = ", ".join(schema)
            raise ParameterError(f"{path}.{key}", value, _known(key, f"a known key ({known})"))
    table = dict(start)
    for name, param in schema.items():
        table[name] = param.coerce(entry.get(name, table.get(name, param.default)),
                                   f"{path}.{name}")
    return table


def _resolve_event(entry: Any, path: str, companies: Sequence[Mapping[str, Any]]
                   ) -> dict[str, Any]:
    """Validate one scheduled event; keep only the keys its kind uses.

    A crisis gets its severity and duration filled from the company; a change
    keeps the company parameters it sets, validated against the declaration.
    """
    if not isinstance(entry, Mapping):
        raise ParameterError(path, entry, "a table with week, kind and what happens")
    for key in ("week", "kind"):
        if key not in entry:
            raise ParameterError(f"{path}.{key}", None, EVENT[key].allowed())
    kind = EVENT["kind"].coerce(entry["kind"], f"{path}.kind")
    event: dict[str, Any] = {"week": EVENT["week"].coerce(entry["week"], f"{path}.week"),
                             "kind": kind}
    own = {"crisis": ("company", "severity", "duration"), "change": ("company",),
           "disclosure": ("company", "salience")}[kind]
    settable = CHANGEABLE if kind == "change" else ()
    for key in entry:
        if key not in ("week", "kind", *own, *settable):
            allowed = ", ".join(("week", "kind", *own, *settable))
            raise ParameterError(f"{path}.{key}", entry[key],
                                 f"a key of a {kind} event ({allowed})")
    if "company" in entry:
        event["company"] = _company_index(entry["company"], f"{path}.company", companies)
    elif kind != "disclosure":
        raise ParameterError(f"{path}.company", None,
                             "a company index or name (a crisis or change concerns one company)")
    if kind == "crisis":
        company = companies[event["company"]]
        event["severity"] = EVENT["severity"].coerce(
            entry.get("severity", company["crisis_severity"]), f"{path}.severity")
        event["duration"] = EVENT["duration"].coerce(
            entry.get("duration", company["crisis_duration"]), f"{path}.duration")
    elif kind == "disclosure":
        event["salience"] = EVENT["salience"].coerce(entry.get("salience", EVENT["salience"]
                                                               .default), f"{path}.salience")
    else:
        changes = {k: COMPANY[k].coerce(v, f"{path}.{k}") for k, v in entry.items()
                   if k in settable}
        if not changes:
            raise ParameterError(path, dict(entry),
                                 "a change event setting at least one of " + ", ".join(settable))
        event.update(changes)
    return event


def _company_index(value: Any, path: str, companies: Sequence[Mapping[str, Any]]) -> int:
    """A company given by index or by name, as an index into ``companies``."""
    names = [c["name"] for c in companies]
    if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
        if value in names:
            return names.index(value)
        raise ParameterError(path, value, "a company name (" + ", ".join(names)
                             + f") or an index in [0, {len(names) - 1}]")
    index = _parse_number(value, integer=True)
    if index is None or not 0 <= index < len(names):
        raise ParameterError(path, value, f"an integer in [0, {len(names) - 1}] or a company "
                             "name (" + ", ".join(names) + ")")
    return int(index)


_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def set_path(config: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a copy of ``config`` with the parameter at ``path`` set to ``value``.

    Paths name world parameters (``consumers``), company and influencer
    settings (``companies[1].strategy`` or ``companies.1.strategy``,
    ``influencer.churn_threshold``, ``influencers[0].followers``). The
    value is validated against the declaration; a list entry that does not
    exist yet is created from the defaults.

    Raises:
        ParameterError: for an unknown path or a bad value.
    """
    config = copy.deepcopy(config)
    assign(config, path, value)
    return config


def assign(config: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set the parameter at ``path`` to ``value`` in ``config`` itself (see :func:`set_path`).

    For a caller that sets many paths on a config it already owns (a sweep's
    design point): :func:`set_path` copies the whole config for every path,
    which made planning a 40,000-run Sobol design take minutes.

    Returns:
        ``config``, changed.

    Raises:
        ParameterError: for an unknown path or a bad value (``config`` unchanged).
    """
    parts = split_path(path)
    if len(parts) == 1 and isinstance(parts[0], str):
        name = parts[0]
        if name not in WORLD:
            raise ParameterError(path, value,
                                 _known(name, "a known parameter (see `influence params`)"))
        config[name] = WORLD[name].coerce(value, path)
        return config
    head, *rest = parts
    if head == "influencer" and len(rest) == 1 and isinstance(rest[0], str):
        param = INFLUENCER.get(rest[0])
        if param is None:
            raise ParameterError(path, value, f"a known key ({', '.join(INFLUENCER)})")
        config.setdefault("influencer", {})[rest[0]] = param.coerce(value, path)
        return config
    if head in ("companies", "influencers") and len(rest) == 2 and isinstance(rest[0], int) \
            and isinstance(rest[1], str):
        index, key = rest
        schema = COMPANY if head == "companies" else INFLUENCER_ROLE
        if key not in schema:
            raise ParameterError(path, value, _known(key, f"a known key ({', '.join(schema)})"))
        present = len(config.get(head, []))
        # influencers[i] below the generated count overrides a generated influencer:
        # the entries before it are padded with empty overrides, which change nothing.
        top = max(present, generated_roles(config)) if head == "influencers" else present
        if index > top:
            raise ParameterError(path, value, f"an index in [0, {top}] ({head} has {top})")
        coerced = schema[key].coerce(value, path)  # before anything changes
        items = config.setdefault(head, [])
        while index >= len(items):
            items.append({})
        items[index][key] = coerced
        return config
    raise ParameterError(path, value,
                         "a path like consumers, companies[1].strategy or "
                         "influencer.churn_threshold")


def declared(path: str) -> Param | None:
    """The declared parameter a settable path names (``companies[1].budget``), or None.

    Only the shape of the path is read: whether ``companies[5]`` exists in a
    given configuration is for :func:`set_path` to say.
    """
    try:
        parts = split_path(path)
    except ParameterError:
        return None
    if len(parts) == 1 and isinstance(parts[0], str):
        return WORLD.get(parts[0])
    if len(parts) == 2 and parts[0] == "influencer" and isinstance(parts[1], str):
        return INFLUENCER.get(parts[1])
    if len(parts) == 3 and parts[0] in ("companies", "influencers") \
            and isinstance(parts[1], int) and isinstance(parts[2], str):
        return (COMPANY if parts[0] == "companies" else INFLUENCER_ROLE).get(parts[2])
    return None


def split_path(path: str) -> list[str | int]:
    """A parameter path as its parts: ``"companies[1].budget"`` -> ``["companies", 1, "budget"]``.

    ``companies.1.budget`` is the same path. Raises ParameterError for a
    malformed piece.
    """
    parts: list[str | int] = []
    for piece in path.strip().split("."):
        if piece.isdigit():
            parts.append(int(piece))
            continue
        match = _PATH_PART.match(piece)
        if not match:
            raise ParameterError(path, piece, "a path like companies[1].strategy")
        parts.append(match.group(1))
        if match.group(2) is not None:
            parts.append(int(match.group(2)))
    return parts


def parameter_table() -> str:
    """Render every declared parameter as a Markdown table (for docs/ODD.md)."""
    lines = []
    for title, params in (("World", WORLD_PARAMS), ("Company (per company)", COMPANY_PARAMS),
                          ("Influencer (defaults and per influencer)",
                           (*INFLUENCER_PARAMS, *INFLUENCER_ROLE_PARAMS)),
                         ("Scheduled event (per event; a change also takes company parameters)",
                          EVENT_PARAMS)):
        lines += [f"### {title}", "", "| name | default | allowed | unit | meaning | source |",
                  "|---|---|---|---|---|---|"]
        for p in params:
            doc = p.doc.replace("|", "\\|")
            source = p.source.replace("|", "\\|") or "-"
            lines.append(f"| `{p.name}` | `{p.default}` | {p.allowed()} | {p.unit} | {doc} "
                         f"| {source} |")
        lines.append("")
    return "\n".join(lines)
