"""The replicate runner: tagged frames, job order whatever the workers, honest intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation import parameters
from simulation.metrics import COLUMNS
from simulation.parameters import ParameterError
from simulation.replicates import (
    RUN_COLUMNS,
    STAT_COLUMNS,
    Job,
    JobError,
    confidence,
    run_job,
    run_jobs,
)
from simulation.seeds import derive_seed

TINY = parameters.resolve({"consumers": 200})
STEPS = 4


def _jobs(labels=("a", "b"), replicates=2) -> list[Job]:
    configs = {"a": TINY, "b": parameters.set_path(TINY, "companies[0].budget", 5)}
    return [Job(label, configs[label], r, derive_seed(11, configs[label], r), STEPS)
            for label in labels for r in range(replicates)]


# ---------------------------------------------------------------- one job
def test_run_job_tags_the_models_tidy_frame():
    job = _jobs(("a",), 1)[0]
    frame = run_job(job)
    assert list(frame.columns) == [*RUN_COLUMNS, *COLUMNS]
    assert len(frame) == (STEPS + 1) * len(TINY["companies"])
    assert (frame["scenario"] == "a").all()
    assert (frame["replicate"] == 0).all()
    assert (frame["seed"] == job.seed).all()
    assert frame["seed"].dtype == np.int64


def test_run_job_is_fixed_by_its_seed():
    first, second = _jobs(("a",), 2)
    pd.testing.assert_frame_equal(run_job(first), run_job(first))
    a, b = run_job(first), run_job(second)
    assert not np.array_equal(a["trust_mean"].to_numpy(), b["trust_mean"].to_numpy())


# ---------------------------------------------------------------- many jobs
def test_worker_count_does_not_change_the_result():
    jobs = _jobs()
    calls: list[tuple[int, int]] = []
    serial = run_jobs(jobs, workers=1)
    parallel = run_jobs(jobs, workers=2, progress=lambda done, total: calls.append((done, total)))
    pd.testing.assert_frame_equal(serial, parallel, check_exact=True)
    assert calls == [(k, len(jobs)) for k in range(1, len(jobs) + 1)]
    # Rows follow the jobs: scenario-major, then replicate.
    order = serial[["scenario", "replicate"]].drop_duplicates().to_records(index=False).tolist()
    assert order == [(j.label, j.replicate) for j in jobs]
    assert serial.index.equals(pd.RangeIndex(len(serial)))


def test_progress_in_process_counts_every_job():
    calls: list[tuple[int, int]] = []
    run_jobs(_jobs(("a",), 2), workers=1, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]


def test_a_failing_run_in_a_worker_raises_its_own_error():
    bad = Job("bad", {"consumers": 1}, 0, 1, 1)
    # The error comes back (as itself, or as a JobError naming the job when its
    # class cannot be unpickled), never as a BrokenProcessPool that hides it.
    with pytest.raises((ParameterError, JobError), match="consumers"):
        run_jobs([bad, *_jobs(("a",), 1)], workers=2)


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_bad_worker_counts_are_refused(workers):
    with pytest.raises(ValueError, match="workers"):
        run_jobs(_jobs(("a",), 1), workers=workers)


def test_no_jobs_is_an_error():
    with pytest.raises(ValueError, match="no jobs"):
        run_jobs([], workers=1)


# ---------------------------------------------------------------- statistics
def _direct(values: list[float]) -> dict[str, float]:
    """The textbook interval, computed without pandas."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    n = x.size
    mean = x.mean() if n else math.nan
    if n < 2:
        return {"mean": mean, "sd": math.nan, "n": n, "half_width": math.nan,
                "lo": math.nan, "hi": math.nan}
    sd = x.std(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return {"mean": mean, "sd": sd, "n": n, "half_width": half,
            "lo": mean - half, "hi": mean + half}


def test_confidence_matches_a_direct_computation():
    rng = np.random.default_rng(5)
    rows = []
    for group, size in (("g1", 5), ("g2", 2), ("g3", 1), ("g4", 9)):
        for step in (0, 1):
            for _ in range(size):
                rows.append({"group": group, "step": step, "x": rng.normal(3, 2),
                             "y": int(rng.integers(0, 100))})
    frame = pd.DataFrame(rows)
    frame.loc[frame.index[:2], "x"] = np.nan  # two missing values in g1, step 0
    table = confidence(frame, ["group", "step"], ["x", "y"])

    assert list(table.columns) == ["group", "step", "metric", *STAT_COLUMNS]
    assert len(table) == 4 * 2 * 2
    for record in table.to_dict(orient="records"):
        mask = (frame["group"] == record["group"]) & (frame["step"] == record["step"])
        expected = _direct(frame.loc[mask, record["metric"]].astype(float).tolist())
        for key, value in expected.items():
            got = record[key]
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(got), (record, key)
            else:
                assert got == pytest.approx(value, rel=1e-12, abs=1e-12), (record, key)
    g1 = table[(table["group"] == "g1") & (table["step"] == 0) & (table["metric"] == "x")]
    assert int(g1["n"].iloc[0]) == 3


def test_confidence_keeps_first_appearance_order_then_metric_order():
    frame = pd.DataFrame({"k": ["z", "z", "a", "a"], "u": [1.0, 2.0, 3.0, 5.0],
                          "v": [0.0, 1.0, 1.0, 1.0]})
    table = confidence(frame, ["k"], ["v", "u"])
    assert table[["k", "metric"]].to_records(index=False).tolist() == [
        ("z", "v"), ("z", "u"), ("a", "v"), ("a", "u")]
    constant = table[(table["k"] == "a") & (table["metric"] == "v")].iloc[0]
    assert constant["sd"] == 0.0 and constant["lo"] == constant["hi"] == 1.0


def test_one_replicate_gives_no_interval_rather_than_a_zero_one():
    frame = pd.DataFrame({"k": ["a"], "x": [0.4]})
    row = confidence(frame, ["k"], ["x"]).iloc[0]
    assert row["mean"] == 0.4 and row["n"] == 1
    assert all(math.isnan(row[c]) for c in ("sd", "half_width", "lo", "hi"))


def test_interval_narrows_with_more_replicates():
    rng = np.random.default_rng(0)
    values = rng.normal(0, 1, 400)
    frame = pd.DataFrame({"k": ["few"] * 10 + ["many"] * 390, "x": values})
    table = confidence(frame, ["k"], ["x"]).set_index("k")
    assert table.loc["many", "half_width"] < table.loc["few", "half_width"]


def test_confidence_refuses_bad_arguments():
    frame = pd.DataFrame({"k": ["a", "a"], "x": [1.0, 2.0]})
    with pytest.raises(KeyError):
        confidence(frame, ["k"], ["nope"])
    with pytest.raises(ValueError):
        confidence(frame, ["k"], ["k"])
    with pytest.raises(ValueError):
        confidence(frame, ["k"], ["x"], level=1.0)


def test_map_in_processes_keeps_the_order_of_its_items_whatever_the_workers() -> None:
    import math

    from simulation.replicates import map_in_processes

    items = [9.0, 1.0, 4.0, 16.0, 25.0]
    seen: list[int] = []
    here = map_in_processes(math.sqrt, items, workers=1, progress=seen.append)
    assert here == [3.0, 1.0, 2.0, 4.0, 5.0] and seen == [1, 2, 3, 4, 5]
    assert map_in_processes(math.sqrt, items, workers=2) == here


def test_interval_is_student_t_over_the_values_it_has() -> None:
    import math

    from scipy import stats

    from simulation.replicates import interval

    mean, low, high = interval([1.0, 3.0, float("nan")])
    half = stats.t.ppf(0.975, 1) * math.sqrt(2.0) / math.sqrt(2.0)
    assert mean == 2.0 and (low, high) == pytest.approx((2.0 - half, 2.0 + half))
    assert math.isnan(interval([5.0])[1]) and math.isnan(interval([])[0])
