"""Fuzzing the command line in-process (issue 15, item 4).

Generated ``--set`` arguments, scenario files and sweep specs (tests/fuzz_inputs.py)
go through the ``influence`` entry point; every case ends with exit 0 or exit
2 and one line, never a traceback, never a file left in --out on failure,
never past its time bound.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from fuzz_inputs import (
    SMALL_WORLD,
    assert_clean,
    break_text,
    invoke_bounded,
    scenario_doc,
    set_args,
    spec_doc,
    to_toml,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def fuzz(examples: int) -> settings:
    """A fixed, reproducible set of cases (the time bound is per case, see fuzz_inputs)."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_counter = itertools.count()


def _fresh(root: Path) -> Path:
    return root / f"case{next(_counter)}"


def _nothing_on_failure(result, out: Path) -> None:
    assert_clean(result)
    if result.exit_code != 0:
        assert not out.exists() or not any(out.iterdir()), sorted(out.rglob("*"))


@fuzz(120)
@given(sets=set_args(), steps=st.sampled_from(["1", "1", "2", "2", "0", "x", "99999999999"]))
def test_fuzzed_set_arguments(sets, steps) -> None:
    with tempfile.TemporaryDirectory() as root:
        out = _fresh(Path(root))
        result = invoke_bounded(["run", "--steps", steps, "-q", *sets, *SMALL_WORLD,
                                 "--out", str(out)])
        _nothing_on_failure(result, out)


@fuzz(130)
@given(doc=scenario_doc(), data=st.data(), run=st.integers(0, 4))
def test_fuzzed_scenario_files(doc, data, run) -> None:
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "fuzz.toml"
        text = break_text(to_toml(doc), data)
        path.write_text(text, encoding="utf-8")
        assert_clean(invoke_bounded(["scenarios", "show", str(path)]))
        if run == 0:  # one in five also runs, briefly
            out = _fresh(Path(root))
            result = invoke_bounded(["run", str(path), "--steps", "1", "-q", *SMALL_WORLD,
                                     "--out", str(out)])
            _nothing_on_failure(result, out)


@fuzz(50)
@given(doc=spec_doc(), data=st.data())
def test_fuzzed_sweep_specs(doc, data) -> None:
    with tempfile.TemporaryDirectory() as root:
        spec = Path(root) / "spec.toml"
        spec.write_text(break_text(to_toml(doc), data), encoding="utf-8")
        out = _fresh(Path(root))
        result = invoke_bounded(["sweep", str(spec), "--out", str(out), "--workers", "1",
                                 "-q"])
        _nothing_on_failure(result, out)
