"""The UI's logic without widgets: catalogue, scenarios, extreme values, comparison tables."""

from __future__ import annotations

import threading

import pytest

from simulation import parameters
from simulation.parameters import ParameterError
from simulation.ui import state
from simulation.ui.compare_page import apply_changes, run_comparison, summary_table
from simulation.ui.controls import widget_kind
from simulation.ui.explore import apply_change
from simulation.ui.i18n import CATALOGUE, LANGUAGES, t
from simulation.ui.live import LiveRun

SMALL = {"consumers": 200}


def test_every_string_exists_in_english_and_french() -> None:
    for key, entry in CATALOGUE.items():
        for language in LANGUAGES:
            assert entry.get(language, "").strip(), f"{key} has no {language} text"
    assert t("week", "fr", week=3) == "Semaine 3"


def _slider_values(params):
    for param in params:
        if widget_kind(param) in ("int_slider", "float_slider"):
            yield param, param.low
            yield param, param.high


@pytest.mark.parametrize(("param", "value"), list(_slider_values(parameters.WORLD_PARAMS)),
                         ids=lambda x: getattr(x, "name", str(x)))
def test_a_world_slider_at_either_end_never_crashes(param, value) -> None:
    base = parameters.resolve({**parameters.defaults(), **SMALL})
    try:
        config = apply_change(base, param.name, value)
    except ParameterError:
        return  # refused with a message: the page shows it and keeps the old world
    run = LiveRun(config, seed=1)
    run.step(3)
    assert run.week == 3


@pytest.mark.parametrize(("param", "value"), list(_slider_values(parameters.COMPANY_PARAMS)),
                         ids=lambda x: getattr(x, "name", str(x)))
def test_a_company_slider_at_either_end_never_crashes(param, value) -> None:
    base = parameters.resolve({**parameters.defaults(), **SMALL})
    try:
        config = apply_change(base, f"companies[0].{param.name}", value)
    except ParameterError:
        return
    run = LiveRun(config, seed=1)
    run.step(3)
    assert run.week == 3


def test_a_refused_world_names_the_parameter() -> None:
    base = parameters.resolve(parameters.defaults())
    with pytest.raises(ParameterError, match="consumers"):
        apply_change(apply_change(base, "network", "complete"), "consumers", 10_000)


def test_a_bad_scenario_file_raises_the_loaders_one_line() -> None:
    with pytest.raises(ValueError) as error:
        state.load_user_file("mine.toml", b"[world]\nconsumers = -5\n")
    message = str(error.value)
    assert "\n" not in message
    assert "consumers" in message and "got -5" in message and "allowed" in message


def test_a_file_that_is_not_text_is_refused_cleanly() -> None:
    with pytest.raises(ValueError, match="mine.toml"):
        state.load_user_file("mine.toml", b"\xff\xfe\x00binary")


def test_a_good_scenario_file_becomes_a_scenario() -> None:
    loaded = state.load_user_file(
        "mine.toml", b'title = "Mine"\nsummary = "A small world."\n[world]\nconsumers = 300\n')
    assert loaded.key == "file:mine.toml"
    assert loaded.title == "Mine" and loaded.config["consumers"] == 300


def test_scenario_texts_follow_the_language() -> None:
    scenario = state.UiScenario(
        key="x", title="Title", summary="Summary", config={}, teaching={"what": "W"},
        lesson=({"week": 4, "watch": "watch", "ask": "ask", "try": "try"},),
        fr={"title": "Titre", "teaching": {"what": "Q"}, "lesson": [{"watch": "regardez"}]})
    assert scenario.text("title", "fr") == "Titre"
    assert scenario.text("summary", "fr") == "Summary"  # no French: English
    assert scenario.teaching_in("fr") == {"what": "Q"}
    assert scenario.lesson_in("fr") == [{"week": 4, "watch": "regardez", "ask": "ask",
                                         "try": "try"}]


def test_the_catalogue_offers_the_default_first_and_every_shipped_scenario() -> None:
    keys = list(state.catalogue())
    assert keys[0] == state.DEFAULT_KEY
    assert set(keys) >= {s.key for s in state.shipped()}


def test_variant_changes_are_applied_and_checked() -> None:
    base = parameters.resolve(parameters.defaults())
    variant = apply_changes(base, "companies[1].structure=siloed; consumers=500")
    assert variant["companies"][1]["structure"] == "siloed" and variant["consumers"] == 500
    with pytest.raises(ParameterError, match="consumers"):
        apply_changes(base, "consumers=-1")


def test_comparison_reports_progress_and_both_downloads() -> None:
    base = parameters.resolve({**parameters.defaults(), **SMALL})
    seen = []
    outcome = run_comparison([("a", base), ("b", apply_changes(base, "asymmetry=5"))],
                             replicates=2, weeks=4, seed=3,
                             progress=lambda done, total: seen.append((done, total)),
                             cancel=threading.Event())
    assert seen[-1] == (4, 4)
    assert outcome.csv.startswith(b"Scenario,replicate,Seed,week,company")
    assert outcome.png[:4] == b"\x89PNG"
    table = summary_table(outcome.result.stats, "en")
    assert set(table["Scenario"]) == {"a", "b"}
    assert table["trust (0-1 scale), week 4"].str.match(r"^\d\.\d{3} \[").all()
    french = summary_table(outcome.result.stats, "fr")
    assert french["confiance (échelle de 0 à 1), semaine 4"].str.match(
        r"^\d,\d{3} \[\d,\d{3} ; \d,\d{3}\]$").all()


def test_a_cancelled_comparison_stops() -> None:
    from simulation.ui.compare_page import Cancelled

    base = parameters.resolve({**parameters.defaults(), **SMALL})
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_comparison([("a", base), ("b", base | {"asymmetry": 5.0})], replicates=2,
                       weeks=4, seed=3, progress=lambda d, n: None, cancel=cancel)


def _wait(job, seconds: float = 120.0) -> None:
    assert job.finished.wait(seconds), "the comparison never finished"


def test_a_comparison_job_counts_its_runs_and_keeps_its_outcome() -> None:
    from simulation.ui.compare_page import CompareJob

    base = parameters.resolve({**parameters.defaults(), **SMALL})
    job = CompareJob([("a", base), ("b", apply_changes(base, "asymmetry=5"))], replicates=2,
                     weeks=3, seed=5).start()
    _wait(job)
    assert (job.done, job.total) == (4, 4)
    assert job.error is None and job.outcome is not None
    assert job.outcome.csv.startswith(b"Scenario,replicate,Seed,week,company")


def test_a_cancelled_job_stops_before_its_last_run() -> None:
    from simulation.ui.compare_page import CompareJob

    base = parameters.resolve({**parameters.defaults(), **SMALL})
    job = CompareJob([("a", base), ("b", base | {"asymmetry": 5.0})], replicates=50,
                     weeks=20, seed=5)
    job._progress = lambda done, total: (setattr(job, "done", done), job.cancel.set())
    job.start()
    _wait(job)
    assert job.outcome is None and job.error is None
    assert job.done == 1 < job.total


def test_two_comparisons_at_once_do_not_interfere() -> None:
    from simulation.ui.compare_page import CompareJob

    base = parameters.resolve({**parameters.defaults(), **SMALL})
    first = [("a", base), ("b", apply_changes(base, "asymmetry=5"))]
    second = [("c", apply_changes(base, "forgetting=0.9")), ("d", base)]
    alone = [run_comparison(chosen, replicates=2, weeks=6, seed=seed,
                            progress=lambda d, n: None, cancel=threading.Event()).csv
             for chosen, seed in ((first, 1), (second, 2))]
    jobs = [CompareJob(first, replicates=2, weeks=6, seed=1).start(),
            CompareJob(second, replicates=2, weeks=6, seed=2).start()]
    for job in jobs:
        _wait(job)
    assert [job.outcome.csv for job in jobs] == alone


def test_moments_list_marked_moments_and_count_churns() -> None:
    from simulation.ui.explore import moments_text

    events = [{"step": 3, "company": "A", "kind": "churn"},
              {"step": 5, "company": "A", "kind": "crisis"},
              {"step": 7, "company": "B", "kind": "churn"},
              {"step": 8, "company": "A", "kind": "churn"}]
    text = moments_text(events, "en")
    assert "5: A — crisis" in text
    assert "A 2" in text and "B 1" in text
    assert t("no_events", "en") not in text
    assert moments_text([], "en") == f"{t('events', 'en')}: {t('no_events', 'en')}"
    many = [{"step": w, "company": "A", "kind": "crisis"} for w in range(10)]
    assert "4 earlier" in moments_text(many, "en", shown=6)


def test_moments_agree_with_the_trust_chart() -> None:
    from simulation.ui.charts import trust_option
    from simulation.ui.explore import moments_text

    config = apply_change(parameters.resolve({**parameters.defaults(), **SMALL}),
                          "influencer.churn_threshold", 0.95)
    run = LiveRun(config, seed=3)
    run.step(12)
    pins = sum(len(s.get("markPoint", {}).get("data", [])) for s in trust_option(run, "en")
               ["series"])
    churns = [e for e in run.events() if e["kind"] == "churn"]
    recruits = [e for e in run.events() if e["kind"] == "recruit"]
    assert pins == len(churns) + len(recruits) and churns and recruits
    text = moments_text(run.events(), "en")
    assert t("no_events", "en") not in text
    for key, events in (("churn_count", churns), ("recruit_count", recruits)):
        counted = text.split(t(key, "en", detail=""), 1)[1].split(" · ")[0]
        shown = sum(int(part.rsplit(" ", 1)[1]) for part in counted.split(", "))
        assert shown == len(events), key


def test_a_world_too_big_for_memory_is_refused_before_it_is_built() -> None:
    from simulation.memory import memory_problem

    base = parameters.resolve(parameters.defaults())
    huge = apply_change(apply_change(base, "consumers", 5_000_000), "network_degree", 200)
    assert memory_problem(base, free=8 * 10**9) is None
    need, free = memory_problem(huge, free=8 * 10**9)
    assert need > free == 8.0


def test_big_worlds_are_built_and_stepped_off_the_page_turn() -> None:
    from simulation.ui.live import is_heavy

    base = parameters.resolve(parameters.defaults())
    assert not is_heavy(base)
    assert is_heavy(apply_change(base, "consumers", 1_000_000))
    assert is_heavy(apply_change(apply_change(base, "consumers", 100_000),
                                 "network_degree", 100))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_explore_shows_what_differs_between_the_companies(lang: str) -> None:
    """The fairness table of `influence run`, in the page: equal spend and audiences in
    the default world, each row labelled in the page's language, names escaped."""
    from simulation.ui.explore import FAIRNESS_ROWS, fairness_html

    config = parameters.resolve({**parameters.defaults(), **SMALL})
    config["companies"][0]["name"] = "<b>Billboard</b> Co"
    run = LiveRun(config, seed=5)
    run.step(6)
    html = fairness_html(run, lang)
    assert "&lt;b&gt;Billboard&lt;/b&gt; Co" in html and "<b>" not in html
    for _, label, _ in FAIRNESS_ROWS:
        assert t(label, lang) in html
    spend = [c.week_spend for c in run.model.companies]
    assert spend[0] == pytest.approx(spend[1])
    assert html.count(f"<td>{sum(run.model.companies[0].spend):,.0f}</td>") == 2


def test_the_about_page_shows_the_committed_facts_panel_in_both_languages(tmp_path) -> None:
    from simulation.facts import TITLES
    from simulation.ui import about

    for lang in LANGUAGES:
        rows = about.facts_rows(lang)
        assert [r[0] for r in rows] == list(TITLES)
        assert {r[3] for r in rows} <= {t("fact_holds", lang), t("fact_fails", lang)}
        html = about.facts_html(lang)
        assert html.count("<tr>") == 1 + len(TITLES)
    assert about.facts_rows("fr")[0][1] == t("fact_F1", "fr") != TITLES["F1"]
    assert about.facts_rows("en", tmp_path / "none.csv") is None


def test_leaving_several_big_worlds_at_once_costs_one_release(monkeypatch) -> None:
    import time

    calls = []
    monkeypatch.setattr(state, "release_memory", lambda: calls.append(time.monotonic()))
    state.release_memory_soon(0.05)
    state.release_memory_soon(0.05)
    time.sleep(0.5)
    assert len(calls) == 1
    state.release_memory_soon(0.05)  # a later one gets its own
    time.sleep(0.5)
    assert len(calls) == 2


def test_releasing_memory_frees_worlds_held_in_cycles() -> None:
    import gc
    import weakref

    run = LiveRun(parameters.resolve({**parameters.defaults(), **SMALL}), 1)
    run.step(1)
    gone = weakref.ref(run)
    holder: dict = {}
    holder["self"], holder["run"] = holder, run  # a cycle, as a page's state makes one
    del run, holder
    was = gc.isenabled()
    gc.disable()  # no collection but the one asked for
    try:
        state.release_memory()
    finally:
        if was:
            gc.enable()
    assert gone() is None
