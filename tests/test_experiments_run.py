"""Running sweeps: same data on any executor, failures recorded, resume after kill -9.

Worlds are tiny (200 consumers, a few weeks): these tests are about where
runs go and what lands on disk, not about the model.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from experiments.executors import DaskExecutor, LocalPool, execute, run_sweep
from experiments.spec import load
from experiments.storage import Store, StoreError
from simulation.cli import cli

SPEC = """
title = "tiny sweep"
scenario = "default"
seed = 11
replicates = 2
weeks = 5

[set]
consumers = 200

[[parameters]]
path = "companies[1].transparency"
name = "transparency"
values = [0.1, 0.5, 0.9]

[outputs]
every = 2
metrics = ["trust_mean", "likes", "sales"]
"""


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def sweep_into(spec_file: Path, folder: Path, executor, function=execute) -> Store:
    spec = load(spec_file)
    runs = spec.runs()
    store = Store(folder)
    store.open_for(spec, runs, spec_text=spec_file.read_text())
    run_sweep(runs, store, executor, function=function)
    return store


def files(store: Store) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(store.runs_dir.glob("*.parquet"))}


def totals(output: str) -> list[int]:
    """Runs, done, failed, missing from the total line of `influence results`."""
    line = next(x for x in output.splitlines() if x.startswith("total "))
    return [int(x) for x in line.split()[1:]]


# Module-level so that spawned processes and Dask workers can import them.
def fail_point_one(run):
    """Raise for every run of design point 1; run the others."""
    if run.point == 1:
        raise RuntimeError("injected failure at point 1")
    return execute(run)


def die_once(marker_dir: str, run):
    """Kill the worker process the first time replicate 0 of point 0 runs."""
    marker = Path(marker_dir) / f"{run.run_id}.died"
    if run.point == 0 and run.replicate == 0 and not marker.exists():
        marker.touch()
        os._exit(17)
    return execute(run)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The sweep run in this process, one run after the other."""
    folder = tmp_path_factory.mktemp("reference")
    spec = folder / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    return files(sweep_into(spec, folder / "out", LocalPool(1)))


def test_one_file_per_run_with_the_runs_rows(reference: dict[str, bytes], tmp_path: Path,
                                             spec_file: Path) -> None:
    store = sweep_into(spec_file, tmp_path / "out", LocalPool(1))
    assert files(store) == reference  # deterministic, byte for byte
    runs = load(spec_file).runs()
    assert sorted(reference) == sorted(f"{r.run_id}.parquet" for r in runs)
    table = pq.read_table(store.runs_dir / f"{runs[0].run_id}.parquet").to_pandas()
    assert sorted(table["step"].unique()) == [0, 2, 4, 5]  # every 2 weeks and the last
    assert set(table["company"]) == {"Billboard Co", "Engaged Co"}
    assert table["final"].tolist() == (table["step"] == 5).tolist()
    assert table["seed"].unique().tolist() == [runs[0].seed]
    assert table["transparency"].unique().tolist() == [0.1]
    assert table.loc[~table["final"], "cum_sales"].isna().all()
    assert table.loc[table["final"], "cum_sales"].notna().all()


def test_local_pool_of_two_gives_the_same_files(reference: dict[str, bytes], tmp_path: Path,
                                                spec_file: Path) -> None:
    store = sweep_into(spec_file, tmp_path / "out", LocalPool(2))
    assert files(store) == reference


def test_dask_local_cluster_gives_the_same_files_and_survives_a_killed_worker(
        reference: dict[str, bytes], tmp_path: Path, spec_file: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    with DaskExecutor(local=2) as executor:
        assert len(executor.client.scheduler_info()["workers"]) == 2
        store = sweep_into(spec_file, tmp_path / "plain", executor)
        assert files(store) == reference
        killed = sweep_into(spec_file, tmp_path / "killed", executor,
                            function=functools.partial(die_once, str(markers)))
    assert list(markers.iterdir()), "the worker was never killed"
    assert files(killed) == reference
    assert killed.failed() == {}


def test_local_pool_survives_a_killed_worker(reference: dict[str, bytes], tmp_path: Path,
                                             spec_file: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    store = sweep_into(spec_file, tmp_path / "out", LocalPool(2),
                       function=functools.partial(die_once, str(markers)))
    assert list(markers.iterdir())
    assert files(store) == reference


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(reference: dict[str, bytes],
                                                         tmp_path: Path,
                                                         spec_file: Path) -> None:
    store = sweep_into(spec_file, tmp_path / "out", LocalPool(2), function=fail_point_one)
    failed = store.failed()
    assert sorted(failed) == ["main__p00001__r000", "main__p00001__r001"]
    assert all(f["error"] == "RuntimeError: injected failure at point 1" for f in failed.values())
    assert all("Traceback" in f["traceback"] for f in failed.values())
    assert files(store) == {k: v for k, v in reference.items() if "__p00001__" not in k}
    result = CliRunner().invoke(cli, ["results", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert totals(result.output) == [6, 4, 2, 0]
    assert "injected failure" in result.output
    # A rerun keeps the record; --retry-failed runs them again (now with the real function).
    runs = load(spec_file).runs()
    assert run_sweep(runs, store, LocalPool(1)).skipped == 6
    report = run_sweep(runs, store, LocalPool(1), retry_failed=True)
    assert report.done == 2
    assert store.failed() == {}
    assert files(store) == reference


def test_kill_9_mid_sweep_then_resume_equals_an_uninterrupted_sweep(
        reference: dict[str, bytes], tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(SPEC.replace("weeks = 5", "weeks = 40"), encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "simulation", "sweep", str(spec_file), "--out", str(out),
               "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not list((out / "runs").glob("*.parquet")) if (out / "runs").exists() else True:
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    interrupted = len(list((out / "runs").glob("*.parquet")))
    assert 1 <= interrupted < 6
    result = CliRunner().invoke(cli, ["sweep", str(spec_file), "--out", str(out), "--workers",
                                      "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"{6 - interrupted} runs done now, 0 failed, {interrupted} already on disk" \
        in result.output
    assert not [p for p in out.rglob(".*") if p.is_file()]  # no temporary file left
    uninterrupted = tmp_path / "uninterrupted"
    again = CliRunner().invoke(cli, ["sweep", str(spec_file), "--out", str(uninterrupted),
                                     "--workers", "1", "--quiet"])
    assert again.exit_code == 0
    assert files(Store(out)) == files(Store(uninterrupted))


def test_a_changed_spec_is_refused_in_the_same_folder(tmp_path: Path, spec_file: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(spec_file), "--out", str(out), "--workers",
                                    "1", "-q"]).exit_code == 0
    spec_file.write_text(SPEC.replace("values = [0.1, 0.5, 0.9]", "values = [0.1, 0.5]"))
    before = files(Store(out))
    result = CliRunner().invoke(cli, ["sweep", str(spec_file), "--out", str(out), "-q"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {out}: got a sweep of another spec")
    assert "allowed: the same spec to resume, or a new --out folder" in lines[0]
    assert files(Store(out)) == before
    with pytest.raises(StoreError, match="not a sweep's"):
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "notes.txt").write_text("mine")
        Store(tmp_path / "other").open_for(load(spec_file), [], spec_text="")


def test_export_to_csv_and_parquet_and_duckdb(tmp_path: Path, spec_file: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["sweep", str(spec_file), "--out", str(out), "--workers",
                                    "1", "-q"]).exit_code == 0
    for name in ("all.csv", "all.parquet"):
        result = CliRunner().invoke(cli, ["results", str(out), "--export", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert totals(result.output) == [6, 6, 0, 0]
    csv = pd.read_csv(tmp_path / "all.csv")
    parquet = pd.read_parquet(tmp_path / "all.parquet")
    assert len(csv) == len(parquet) == 6 * 4 * 2  # runs x kept weeks x companies
    pd.testing.assert_frame_equal(csv[["point", "replicate", "step", "trust_mean"]],
                                  parquet[["point", "replicate", "step", "trust_mean"]])
    query = (f"SELECT transparency, count(*) AS n, avg(trust_mean) AS trust FROM "
             f"read_parquet('{out}/runs/*.parquet', union_by_name = true) WHERE final "
             f"GROUP BY transparency ORDER BY transparency")
    rows = duckdb.sql(query).fetchall()
    assert [(t, n) for t, n, _ in rows] == [(0.1, 4), (0.5, 4), (0.9, 4)]
    direct = parquet[parquet["final"]].groupby("transparency")["trust_mean"].mean()
    assert [trust for _, _, trust in rows] == pytest.approx(direct.tolist(), rel=1e-12)
    bad = CliRunner().invoke(cli, ["results", str(out), "--export", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2
    assert "allowed: a file name ending in .csv or .parquet" in bad.output
