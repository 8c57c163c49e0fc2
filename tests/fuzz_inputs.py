"""Hypothesis generators of command-line input, all in one place (issue 15, item 4).

``--set`` paths and values, scenario TOML documents (valid and broken shapes)
and sweep specs, drawn from the model's own declaration so that a parameter
added there is fuzzed too. The commands other issues add (calibrate, plan,
check) get their generators here, next to these, and run through
:func:`invoke_bounded` like the others.
"""

from __future__ import annotations

import contextlib
import math
import signal
from collections.abc import Iterator
from typing import Any

from click.testing import CliRunner
from hypothesis import strategies as st

from simulation import parameters
from simulation.parameters import COMPANY, EVENT_KINDS, INFLUENCER, INFLUENCER_ROLE, WORLD

#: World size every fuzzed run is held to, set last on the command line, so a
#: case never builds a large world (the bounds on size are tested elsewhere).
SMALL_WORLD = ("--set", "consumers=60", "--set", "network_degree=4")

#: Parameters that only size the world: fuzzing them means slow cases, not new paths.
SIZE = {"consumers", "network_degree", "influencers_per_company", "candidates_per_company"}

#: Seconds a single case may take before it counts as a hang.
CASE_SECONDS = 20


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------
junk_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)

odd_numbers = st.sampled_from(["nan", "inf", "-inf", "1e309", "-0", "0x10", "1_000", "",
                               " ", "2**64", str(2**64), str(-(2**70)), "1e-400", "true",
                               "=1+1", "[1]", "{}", "'a'"])


def value_for(param: parameters.Param) -> st.SearchStrategy[Any]:
    """Values for one declared parameter: inside, at and past its bounds, or junk."""
    inside: st.SearchStrategy[Any]
    if param.kind == "choice":
        inside = st.sampled_from(list(param.choices))
    elif param.kind == "bool":
        inside = st.sampled_from(["true", "false", "1", "0", "yes"])
    elif param.kind in ("int", "float"):
        low = -1e6 if param.low is None else param.low
        high = 1e6 if param.high is None else param.high
        if param.kind == "int":
            inside = st.integers(int(low) - 2, int(min(high, 1e9)) + 2)
        else:
            inside = st.floats(low - 1, high + 1, allow_nan=False)
        inside = st.one_of(inside, st.sampled_from([low, high]))
    else:
        inside = junk_text
    return st.one_of(inside, inside, odd_numbers, junk_text)


def _world_params() -> list[parameters.Param]:
    return [p for name, p in WORLD.items() if name not in SIZE]


@st.composite
def set_pair(draw: st.DrawFn) -> tuple[str, str]:
    """One ``--set PATH=VALUE``: a declared path (any group) or a malformed one."""
    kind = draw(st.sampled_from(["world", "company", "influencer", "role", "junk"]))
    if kind == "world":
        param = draw(st.sampled_from(_world_params()))
        path = param.name
    elif kind == "company":
        param = draw(st.sampled_from(list(COMPANY.values())))
        index = draw(st.integers(0, 3))
        path = draw(st.sampled_from([f"companies[{index}].{param.name}",
                                     f"companies.{index}.{param.name}"]))
    elif kind == "influencer":
        param = draw(st.sampled_from(list(INFLUENCER.values())))
        path = f"influencer.{param.name}"
    elif kind == "role":
        param = draw(st.sampled_from(list(INFLUENCER_ROLE.values())))
        path = f"influencers[{draw(st.integers(0, 8))}].{param.name}"
    else:
        path = draw(st.one_of(junk_text, st.sampled_from(
            ["companies[99].budget", "companies[-1].budget", "companies.x.budget",
             "influencer", "companies", "a.b.c.d", "events[0].week", "consumers.x", "",
             ".", "[0]", "companies[0]", "influencers[0]"])))
        return path, draw(junk_text)
    value = draw(st.one_of(_typed(param, valid=True), value_for(param)))
    text = repr(value) if isinstance(value, float) and not math.isfinite(value) else str(value)
    return path, text


def set_args(max_size: int = 3) -> st.SearchStrategy[list[str]]:
    """Command-line words ``--set P=V ...``."""
    return st.lists(set_pair(), max_size=max_size).map(
        lambda pairs: [word for path, value in pairs for word in ("--set", f"{path}={value}")])


# --------------------------------------------------------------------------
# TOML
# --------------------------------------------------------------------------
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def _key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "_-" for c in key) else _toml_value(key)


def to_toml(doc: dict[str, Any]) -> str:
    """A TOML document of ``doc``: scalars first, then tables and arrays of tables."""
    lines = []
    tables = []
    for key, value in doc.items():
        if isinstance(value, dict):
            tables.append((key, value, False))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, value, True))
        else:
            lines.append(f"{_key(key)} = {_toml_value(value)}")
    for key, value, array in tables:
        for table in (value if array else [value]):
            lines.append(f"[[{_key(key)}]]" if array else f"[{_key(key)}]")
            lines.extend(f"{_key(k)} = {_toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def _typed(param: parameters.Param, valid: bool = False) -> st.SearchStrategy[Any]:
    """TOML-typed values for a parameter: in range when ``valid``, else sometimes wrong."""
    edge = 0 if valid else 1
    if param.kind == "choice":
        right: st.SearchStrategy[Any] = st.sampled_from(list(param.choices))
    elif param.kind == "bool":
        right = st.booleans()
    elif param.kind == "int":
        low = 0 if param.low is None else int(param.low)
        high = 1000 if param.high is None else int(min(param.high, 10**6))
        right = st.integers(low - edge, high + edge)
    elif param.kind == "float":
        low = -10.0 if param.low is None else param.low
        high = 10.0 if param.high is None else param.high
        right = st.floats(low - edge / 2, high + edge / 2, allow_nan=False)
    else:
        right = junk_text
    if valid:
        return right
    wrong = st.one_of(junk_text, st.integers(-5, 5), st.floats(allow_nan=True),
                      st.booleans(), st.lists(st.integers(), max_size=2), st.just({}))
    return st.one_of(right, right, right, wrong)


def _table_of(schema: dict[str, parameters.Param], skip: set[str] = frozenset(),
              valid: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    names = [n for n in schema if n not in skip]
    return st.lists(st.sampled_from(names), max_size=3, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({k: _typed(schema[k], valid) for k in keys}))


#: Keys a well-formed scenario leaves alone: they depend on each other (the
#: audience bounds, the network's kind) and are checked by their own tests.
COUPLED = SIZE | {"followers_min", "followers_max", "network"}


@st.composite
def scenario_doc(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario as a table: half well formed, half with keys wrong in type or name."""
    valid = draw(st.booleans())
    doc: dict[str, Any] = {}
    if draw(st.booleans()):
        doc["extends"] = draw(st.sampled_from(["default", "first-lesson"] if valid else
                                              ["default", "nope", "../x", "/etc/passwd", ""]))
    if valid or draw(st.integers(0, 9)):
        doc["title"] = draw(st.one_of(st.just("Fuzzed"), junk_text.filter(str.strip)))
    if draw(st.booleans()):
        doc["weeks"] = draw(st.integers(1, 4) if valid else
                            st.one_of(st.integers(-1, 4), st.just(10**12), junk_text))
    doc["world"] = {**draw(_table_of(WORLD, COUPLED if valid else SIZE, valid)),
                    "consumers": 60, "network_degree": 4}
    if draw(st.booleans()):
        doc["influencer"] = draw(_table_of(INFLUENCER, valid=valid))
    if draw(st.booleans()):
        companies = draw(st.lists(_table_of(COMPANY, {"name"} if valid else set(), valid),
                                  min_size=1, max_size=3))
        if valid:
            for i, company in enumerate(companies):
                company["name"] = f"Fuzz Co {i}"
        doc["companies"] = companies
    if draw(st.integers(0, 3)) == 0:
        doc["influencers"] = draw(st.lists(_table_of(
            INFLUENCER_ROLE, {"company"} if valid else set(), valid), min_size=1, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        doc["events"] = draw(st.lists(st.fixed_dictionaries(
            {"week": st.integers(1 - (not valid) * 2, 12),
             "kind": st.sampled_from(["crisis", "disclosure"] if valid else
                                     [*EVENT_KINDS, "boom"]),
             "company": st.integers(0, 1) if valid else
             st.one_of(st.integers(-1, 3), st.just("Engaged Co"), junk_text)}),
            min_size=1, max_size=2))
    if not valid and draw(st.integers(0, 5)) == 0:
        doc[draw(junk_text.filter(bool))] = draw(junk_text)
    return doc


def break_text(text: str, data: st.DataObject) -> str:
    """The text, sometimes cut short or with junk spliced in (a broken shape)."""
    how = data.draw(st.sampled_from(["keep", "keep", "keep", "keep", "cut", "splice", "nest"]))
    if how == "cut":
        return text[:data.draw(st.integers(0, len(text)))]
    if how == "splice":
        at = data.draw(st.integers(0, len(text)))
        return text[:at] + data.draw(st.sampled_from(["[", "]]", "=", '"', "\x00", "[[world]]",
                                                      "\n[world]\n", "= ="])) + text[at:]
    if how == "nest":
        depth = data.draw(st.integers(1, 200))
        return text + "deep = " + "[" * depth + "]" * depth + "\n"
    return text


@st.composite
def spec_doc(draw: st.DrawFn) -> dict[str, Any]:
    """A sweep spec of at most a few tiny runs: half well formed, half with keys wrong."""
    valid = draw(st.booleans())

    def pick(good: list[Any], bad: list[Any]) -> Any:
        return draw(st.sampled_from(good if valid else good + bad))

    doc: dict[str, Any] = {"title": "fuzz",
                           "scenario": pick(["default", "first-lesson"],
                                            ["missing", "/etc/passwd", "../default.toml"]),
                           "seed": draw(st.integers(0, 5)) if valid else
                           draw(st.one_of(st.integers(-1, 5), junk_text)),
                           "replicates": pick([1, 2], [0, "2"]),
                           "weeks": pick([1, 2], [0, 10**9, "3"])}
    doc["set"] = {"consumers": 60, "network_degree": 4}
    params = []
    chosen = draw(st.lists(st.sampled_from(["companies[1].transparency", "companies[0].budget",
                                            "forgetting", "influencer.churn_threshold"]),
                           max_size=2, unique=True))
    for path in chosen:
        param = parameters.declared(path)
        table: dict[str, Any] = {"path": path if valid else pick([path], ["nope.x", ""])}
        if valid:
            low, high = float(param.low), float(param.high)
            table["values"] = draw(st.lists(st.floats(low, high), min_size=1, max_size=2,
                                            unique=True))
        elif draw(st.booleans()):
            table["values"] = draw(st.lists(_typed(param), min_size=1, max_size=2))
        else:
            table["range"] = draw(st.lists(_typed(param), min_size=2, max_size=2))
            table["steps"] = pick([2], [1, "2"])
        params.append(table)
    if params:
        doc["parameters"] = params
    if not valid and draw(st.integers(0, 3)) == 0:
        doc["design"] = {"kind": draw(st.sampled_from(["grid", "lhs", "sobol", "morris", "x"])),
                         "samples": draw(st.sampled_from([1, 2, 3]))}
    doc["outputs"] = {"every": pick([0, 1], [-1]),
                      "metrics": pick([["trust_mean"]], [[], ["nope"]])}
    if not valid and draw(st.integers(0, 5)) == 0:
        doc[draw(junk_text.filter(bool))] = 1
    return doc


# --------------------------------------------------------------------------
# Running a case
# --------------------------------------------------------------------------
class CaseTimeoutError(Exception):
    """A case ran past :data:`CASE_SECONDS`: a hang."""


@contextlib.contextmanager
def bounded(seconds: int = CASE_SECONDS) -> Iterator[None]:
    """Raise :class:`CaseTimeoutError` in the main thread if the block runs past ``seconds``."""
    def expire(signum, frame):
        raise CaseTimeoutError(f"case ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke_bounded(args: list[str]):
    """Run ``influence ARGS`` in-process through the entry point, bounded in time."""
    from simulation.cli import cli

    with bounded():
        return CliRunner().invoke(cli, args, prog_name="influence")


def assert_clean(result) -> None:
    """Exit 0, or exit 2 with one ``error:`` line; never a traceback, never a hang."""
    assert not isinstance(result.exception, CaseTimeoutError), "a case hung"
    assert result.exit_code in (0, 2), (result.exit_code, result.output,
                                        repr(result.exception))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, result.stderr
