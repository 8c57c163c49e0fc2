"""influence calibrate (pyabc ABC-SMC): spec and data checks, resume, recovery, posterior use."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from fuzz_inputs import assert_clean, invoke_bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pyabc")

import scenarios  # noqa: E402
from experiments import calibration  # noqa: E402
from simulation import parameters  # noqa: E402
from simulation.cli import cli  # noqa: E402
from simulation.posterior import load as load_posterior  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WEEKS = 20
CONSUMERS = 150
TRUTH = {"word_of_mouth": 0.45}


def world(consumers: int = CONSUMERS) -> dict:
    return parameters.set_path(scenarios.load("default").config, "consumers", consumers)


def spec_text(data: str = "data.csv", *, population: int = 30, generations: int = 2,
              simulations: int = 2000, extra: str = "", prior: str = "range = [0.05, 0.9]",
              consumers: int = CONSUMERS, weeks: int = WEEKS, block: int = 5,
              truth: float | None = None, stats: str = '["blocks"]') -> str:
    truth_table = f"\n[truth]\nword_of_mouth = {truth}\n" if truth is not None else ""
    return f"""title = "test"
seed = 5
weeks = {weeks}
[set]
consumers = {consumers}
[data]
file = "{data}"
series = ["sales", "trust"]
[[parameters]]
path = "word_of_mouth"
prior = "uniform"
{prior}
{extra}
[summary]
stats = {stats}
block = {block}
[budget]
population = {population}
generations = {generations}
simulations = {simulations}
{truth_table}"""


def write_case(folder: Path, truth: float = TRUTH["word_of_mouth"], seed: int = 11,
               **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    csv_text = calibration.synthetic_csv(world(kwargs.get("consumers", CONSUMERS)),
                                         kwargs.get("weeks", WEEKS), {"word_of_mouth": truth},
                                         seed, every={"trust": 2}, missing=0.1)
    (folder / "data.csv").write_text(csv_text)
    (folder / "spec.toml").write_text(spec_text(truth=truth, **kwargs))
    return folder / "spec.toml"


def invoke(args: list[str]):
    return CliRunner().invoke(cli, args, prog_name="influence")


def one_error_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> Path:
    """One small finished calibration (its output folder)."""
    folder = tmp_path_factory.mktemp("fit")
    spec = write_case(folder, generations=2)
    result = invoke(["calibrate", str(spec), "--out", str(folder / "out"), "-q"])
    assert result.exit_code == 0, result.output
    return folder / "out"


# --------------------------------------------------------------------------
# Bad observed data and specs: exit 2, one line naming file, row and column
# --------------------------------------------------------------------------
GOOD = "week,company,sales,trust\n1,Billboard Co,3,0.5\n1,Engaged Co,2,0.5\n" \
       "2,Billboard Co,4,\n2,Engaged Co,1,0.51\n"


@pytest.mark.parametrize(("text", "where", "value"), [
    (GOOD.replace("sales", "revenue"), "row 1, column 3", "revenue"),
    (GOOD.replace("2,Billboard Co,4,", "2,Billboard Co,-4,"), "row 4, column sales", "-4"),
    (GOOD.replace("1,Engaged Co,2,", "1,Engaged Co,two,"), "row 3, column sales", "two"),
    (GOOD.replace("2,Engaged Co,1,0.51", "0,Engaged Co,1,0.51"), "row 5, column week", "0"),
    ("# a comment line\n" + GOOD.replace("2,Billboard Co,4,", "0.5,Billboard Co,4,"),
     "row 5, column week", "0.5"),
    (GOOD + "1,Billboard Co,3,0.5\n", "row 6, column week", "1"),  # a week out of order
    (GOOD.replace("0.51", "1.4"), "row 5, column trust", "1.4"),
    (GOOD.replace("Engaged Co,2", "Other Co,2"), "row 3, column company", "Other Co"),
    (GOOD.replace("2,Billboard Co,4,", "2,Billboard Co,4"), "row 4", "3 cells"),
    (GOOD.replace("week,", "wk,"), "row 1, column 1", "wk"),
])
def test_bad_observed_data_is_one_line_naming_file_row_and_column(tmp_path, text, where,
                                                                  value) -> None:
    (tmp_path / "data.csv").write_text(text)
    (tmp_path / "spec.toml").write_text(spec_text())
    line = one_error_line(invoke(["calibrate", str(tmp_path / "spec.toml"),
                                  "--out", str(tmp_path / "out")]))
    assert "data.csv" in line and f": {where}:" in line and repr(value) in line, line
    assert not (tmp_path / "out").exists()


def test_missing_weeks_are_allowed(tmp_path) -> None:
    (tmp_path / "data.csv").write_text(GOOD)
    spec = calibration.load_spec(_spec(tmp_path, spec_text(weeks=4)))
    weeks, values = spec.observed.values[(0, "trust")]
    assert weeks.tolist() == [1] and values.tolist() == [0.5]   # week 2's trust is empty
    assert spec.observed.values[(1, "trust")][0].tolist() == [1, 2]


def _spec(folder: Path, text: str) -> Path:
    (folder / "spec.toml").write_text(text)
    return folder / "spec.toml"


@pytest.mark.parametrize(("change", "expected"), [
    ({"prior": "range = [0.0, 1.5]"},
     "parameters[0].range: got [0.0, 1.5]; allowed: a range inside [0, 1], the declared "
     "bounds of word_of_mouth"),
    ({"prior": "range = [0.6, 0.2]"}, "parameters[0].range: got [0.6, 0.2]"),
    ({"extra": "[[parameters]]\npath = \"consumers\""}, "parameters[1].path: got 'consumers'"
     "; allowed: a real-valued parameter (consumers is an integer)"),
    ({"extra": "[[parameters]]\npath = \"companies[5].quality\""},
     "parameters[1].path: got 'companies[5].quality'"),
    ({"extra": "[[parameters]]\npath = \"no_such\""}, "parameters[1].path: got 'no_such'"),
    ({"prior": "prior = \"normal\"\nmean = 0.3\nrange = [0.1, 0.9]"}, "parameters[0].sd"),
])
def test_bad_priors_are_refused(tmp_path, change, expected) -> None:
    (tmp_path / "data.csv").write_text(GOOD)
    text = spec_text(weeks=4, **change).replace('prior = "uniform"\nprior = "normal"',
                                                'prior = "normal"')
    line = one_error_line(invoke(["calibrate", str(_spec(tmp_path, text)),
                                  "--out", str(tmp_path / "out")]))
    assert "spec.toml: " in line and expected in line, line


# --------------------------------------------------------------------------
# Posterior file, and run / compare / sweep reading it
# --------------------------------------------------------------------------
def test_calibration_writes_posterior_table_and_figures(fitted) -> None:
    names = {p.name for p in fitted.iterdir()}
    assert {"abc.db", "posterior.csv", "posterior.toml", "pairs.png", "predictive.png",
            "calibration.json"} <= names
    posterior = load_posterior(fitted / "posterior.csv")
    assert posterior.paths == ("word_of_mouth",)
    assert len(posterior.weights) == 30 and abs(posterior.weights.sum() - 1) < 1e-12
    assert ((posterior.values >= 0.05) & (posterior.values <= 0.9)).all()
    record = json.loads((fitted / "calibration.json").read_text())
    assert record["status"] == "done" and len(record["generations"]) == 2
    row = record["table"][0]
    assert row["q05"] <= row["mean"] <= row["q95"] and row["truth"] == TRUTH["word_of_mouth"]


def test_run_draws_its_parameters_from_the_posterior(fitted) -> None:
    args = ["run", "--posterior", str(fitted / "posterior.csv"), "--set", "consumers=60",
            "--steps", "2", "--seed", "4"]
    first, again = invoke(args), invoke(args)
    assert first.exit_code == 0, first.output
    drawn = [line for line in first.stdout.splitlines() if line.startswith("parameters drawn")]
    assert len(drawn) == 1 and "word_of_mouth = " in drawn[0]
    assert first.stdout == again.stdout          # the draw is fixed by the seed
    value = float(drawn[0].rsplit("= ", 1)[1])
    assert np.isclose(load_posterior(fitted / "posterior.csv").draw(4)["word_of_mouth"], value,
                      rtol=1e-3)
    chosen = invoke([*args, "--set", "word_of_mouth=0.1"])   # --set wins over the draw
    assert chosen.exit_code == 0 and "parameters drawn" not in chosen.stdout


def test_compare_and_sweep_draw_per_replicate(fitted, tmp_path) -> None:
    from experiments.spec import load as load_spec
    from simulation.compare import plan

    posterior = load_posterior(fitted / "posterior.csv")
    jobs = plan([("a", world(60)), ("b", parameters.set_path(world(60), "asymmetry", 3))],
                replicates=4, steps=2, seed=9, posterior=posterior)
    wom = {(j.label, j.replicate): j.config["word_of_mouth"] for j in jobs}
    assert all(wom[("a", r)] == wom[("b", r)] == posterior.draw(9, r)["word_of_mouth"]
               for r in range(4))
    (tmp_path / "sweep.toml").write_text(
        f'seed = 9\nreplicates = 2\nweeks = 2\nposterior = "{fitted / "posterior.csv"}"\n'
        "[set]\nconsumers = 60\n[[parameters]]\npath = \"asymmetry\"\nvalues = [2.0, 3.0]\n")
    runs = load_spec(tmp_path / "sweep.toml").runs()
    assert [r.config["word_of_mouth"] for r in runs] == \
        [posterior.draw(9, r)["word_of_mouth"] for r in (0, 1, 0, 1)]
    result = invoke(["compare", "default", "--posterior", str(fitted / "posterior.csv"),
                     "--replicates", "2", "--steps", "1", "-q", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "c" / "compare.json").read_text())
    assert [r["drawn"]["word_of_mouth"] for r in record["runs"]] == \
        [posterior.draw(42, r)["word_of_mouth"] for r in (0, 1)]


@pytest.mark.parametrize(("text", "where"), [
    ("weight,word_of_mouth\n1,0.3\n1,abc\n", "row 3, column word_of_mouth: got 'abc'"),
    ("weight,word_of_mouth\n1,0.3\n1,1.7\n", "row 3, column word_of_mouth: got '1.7'"),
    ("weight,word_of_mouth\n-1,0.3\n", "row 2, column weight: got '-1'"),
    ("w,word_of_mouth\n1,0.3\n", "row 1, column 1: got 'w'"),
    ("weight,nonsense\n1,0.3\n", "row 1, column 2: got 'nonsense'"),
])
def test_a_bad_posterior_file_is_one_line(tmp_path, text, where) -> None:
    (tmp_path / "p.csv").write_text(text)
    line = one_error_line(invoke(["run", "--posterior", str(tmp_path / "p.csv"),
                                  "--steps", "1", "--set", "consumers=60"]))
    assert "p.csv: " in line and where in line, line


# --------------------------------------------------------------------------
# Resume after kill -9, extension, a changed spec refused
# --------------------------------------------------------------------------
def _generations_stored(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("select count(*) from populations where t >= 0")
                       .fetchone()[0])
    except sqlite3.Error:
        return 0


def test_resumes_after_kill_9_and_extends_and_refuses_another_spec(tmp_path) -> None:
    spec = write_case(tmp_path, population=30, generations=6, simulations=100_000)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "simulation", "calibrate", str(spec),
                                "--out", str(out), "-q"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _generations_stored(out / "abc.db") < 1 and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.1)
        assert _generations_stored(out / "abc.db") >= 1
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    stored = _generations_stored(out / "abc.db")
    assert 1 <= stored < 6 and not (out / "posterior.csv").exists()

    # The same spec with a smaller budget: resumes, runs what the budget allows, writes.
    (tmp_path / "spec.toml").write_text(spec_text(population=30, generations=stored + 1,
                                                  truth=TRUTH["word_of_mouth"]))
    resumed = invoke(["calibrate", str(spec), "--out", str(out)])
    assert resumed.exit_code == 0, resumed.output
    assert f"resuming {out}: {stored} generation" in resumed.stderr
    assert _generations_stored(out / "abc.db") == stored + 1
    assert (out / "posterior.csv").exists()

    # A larger budget extends the finished run by one more generation.
    (tmp_path / "spec.toml").write_text(spec_text(population=30, generations=stored + 2,
                                                  truth=TRUTH["word_of_mouth"]))
    assert invoke(["calibrate", str(spec), "--out", str(out), "-q"]).exit_code == 0
    assert _generations_stored(out / "abc.db") == stored + 2
    assert len(json.loads((out / "calibration.json").read_text())["generations"]) == stored + 2

    # Anything else changed (here the prior) is another fit: refused, nothing touched.
    before = (out / "posterior.csv").read_bytes()
    (tmp_path / "spec.toml").write_text(spec_text(population=30, prior="range = [0.1, 0.9]"))
    line = one_error_line(invoke(["calibrate", str(spec), "--out", str(out)]))
    assert "--out: got" in line and "another spec" in line
    assert (out / "posterior.csv").read_bytes() == before


# --------------------------------------------------------------------------
# Recovery: a reduced coverage check (the full one: experiments/calibration_coverage.py)
# --------------------------------------------------------------------------
def test_recovers_known_truths(tmp_path) -> None:
    """Data sets made from a low and a high word_of_mouth: each 90 % interval holds its
    truth, each posterior is narrower than the prior, and the two posteriors lie apart
    in the right order, so a fit that learnt nothing from the data (or a wrong one) fails."""
    prior_sd = (0.9 - 0.05) / np.sqrt(12)
    means = []
    for i, truth in enumerate((0.15, 0.75)):
        spec = calibration.load_spec(write_case(
            tmp_path / f"d{i}", truth=truth, seed=100 + 2 * i, population=40, generations=3,
            consumers=300, weeks=26, stats='["mean", "slope"]'))
        fit = calibration.run_calibration(spec, tmp_path / f"d{i}" / "out", predictive=False)
        row = fit.table()[0]
        assert row["q05"] <= truth <= row["q95"], row
        assert row["sd"] < 0.75 * prior_sd, row
        means.append(row["mean"])
    assert means[1] - means[0] > 0.25, means


def test_example_spec_loads_and_is_labelled_synthetic() -> None:
    spec = calibration.load_spec(ROOT / "examples" / "calibration" / "spec.toml")
    assert spec.truth and set(spec.truth) == {p.path for p in spec.priors}
    text = (ROOT / "examples" / "calibration" / "synthetic.csv").read_text()
    assert text.startswith("# SYNTHETIC DATA")
    for path, value in spec.truth.items():
        assert f"{path} = {value:g}" in text.splitlines()[1]


# --------------------------------------------------------------------------
# Fuzz: the command never shows a traceback on odd specs or data
# --------------------------------------------------------------------------
cells = st.one_of(st.sampled_from(["", "0", "3", "-1", "0.5", "1e3", "nan", "x", " 2 ",
                                   "Billboard Co", "Engaged Co", "1.5"]),
                  st.text(max_size=4))
headers = st.lists(st.sampled_from(["week", "company", "sales", "trust", "likes", "reach",
                                    "followers", "bogus", ""]), min_size=1, max_size=5)


@st.composite
def data_files(draw: st.DrawFn) -> str:
    """A data file: random cells under a random header, or the good file with one cell
    changed (or none), so that valid files, which then run a tiny calibration, occur too."""
    if draw(st.booleans()):
        header = draw(headers)
        rows = draw(st.lists(st.lists(cells, min_size=1, max_size=5), max_size=4))
        return "\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n"
    table = [line.split(",") for line in GOOD.strip().split("\n")]
    if draw(st.booleans()):
        row = draw(st.integers(0, len(table) - 1))
        column = draw(st.integers(0, len(table[row]) - 1))
        table[row][column] = draw(cells).replace(",", "").replace("\n", "")
    return "\n".join(",".join(r) for r in table) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=data_files(), weeks=st.sampled_from(["3", "0", "\"3\"", "2.5", "100001"]),
       prior=st.sampled_from(["range = [0.1, 0.5]", "range = [-1, 0.5]", "range = [0.5]",
                              "range = \"a\"", "prior = \"normal\"\nmean = 0.2\nsd = 0.1",
                              "mean = 0.2"]),
       population=st.sampled_from(["10", "0", "\"10\"", "10.5"]))
def test_fuzzed_calibration_input(tmp_path, data, weeks, prior, population) -> None:
    import shutil

    folder = tmp_path / "case"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "data.csv").write_text(data)
    text = spec_text(population=10, generations=1, simulations=10, consumers=30, block=1,
                     prior=prior).replace("weeks = 20", f"weeks = {weeks}") \
        .replace("population = 10", f"population = {population}")
    (folder / "spec.toml").write_text(text)
    assert_clean(invoke_bounded(["calibrate", str(folder / "spec.toml"), "--out",
                                 str(folder / "out"), "-q"]))


def test_market_counts_scale_the_models_counts_not_its_shares(tmp_path) -> None:
    """[data] counts = "market": the data count the whole market, so the model's likes,
    followers, sales and reach are multiplied by market_size / consumers (real people per
    modelled consumer) before they are compared; trust, a share, is left alone."""
    (tmp_path / "data.csv").write_text(GOOD)
    plain = calibration.load_spec(_spec(tmp_path, spec_text(weeks=4)))
    market = calibration.load_spec(_spec(tmp_path, spec_text(weeks=4).replace(
        'file = "data.csv"', 'file = "data.csv"\ncounts = "market"')))
    assert plain.counts == "modelled" and market.counts == "market"
    assert plain.digest() != market.digest()
    a, b = calibration.simulator(plain), calibration.simulator(market)
    scale = market.base["market_size"] / market.base["consumers"]
    assert a.count_scale == 1.0 and b.count_scale == pytest.approx(scale)
    values = {p.key: 0.4 for p in plain.priors}
    ours, theirs = a.simulate(values), b.simulate(values)
    for key, series in ours.items():
        factor = scale if key[1] in calibration.COUNTS else 1.0
        assert np.allclose(theirs[key], series * factor), key
    bad = spec_text(weeks=4).replace('file = "data.csv"', 'file = "data.csv"\ncounts = "all"')
    with pytest.raises(calibration.CalibrationError, match="data.counts"):
        calibration.load_spec(_spec(tmp_path, bad))
