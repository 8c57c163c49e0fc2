"""From a sweep's runs to statistics, sensitivity indices, figures and a report.

:func:`analyze_folder` reads a sweep folder (the manifest and every run
file) and writes:

* ``stats.csv``: per experiment, design point, company, kept week and
  metric, the mean over replicates, the sample standard deviation, n and a
  95 % Student-t interval (:func:`simulation.replicates.confidence`);
* ``sensitivity.csv`` for Morris designs (mu*, its 95 % interval, sigma)
  and Sobol designs (S1 and ST with 95 % intervals), per company and chosen
  output, computed by SALib on the replicate means of the final week;
* ``hypotheses.csv`` when the spec states hypotheses
  (:mod:`experiments.hypotheses`), also beside the report, where the scenarios
  that quote the study are checked against it (:mod:`experiments.study_sentences`);
* a Markdown report with figures: time series with 95 % bands, heatmaps
  for two-parameter grids, sensitivity bars, and one figure per hypothesis.

All of it is a function of the run files: the same runs give the same
numbers, whichever executor produced them.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulation.output import atomic_write_bytes
from simulation.replicates import confidence

from .spec import SERIES_METRICS, SUMMARY_METRICS
from .storage import Store

#: Columns that identify a run's row (not measurements).
ID_COLUMNS = ("experiment", "point", "sample", "replicate", "seed", "step", "company",
              "structure", "strategy", "final")

#: Confidence level of every interval in the report.
LEVEL = 0.95


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
def load_runs(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and every finished run's rows as one frame (plan order)."""
    store = Store(folder)
    manifest = store.manifest()
    frame = store.table().to_pandas()
    return manifest, frame


def parameter_names(experiment: Mapping[str, Any]) -> list[str]:
    """Column names of an experiment's varied parameters."""
    return [p["name"] for p in experiment["parameters"]]


def measured(frame: pd.DataFrame) -> list[str]:
    """The metric columns present in ``frame``, in declaration order."""
    return [m for m in (*SERIES_METRICS, *SUMMARY_METRICS) if m in frame.columns]


# --------------------------------------------------------------------------
# Statistics over replicates
# --------------------------------------------------------------------------
def replicate_stats(frame: pd.DataFrame, experiment: Mapping[str, Any]) -> pd.DataFrame:
    """Mean and 95 % CI over replicates per point, company, kept week and metric.

    Summaries (which exist on final rows only) are summarised on final rows.
    """
    own = frame[frame["experiment"] == experiment["name"]]
    if own.empty:
        return pd.DataFrame()
    by = ["experiment", "point", *parameter_names(experiment), "company", "step"]
    series = [m for m in measured(own) if m in SERIES_METRICS]
    parts = [confidence(own, by, series, LEVEL)] if series else []
    summaries = [m for m in measured(own) if m in SUMMARY_METRICS]
    final = own[own["final"]]
    if summaries and not final.empty:
        parts.append(confidence(final, by, summaries, LEVEL))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def end_values(frame: pd.DataFrame, experiment: Mapping[str, Any], metric: str,
               company: str) -> pd.DataFrame:
    """One row per run: the point, sample, replicate, parameter values and the final value."""
    own = frame[(frame["experiment"] == experiment["name"]) & frame["final"]
                & (frame["company"] == company)]
    columns = ["point", "sample", "replicate", *parameter_names(experiment), metric]
    return own[columns].rename(columns={metric: "value"}).reset_index(drop=True)


# --------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------
def _problem(experiment: Mapping[str, Any]) -> dict[str, Any]:
    ranged = [p for p in experiment["parameters"] if p["values"] is None]
    return {"num_vars": len(ranged), "names": [p["name"] for p in ranged],
            "bounds": [[p["low"], p["high"]] for p in ranged]}


def sobol_indices(problem: Mapping[str, Any], y: np.ndarray, *, seed: int = 0,
                  resamples: int = 1000) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95 % bootstrap intervals.

    ``y`` holds the model output at the points of SALib's Sobol/Saltelli
    sample without second order (``N * (D + 2)`` values, in sample order).

    Returns:
        One row per parameter: ``parameter, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi``.
    """
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sobol.analyze(dict(problem), np.asarray(y, np.float64), calc_second_order=False,
                               num_resamples=resamples, conf_level=LEVEL, seed=seed)
    s1, s1c = np.asarray(result["S1"]), np.asarray(result["S1_conf"])
    st, stc = np.asarray(result["ST"]), np.asarray(result["ST_conf"])
    return pd.DataFrame({"parameter": problem["names"], "S1": s1, "S1_lo": s1 - s1c,
                         "S1_hi": s1 + s1c, "ST": st, "ST_lo": st - stc, "ST_hi": st + stc})


def morris_indices(problem: Mapping[str, Any], x: np.ndarray, y: np.ndarray, *, levels: int,
                   seed: int = 0, resamples: int = 1000) -> pd.DataFrame:
    """Morris elementary effects: mu* (with its 95 % bootstrap interval), mu and sigma.

    Returns:
        One row per parameter: ``parameter, mu_star, mu_star_lo, mu_star_hi, mu, sigma``.
    """
    from SALib.analyze import morris

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = morris.analyze(dict(problem), np.asarray(x, np.float64),
                                np.asarray(y, np.float64), num_resamples=resamples,
                                conf_level=LEVEL, num_levels=levels, seed=seed)
    mu_star = np.asarray(result["mu_star"], np.float64)
    conf = np.asarray(result["mu_star_conf"], np.float64)
    return pd.DataFrame({"parameter": problem["names"], "mu_star": mu_star,
                         "mu_star_lo": mu_star - conf, "mu_star_hi": mu_star + conf,
                         "mu": np.asarray(result["mu"], np.float64),
                         "sigma": np.asarray(result["sigma"], np.float64)})


def sensitivity(frame: pd.DataFrame, experiment: Mapping[str, Any], outputs: Sequence[str],
                seed: int) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity indices of a Morris or Sobol experiment, per company and output.

    Each design point's output is its replicate mean of the final week.
    Returns the indices and notes on what could not be computed (missing runs).
    """
    design = experiment["design"]
    if design not in ("sobol", "morris"):
        return pd.DataFrame(), []
    problem = _problem(experiment)
    names = problem["names"]
    own = frame[(frame["experiment"] == experiment["name"]) & frame["final"]]
    n_points = experiment["samples"] * (len(names) + (2 if design == "sobol" else 1))
    parts, notes = [], []
    for company in experiment["companies"]:
        rows = own[own["company"] == company]
        for output in outputs:
            if output not in rows.columns:
                continue
            means = rows.groupby("point", sort=True)[output].mean()
            if len(means) != n_points or means.isna().any():
                notes.append(f"{experiment['name']}: {company} {output}: {len(means)} of "
                             f"{n_points} points have runs; sensitivity needs them all")
                continue
            y = means.to_numpy()
            if design == "sobol":
                table = sobol_indices(problem, y, seed=seed)
            else:
                x = rows.groupby("point", sort=True)[names].first().to_numpy(np.float64)
                table = morris_indices(problem, x, y, levels=experiment["levels"], seed=seed)
            table.insert(0, "output", output)
            table.insert(0, "company", company)
            table.insert(0, "experiment", experiment["name"])
            parts.append(table)
    return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), notes


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------
def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes (no timestamp in the file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _point_label(row: Mapping[str, Any], names: Sequence[str]) -> str:
    return ", ".join(f"{n}={_short(row[n])}" for n in names) or "base"


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def series_figure(stats: pd.DataFrame, experiment: Mapping[str, Any],
                  metrics: Sequence[str], max_points: int = 4) -> Figure | None:
    """Mean over replicates with its 95 % band, per company, for a few design points."""
    metrics = [m for m in metrics if m in SERIES_METRICS]
    rows = stats[stats["metric"].isin(metrics)]
    if rows.empty or rows["step"].nunique() < 3 or not metrics:
        return None
    names = parameter_names(experiment)
    points = sorted(rows["point"].unique())
    if len(points) > max_points:
        picks = np.linspace(0, len(points) - 1, max_points).round().astype(int)
        points = [points[i] for i in sorted(set(picks))]
    fig = _figure(5.2 * len(metrics), 3.6)
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    styles = ("-", "--", ":", "-.")
    for ax, metric in zip(axes, metrics, strict=True):
        for k, point in enumerate(points):
            for c, company in enumerate(experiment["companies"]):
                own = rows[(rows["point"] == point) & (rows["company"] == company)
                           & (rows["metric"] == metric)].sort_values("step")
                if own.empty:
                    continue
                label = f"{company}; {_point_label(own.iloc[0], names)}"
                line, = ax.plot(own["step"], own["mean"], styles[k % 4], color=f"C{c}",
                                label=label, lw=1.4)
                ax.fill_between(own["step"], own["lo"], own["hi"], color=f"C{c}", alpha=0.15,
                                lw=0)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel("week")
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"{experiment['name']}: mean over replicates, 95 % band")
    return fig


def heatmap_figure(stats: pd.DataFrame, experiment: Mapping[str, Any],
                   outputs: Sequence[str]) -> Figure | None:
    """Final-week replicate means over a two-parameter grid, per company and output."""
    names = parameter_names(experiment)
    if experiment["design"] != "grid" or len(names) != 2:
        return None
    weeks = experiment["weeks"]
    rows = stats[(stats["step"] == weeks) & stats["metric"].isin(outputs)]
    outputs = [o for o in outputs if o in set(rows["metric"])]
    if rows.empty or not outputs:
        return None
    x_name, y_name = names
    companies = experiment["companies"]
    fig = _figure(4.2 * len(outputs), 3.4 * len(companies))
    axes = fig.subplots(len(companies), len(outputs), squeeze=False)
    for i, company in enumerate(companies):
        for j, output in enumerate(outputs):
            own = rows[(rows["company"] == company) & (rows["metric"] == output)]
            table = own.pivot_table(index=y_name, columns=x_name, values="mean", sort=True)
            ax = axes[i][j]
            image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
            ax.set_xticks(range(table.shape[1]), [_short(v) for v in table.columns])
            ax.set_yticks(range(table.shape[0]), [_short(v) for v in table.index])
            ax.set_xlabel(x_name)
            ax.set_ylabel(y_name)
            ax.set_title(f"{company}: {output} (week {weeks})", fontsize=9)
            for (r, c), value in np.ndenumerate(table.to_numpy()):
                ax.text(c, r, f"{value:.3g}", ha="center", va="center", fontsize=7,
                        color="white")
            fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def sensitivity_figure(indices: pd.DataFrame, experiment: Mapping[str, Any]) -> Figure | None:
    """Bars of Sobol S1/ST or Morris mu*/sigma with 95 % intervals, per company and output."""
    own = indices[indices["experiment"] == experiment["name"]] if not indices.empty \
        else indices
    if own.empty:
        return None
    groups = list(own.groupby(["company", "output"], sort=False))
    fig = _figure(4.4 * len(groups), 3.4)
    axes = fig.subplots(1, len(groups), squeeze=False)[0]
    for ax, ((company, output), table) in zip(axes, groups, strict=True):
        x = np.arange(len(table))
        if "S1" in table.columns and table["S1"].notna().any():
            for k, (key, label) in enumerate((("S1", "first order S1"), ("ST", "total ST"))):
                values = table[key].to_numpy()
                err = np.vstack([values - table[f"{key}_lo"], table[f"{key}_hi"] - values])
                ax.bar(x + (k - 0.5) * 0.38, values, 0.38, yerr=err, label=label, capsize=2)
        else:
            values = table["mu_star"].to_numpy()
            err = np.vstack([values - table["mu_star_lo"], table["mu_star_hi"] - values])
            ax.bar(x - 0.19, values, 0.38, yerr=err, label="mu*", capsize=2)
            ax.bar(x + 0.19, table["sigma"], 0.38, label="sigma")
        ax.set_xticks(x, table["parameter"], rotation=30, ha="right", fontsize=8)
        ax.set_title(f"{company}: {output}", fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"{experiment['name']}: sensitivity ({experiment['design']}), 95 % intervals")
    return fig


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------
def _interval(mean: float, lo: float, hi: float) -> str:
    if not np.isfinite(mean):
        return "n/a"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"{mean:.4g}"
    return f"{mean:.4g} [{lo:.4g}, {hi:.4g}]"


def end_table(stats: pd.DataFrame, experiment: Mapping[str, Any], outputs: Sequence[str],
              max_rows: int = 40) -> list[str]:
    """Markdown table of final-week means with 95 % CIs per point and company."""
    names = parameter_names(experiment)
    rows = stats[(stats["step"] == experiment["weeks"]) & stats["metric"].isin(outputs)]
    if rows.empty:
        return []
    wide = rows.pivot_table(index=["point", *names, "company"], columns="metric",
                            values=["mean", "lo", "hi", "n"], aggfunc="first", sort=True)
    present = [o for o in outputs if ("mean", o) in wide.columns]
    header = [*names, "company", "n", *(f"{o} (95 % CI)" for o in present)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for count, (key, row) in enumerate(wide.iterrows()):
        if count >= max_rows:
            lines.append(f"\n({len(wide) - max_rows} more rows in stats.csv)")
            break
        _, *values, company = key
        n = int(row[("n", present[0])])
        cells = [*(_short(v) for v in values), company, str(n),
                 *(_interval(row[("mean", o)], row.get(("lo", o), np.nan),
                             row.get(("hi", o), np.nan))  # one replicate: no interval
                   for o in present)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def analyze_folder(folder: str | os.PathLike[str],
                   report: str | os.PathLike[str] | None = None) -> list[Path]:
    """Analyse a sweep folder; write stats, sensitivity, hypotheses, figures and the report.

    Args:
        folder: The sweep folder.
        report: Markdown file to write (default ``folder/report.md``); its
            figures go to ``figures/`` next to it.

    Returns:
        The paths written.
    """
    from .hypotheses import hypotheses_section, judge_all

    folder = Path(folder)
    manifest, frame = load_runs(folder)
    described = manifest["describe"]
    report_path = Path(report) if report is not None else folder / "report.md"
    figures = report_path.parent / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    outputs = described["analysis_outputs"]
    planned = len(manifest["runs"])
    done = frame.groupby(["experiment", "point", "replicate"]).ngroups if not frame.empty else 0
    failed = Store(folder).failed()

    lines = [f"# {described['title']}", "",
             f"Sweep folder `{folder}`; spec `{manifest['spec_file']}` (digest "
             f"`{manifest['digest'][:12]}`), code {manifest['code_version']}, root seed "
             f"{described['seed']}.", "",
             f"Runs: {planned} planned, {done} finished, {len(failed)} failed, "
             f"{planned - done - len(failed)} missing. Intervals are 95 % Student-t intervals "
             "of the mean over replicates unless stated otherwise.", ""]
    all_stats, all_indices, notes = [], [], []
    for experiment in described["experiments"]:
        stats = replicate_stats(frame, experiment)
        lines += [f"## Experiment `{experiment['name']}`", "",
                  f"Scenario `{Path(experiment['scenario']).name}`, {experiment['design']} "
                  f"design, {experiment['replicates']} replicates, {experiment['weeks']} weeks."]
        params = experiment["parameters"]
        if params:
            lines.append("Parameters: " + "; ".join(
                f"`{p['name']}` ({', '.join(p['paths'])}) "
                + (f"in {p['values']}" if p["values"] is not None
                   else f"in [{p['low']:g}, {p['high']:g}]") for p in params) + ".")
        lines.append("")
        if stats.empty:
            lines += ["No finished runs yet.", ""]
            continue
        all_stats.append(stats)
        lines += end_table(stats, experiment, outputs) + [""]
        base = f"{report_path.stem}-{experiment['name']}"
        for suffix, caption, draw in (("series", "time series", series_figure),
                                      ("heatmap", "heatmap", heatmap_figure)):
            fig = draw(stats, experiment, outputs)
            if fig is not None:
                path = atomic_write_bytes(figures / f"{base}-{suffix}.png", png(fig))
                written.append(path)
                lines += [f"![{experiment['name']} {caption}]"
                          f"({os.path.relpath(path, report_path.parent)})", ""]
        indices, why = sensitivity(frame, experiment, outputs, described["seed"] % 2**32)
        notes += why
        if not indices.empty:
            all_indices.append(indices)
            lines += _sensitivity_lines(indices)
            fig = sensitivity_figure(indices, experiment)
            if fig is not None:
                path = atomic_write_bytes(figures / f"{base}-sensitivity.png", png(fig))
                written.append(path)
                lines += [f"![{experiment['name']} sensitivity]"
                          f"({os.path.relpath(path, report_path.parent)})", ""]
        lines += [f"- {note}" for note in why]
    if all_stats:
        stats_csv = pd.concat(all_stats, ignore_index=True).to_csv(index=False,
                                                                  lineterminator="\n")
        written.append(atomic_write_bytes(folder / "stats.csv", stats_csv.encode("utf-8")))
    if all_indices:
        text = pd.concat(all_indices, ignore_index=True).to_csv(index=False, lineterminator="\n")
        written.append(atomic_write_bytes(folder / "sensitivity.csv", text.encode("utf-8")))
    if described["hypotheses"]:
        verdicts = judge_all(frame, described)
        table = pd.DataFrame([v.row() for v in verdicts])
        data = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
        written.append(atomic_write_bytes(folder / "hypotheses.csv", data))
        # beside the report too: the verdicts as data, for whatever quotes them (scenarios)
        written.append(atomic_write_bytes(report_path.parent / "hypotheses.csv", data))
        section, figure_files = hypotheses_section(verdicts, described, figures, report_path)
        written += figure_files
        lines = section + lines
    written.insert(0, atomic_write_bytes(report_path, ("\n".join(lines).rstrip() + "\n")
                                         .encode("utf-8")))
    return written


def _sensitivity_lines(indices: pd.DataFrame) -> list[str]:
    lines = []
    sobol = "S1" in indices.columns and indices["S1"].notna().any()
    if sobol:
        lines += ["| company | output | parameter | S1 (95 % CI) | ST (95 % CI) |",
                  "|---|---|---|---|---|"]
        for _, r in indices.iterrows():
            lines.append(f"| {r['company']} | {r['output']} | {r['parameter']} | "
                         f"{_interval(r['S1'], r['S1_lo'], r['S1_hi'])} | "
                         f"{_interval(r['ST'], r['ST_lo'], r['ST_hi'])} |")
    else:
        lines += ["| company | output | parameter | mu* (95 % CI) | sigma |",
                  "|---|---|---|---|---|"]
        for _, r in indices.iterrows():
            lines.append(f"| {r['company']} | {r['output']} | {r['parameter']} | "
                         f"{_interval(r['mu_star'], r['mu_star_lo'], r['mu_star_hi'])} | "
                         f"{r['sigma']:.4g} |")
    return [*lines, ""]
