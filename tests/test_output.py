"""Run files: atomic writes, all-or-nothing run folders, strict JSON, the trust figure."""

from __future__ import annotations

import json
import math
import os
import stat

import numpy as np
import pandas as pd
import pytest

from simulation import output, plotting
from simulation.metrics import summary
from simulation.model import InfluenceModel


@pytest.fixture(scope="module")
def finished():
    """A small world with a crisis, run for 10 weeks: model, frame, summary."""
    model = InfluenceModel(rng=11, consumers=300,
                           companies=[{"crisis_week": 4}, {"pressure": 1.0, "horizon": 2,
                                                           "return_target": 5.0}])
    for _ in range(10):
        model.step()
    frame = model.timeseries()
    return model, frame, summary(model, frame)


def _temp_files(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- atomic writers
def test_atomic_write_text_creates_and_replaces_without_leftovers(tmp_path):
    target = tmp_path / "a.txt"
    output.atomic_write_text(target, "first")
    output.atomic_write_text(target, "second, longer")
    assert target.read_text() == "second, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_respects_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        path = output.atomic_write_bytes(tmp_path / "b.bin", b"\x00\x01")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == b"\x00\x01"


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "keep.txt"
    target.write_text("old")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        output.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert _temp_files(tmp_path) == []


def test_write_many_is_all_or_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "one").write_text("old one")
    (folder / "two").write_text("old two")
    real_fsync = os.fsync
    calls = []

    def fsync_fails_on_second_file(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_fails_on_second_file)
    with pytest.raises(OSError):
        output.atomic_write_many(folder, {"one": b"new one", "two": b"new two"})
    assert (folder / "one").read_text() == "old one"
    assert (folder / "two").read_text() == "old two"
    assert _temp_files(folder) == []


def test_write_many_removes_the_folders_it_created_when_it_fails(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        output.atomic_write_many(tmp_path / "a" / "b", {"x": b"1"})
    assert list(tmp_path.iterdir()) == []


def test_write_many_rejects_paths_as_names(tmp_path):
    with pytest.raises(ValueError, match="plain file name"):
        output.atomic_write_many(tmp_path, {"../escape": b"1"})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- run folder
def test_write_run_files_and_contents(tmp_path, finished):
    model, frame, table = finished
    out = tmp_path / "deep" / "run"
    written = output.write_run(out, model, frame, table, ["influence", "run", "--steps", "10"])
    assert [p.name for p in written] == list(output.RUN_FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted(output.RUN_FILES)

    back = pd.read_csv(out / "timeseries.csv")
    pd.testing.assert_frame_equal(back, frame, check_dtype=False, check_exact=True)

    def reject(token):
        raise ValueError(token)

    record = json.loads((out / "run.json").read_text(), parse_constant=reject)
    assert record["seed"] == 11
    assert record["steps"] == 10
    assert record["command"] == ["influence", "run", "--steps", "10"]
    assert record["command_line"] == "influence run --steps 10"
    assert record["parameters"] == model.params
    assert record["events"] == model.events
    assert any(e["kind"] == "crisis" and e["step"] == 4 for e in record["events"])
    assert [s["company"] for s in record["summary"]] == list(table["company"])
    assert record["versions"]["numpy"] == np.__version__
    assert (out / "trust.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_run_replaces_an_earlier_run_and_keeps_other_files(tmp_path, finished):
    model, frame, table = finished
    (tmp_path / "timeseries.csv").write_text("stale")
    (tmp_path / "notes.txt").write_text("mine")
    output.write_run(tmp_path, model, frame, table, ["influence"])
    assert (tmp_path / "timeseries.csv").read_text().startswith("step,company,")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert _temp_files(tmp_path) == []


def test_render_failure_writes_nothing(tmp_path, finished, monkeypatch):
    model, frame, table = finished

    def broken(*args, **kwargs):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(plotting, "trust_figure_png", broken)
    with pytest.raises(RuntimeError):
        output.write_run(tmp_path / "out", model, frame, table, ["influence"])
    assert not (tmp_path / "out").exists()


def test_jsonable_makes_strict_json():
    value = {"a": np.float64("nan"), "b": (np.int64(3), float("inf")), 4: [np.bool_(True)]}
    assert output.jsonable(value) == {"a": None, "b": [3, None], "4": [True]}
    json.dumps(output.jsonable(value), allow_nan=False)


def test_summary_nan_becomes_null(finished):
    model, frame, table = finished
    table = table.copy()
    table.loc[0, "credibility"] = math.nan
    record = output.run_record(model, table, ["influence"])
    assert record["summary"][0]["credibility"] is None
    json.dumps(record, allow_nan=False)


def test_versions_name_the_stack():
    found = output.versions()
    assert set(found) == {"python", "mesa", "numpy", "scipy", "pandas", "influence-world"}
    assert found["pandas"] == pd.__version__


# ---------------------------------------------------------------- figure
def test_trust_figure_panels_and_event_lines(finished):
    model, frame, _ = finished
    fig = plotting.trust_figure(frame, model.events)
    ax_time, ax_vanity = fig.axes
    kinds = {e["kind"] for e in model.events}
    assert "crisis" in kinds
    vertical = [line for line in ax_time.lines
                if line.get_transform() == ax_time.get_xaxis_transform()]
    expected = [e["step"] for e in model.events if e["kind"] in plotting.EVENT_STYLE]
    assert sorted(float(line.get_xdata()[0]) for line in vertical) == sorted(expected)
    # one p10-p90 band per company
    assert len(ax_time.collections) == frame["company"].nunique()
    assert ax_vanity.get_xscale() == "log"
    # the vanity panel plots trust against cumulative impressions for each company
    for company in frame["company"].unique():
        own = frame[frame["company"] == company]
        cum = own["impressions"].cumsum().to_numpy()
        if cum[-1] > 0:
            assert any(np.array_equal(line.get_xdata(), cum[cum > 0])
                       for line in ax_vanity.lines)


def test_trust_figure_png_is_deterministic(finished):
    model, frame, _ = finished
    first = plotting.trust_figure_png(frame, model.events)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert plotting.trust_figure_png(frame, model.events) == first
