"""The UI's background job (simulation.ui.jobs): progress, result, errors, a Cancel that kills."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from simulation.ui.jobs import Job, JobError, job_folder, safe_name, tidy


def counting(report, n: int, pause: float) -> int:
    for i in range(n):
        report(i + 1, n, {"step": i + 1})
        time.sleep(pause)
    return n * 10


def refusing(report, text: str) -> None:
    raise JobError(text)


def crashing(report) -> None:
    os._exit(3)


def forever(report, marker: str) -> None:
    Path(marker).write_text(str(os.getpid()))
    while True:
        report(0, 0, {})
        time.sleep(0.05)


def wait(job: Job, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot = job.poll()
        if snapshot.state != "running":
            return snapshot
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def test_a_job_reports_progress_and_returns_its_result() -> None:
    job = Job(counting, (3, 0.01)).start()
    snapshot = wait(job)
    assert snapshot.state == "done" and snapshot.result == 30
    assert (snapshot.done, snapshot.total, snapshot.info) == (3, 3, {"step": 3})
    assert snapshot.seconds > 0


def test_a_job_error_is_its_one_line_and_a_dead_child_is_reported() -> None:
    snapshot = wait(Job(refusing, ("roster.csv: row 2, column followers: got '-1'",)).start())
    assert snapshot.state == "failed"
    assert snapshot.error == "roster.csv: row 2, column followers: got '-1'"
    snapshot = wait(Job(crashing).start())
    assert snapshot.state == "failed" and "exit status 3" in snapshot.error


def test_cancel_kills_the_child_and_discard_removes_the_folder(tmp_path: Path) -> None:
    folder = job_folder("test")
    marker = tmp_path / "pid"
    job = Job(forever, (str(marker),), folder=folder).start()
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(marker.read_text())
    assert pid == job.pid and Path(f"/proc/{pid}").exists()
    job.discard()
    assert job.poll().state == "cancelled"
    assert not Path(f"/proc/{pid}").exists() or \
        Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    assert not folder.exists()
    job.cancel()  # twice is harmless


@pytest.mark.parametrize(("name", "suffix", "expected"), [
    ("my roster.csv", ".csv", "my_roster.csv"),
    ("C:\\Users\\ana\\roster.CSV", ".csv", "roster.CSV"),
    ("../../etc/passwd", ".csv", "passwd.csv"),
    ("", ".toml", "spec.toml"),
    (".hidden", ".toml", "hidden.toml"),
])
def test_an_uploaded_name_becomes_a_plain_file_name(name: str, suffix: str,
                                                    expected: str) -> None:
    assert safe_name(name, suffix, "spec") == expected


def test_tidy_removes_the_job_folder_from_messages(tmp_path: Path) -> None:
    message = f"{tmp_path}/spec.toml: seed: got -1; allowed: an integer"
    assert tidy(message, tmp_path) == "spec.toml: seed: got -1; allowed: an integer"
    assert tidy(message, None) == message
