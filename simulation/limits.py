"""Declared upper bounds on what a command accepts, each in one place (issue 15).

A typo should not mean "forever" nor a crash deep in a parser: steps,
replicates, seeds, the runs a spec plans, the size and nesting of a scenario
or spec file and the length of an ``extends`` chain each have one declared
bound here, and what goes past one is refused with one line naming the
argument or file, the value and the bound.
"""

from __future__ import annotations

import tomllib
from typing import Any

#: Deepest nesting of tables and arrays in a scenario or spec file (the shipped
#: files use 3).
MAX_NESTING = 32

#: Longest chain of ``extends`` from a scenario to its farthest parent (the
#: shipped variants use 1).
MAX_EXTENDS = 16


#: Most weeks one run simulates (``--steps``, a scenario's or a spec's ``weeks``):
#: about 190 years of weekly steps.
MAX_STEPS = 10_000

#: Most replicates of one scenario or design point (``--replicates``, a spec's
#: ``replicates``).
MAX_REPLICATES = 10_000

#: Largest seed a command accepts (seeds are 64-bit keys, see simulation.seeds).
MAX_SEED = 2**64 - 1

#: Most runs one experiment spec may plan at all; a plan is counted before any
#: design point is built, so a typo cannot exhaust memory while planning.
MAX_SPEC_RUNS = 1_000_000

#: Most runs a sweep starts without being told the plan is intended (``--yes``,
#: or ``max_runs`` in the spec).
CONFIRM_RUNS = 10_000

#: Largest scenario or spec file read (the shipped scenarios are under 10 kB).
MAX_FILE_BYTES = 1_000_000

#: Rough cost of a run, for the estimate a sweep prints before starting: seconds
#: on one core per run (building, writing), per week and per consumer-week
#: (measured: about 2 ms a week at 300 consumers, 0.6 us a consumer-week at
#: 2,000), bytes per kept row of a run file and per file.
SECONDS_PER_RUN = 0.2
SECONDS_PER_WEEK = 0.002
SECONDS_PER_CONSUMER_WEEK = 7e-7
BYTES_PER_ROW = 120
BYTES_PER_RUN_FILE = 6_000


def read_capped(path: Any) -> bytes:
    """The bytes of ``path``, refusing a file larger than :data:`MAX_FILE_BYTES`.

    Raises:
        TooLargeError: naming the size; OSError as reading raises it.
    """
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TooLargeError()
    return data


class TooLargeError(ValueError):
    """A file larger than :data:`MAX_FILE_BYTES`."""

    def __init__(self) -> None:
        super().__init__("too large")
        self.got = f"a file of more than {MAX_FILE_BYTES:,} bytes"
        self.allowed = f"a file of at most {MAX_FILE_BYTES:,} bytes"


class TooDeepError(ValueError):
    """A TOML document nested deeper than :data:`MAX_NESTING`; ``got`` says how deep."""

    def __init__(self, got: str) -> None:
        super().__init__(got)
        self.got = got
        self.allowed = f"at most {MAX_NESTING} levels of nested tables and arrays"


def nesting_depth(value: Any) -> int:
    """How deep tables (dicts) and arrays (lists) nest in ``value``, without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML, refusing a document nested deeper than :data:`MAX_NESTING`.

    Raises:
        tomllib.TOMLDecodeError: for malformed TOML.
        TooDeepError: for a document nested too deep, whether or not Python's parser
            could have read it.
    """
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise TooDeepError("a document nested deeper than the parser can read") from None
    depth = nesting_depth(data)
    if depth > MAX_NESTING:
        raise TooDeepError(f"a document nested more than {MAX_NESTING} levels deep")
    return data
