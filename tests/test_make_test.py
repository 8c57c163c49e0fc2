"""`make test` never skips the browser tests quietly (issue 15, item 5).

It runs .ci/chromium first (Chromium found, installed with apt-get where that
can be done without a password, or one line naming the command to run), then
the suite with CI=true, where tests/ui/conftest.py fails a missing browser
instead of skipping it.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "chromium"


def _target(name: str) -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}:.*\n((?:\t.*\n)+)", text, re.M)
    assert match, f"no {name} target"
    return [line.strip() for line in match.group(1).splitlines()]


def test_make_test_ensures_the_browser_then_runs_the_suite_as_ci() -> None:
    recipe = _target("test")
    assert recipe[0] == ".ci/chromium", recipe
    pytest_lines = [line for line in recipe if "pytest" in line]
    assert pytest_lines and all(line.startswith("CI=true ") for line in pytest_lines)
    assert ".ci/chromium" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT)], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=60)


def test_a_missing_browser_fails_naming_the_install_command(tmp_path) -> None:
    result = _run({"UI_CHROMIUM": str(tmp_path / "no-chromium")})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "apt-get install chromium" in lines[0] and str(tmp_path / "no-chromium") in lines[0]


def test_a_present_browser_passes(tmp_path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    result = _run({"UI_CHROMIUM": str(fake)})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
