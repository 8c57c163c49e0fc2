"""The newer commands on the fuzzed error path (issue 15 item 4): dock switches, budget,
ablation and check planted.

Every case runs the command in-process through the entry point, bounded in time, with a
tiny world set last so that a valid case stays quick; the outcome is exit 0, or exit 2 with
exactly one ``error:`` line, never a traceback or a hang. The value generators are the shared
ones of :mod:`tests.fuzz_inputs`; the option lists are each command's own.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_inputs import SMALL_WORLD, assert_clean, invoke_bounded, odd_numbers, set_args

#: Counts that are valid, at a bound, past it, or not counts at all.
counts = st.one_of(st.sampled_from(["-1", "0", "1", "2", "3"]), odd_numbers)

#: Company references: an index, a name that exists, one that does not, junk.
companies = st.sampled_from(["0", "1", "2", "9", "-1", "Quarterly Co", "Patient Co",
                             "Nobody Co", "", "x" * 200])

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(company=companies, reference=companies, seeds=counts, first=counts, sets=set_args(2))
def test_fuzzed_dock_switches(company, reference, seeds, first, sets) -> None:
    result = invoke_bounded(["dock", "switches", "-q", "--company", company, "--reference",
                             reference, "--seeds", seeds, "--first-seed", first, *sets,
                             *SMALL_WORLD])
    assert_clean(result)


@FUZZ
@given(company=st.sampled_from(["0", "1", "5", "-1", "x"]), low=odd_numbers | st.sampled_from(
    ["0", "5", "-3"]), high=st.sampled_from(["20", "1e12", "-1", "nan", "x"]), seeds=counts,
    weeks=st.sampled_from(["1", "2", "4,2", "0", "x", "1,,2", "99999"]), sets=set_args(2))
def test_fuzzed_dock_budget(company, low, high, seeds, weeks, sets) -> None:
    result = invoke_bounded(["dock", "budget", "-q", "--company", company, "--low", low,
                             "--high", high, "--seeds", seeds, "--weeks", weeks, *sets,
                             *SMALL_WORLD])
    assert_clean(result)


@FUZZ
@given(seeds=counts, seed=counts, weeks=st.sampled_from(["1", "2", "0", "-1", "x", "1e9"]),
       consumers=st.sampled_from(["60", "0", "-5", "x", "10", "99999999999"]))
def test_fuzzed_dock_ablation(seeds, seed, weeks, consumers, tmp_path_factory) -> None:
    out = tmp_path_factory.mktemp("ablation")
    result = invoke_bounded(["dock", "ablation", "-q", "--seeds", seeds, "--seed", seed,
                             "--weeks", weeks, "--consumers", consumers, "--out", str(out)])
    assert_clean(result)
    if result.exit_code == 2:
        assert not any(out.iterdir()), "a refused case leaves nothing in --out"


@FUZZ
@given(reruns=counts, replicates=counts, consumers=st.sampled_from(["0", "9", "x", "-1"]),
       weeks=st.sampled_from(["0", "-1", "x", "1e3"]))
def test_fuzzed_check_planted_bad_sizes(reruns, replicates, consumers, weeks,
                                        tmp_path_factory) -> None:
    """Only refusals are fuzzed here (every world size drawn is out of range): a valid
    planted check is minutes of work and is tested in test_planted.py."""
    out = tmp_path_factory.mktemp("planted") / "p.json"
    result = invoke_bounded(["check", "planted", "--reruns", reruns, "--replicates",
                             replicates, "--consumers", consumers, "--weeks", weeks,
                             "--out", str(out)])
    assert_clean(result)
    assert result.exit_code == 2 and not out.exists()
