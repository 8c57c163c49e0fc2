"""The company TOML: who runs the plan, with what money, product, structure and market.

Keys are read in the company's own terms (money in its currency, a weekly
budget for the whole market); :mod:`experiments.plan.build` converts them to
the model's units. Values have their TOML types (``quality = "0.6"`` is a
string where a number belongs, and is refused), and every value that reaches
a model parameter is held to that parameter's declared bounds
(:mod:`simulation.parameters`). A refusal is one line::

    company.toml: product.quality: got 1.5; allowed: a number in [0, 1]

docs/plan.md documents every key.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation import limits
from simulation.parameters import COMPANY, FORMULA_STARTS, WORLD, Param, ParameterError

from .roster import PlanError, read_input

#: The deal a company offers influencers who accept either (the model's strategies).
STRATEGIES = COMPANY["strategy"].choices


@dataclass(frozen=True)
class Key:
    """One key of company.toml.

    Attributes:
        kind: ``"money"`` (a number >= 0 in the company's currency), ``"price"``
            (a number > 0), ``"float"``, ``"int"``, ``"bool"``, ``"str"`` or
            ``"choice"``.
        default: The value when the key is missing; None means required.
        doc: What it means, with its unit.
        model: The model parameter it sets (``companies[0].quality``), or a note.
        param: The declared parameter whose bounds hold it, if any.
    """

    kind: str
    default: Any
    doc: str
    model: str
    param: Param | None = None


def _model(section: str, name: str, doc: str, default: Any = "model") -> Key:
    """A key passed straight to a declared parameter, with its bounds and kind."""
    param = COMPANY.get(name) if section != "market" else None
    target = f"companies[0].{name}"
    if param is None:
        param = WORLD[{"size": "market_size"}.get(name, name)]
        target = param.name
    value = param.default if default == "model" else default
    return Key(param.kind, value, doc, target, param)


SCHEMA: dict[str, dict[str, Key]] = {
    "": {
        "name": Key("str", None, "The company's name (a label in results).",
                    "companies[0].name"),
        "currency": Key("str", "money", "What money is counted in (EUR, USD ...): a label for "
                                        "messages only.", "-"),
        "weekly_budget": Key("money", None,
                             "Money spent on influencers each week, the liaison included, "
                             "in the company's currency.",
                             "companies[0].budget = weekly_budget / reference_price x 1000 / "
                             "market.size"),
        "weeks": Key("int", 52, f"Horizon: weeks to simulate, in [1, {limits.MAX_STEPS}].",
                     "the scenario's weeks"),
        "strategy": _model("", "strategy",
                           "Deal offered to influencers who accept both: billboard, engaged, "
                           "or mixed (engaged_share of them engaged).", "engaged"),
        "engaged_share": _model("", "engaged_share",
                                "With strategy = mixed: share of those influencers offered an "
                                "engaged deal."),
    },
    "product": {
        "quality": _model("product", "quality", "True product quality, 0 to 1."),
        "responsibility": _model("product", "responsibility",
                                 "True responsibility of the product, 0 to 1 (0.5 neutral)."),
        "price": Key("price", None, "Unit price, in the company's currency.",
                     "companies[0].price = price / reference_price"),
        "unit_cost": Key("money", None, "Cost of making one unit, in the company's currency.",
                         "companies[0].unit_cost = unit_cost / reference_price"),
        "reference_price": Key("price", "price",
                               "The category's usual price, in the company's currency: what "
                               "shoppers compare the price with (default: price). It is the "
                               "model's unit of money.",
                               "every amount is divided by it"),
    },
    "structure": {
        "departments": _model("structure", "departments", "Number of departments, 1 to 12."),
        "hoarding": _model("structure", "hoarding",
                           "Chance a fact crossing between departments is blocked, 0 to 1."),
        "liaison": Key("bool", False, "Whether a liaison links the departments to the "
                                      "influencers (a transversal structure).",
                       "companies[0].structure = transversal if true, siloed if false"),
        "liaison_cost": Key("money", 0.0, "Weekly cost of the liaison, in the company's "
                                          "currency, taken from weekly_budget.",
                            "companies[0].liaison_cost, converted like the budget"),
        "transparency": _model("structure", "transparency",
                               "Share of known non-strategic facts the company lets reach its "
                               "influencers, 0 to 1."),
        "disclosure_cost": Key("money", 0.0, "What each fact shared with influencers costs "
                                             "(what competitors may learn), in the company's "
                                             "currency; counted in costs, not in the budget.",
                               "companies[0].disclosure_cost, converted like the budget"),
        "design_cost": Key("money", 0.0, "Weekly cost of design's capacity to act on one "
                                         "idea a week of influencer feedback, in the "
                                         "company's currency, taken from weekly_budget after "
                                         "the liaison.",
                           "companies[0].design_cost, converted like the budget"),
    },
    "shareholders": {
        "horizon": _model("shareholders", "horizon",
                          "Weeks over which shareholders judge the return on influence spend."),
        "pressure": _model("shareholders", "pressure",
                           "Chance per week that shareholders act on a lagging return (0: never)."),
        "return_target": _model("shareholders", "return_target",
                                "Return on influence spend shareholders expect (0: break "
                                "even)."),
    },
    "market": {
        "size": _model("market", "size", "People in the product's addressable market."),
        "followers_in_market": _model("market", "followers_in_market",
                                      "Share of an influencer's followers who are in that "
                                      "market, 0.001 to 1."),
        "consumers": _model("market", "consumers",
                            "Consumers modelled (a sample of the market): more is finer and "
                            "slower."),
    },
}


@dataclass(frozen=True)
class Company:
    """A validated company.toml, in the company's own terms.

    Attributes:
        values: ``section -> key -> value``, every key of :data:`SCHEMA` filled in.
        label: How messages name the file.
    """

    values: dict[str, dict[str, Any]]
    label: str

    def __getitem__(self, dotted: str) -> Any:
        """``company["product.price"]``, ``company["name"]``."""
        section, _, key = dotted.rpartition(".")
        return self.values[section][key]


def read_company(path: str | Path, label: str | None = None) -> Company:
    """Read and validate company.toml.

    Raises:
        PlanError: naming the file, the key, the value and what is allowed.
    """
    label = str(path) if label is None else label
    return parse_company(read_input(path, label, "a company TOML file"), label)


def parse_company(data: bytes | str, label: str = "company.toml") -> Company:
    """Validate company.toml's content.

    Raises:
        PlanError: as :func:`read_company`.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PlanError(label, "", "bytes that are not UTF-8",
                            "a UTF-8 TOML file") from None
    try:
        raw = limits.parse_toml(data.removeprefix("\ufeff"))
    except limits.TooDeepError as error:
        raise PlanError(label, "", error.got, error.allowed) from None
    except tomllib.TOMLDecodeError as error:
        raise PlanError(label, "", f"malformed TOML: {' '.join(str(error).split())}",
                        "a valid TOML file") from None
    sections = [s for s in SCHEMA if s]
    values: dict[str, dict[str, Any]] = {s: {} for s in SCHEMA}
    for key, value in raw.items():
        if key in sections:
            if not isinstance(value, dict):
                raise PlanError(label, key, value, f"a table ([{key}])")
            continue
        if key not in SCHEMA[""]:
            raise PlanError(label, key, value,
                            "a known key (" + ", ".join(SCHEMA[""]) + ") or table ("
                            + ", ".join(f"[{s}]" for s in sections) + ")")
    for section, keys in SCHEMA.items():
        table = raw if not section else raw.get(section, {})
        for key, value in table.items():
            if section and key not in keys:
                raise PlanError(label, f"{section}.{key}", value,
                                f"a key of [{section}] (" + ", ".join(keys) + ")")
        for key, spec in keys.items():
            path = f"{section}.{key}" if section else key
            if key in table:
                values[section][key] = _value(spec, table[key], path, label)
            elif spec.default is None:
                raise PlanError(label, path, None, f"a value: {spec.doc}")
            else:
                values[section][key] = spec.default
    product = values["product"]
    if product["reference_price"] == "price":
        product["reference_price"] = product["price"]
    return Company(values, label)


def _value(spec: Key, value: Any, path: str, label: str) -> Any:
    kind = spec.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise PlanError(label, path, value, "true or false")
        return value
    if kind in ("str", "choice"):
        allowed = spec.param.allowed() if spec.param is not None and kind == "choice" \
            else "a name of at most 80 printable characters, not beginning with = + - @"
        if not isinstance(value, str) or not value.strip():
            raise PlanError(label, path, value, allowed)
        text = value.strip()
        if kind == "choice":
            if text not in spec.param.choices:  # type: ignore[union-attr]
                raise PlanError(label, path, value, allowed)
            return text
        if len(text) > 80 or text[0] in FORMULA_STARTS or any(
                unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in text):
            raise PlanError(label, path, value, allowed)
        return text
    number_ok = isinstance(value, int | float) and not isinstance(value, bool)
    if kind in ("money", "price"):
        positive = kind == "price"
        allowed = ("a number > 0" if positive else "a number >= 0") \
            + " in the company's currency"
        if not number_ok or not math.isfinite(value) or value < 0 or (positive and value == 0) \
                or value > 1e15:
            raise PlanError(label, path, value, allowed + " (at most 1e15)")
        return float(value)
    if kind == "int" and not (isinstance(value, int) and not isinstance(value, bool)):
        allowed = spec.param.allowed() if spec.param is not None else "an integer"
        if path == "weeks":
            allowed = f"an integer in [1, {limits.MAX_STEPS}]"
        raise PlanError(label, path, value, allowed)
    if not number_ok:
        raise PlanError(label, path, value,
                        spec.param.allowed() if spec.param is not None else "a number")
    if path == "weeks":
        if not 1 <= value <= limits.MAX_STEPS:
            raise PlanError(label, path, value, f"an integer in [1, {limits.MAX_STEPS}]")
        return value
    assert spec.param is not None
    try:
        return spec.param.coerce(value, path)
    except ParameterError as error:
        raise PlanError(label, path, value, error.allowed) from None
