"""Declared upper bounds on what a command accepts, each in one place (issue 15).

A typo should not mean "forever" nor a crash deep in a parser: a scenario or
spec file nested deeper than :data:`MAX_NESTING`, or a chain of ``extends``
longer than :data:`MAX_EXTENDS`, is refused with one line naming the file,
the value and the bound.
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
