"""Named, documented scenarios: TOML files and their loader.

A scenario is a world to run and a text to teach with. Its file holds a
title, a one-line summary, a teaching text in the spirit of NetLogo's Info tab
(what it shows, how it works, things to notice, things to try), steps of a
lesson for a class, a French translation of all of these, the world's
parameters, its companies and influencers, scheduled events, and the claims
its text makes, which :mod:`scenarios.claims` checks by running it.

Every parameter is validated against the model's one declaration
(:mod:`simulation.parameters`), with the file named in the message::

    scenarios/mine.toml: companies[1].transparency: got 1.5; allowed: a number in [0, 1]

A file may extend another (``extends = "default"`` or a path relative to the
file); the rules of the merge are those of :func:`merge`. Shipped scenarios
and a user's own files go through the same code.

A file reads no file it should not: an ``extends`` (and an experiment spec's
``scenario =``) names a shipped scenario or a ``.toml`` file in the referring
file's own folder or below it (:func:`find_within`). Anything else (an
absolute path elsewhere, ``../``, a symlink leading out) is refused with the
same line whatever is there, so a message never tells whether a file exists,
is a folder or where a link points; and a referenced file that is not a
scenario at all is refused without quoting any of it. Text pasted into the
web UI is loaded with :func:`loads`, which has no folder: it may extend a
shipped scenario by name only.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulation import limits, parameters
from simulation.metrics import COLUMNS
from simulation.parameters import InputFileError, ParameterError

SCENARIO_DIR = Path(__file__).resolve().parent

#: Default run length of a scenario that does not say.
DEFAULT_WEEKS = 156

#: Top-level keys of a scenario file, and what each holds.
TOP_KEYS = {
    "title": "a short title (text)",
    "summary": "one line saying what the scenario shows (text)",
    "extends": "the scenario this one builds on: a shipped name or a path",
    "weeks": "the recommended run length, in weeks",
    "teaching": "a table: what, how, notice, try",
    "lesson": "a list of [[lesson]] steps: week, watch, ask, try",
    "fr": "the French text: title, summary, teaching, lesson",
    "world": "a table of world parameters",
    "influencer": "a table of settings for every influencer",
    "companies": "a list of [[companies]] tables",
    "influencers": "a list of [[influencers]] tables",
    "events": "a list of [[events]] tables",
    "expect": "a list of [[expect]] claims",
}
TEACHING_KEYS = {"what": str, "how": str, "notice": list, "try": list}
LESSON_KEYS = {"week": int, "watch": str, "ask": str, "try": str}
NUMERIC_METRICS = tuple(c for c in COLUMNS if c not in ("step", "company", "structure",
                                                         "strategy"))
#: Claims about a company's first crisis, measured per run by ``metrics.crisis_recovery``.
CRISIS_METRICS = ("crisis_depth", "weeks_to_recover")
EXPECT_KEYS = ("text", "metric", "week", "weeks", "higher", "lower", "company", "earlier",
               "later", "direction", "above", "below")


class ScenarioError(InputFileError):
    """A scenario file that cannot be used; the message is one line naming the file.

    Attributes:
        file: The file (or the name asked for) at fault.
        path: Key path inside the file (``companies[1].transparency``), or "".
    """


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario.

    Attributes:
        name: The file's stem: what ``influence run NAME`` takes.
        title: Short title.
        summary: One line.
        teaching: ``what``, ``how`` (text), ``notice``, ``try`` (lists of text).
        lesson: Steps for a class: ``week``, ``watch``, ``ask``, ``try``.
        fr: The same texts in French (any part may be missing).
        config: The resolved model configuration:
            ``InfluenceModel(rng=seed, **scenario.config)``.
        weeks: Recommended run length.
        expect: The claims the text makes (see :mod:`scenarios.claims`).
        source: The file it was read from.
        parents: The files it extends, nearest first.
        layered: The file's parameters laid over its parents', before
            defaults are filled in: what a file extending this one builds on.
    """

    name: str
    title: str
    summary: str
    teaching: dict[str, Any]
    lesson: tuple[dict[str, Any], ...]
    fr: dict[str, Any]
    config: dict[str, Any]
    weeks: int
    expect: tuple[dict[str, Any], ...]
    source: Path
    parents: tuple[Path, ...] = field(default=())
    layered: dict[str, Any] = field(default_factory=dict, repr=False)

    def text(self, lang: str = "en") -> dict[str, Any]:
        """Title, summary, teaching and lesson in ``lang`` ("en" or "fr").

        French parts that were not translated fall back to English, item by
        item, so a partial translation still gives a whole page.
        """
        english = {"title": self.title, "summary": self.summary,
                   "teaching": dict(self.teaching), "lesson": [dict(s) for s in self.lesson]}
        if lang != "fr":
            return english
        fr = self.fr
        teaching = {**english["teaching"], **fr.get("teaching", {})}
        lesson = [{**step, **(fr["lesson"][i] if i < len(fr.get("lesson", [])) else {})}
                  for i, step in enumerate(english["lesson"])]
        return {"title": fr.get("title", self.title), "summary": fr.get("summary", self.summary),
                "teaching": teaching, "lesson": lesson}


# --------------------------------------------------------------------------
# Finding files
# --------------------------------------------------------------------------
def names() -> list[str]:
    """Shipped scenario names, sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def find(ref: str | os.PathLike[str], *, relative_to: Path | None = None) -> Path:
    """The file a reference names: a shipped scenario's name or a path.

    A reference with a path separator or a ``.toml`` suffix is a path
    (relative to ``relative_to`` when given, else to the working folder);
    anything else is a shipped name.

    Raises:
        ScenarioError: when no such file exists.
    """
    text = os.fspath(ref)
    is_path = isinstance(ref, os.PathLike) or text.endswith(".toml") or os.sep in text \
        or "/" in text
    if is_path:
        path = Path(text).expanduser()
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        if not path.is_file():
            what = "a folder" if path.is_dir() else "no such file"
            raise ScenarioError(text, "", text, f"a readable scenario file ({path} is {what})")
        return path
    path = SCENARIO_DIR / f"{text}.toml"
    if not path.is_file():
        raise ScenarioError(text, "", text, "a shipped scenario (" + ", ".join(names())
                            + ") or a path to a .toml file")
    return path


def find_within(ref: str, folder: Path | None) -> Path:
    """The file a reference inside a file names, confined to what that file may read.

    A file may name a shipped scenario (``"default"``) or a ``.toml`` file in
    ``folder`` (the referring file's folder) or below it. The test is made on
    the path with every symbolic link followed, so a link leading out is
    refused like the path it leads to.

    Args:
        ref: The reference as written in the file.
        folder: The referring file's folder; None for text with no folder
            (pasted text), which may name shipped scenarios only.

    Returns:
        The file to read (links resolved).

    Raises:
        LookupError: whose message is what is allowed, in words. It never
            depends on what lies outside ``folder``: a path outside gets the
            same words whether it exists, is a folder or is a link.
    """
    shipped = names()
    is_path = ref.endswith(".toml") or "/" in ref or "\\" in ref or os.sep in ref
    if not is_path:
        if ref in shipped:
            return SCENARIO_DIR / f"{ref}.toml"
        raise LookupError(reference_allowed(folder is not None))
    if folder is None or not ref.endswith(".toml"):
        raise LookupError(reference_allowed(folder is not None))
    root = Path(os.path.realpath(folder))
    candidate = Path(ref) if Path(ref).is_absolute() else root / ref
    real = Path(os.path.realpath(candidate))
    is_shipped = real.parent == SCENARIO_DIR and real.stem in shipped
    if not (is_shipped or real.is_relative_to(root)):
        raise LookupError(reference_allowed(True))
    if not real.is_file():
        raise LookupError(reference_allowed(True) + " (no such file in this folder)")
    return real


def reference_allowed(has_folder: bool, whose: str = "this file") -> str:
    """What a reference to another scenario may name, in words (for messages)."""
    shipped = "a shipped scenario (" + ", ".join(names()) + ")"
    if not has_folder:
        return f"{shipped} by name (pasted text has no folder to read files from)"
    return f"{shipped} or a .toml file in the folder of {whose} or below it"


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it can be."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------
def load(ref: str | os.PathLike[str]) -> Scenario:
    """Load, merge and validate a scenario.

    Args:
        ref: A shipped name (``"h03-silos"``) or a path to a TOML file: the
            file the user names, read wherever it is. What it ``extends`` is
            confined (:func:`find_within`).

    Raises:
        ScenarioError: naming the file, the key path, the value and what is
            allowed, for a missing file, malformed TOML, an unknown key, a
            wrong type, a value out of range or a cycle of ``extends``.
    """
    return _load(find(ref), ())


def load_within(ref: str, folder: Path, *, label: str, key: str,
                whose: str = "this file") -> Scenario:
    """Load the scenario that a reference in another file names, confined to ``folder``.

    This is what an experiment spec's ``scenario =`` uses: the reference may
    name a shipped scenario or a ``.toml`` file in ``folder`` or below it,
    and a file that is not a scenario is refused without quoting it.

    Args:
        ref: The reference as written.
        folder: The referring file's folder.
        label: The referring file, as messages name it.
        key: The key that holds the reference (``scenario``).
        whose: The referring file in words, for the message (``the spec``).

    Raises:
        ScenarioError: naming the referring file and key for a reference that
            is refused; a scenario error inside the referenced file otherwise.
    """
    try:
        path = find_within(ref, folder)
    except LookupError as error:
        raise ScenarioError(label, key, ref, str(error).replace("this file", whose)) from None
    return _load(path, (), via=(label, key, ref))


def loads(text: str | bytes, name: str = "pasted.toml") -> Scenario:
    """Load a scenario from its text alone, with no file system behind it.

    For text a visitor pastes or drops into the web UI: ``extends`` may name a
    shipped scenario, never a path.

    Args:
        text: The TOML text (bytes must be UTF-8).
        name: What messages call it; also the scenario's name (its stem).

    Raises:
        ScenarioError: as :func:`load`, naming ``name``.
    """
    if len(text) > limits.MAX_FILE_BYTES or (
            isinstance(text, str) and len(text.encode("utf-8")) > limits.MAX_FILE_BYTES):
        too_large = limits.TooLargeError()
        raise ScenarioError(name, "", too_large.got, too_large.allowed)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(name, "", "bytes that are not UTF-8",
                                "a UTF-8 TOML file") from None
    raw = _parse(text, name)
    _check_structure(raw, name)
    return _build(raw, name, Path(name), None, ())


#: ``(referring file, key, reference)`` of a file read because another file named it.
Via = tuple[str, str, str]


def _load(path: Path, chain: tuple[Path, ...], via: Via | None = None) -> Scenario:
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(display_path(chain[-1]), "extends", path.name,
                            f"a scenario that does not extend this one (cycle {cycle})")
    if len(chain) > limits.MAX_EXTENDS:
        raise ScenarioError(display_path(chain[-1]), "extends", path.name,
                            f"a chain of at most {limits.MAX_EXTENDS} extends "
                            f"(this one reaches {len(chain)} files up)")
    label = display_path(path)
    try:
        raw = _read(path)
        _check_structure(raw, label)
    except ScenarioError:
        if via is None or path.parent == SCENARIO_DIR:
            raise
        # A file another file named: say nothing of what is in it (it may be
        # any TOML file of the folder, not a scenario at all).
        referrer, key, ref = via
        raise ScenarioError(referrer, key, ref,
                            f"a scenario file (this one is not a valid scenario: check it on "
                            f"its own with `influence scenarios show {label}`)") from None
    return _build(raw, label, path, path.parent, chain)


def _build(raw: dict[str, Any], label: str, path: Path, folder: Path | None,
           chain: tuple[Path, ...]) -> Scenario:
    """A scenario from a parsed file whose structure is checked; ``folder`` confines ``extends``."""
    parent: Scenario | None = None
    if "extends" in raw:
        try:
            parent_path = find_within(raw["extends"], folder)
        except LookupError as error:
            raise ScenarioError(label, "extends", raw["extends"], str(error)) from None
        parent = _load(parent_path, (*chain, path), via=(label, "extends", raw["extends"]))

    config_in = merge(parent.layered if parent else {}, raw)
    try:
        config = parameters.resolve(config_in)
    except ParameterError as error:
        raise ScenarioError(label, _file_path(error.path), error.value, error.allowed) from None

    weeks = raw.get("weeks", parent.weeks if parent else DEFAULT_WEEKS)
    title = raw.get("title", parent.title if parent else None)
    if title is None:
        raise ScenarioError(label, "title", None, TOP_KEYS["title"])
    teaching = dict(raw.get("teaching", parent.teaching if parent else {}))
    lesson = tuple(dict(step) for step in raw.get("lesson", ()))
    for i, step in enumerate(lesson):
        if step["week"] > weeks:
            raise ScenarioError(label, f"lesson[{i}].week", step["week"],
                                f"a week in [0, {weeks}] (the scenario runs {weeks} weeks)")
    expect = tuple(_check_claim(c, f"expect[{i}]", label, config, weeks)
                   for i, c in enumerate(raw.get("expect", ())))
    return Scenario(
        name=path.stem, title=title, summary=raw.get("summary", parent.summary if parent else ""),
        teaching=teaching, lesson=lesson, fr=dict(raw.get("fr", {})), config=config,
        weeks=weeks, expect=expect, source=path,
        parents=(parent.source, *parent.parents) if parent else (), layered=config_in,
    )


def _read(path: Path) -> dict[str, Any]:
    label = display_path(path)
    try:
        data = limits.read_capped(path)
    except limits.TooLargeError as error:
        raise ScenarioError(label, "", error.got, error.allowed) from None
    except OSError as error:
        raise ScenarioError(label, "", str(path),
                            f"a readable file ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(label, "", "bytes that are not UTF-8", "a UTF-8 TOML file") from None
    return _parse(text, label)


def _parse(text: str, label: str) -> dict[str, Any]:
    try:
        return limits.parse_toml(text)
    except limits.TooDeepError as error:
        raise ScenarioError(label, "", error.got, error.allowed) from None
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\s*\(at (line \d+, column \d+|end of document)\)$", str(error))
        what = str(error)[:where.start()] if where else str(error)
        raise ScenarioError(label, where.group(1) if where else "", f"malformed TOML: {what}",
                            "a valid TOML file") from None


def merge(base: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Lay a scenario file's model parameters over its parent's.

    ``base`` is the parent's own layered parameters (``Scenario.layered``),
    not its resolved configuration: defaults are filled in once, at the end,
    by :func:`simulation.parameters.resolve`, so that a child's
    ``[influencer]`` settings still reach influencer roles its parent listed.
    The rules, so that a variant need say only what differs:

    * ``[world]`` and ``[influencer]`` keys replace the base's, one by one;
    * ``[[companies]]`` are merged by position: the file's first table over
      the base's first company, and so on; extra tables add companies;
    * ``[[influencers]]``, when given, replace the base's list;
    * ``[[events]]`` are added to the base's events.

    Descriptive parts are handled by :func:`load`: ``title``, ``summary``,
    ``weeks`` and ``teaching`` are inherited when missing; ``lesson`` and
    ``expect`` never are, because a variant's world no longer tells the
    parent's story.
    """
    config = copy.deepcopy(dict(base))
    config.update(copy.deepcopy(raw.get("world", {})))
    if "influencer" in raw:
        config["influencer"] = {**config.get("influencer", {}), **raw["influencer"]}
    if "companies" in raw:
        companies = list(config.get("companies", []))
        for i, table in enumerate(raw["companies"]):
            if i < len(companies):
                companies[i] = {**companies[i], **table}
            else:
                companies.append(dict(table))
        config["companies"] = companies
    if "influencers" in raw:
        config["influencers"] = [dict(t) for t in raw["influencers"]]
    if "events" in raw:
        config["events"] = [*config.get("events", []), *(dict(e) for e in raw["events"])]
    return config


def _file_path(path: str) -> str:
    """A configuration path as the file writes it: world parameters live in ``[world]``."""
    head = path.split(".")[0].split("[")[0]
    return path if head in parameters.GROUPS else f"world.{path}"


# --------------------------------------------------------------------------
# Structure and types
# --------------------------------------------------------------------------
def _check_structure(raw: Mapping[str, Any], label: str) -> None:
    """Reject unknown keys and wrong types before any value is read.

    TOML has types, so a scenario file must use them: ``transparency =
    "0.5"`` is a string where a number belongs, and is refused (the command
    line, where everything is text, parses instead).
    """
    for key, value in raw.items():
        if key not in TOP_KEYS:
            raise ScenarioError(label, key, value,
                                "a known top-level key (" + ", ".join(TOP_KEYS) + ")")
    for key in ("title", "summary", "extends"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            raise ScenarioError(label, key, raw[key], "a non-empty string")
    if "weeks" in raw:
        weeks = raw["weeks"]
        if not isinstance(weeks, int) or isinstance(weeks, bool) \
                or not 1 <= weeks <= limits.MAX_STEPS:
            raise ScenarioError(label, "weeks", weeks, f"an integer in [1, {limits.MAX_STEPS}]")
    _check_teaching(raw.get("teaching", {}), "teaching", label)
    _check_lesson(raw.get("lesson", []), "lesson", label)
    fr = _table(raw.get("fr", {}), "fr", label)
    for key, value in fr.items():
        if key in ("title", "summary"):
            if not isinstance(value, str):
                raise ScenarioError(label, f"fr.{key}", value, "a string")
        elif key == "teaching":
            _check_teaching(value, "fr.teaching", label)
        elif key == "lesson":
            _check_lesson(value, "fr.lesson", label, partial=True)
        else:
            raise ScenarioError(label, f"fr.{key}", value,
                                "a known key (title, summary, teaching, lesson)")

    world = _table(raw.get("world", {}), "world", label)
    for key, value in world.items():
        if key in parameters.GROUPS:
            raise ScenarioError(label, f"world.{key}", value,
                                f"a world parameter ([{key}] is a table of its own)")
        if key not in parameters.WORLD:
            raise ScenarioError(label, f"world.{key}", value,
                                "a world parameter (see `influence params`)")
        _check_type(parameters.WORLD[key], value, f"world.{key}", label)
    _check_tables({"influencer": raw.get("influencer", {})}, "influencer",
                  parameters.INFLUENCER, label, single=True)
    _check_tables(raw.get("companies", []), "companies", parameters.COMPANY, label)
    _check_tables(raw.get("influencers", []), "influencers", parameters.INFLUENCER_ROLE, label)
    events = raw.get("events", [])
    changeable = {k: parameters.COMPANY[k] for k in parameters.CHANGEABLE}
    _check_tables(events, "events", {**parameters.EVENT, **changeable}, label,
                  names_allowed=("company",))
    expect = raw.get("expect", [])
    if not isinstance(expect, list) or not all(isinstance(e, dict) for e in expect):
        raise ScenarioError(label, "expect", expect, TOP_KEYS["expect"])


def _table(value: Any, path: str, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(label, path, value, f"a table ([{path}])")
    return value


def _check_teaching(value: Any, path: str, label: str) -> None:
    teaching = _table(value, path, label)
    for key, text in teaching.items():
        if key not in TEACHING_KEYS:
            raise ScenarioError(label, f"{path}.{key}", text,
                                "a known key (" + ", ".join(TEACHING_KEYS) + ")")
        if TEACHING_KEYS[key] is str and not isinstance(text, str):
            raise ScenarioError(label, f"{path}.{key}", text, "a string")
        if TEACHING_KEYS[key] is list and not (
                isinstance(text, list) and all(isinstance(t, str) for t in text)):
            raise ScenarioError(label, f"{path}.{key}", text, "a list of strings")


def _check_lesson(value: Any, path: str, label: str, *, partial: bool = False) -> None:
    if not isinstance(value, list):
        raise ScenarioError(label, path, value, f"a list of [[{path}]] steps")
    for i, step in enumerate(value):
        where = f"{path}[{i}]"
        step = _table(step, where, label)
        for key, text in step.items():
            kind = LESSON_KEYS.get(key)
            if kind is None:
                raise ScenarioError(label, f"{where}.{key}", text,
                                    "a known key (" + ", ".join(LESSON_KEYS) + ")")
            if kind is int and (not isinstance(text, int) or isinstance(text, bool)
                                or text < 0):
                raise ScenarioError(label, f"{where}.{key}", text, "an integer >= 0")
            if kind is str and not isinstance(text, str):
                raise ScenarioError(label, f"{where}.{key}", text, "a string")
        missing = [] if partial else [k for k in LESSON_KEYS if k not in step]
        if missing:
            raise ScenarioError(label, f"{where}.{missing[0]}", None,
                                f"every lesson step has {', '.join(LESSON_KEYS)}")


def _check_tables(tables: Any, path: str, schema: Mapping[str, parameters.Param], label: str,
                  *, single: bool = False, names_allowed: Sequence[str] = ()) -> None:
    if single:
        items = [(path, _table(tables[path], path, label))]
    else:
        if not isinstance(tables, list):
            raise ScenarioError(label, path, tables, f"a list of [[{path}]] tables")
        items = [(f"{path}[{i}]", _table(t, f"{path}[{i}]", label)) for i, t in enumerate(tables)]
    for where, table in items:
        for key, value in table.items():
            param = schema.get(key)
            if param is None:
                raise ScenarioError(label, f"{where}.{key}", value,
                                    "a known key (" + ", ".join(schema) + ")")
            if key in names_allowed and isinstance(value, str):
                continue  # a company given by name
            _check_type(param, value, f"{where}.{key}", label)


def _check_type(param: parameters.Param, value: Any, path: str, label: str) -> None:
    """A TOML value must have the declared parameter's type (no numbers as strings)."""
    if not parameters.has_toml_type(param, value):
        raise ScenarioError(label, path, value, param.allowed())


# --------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------
def _check_claim(claim: Mapping[str, Any], path: str, label: str, config: Mapping[str, Any],
                 weeks: int) -> dict[str, Any]:
    """Validate one ``[[expect]]`` claim against the scenario it belongs to."""
    for key, value in claim.items():
        if key not in EXPECT_KEYS:
            raise ScenarioError(label, f"{path}.{key}", value,
                                "a known key (" + ", ".join(EXPECT_KEYS) + ")")
    text = claim.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError(label, f"{path}.text", text, "the claim in words (a string)")
    metric = claim.get("metric")
    if metric not in (*NUMERIC_METRICS, *CRISIS_METRICS):
        raise ScenarioError(label, f"{path}.metric", metric,
                            "a measured column (" + ", ".join(NUMERIC_METRICS) + ") or "
                            + " or ".join(CRISIS_METRICS))
    companies = [c["name"] for c in config["companies"]]
    if metric in CRISIS_METRICS:
        return _check_crisis_claim(claim, path, label, config, text.strip())

    def company(key: str) -> str:
        name = claim.get(key)
        if name not in companies:
            raise ScenarioError(label, f"{path}.{key}", name,
                                "a company of this scenario (" + ", ".join(companies) + ")")
        return name

    def week(key: str) -> int:
        value = claim.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= weeks:
            raise ScenarioError(label, f"{path}.{key}", value, f"a week in [0, {weeks}]")
        return value

    def window() -> tuple[int, int]:
        if ("week" in claim) == ("weeks" in claim):
            raise ScenarioError(label, f"{path}.week", claim.get("week"),
                                "exactly one of week = W or weeks = [A, B]")
        if "week" in claim:
            w = week("week")
            return (w, w)
        value = claim["weeks"]
        if not (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                and 0 <= value[0] <= value[1] <= weeks):
            raise ScenarioError(label, f"{path}.weeks", value,
                                f"[A, B] with 0 <= A <= B <= {weeks}")
        return (value[0], value[1])

    out: dict[str, Any] = {"text": text.strip(), "metric": metric}
    if "higher" in claim or "lower" in claim:
        out.update(kind="compare", higher=company("higher"), lower=company("lower"),
                   weeks=window())
        if out["higher"] == out["lower"]:
            raise ScenarioError(label, f"{path}.lower", out["lower"],
                                "a company other than `higher`")
    elif "direction" in claim:
        direction = claim["direction"]
        if direction not in ("rises", "falls"):
            raise ScenarioError(label, f"{path}.direction", direction, "rises or falls")
        earlier, later = week("earlier"), week("later")
        if earlier >= later:
            raise ScenarioError(label, f"{path}.later", later,
                                f"a week after `earlier` ({earlier})")
        out.update(kind="trend", company=company("company"), direction=direction,
                   earlier=earlier, later=later)
    elif "above" in claim or "below" in claim:
        bound = "above" if "above" in claim else "below"
        value = claim[bound]
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ScenarioError(label, f"{path}.{bound}", value, "a number")
        out.update(kind="bound", company=company("company"), bound=bound, value=float(value),
                   weeks=window())
    else:
        raise ScenarioError(label, path, dict(claim),
                            "a claim with higher/lower, or company with direction, "
                            "or company with above/below")
    return out


def first_crisis(config: Mapping[str, Any], index: int) -> int | None:
    """Week of a company's first crisis in a resolved configuration, or None."""
    weeks = [e["week"] for e in config["events"]
             if e["kind"] == "crisis" and e.get("company") == index]
    if config["companies"][index]["crisis_week"] > 0:
        weeks.append(config["companies"][index]["crisis_week"])
    return min(weeks) if weeks else None


def _check_crisis_claim(claim: Mapping[str, Any], path: str, label: str,
                        config: Mapping[str, Any], text: str) -> dict[str, Any]:
    """A claim on crisis depth or recovery time: two companies, each with a crisis."""
    names = [c["name"] for c in config["companies"]]
    extra = sorted(set(claim) - {"text", "metric", "higher", "lower"})
    if extra:
        raise ScenarioError(label, f"{path}.{extra[0]}", claim[extra[0]],
                            "only text, metric, higher and lower in a crisis claim")
    out: dict[str, Any] = {"text": text, "metric": claim["metric"], "kind": "crisis"}
    for key in ("higher", "lower"):
        name = claim.get(key)
        if name not in names:
            raise ScenarioError(label, f"{path}.{key}", name,
                                "a company of this scenario (" + ", ".join(names) + ")")
        week = first_crisis(config, names.index(name))
        if week is None:
            raise ScenarioError(label, f"{path}.{key}", name,
                                "a company with a crisis (crisis_week or a crisis event)")
        out[key] = name
        out[f"{key}_crisis"] = week
    if out["higher"] == out["lower"]:
        raise ScenarioError(label, f"{path}.lower", out["lower"], "a company other than `higher`")
    return out
