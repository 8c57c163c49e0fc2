"""The study's verdicts in the words of the scenarios that teach each hypothesis.

Each hypothesis scenario (``scenarios/hNN-*.toml``) ends its "things to notice"
with one sentence, in English and in French, giving what the hypotheses study
(``docs/results/hypotheses.md``) found for its two claims: verdict, effect with
its 95 % interval, the smallest effect of interest and the number of runs.
Written by hand, such a sentence goes stale the day the study is rerun; here it
is made from ``docs/results/hypotheses.csv`` (which ``influence analyze
--report`` writes beside the report), and ``make study`` rewrites it in place::

    python -m experiments.study_sentences            # rewrite the sentences
    python -m experiments.study_sentences --check    # exit 1 if one is stale

``tests/test_study_sentences.py`` fails when a scenario's sentence does not say
what the committed study says.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from pathlib import Path

from .storage import atomic_write_bytes

ROOT = Path(__file__).resolve().parent.parent
STUDY_CSV = ROOT / "docs" / "results" / "hypotheses.csv"
SCENARIOS = ROOT / "scenarios"

#: The opening of each language's sentence: how it is found in a scenario file.
OPENINGS = {"en": "In the study of the essay's hypotheses",
            "fr": "Dans l'étude des hypothèses de l'essai"}
VERDICTS = {"en": {"supported": "supported", "contradicted": "contradicted",
                   "no effect": "no effect", "inconclusive": "inconclusive"},
            "fr": {"supported": "confirmée", "contradicted": "contredite",
                   "no effect": "sans effet", "inconclusive": "non tranchée"}}
LEGENDS = {"en": ("supported: beyond the smallest effect of interest on the predicted side; "
                  "contradicted: beyond it on the other side; no effect: within it; "
                  "inconclusive: neither can be said yet"),
           "fr": ("confirmée : au-delà du plus petit effet d'intérêt, du côté prédit ; "
                  "contredite : au-delà, de l'autre côté ; sans effet : en deçà ; "
                  "non tranchée : ni l'un ni l'autre ne peut encore être dit")}
#: For claims that a quantity stays small (predicted sign "none"): what supported means.
SMALL_LEGENDS = {"en": ("for a claim that a quantity stays small, supported: within its "
                        "bound, by equivalence; contradicted: beyond it"),
                 "fr": ("pour une affirmation selon laquelle une grandeur reste petite, "
                        "confirmée : en deçà de sa borne, par équivalence ; contredite : "
                        "au-delà")}


def read_study(path: Path = STUDY_CSV) -> dict[str, dict[str, str]]:
    """The study's rows by hypothesis id (``H1``, ``H1b``, ...)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def decimals(lo: float, hi: float) -> int:
    """Decimals that show an interval's half-width to two significant digits (the
    usual way of reporting an estimate with its uncertainty; none below the units)."""
    half = abs(hi - lo) / 2.0
    if not math.isfinite(half) or half <= 0:
        return 3
    return max(0, 1 - math.floor(math.log10(half)))


def number(value: float, places: int, lang: str) -> str:
    """A figure as the scenario texts write it: sign, decimals, the language's comma."""
    text = f"{value:+.{places}f}"
    return text.replace(".", ",") if lang == "fr" else text


def margin_text(value: float, lang: str) -> str:
    """The smallest effect of interest, as few digits as it needs."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def claim_text(row: dict[str, str], lang: str) -> str:
    """One claim's part: 'H1 is supported: +0.035 [+0.027, +0.042], smallest effect ...'."""
    effect, lo, hi = float(row["effect"]), float(row["lo"]), float(row["hi"])
    places = decimals(lo, hi)
    verdict = VERDICTS[lang][row["verdict"]]
    figures = (f"{number(effect, places, lang)} [{number(lo, places, lang)}"
               + (" ; " if lang == "fr" else ", ") + f"{number(hi, places, lang)}]")
    margin = margin_text(float(row["margin"]), lang)
    if lang == "fr":
        return (f"{row['id']} est {verdict} : {figures}, plus petit effet d'intérêt {margin}")
    return f"{row['id']} is {verdict}: {figures}, smallest effect of interest {margin}"


def sentence(rows: list[dict[str, str]], lang: str, family: int) -> str:
    """The whole sentence for one scenario's claims (the study's rows, in order)."""
    runs = sorted({int(row["n"]) for row in rows})
    count = " or ".join(str(n) for n in runs) if lang == "en" else " ou ".join(
        str(n) for n in runs)
    joiner = " ; " if lang == "fr" else "; "
    claims = joiner.join(claim_text(row, lang) for row in rows)
    small = all(row["expect"] == "none" for row in rows)
    legend = SMALL_LEGENDS[lang] if small else LEGENDS[lang]
    if lang == "fr":
        return (f"{OPENINGS['fr']} (docs/results/hypotheses.md : {count} simulations de ce "
                f"scénario, verdicts corrigés pour les {family} affirmations testées), "
                f"{claims} ({legend}).")
    return (f"{OPENINGS['en']} (docs/results/hypotheses.md: {count} runs of this scenario, "
            f"verdicts corrected for the {family} claims tested), {claims} "
            f"({legend}).")


def scenario_claims(path: Path, study: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """The study rows a hypothesis scenario quotes: ``hNN-...`` quotes HNN and HNNb."""
    match = re.match(r"h(\d+)-", path.name)
    if match is None:
        return []
    number_ = int(match.group(1))
    return [study[key] for key in (f"H{number_}", f"H{number_}b") if key in study]


def expected_lines(path: Path, study: dict[str, dict[str, str]]) -> dict[str, str]:
    """Each language's sentence as the scenario file should hold it (a TOML string)."""
    rows = scenario_claims(path, study)
    if not rows:
        return {}
    return {lang: sentence(rows, lang, len(study)) for lang in OPENINGS}


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rewrite(path: Path, study: dict[str, dict[str, str]]) -> tuple[str, bool]:
    """The scenario file's text with its study sentences brought up to date, and whether
    anything changed. A line holding a sentence is replaced whole, keeping its indent
    and its trailing comma."""
    text = path.read_text(encoding="utf-8")
    wanted = expected_lines(path, study)
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        for lang, opening in OPENINGS.items():
            if lang in wanted and stripped.startswith('"' + opening):
                indent = line[:len(line) - len(stripped)]
                comma = "," if stripped.rstrip().endswith(",") else ""
                end = "\n" if line.endswith("\n") else ""
                line = f"{indent}{_toml_string(wanted[lang])}{comma}{end}"
                break
        out.append(line)
    new = "".join(out)
    return new, new != text


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with --check, only check) every hypothesis scenario's sentences."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a sentence is stale")
    args = parser.parse_args(argv)
    if not STUDY_CSV.is_file():
        print(f"study: got no file {STUDY_CSV}; allowed: the study's verdicts, written by "
              "`influence analyze results/study --report docs/results/hypotheses.md`",
              file=sys.stderr)
        return 2
    study = read_study()
    stale = []
    for path in sorted(SCENARIOS.glob("h*.toml")):
        new, changed = rewrite(path, study)
        if changed:
            stale.append(path)
            if not args.check:
                atomic_write_bytes(path, new.encode("utf-8"))
    verb = "stale" if args.check else "rewritten"
    for path in stale:
        print(f"{verb}: {path.relative_to(ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
