"""A sweep folder never loses, mixes or miscounts a result.

A run is done only when its file is on disk as the sweep wrote it (checked
against the manifest's record); a resume under other code or another
configuration is refused unless asked for; only the sweep's own files are
runs; a spec cannot name one parameter path twice.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from experiments import storage
from experiments.executors import LocalPool, Outcome, execute, run_sweep
from experiments.spec import SpecError, load
from experiments.storage import Store
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


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def sweep(spec: Path, out: Path, *extra: str):
    return invoke("sweep", spec, "--out", out, "--workers", "1", "-q", *extra)


def files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "runs").glob("*.parquet"))}


def totals(output: str) -> list[int]:
    line = next(x for x in output.splitlines() if x.startswith("total "))
    return [int(x) for x in line.split()[1:]]


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture
def swept(spec: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    result = sweep(spec, out)
    assert result.exit_code == 0, result.output
    return out, files(out)


# ------------------------------------------------------------------ done means checked
def test_a_truncated_or_empty_run_file_is_not_done_and_is_redone(spec, swept) -> None:
    out, reference = swept
    names = sorted(reference)
    truncated, emptied = out / "runs" / names[0], out / "runs" / names[3]
    truncated.write_bytes(reference[names[0]][: len(reference[names[0]]) // 2])
    emptied.write_bytes(b"")
    status = invoke("results", out)
    assert status.exit_code == 0, status.output
    assert totals(status.output) == [6, 4, 0, 2]
    assert "2 run file(s) no longer as the sweep wrote them" in status.output
    exported = invoke("results", out, "--export", out.parent / "all.parquet")
    assert exported.exit_code == 0, exported.output  # no ArrowInvalid
    assert len(pd.read_parquet(out.parent / "all.parquet")) == 4 * 4 * 2
    analysed = invoke("analyze", out, "-q")
    assert analysed.exit_code == 0, analysed.output
    resumed = sweep(spec, out)
    assert resumed.exit_code == 0, resumed.output
    assert "2 runs done now, 0 failed, 4 already on disk" in resumed.output
    assert files(out) == reference
    assert totals(invoke("results", out).output) == [6, 6, 0, 0]


def test_a_run_file_swapped_for_another_valid_one_is_redone(spec, swept) -> None:
    out, reference = swept
    names = sorted(reference)
    (out / "runs" / names[0]).write_bytes(reference[names[1]])  # readable, but not this run
    assert totals(invoke("results", out).output) == [6, 5, 0, 1]
    assert sweep(spec, out).exit_code == 0
    assert files(out) == reference


def test_the_manifest_records_configs_code_and_checksums(spec, swept) -> None:
    out, reference = swept
    manifest = json.loads((out / "manifest.json").read_text())
    runs = load(spec).runs()
    assert manifest["format"] == storage.FORMAT
    assert manifest["code"]["fingerprint"] == storage.code_identity()["fingerprint"]
    assert manifest["code_version"] == manifest["code"]["version"]
    for run, entry in zip(runs, manifest["runs"], strict=True):
        assert manifest["configs"][entry["config"]] == json.loads(json.dumps(run.config))
        record = manifest["done"][run.run_id]
        data = reference[f"{run.run_id}.parquet"]
        assert record["sha256"] == storage.file_record(data)["sha256"]
        assert record["rows"] == pq.read_table(io.BytesIO(data)).num_rows == 4 * 2
        assert record["key"] == entry["key"] and record["code"] == manifest["code"]["fingerprint"]
    assert not (out / storage.JOURNAL).exists()  # folded into the manifest at the end


def short_table(run):
    """A run that returns a file missing its last row."""
    outcome = execute(run)
    table = pq.read_table(io.BytesIO(outcome.data))
    return Outcome(run.run_id, storage.parquet_bytes(table.slice(0, table.num_rows - 1)))


def test_bytes_that_are_not_the_runs_file_are_a_failure_not_a_run(spec, tmp_path) -> None:
    loaded = load(spec)
    runs = loaded.runs()
    store = Store(tmp_path / "out")
    store.open_for(loaded, runs, spec_text=SPEC)
    report = run_sweep(runs, store, LocalPool(1), function=short_table)
    assert report.done == 0 and report.failed == 6
    assert files(tmp_path / "out") == {}
    assert all("7 rows, expected 8" in f["error"] for f in store.failed().values())
    assert run_sweep(runs, store, LocalPool(1), retry_failed=True).done == 6


# ------------------------------------------------------------------ only the sweep's files
def test_an_export_placed_in_runs_is_not_a_run(spec, swept) -> None:
    out, _ = swept
    assert invoke("analyze", out, "-q").exit_code == 0
    alone = (out / "stats.csv").read_bytes()
    assert pd.read_csv(out / "stats.csv")["n"].max() == 2  # two replicates per point
    for name in ("all.parquet", "main__p00009__r000.parquet"):
        assert invoke("results", out, "--export", out / "runs" / name).exit_code == 0
    assert totals(invoke("results", out).output) == [6, 6, 0, 0]
    assert invoke("analyze", out, "-q").exit_code == 0
    assert (out / "stats.csv").read_bytes() == alone  # the export is not counted again
    assert len(Store(out).table()) == 6 * 4 * 2


# ------------------------------------------------------------------ changed code or config
def test_a_resume_under_changed_code_is_refused_unless_rerun_changed(spec, swept,
                                                                      monkeypatch) -> None:
    out, reference = swept
    real = storage.code_identity

    def edited() -> dict:
        identity = real()
        return {**identity, "version": "git abc1234-dirty", "sources": "0" * 64,
                "fingerprint": "f" * 64}

    monkeypatch.setattr(storage, "code_identity", edited)
    before = (out / "manifest.json").read_bytes()
    refused = sweep(spec, out)
    assert refused.exit_code == 2
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {out}: got a sweep run under other code")
    assert "--rerun-changed" in lines[0] and "a new --out folder" in lines[0]
    assert (out / "manifest.json").read_bytes() == before and files(out) == reference
    rerun = sweep(spec, out, "--rerun-changed")
    assert rerun.exit_code == 0, rerun.output
    assert "6 runs done now, 0 failed, 0 already on disk" in rerun.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["code"]["fingerprint"] == "f" * 64
    assert manifest["code_version"] == "git abc1234-dirty"
    assert {r["code"] for r in manifest["done"].values()} == {"f" * 64}
    assert sweep(spec, out).exit_code == 0  # same code now: a plain resume


def test_a_resume_under_a_changed_configuration_is_refused_unless_rerun_changed(
        spec, swept) -> None:
    out, reference = swept
    spec.write_text(SPEC.replace("values = [0.1, 0.5, 0.9]", "values = [0.1, 0.5, 0.7]"))
    refused = sweep(spec, out)
    assert refused.exit_code == 2
    assert "got a sweep of another spec or configuration" in refused.output
    assert "2 of 6 runs differ" in refused.output and "--rerun-changed" in refused.output
    assert files(out) == reference
    rerun = sweep(spec, out, "--rerun-changed")
    assert rerun.exit_code == 0, rerun.output
    assert "2 runs done now, 0 failed, 4 already on disk" in rerun.output
    now = files(out)
    assert {k: v for k, v in now.items() if "__p00002__" not in k} == \
        {k: v for k, v in reference.items() if "__p00002__" not in k}
    changed = pd.read_parquet(out / "runs" / "main__p00002__r000.parquet")
    assert set(changed["transparency"]) == {0.7}
    fresh = sweep(spec, out.parent / "fresh")
    assert fresh.exit_code == 0 and files(out.parent / "fresh") == now


def test_a_changed_base_scenario_file_is_a_changed_configuration(tmp_path) -> None:
    world = tmp_path / "world.toml"
    world.write_text("title = 'w'\n[world]\nconsumers = 200\n")
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.replace('scenario = "default"', 'scenario = "world.toml"')
                    .replace("[set]\nconsumers = 200\n", ""))
    out = tmp_path / "out"
    assert sweep(spec, out).exit_code == 0
    world.write_text("title = 'w'\n[world]\nconsumers = 210\n")
    refused = sweep(spec, out)
    assert refused.exit_code == 2 and "6 of 6 runs differ" in refused.output


def test_a_corrupt_manifest_or_failure_record_is_one_line(spec, swept) -> None:
    out, _ = swept
    (out / "failed" / "main__p00000__r000.json").write_text("{not json")
    assert invoke("results", out).exit_code == 0
    (out / "manifest.json").write_text('{"runs": ')
    for args in (("results", out), ("analyze", out), ("sweep", spec, "--out", out)):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "manifest.json" in lines[0], lines


# ------------------------------------------------------------------ one path, once
@pytest.mark.parametrize(("parameters", "where"), [
    ('[[parameters]]\npath = "companies[1].budget"\nvalues = [5.0, 10.0]\n'
     '[[parameters]]\npath = "companies.1.budget"\nname = "b2"\nvalues = [6.0, 12.0]\n',
     "parameters[1].path"),
    ('[[parameters]]\npath = "companies[1].budget"\nvalues = [5.0, 10.0]\n'
     '[[parameters]]\npath = "companies[1].budget"\nname = "b2"\nvalues = [6.0, 12.0]\n',
     "parameters[1].path"),
    ('[[parameters]]\npaths = ["companies[0].budget", "companies.0.budget"]\nname = "b"\n'
     'values = [5.0, 10.0]\n', "parameters[0].paths"),
    ('[[parameters]]\npaths = ["companies[0].budget", "companies[1].budget"]\nname = "b"\n'
     'values = [5.0, 10.0]\n[[parameters]]\npath = "companies.1.budget"\nname = "b1"\n'
     'values = [6.0, 12.0]\n', "parameters[1].path"),
])
def test_one_parameter_path_named_twice_is_refused(tmp_path, parameters, where) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(f'scenario = "default"\nweeks = 2\n{parameters}')
    with pytest.raises(SpecError) as info:
        load(path)
    assert info.value.path == where and "named once" in info.value.allowed
    result = invoke("sweep", path, "--out", tmp_path / "out")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_one_path_twice_in_set_is_refused(tmp_path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text('scenario = "default"\nweeks = 2\n[set]\n"companies[1].budget" = 5.0\n'
                    '"companies.1.budget" = 6.0\n')
    with pytest.raises(SpecError) as info:
        load(path)
    assert info.value.path == "set.companies.1.budget"
