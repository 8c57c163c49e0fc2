"""Bring your own roster and company (issue 13): a strategist's plan run as a scenario.

A plan folder holds two files:

* ``roster.csv``: one row per influencer (name, platform, followers,
  engagement, fees, accepted deals, overlap group), read by
  :mod:`experiments.plan.roster`;
* ``company.toml``: budget, horizon, product, structure, shareholders and
  market, read by :mod:`experiments.plan.company`.

:func:`load_plan` validates both and maps them onto the model
(:mod:`experiments.plan.build`): it returns a :class:`Plan` with the model's
configuration and the roster table (every roster column with what the model
makes of it: deal, price per post, audience share, attention). ``influence
plan scenario DIR`` writes the plan as a scenario file
(:mod:`experiments.plan.scenario`), so that ``influence run``, ``compare`` and
the web UI run it like any scenario. docs/plan.md documents the files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from .build import Plan, build, engagement_factor, money_factor
from .company import Company, read_company
from .roster import COLUMNS, MAX_ROWS, PlanError, RosterRow, read_roster

ROSTER_FILE = "roster.csv"
COMPANY_FILE = "company.toml"

__all__ = ["COLUMNS", "COMPANY_FILE", "MAX_ROWS", "ROSTER_FILE", "Company", "Plan",
           "PlanError", "RosterRow", "build", "engagement_factor", "load_plan", "money_factor",
           "read_company", "read_roster"]


def load_plan(folder: str | os.PathLike[str], *, keep: Sequence[str] | None = None,
              deals: Mapping[str, str] | None = None) -> Plan:
    """Read, validate and map a plan folder (``roster.csv`` and ``company.toml``).

    Args:
        folder: The plan folder.
        keep: Names of the influencers to put in the world (default: all).
        deals: Deal per influencer name for those who accept both.

    Raises:
        PlanError: one line naming the file, the row and column (or key), the
            value and what is allowed.
    """
    text = os.fspath(folder)
    root = Path(text)
    if not root.is_dir():
        what = "a file" if root.exists() else "no such folder"
        raise PlanError(text, "", None, f"a plan folder holding {ROSTER_FILE} and "
                                        f"{COMPANY_FILE} ({what} here; `influence plan init "
                                        "DIR` writes one)")
    company = read_company(root / COMPANY_FILE, str(Path(text, COMPANY_FILE)))
    roster_label = str(Path(text, ROSTER_FILE))
    roster = read_roster(root / ROSTER_FILE, roster_label)
    return build(company, roster, label=roster_label, keep=keep, deals=deals)
