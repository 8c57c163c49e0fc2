"""Planted checks of the hypotheses protocol: a null that must read "no effect", an effect
of known size that must read "supported".

A protocol that can say "no effect" must say it when there is none, and must
still see an effect that is there. Both are checked on the model itself:

* **planted null**: a world of two identical companies (both copies of the
  default world's Engaged Co, named Twin A and Twin B), judged on the claim
  "Twin A ends with higher brand trust than Twin B" exactly as the study
  judges its claims (paired contrast, margin 0.02 of trust, Holm across the
  family). The true effect is zero; the verdict must be *no effect*;
* **planted effect**: the same runs with a known amount (``delta``, 0.05 of
  trust by default, 2.5 margins) added to Twin A's final trust, as a spike-in:
  the true effect is exactly ``delta``; the verdict must be *supported*.

Each rerun uses a different root seed (so different run seeds), runs
``replicates`` runs of the twin world through the sweep machinery
(:class:`~experiments.spec.Spec`, :func:`~experiments.executors.execute`)
and judges both claims as one family with :func:`~experiments.hypotheses.judge_all`.
The issue's bar: each verdict right in at least 95 % of 20 reruns.

The full check runs as many replicates as the study's baselines have (32,
``experiments/hypotheses.toml``): it measures the protocol at the power the
study's verdicts have. ``influence check planted`` (or ``python -m experiments.planted``)
runs it (20 reruns of 32 runs of 2,000 consumers over 156 weeks, a few minutes on 2 cores),
prints the counts and writes them as JSON for the study's report
(:func:`experiments.hypotheses.planted_section`); the tests run a reduced one.
"""

from __future__ import annotations

import copy
import io
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click
import pandas as pd
import pyarrow.parquet as pq

from simulation.output import atomic_write_many

from .hypotheses import VERDICTS, judge_all

#: The full check: what the report states.
FULL = {"reruns": 20, "replicates": 32, "consumers": 2000, "weeks": 156}

#: Root seeds: FIRST_SEED, FIRST_SEED + 1, ...
FIRST_SEED = 20261201

MARGIN = 0.02
DELTA = 0.05
#: The bar a verdict must clear.
RATE = 0.95

TWINS = ("Twin A", "Twin B")


def twin_spec(seed: int, replicates: int, consumers: int, weeks: int) -> Any:
    """The sweep of one rerun: the default world with two copies of Engaged Co."""
    import scenarios

    from .spec import parse

    engaged = copy.deepcopy(scenarios.load("default").config["companies"][1])
    fixed: dict[str, Any] = {"consumers": consumers}
    for index, name in enumerate(TWINS):
        for key, value in engaged.items():
            fixed[f"companies[{index}].{key}"] = name if key == "name" else value
    raw = {"title": "Planted checks: two identical companies", "scenario": "default",
           "seed": seed, "weeks": weeks, "replicates": replicates, "set": fixed,
           "outputs": {"every": 0, "end": False, "metrics": ["trust_mean"]}}
    return parse(raw, Path(__file__).with_name("planted.toml"))


def _hypotheses(delta: float, margin: float) -> list[dict[str, Any]]:
    common = {"contrast": list(TWINS), "form": "contrast", "expect": "positive",
              "margin": margin, "margin_why": "two points of trust, as in the study",
              "baseline": "main"}
    return [{**common, "id": "planted-null", "metric": "trust_mean",
             "claim": "Twin A ends with higher brand trust than its identical twin",
             "why": "the true effect is zero"},
            {**common, "id": "planted-effect", "metric": "trust_planted",
             "claim": f"Twin A's trust, plus {delta} planted, is higher than Twin B's",
             "why": f"the true effect is exactly {delta}"}]


def run_frame(spec: Any, workers: int) -> pd.DataFrame:
    """Every run of ``spec`` as one frame, shaped as a sweep folder's table."""
    from .executors import LocalPool, execute

    parts = []
    for outcome in LocalPool(workers).map(execute, spec.runs()):
        if outcome.data is None:
            raise RuntimeError(f"run {outcome.run_id} failed: {outcome.error}")
        parts.append(pq.read_table(io.BytesIO(outcome.data)).to_pandas())
    return pd.concat(parts, ignore_index=True)


@dataclass
class Rerun:
    """The two verdicts of one rerun, with the effects they were read from."""

    seed: int
    null_verdict: str
    null_effect: float
    null_lo: float
    null_hi: float
    effect_verdict: str
    effect_effect: float
    effect_lo: float
    effect_hi: float


@dataclass
class Result:
    """All reruns of a planted check and their tallies."""

    reruns: int
    replicates: int
    consumers: int
    weeks: int
    margin: float
    delta: float
    rows: list[Rerun] = field(default_factory=list)

    def counts(self, which: str) -> dict[str, int]:
        """How many reruns got each verdict, for ``null`` or ``effect``."""
        tally = Counter(getattr(r, f"{which}_verdict") for r in self.rows)
        return {k: tally.get(k, 0) for k in VERDICTS}

    def passed(self) -> bool:
        """Both planted verdicts right in at least :data:`RATE` of the reruns."""
        n = len(self.rows)
        return bool(n) and self.counts("null")["no effect"] >= RATE * n and \
            self.counts("effect")["supported"] >= RATE * n

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the settings, the counts and every rerun."""
        return {**{k: v for k, v in asdict(self).items() if k != "rows"},
                "first_seed": self.rows[0].seed if self.rows else None,
                "null_counts": self.counts("null"), "effect_counts": self.counts("effect"),
                "rate": RATE, "passed": self.passed(),
                "rows": [asdict(r) for r in self.rows]}


def check(reruns: int, replicates: int, consumers: int, weeks: int, *, workers: int = 1,
          first_seed: int = FIRST_SEED, margin: float = MARGIN,
          delta: float = DELTA) -> Result:
    """Run the planted null and the planted effect ``reruns`` times."""
    result = Result(reruns, replicates, consumers, weeks, margin, delta)
    hypotheses = _hypotheses(delta, margin)
    for k in range(reruns):
        seed = first_seed + k
        frame = run_frame(twin_spec(seed, replicates, consumers, weeks), workers)
        frame["trust_planted"] = frame["trust_mean"] + delta * (frame["company"] == TWINS[0])
        described = {"experiments": [{"name": "main", "parameters": []}],
                     "hypotheses": hypotheses}
        null, effect = judge_all(frame, described)
        result.rows.append(Rerun(seed, null.verdict, null.effect, null.lo, null.hi,
                                 effect.verdict, effect.effect, effect.lo, effect.hi))
    return result


def summary_lines(result: Result | dict[str, Any]) -> list[str]:
    """Plain-text counts of a :class:`Result` or its JSON form."""
    data = result.as_dict() if isinstance(result, Result) else result
    n = len(data["rows"])
    null, effect = data["null_counts"], data["effect_counts"]
    return [f"planted null (two identical companies, true effect 0, margin {data['margin']}): "
            f"{null['no effect']}/{n} no effect ("
            + ", ".join(f"{v} {k}" for k, v in null.items() if k != "no effect") + ")",
            f"planted effect (true effect {data['delta']}, margin {data['margin']}): "
            f"{effect['supported']}/{n} supported ("
            + ", ".join(f"{v} {k}" for k, v in effect.items() if k != "supported") + ")",
            f"bar: {data['rate']:.0%} of reruns each; "
            f"{'met' if data['passed'] else 'NOT met'}"]



@click.command(name="planted")
@click.option("--reruns", type=click.IntRange(2, 1000), default=FULL["reruns"],
              show_default=True, help="Reruns, each with its own root seed.")
@click.option("--replicates", type=click.IntRange(2, 10_000), default=FULL["replicates"],
              show_default=True, help="Runs per arm and rerun.")
@click.option("--consumers", type=click.IntRange(10, 1_000_000),
              default=FULL["consumers"], show_default=True, help="World size.")
@click.option("--weeks", type=click.IntRange(1, 10_000), default=FULL["weeks"],
              show_default=True, help="Weeks per run.")
@click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True,
              help="Local processes; the counts do not depend on it.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("docs/results/planted.json"), show_default=True,
              help="JSON file for the counts.")
def planted(reruns: int, replicates: int, consumers: int, weeks: int, workers: int,
            out: Path) -> None:
    """Planted checks of the study's protocol: a null labelled no effect, an effect supported.

    Prints the counts and writes them as JSON; exit status 1 when either
    misses its bar of 95 % of reruns (the counts are written all the same).
    """
    from simulation.cli import check_memory, check_out_dir
    from simulation.parameters import resolve

    check_out_dir(out.parent)
    check_memory(resolve({"consumers": consumers}), copies=workers)
    result = check(reruns, replicates, consumers, weeks, workers=workers)
    atomic_write_many(out.parent,
                      {out.name: (json.dumps(result.as_dict(), indent=1) + "\n").encode()})
    click.echo("\n".join(summary_lines(result)))
    click.echo(f"wrote {out}")
    if not result.passed():
        raise SystemExit(1)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m experiments.planted``: the same as ``influence check planted``."""
    from simulation.cli import main as influence

    try:
        influence(["check", "planted", *(argv if argv is not None else sys.argv[1:])],
                  prog_name="python -m experiments.planted")
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
