"""The roster CSV: one row per influencer a company could work with.

A roster is what a strategist has at hand: names, platforms, follower counts,
observed engagement, rate cards, the deals each influencer accepts. This
module reads and validates it, nothing more; :mod:`experiments.plan.build`
maps it onto the model. Every refusal is one line naming the file, the row
(the file's line, the header being the first non-comment line), the column,
the value and what is allowed::

    roster.csv: row 4, column followers: got '-200'; allowed: an integer in [1, 1000000000]

Rules of the format (docs/plan.md documents each column):

* UTF-8 text (a leading byte-order mark, as Excel's "CSV UTF-8" writes, is
  ignored); at most :data:`MAX_ROWS` influencers;
* comma-separated, or semicolon-separated when the header holds more
  semicolons than commas (what a spreadsheet in a decimal-comma locale
  writes); numbers always use a decimal point;
* a record whose first cell starts with ``#`` is a comment, and blank
  records are skipped;
* the header names columns in any order, in any case, with spaces or hyphens
  for underscores; every required column must be there and no unknown one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation import limits
from simulation.parameters import FORMULA_STARTS, INFLUENCER_ROLE, InputFileError, ParameterError

#: Most influencers a roster may list (each becomes an agent with its own audience).
MAX_ROWS = 500

#: Deal types an influencer may accept (the model's two deal types).
DEALS = ("billboard", "engaged")

#: Words that mean "either deal".
ANY_DEAL = ("any", "both", "either", "all")

#: Longest name, platform or overlap group.
MAX_LABEL = 100


class PlanError(InputFileError):
    """A roster or company file that cannot be used: one line naming file, place, value, rule.

    A ``value`` of None reads "got nothing" (a missing column, file or key).
    """

    def __init__(self, file: Any, path: str, value: Any, allowed: str) -> None:
        super().__init__(file, path, value, allowed)
        if value is None:
            where = f"{self.file}: {path}" if path else self.file
            self.args = (f"{where}: got nothing; allowed: {allowed}",)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Column:
    """One roster column.

    Attributes:
        name: Header name (normalised: lower case, underscores).
        required: Whether every roster must have the column and every row a value.
        unit: Unit of measure.
        doc: What the column holds.
        model: What the model does with it today.
    """

    name: str
    required: bool
    unit: str
    doc: str
    model: str


COLUMNS: tuple[Column, ...] = (
    Column("name", True, "-", "The influencer's name or handle; unique in the roster.",
           "Labels the influencer in the generated scenario and the plan's tables; the model "
           "itself does not read it."),
    Column("platform", True, "-", "Where the influencer posts (instagram, tiktok, youtube ...).",
           "Kept in the roster table; the model has one kind of platform, so it does not change "
           "the dynamics."),
    Column("followers", True, "followers", "Followers on the platform, a whole number >= 1.",
           "influencers[i].followers: with market.followers_in_market and market.size it gives "
           "the audience share; with no engagement_pct it sets the engagement curve."),
    Column("engagement_pct", False, "percent per post",
           "Observed engagement rate: likes (and other interactions) per follower per post, in "
           "percent (1.8 means 1.8 %). Empty: the model's engagement curve.",
           "influencers[i].engagement, converted from likes to attention (docs/plan.md)."),
    Column("fee_per_post", True, "money per post",
           "What one sponsored post costs, in the company's currency; > 0.",
           "influencers[i].fee (in units of the reference price): the price of a billboard "
           "post; an engaged post costs it times 1 + involvement_premium unless "
           "fee_relationship says otherwise."),
    Column("fee_relationship", False, "money per post",
           "What one post costs within a standing (engaged) relationship, the retainer "
           "included; > 0. Empty: fee_per_post x (1 + the model's involvement_premium).",
           "Sets the price of this influencer's engaged posts when its deal is engaged from "
           "the start and cannot change (docs/plan.md); otherwise kept in the table only."),
    Column("deals", True, "-",
           "The deals the influencer accepts: billboard, engaged, or both as "
           "billboard|engaged (or any).",
           "influencers[i].deal: one accepted deal fixes it; both take the company's strategy."),
    Column("overlap_group", False, "-",
           "A label shared by influencers whose audiences overlap (the same niche, city or "
           "fan base). Empty: no known overlap.",
           "influencers[i].overlap_group: the group's audiences grow around the same "
           "consumers, so its members reach many of the same people."),
)

COLUMN = {c.name: c for c in COLUMNS}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)


@dataclass(frozen=True)
class RosterRow:
    """One validated influencer of a roster.

    Attributes:
        row: The file line the record starts on (what messages call its row).
        name, platform: As given (stripped).
        followers: Followers on the platform.
        engagement_pct: Observed engagement in percent, or None (the curve).
        fee_per_post: Money per post, in the company's currency.
        fee_relationship: Money per post in a standing relationship, or None.
        deals: The accepted deals, in the order of :data:`DEALS`.
        overlap_group: Overlap label, or None.
    """

    row: int
    name: str
    platform: str
    followers: int
    engagement_pct: float | None
    fee_per_post: float
    fee_relationship: float | None
    deals: tuple[str, ...]
    overlap_group: str | None


def read_roster(path: str | Path, label: str | None = None) -> tuple[RosterRow, ...]:
    """Read and validate a roster file.

    Args:
        path: The CSV file.
        label: How messages name it (default: the path as given).

    Raises:
        PlanError: one line naming the file, row, column, value and rule.
    """
    label = str(path) if label is None else label
    return parse_roster(read_input(path, label, "a roster CSV file"), label)


def read_input(path: str | Path, label: str, kind: str) -> bytes:
    """The bytes of one of the plan's input files, or a PlanError naming it.

    Args:
        path: The file.
        label: How messages name it.
        kind: What it should be, in words ("a roster CSV file").
    """
    path = Path(path)
    if not path.is_file():
        what = "a folder" if path.is_dir() else "no such file"
        raise PlanError(label, "", None, f"{kind} ({what} here; `influence plan init DIR` "
                                         "writes a template)")
    try:
        return limits.read_capped(path)
    except limits.TooLargeError as error:
        raise PlanError(label, "", error.got, error.allowed) from None
    except OSError as error:
        raise PlanError(label, "", str(path),
                        f"a readable file ({error.strerror or error})") from None


def parse_roster(data: bytes | str, label: str = "roster.csv") -> tuple[RosterRow, ...]:
    """Validate a roster's content (bytes as read from the file, or text).

    Raises:
        PlanError: as :func:`read_roster`.
    """
    if isinstance(data, bytes):
        if len(data) > limits.MAX_FILE_BYTES:
            too_large = limits.TooLargeError()
            raise PlanError(label, "", too_large.got, too_large.allowed)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PlanError(label, "", "bytes that are not UTF-8",
                            "a UTF-8 CSV file (in a spreadsheet: save as 'CSV UTF-8')") from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise PlanError(label, "", "an empty file",
                        "a header naming the columns (" + ", ".join(REQUIRED)
                        + ") and one row per influencer")
    records = _records(text, label)
    header_row, header = _header(records, label)
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, cells in records:
        if len(rows) >= MAX_ROWS:
            raise PlanError(label, f"row {number}", f"more than {MAX_ROWS} influencers",
                            f"at most {MAX_ROWS} rows of influencers")
        if len(cells) != len(header):
            raise PlanError(label, f"row {number}", f"{len(cells)} cells",
                            f"as many cells as the header has columns ({len(header)})")
        values = dict(zip(header, (c.strip() for c in cells), strict=True))
        row = _row(number, values, label)
        key = row.name.casefold()
        if key in seen:
            raise PlanError(label, f"row {number}, column name", row.name,
                            f"a name no other row has (row {seen[key]} has it)")
        seen[key] = number
        rows.append(row)
    if not rows:
        raise PlanError(label, f"row {header_row}", "a header and no influencer",
                        "at least one row of influencers under the header")
    return tuple(rows)


# --------------------------------------------------------------------------
# Records and header
# --------------------------------------------------------------------------
def _records(text: str, label: str) -> Iterator[tuple[int, list[str]]]:
    """``(line the record starts on, cells)`` for each record that is not a comment or blank."""
    first = next((line for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PlanError(label, f"row {start}", "text that is not CSV",
                            f"comma-separated cells ({error})") from None
        number, start = start, reader.line_num + 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if cells[0].lstrip().startswith("#"):
            continue
        yield number, cells


def normalise(header: str) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _header(records: Iterator[tuple[int, list[str]]], label: str) -> tuple[int, list[str]]:
    try:
        number, cells = next(records)
    except StopIteration:
        raise PlanError(label, "", "comments only",
                        "a header naming the columns (" + ", ".join(REQUIRED) + ")") from None
    names = [normalise(c) for c in cells]
    for i, name in enumerate(names):
        if name not in COLUMN:
            raise PlanError(label, f"row {number}, column {i + 1}", cells[i].strip(),
                            "a known column (" + ", ".join(COLUMN) + ")")
        if name in names[:i]:
            raise PlanError(label, f"row {number}, column {i + 1}", cells[i].strip(),
                            f"each column once ({name} is column {names.index(name) + 1})")
    for name in REQUIRED:
        if name not in names:
            raise PlanError(label, f"row {number}, column {name}", None,
                            "a header with every required column (" + ", ".join(REQUIRED)
                            + "; optional: " + ", ".join(c.name for c in COLUMNS
                                                         if not c.required) + ")")
    return number, names


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------
def _row(number: int, values: dict[str, str], label: str) -> RosterRow:
    def where(column: str) -> str:
        return f"row {number}, column {column}"

    def required(column: str) -> str:
        value = values.get(column, "")
        if not value:
            raise PlanError(label, where(column), value,
                            f"a value ({column} is required for every influencer: "
                            f"{COLUMN[column].doc})")
        return value

    name = _label(required("name"), where("name"), label, "the influencer's name")
    platform = _label(required("platform"), where("platform"), label, "a platform name")
    followers_param = INFLUENCER_ROLE["followers"]
    followers = _number(followers_param.coerce, required("followers"), where("followers"),
                        label, followers_param.allowed() + " (followers on the platform)")
    engagement = None
    if values.get("engagement_pct"):
        engagement = _positive(values["engagement_pct"], where("engagement_pct"), label,
                               100.0, "a percentage in (0, 100] (1.8 means 1.8 %), or empty "
                                      "for the model's engagement curve")
    fee = _positive(required("fee_per_post"), where("fee_per_post"), label,
                    INFLUENCER_ROLE["fee"].high,
                    "a number in (0, 1e9]: money per post in the company's currency "
                    "(a fee of zero is not a rate card)")
    relationship = None
    if values.get("fee_relationship"):
        relationship = _positive(values["fee_relationship"], where("fee_relationship"), label,
                                 INFLUENCER_ROLE["fee"].high,
                                 "a number in (0, 1e9]: money per post in a standing "
                                 "relationship, or empty")
    deals = _deals(required("deals"), where("deals"), label)
    group = None
    if values.get("overlap_group"):
        group = _label(values["overlap_group"], where("overlap_group"), label,
                       "a label for influencers whose audiences overlap, or empty")
    return RosterRow(number, name, platform, followers, engagement, fee, relationship, deals,
                     group)


def _number(coerce: Any, text: str, path: str, label: str, allowed: str) -> Any:
    try:
        return coerce(text, path)
    except ParameterError:
        raise PlanError(label, path, text, allowed) from None


def _positive(text: str, path: str, label: str, high: float | None, allowed: str) -> float:
    """A finite number in (0, high], written with a decimal point."""
    try:
        value = float(text) if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?",
                                            text) else None
    except (ValueError, OverflowError):
        value = None
    if value is None or not 0 < value < float("inf") or (high is not None and value > high):
        raise PlanError(label, path, text, allowed)
    return value


def _deals(text: str, path: str, label: str) -> tuple[str, ...]:
    words = [w for w in re.split(r"[|;/,+\s]+", text.strip().lower()) if w]
    accepted: set[str] = set()
    for word in words:
        if word in ANY_DEAL:
            accepted.update(DEALS)
        elif word in DEALS:
            accepted.add(word)
        else:
            raise PlanError(label, path, text,
                            "billboard, engaged, or both as billboard|engaged (or any)")
    if not accepted:
        raise PlanError(label, path, text,
                        "billboard, engaged, or both as billboard|engaged (or any)")
    return tuple(d for d in DEALS if d in accepted)


def _label(text: str, path: str, label: str, what: str) -> str:
    """A name or label: printable, one line, short, not read as a formula by a spreadsheet."""
    bad = any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in text)
    if bad or len(text) > MAX_LABEL or text[0] in (*FORMULA_STARTS, "#"):
        raise PlanError(label, path, text,
                        f"{what}: at most {MAX_LABEL} printable characters on one line, not "
                        "beginning with = + - @ # (a spreadsheet would run it as a formula)")
    return text
