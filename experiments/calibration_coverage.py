"""Coverage check of ``influence calibrate``: do the 90 % intervals hold the truth?

    python -m experiments.calibration_coverage --workers 2

Takes the example spec (``examples/calibration/spec.toml``: its world, priors,
statistics), and for each of ``--datasets`` synthetic data sets

1. draws a true parameter set from the priors (seeded by the data set's number),
2. makes a data set from it with the model (:func:`experiments.calibration.synthetic_csv`,
   weekly sales with a tenth of the weeks missing, trust every fourth week),
3. calibrates on it with the given budget,

then prints, per parameter, in how many data sets the 90 % posterior interval
holds the truth (target: at least 8 of 10), and draws one panel per
parameter: each data set's interval and posterior mean against its truth.
With correctly calibrated intervals about 9 in 10 hold; ABC's tolerance
widens them, so more may. Every number is a function of ``--seed`` and the
budget; with ``--workers 1`` the whole check is reproduced exactly.
"""

from __future__ import annotations

import copy
import io
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import click
import numpy as np

from experiments import calibration
from simulation.cli import _Integer
from simulation.output import atomic_write_bytes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "calibration" / "spec.toml"
FIGURE = ROOT / "docs" / "figures" / "calibration_coverage.png"


def truths(spec: calibration.CalibrationSpec, count: int, seed: int) -> list[dict[str, float]]:
    """``count`` parameter sets drawn from the spec's priors, one stream per data set."""
    out = []
    for i in range(count):
        rng = np.random.default_rng(np.random.SeedSequence([seed, i, 0xC0]))
        out.append({p.path: round(p.sample(rng), 4) for p in spec.priors})
    return out


def dataset_spec(raw: dict[str, Any], folder: Path, truth: dict[str, float], seed: int,
                 budget: dict[str, int]) -> calibration.CalibrationSpec:
    """The example spec on a synthetic data set made in ``folder`` from ``truth``."""
    template = calibration.parse_spec(raw, EXAMPLE)
    folder.mkdir(parents=True, exist_ok=True)
    text = calibration.synthetic_csv(template.base, template.weeks, truth, seed,
                                     series=template.observed.series, every={"trust": 4},
                                     missing=0.1, note="coverage check data set")
    atomic_write_bytes(folder / "data.csv", text.encode("utf-8"))
    own = copy.deepcopy(raw)
    own["data"]["file"] = "data.csv"
    own["truth"] = dict(truth)
    own["budget"] = {**own.get("budget", {}), **budget}
    own.pop("title", None)
    own["title"] = f"coverage data set {folder.name}"
    # The world is the example's: a scenario name resolves the same from any folder.
    atomic_write_bytes(folder / "spec.toml", _toml(own).encode("utf-8"))
    return calibration.parse_spec(own, folder / "spec.toml")


def _toml(doc: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return repr(v)

    lines = [f"{k} = {value(v)}" for k, v in doc.items() if not isinstance(v, dict | list)
             or (isinstance(v, list) and not all(isinstance(x, dict) for x in v))]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += ["", f"[{k}]", *(f"{_key(a)} = {value(b)}" for a, b in v.items())]
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                lines += ["", f"[[{k}]]", *(f"{_key(a)} = {value(b)}" for a, b in item.items())]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if key.replace("_", "").isalnum() else f'"{key}"'


def figure(rows: list[dict[str, Any]], paths: list[str], title: str) -> bytes:
    """One panel per parameter: each data set's 90 % interval and mean against its truth."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.0 * len(paths), 3.6), dpi=100, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(paths), squeeze=False)[0]
    for ax, path in zip(axes, paths, strict=True):
        mine = [r for r in rows if r["path"] == path]
        x = np.arange(1, len(mine) + 1)
        for xi, r in zip(x, mine, strict=True):
            colour = "#4a7ab5" if r["covered"] else "#e67e22"
            ax.plot([xi, xi], [r["q05"], r["q95"]], color=colour, lw=3, alpha=0.7)
            ax.plot(xi, r["mean"], "o", color=colour, ms=4)
            ax.plot(xi, r["truth"], "x", color="#c0392b", ms=8, mew=2)
        covered = sum(r["covered"] for r in mine)
        ax.set_title(f"{path}: truth inside in {covered} of {len(mine)}", fontsize=9)
        ax.set_xlabel("synthetic data set", fontsize=8)
        ax.set_xticks(x)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("90 % interval (bar), mean (dot), truth (x)", fontsize=8)
    fig.suptitle(title, fontsize=9)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


@click.command()
@click.option("--datasets", type=_Integer(1, 100), default=10, show_default=True)
@click.option("--seed", type=_Integer(0, 2**32 - 1), default=2026, show_default=True,
              help="Seed of the truths and of the data sets.")
@click.option("--workers", type=_Integer(1), default=1, show_default=True)
@click.option("--population", type=_Integer(10), default=150, show_default=True)
@click.option("--generations", type=_Integer(1), default=6, show_default=True)
@click.option("--simulations", type=_Integer(10), default=2000, show_default=True)
@click.option("--out", type=click.Path(path_type=Path),
              default=Path("results/calibration-coverage"), show_default=True,
              help="Folder for each data set's calibration and coverage.csv.")
@click.option("--figure", "figure_path", type=click.Path(path_type=Path), default=FIGURE,
              show_default=True)
def main(datasets: int, seed: int, workers: int, population: int, generations: int,
         simulations: int, out: Path, figure_path: Path) -> None:
    """Calibrate on synthetic data sets made from known parameters; print the coverage."""
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    template = calibration.parse_spec(raw, EXAMPLE)
    budget = {"population": population, "generations": generations, "simulations": simulations}
    rows: list[dict[str, Any]] = []
    started = time.monotonic()
    for i, truth in enumerate(truths(template, datasets, seed)):
        began = time.monotonic()
        spec = dataset_spec(raw, out / f"d{i:02d}", truth, seed * 1000 + i, budget)
        fit = calibration.run_calibration(spec, out / f"d{i:02d}" / "out", workers=workers,
                                          quiet=True, predictive=False)
        table = fit.table()
        rows += [{"dataset": i + 1, **r} for r in table]
        click.echo(f"data set {i + 1}: " + "; ".join(
            f"{r['path']} {r['truth']:.3f} in [{r['q05']:.3f}, {r['q95']:.3f}]"
            f"{'' if r['covered'] else ' MISSED'}" for r in table)
            + f" ({fit.simulations:,} simulations, {time.monotonic() - began:.0f} s)")
    paths = [p.path for p in template.priors]
    click.echo(f"coverage of the 90 % intervals over {datasets} synthetic data sets "
               f"(population {population}, at most {generations} generations and "
               f"{simulations:,} simulations each, {time.monotonic() - started:.0f} s in all):")
    for path in paths:
        mine = [r for r in rows if r["path"] == path]
        width = np.mean([r["q95"] - r["q05"] for r in mine])
        click.echo(f"  {path}: {sum(r['covered'] for r in mine)} of {len(mine)} "
                   f"(mean interval width {width:.3f})")
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows).to_csv(index=False, lineterminator="\n").encode("utf-8")
    atomic_write_bytes(out / "coverage.csv", table)
    figure_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(figure_path, figure(rows, paths, f"Coverage of influence calibrate: "
                                           f"{datasets} synthetic data sets of the example "
                                           f"(population {population}, <= {simulations:,} "
                                           "simulations)"))
    click.echo(f"wrote {out / 'coverage.csv'} and {figure_path}", err=True)


if __name__ == "__main__":
    main(sys.argv[1:])
