"""Page state in URLs (simulation.ui.share and the pages' readers), without a browser."""

from __future__ import annotations

from simulation.ui import compare_page, learn, share, state


def test_a_compare_query_reads_back_as_the_same_settings() -> None:
    catalogue = state.catalogue()
    settings = compare_page.Settings(
        slots=("default", None, "h03-silos", None),
        changes=("consumers=300; companies[1].structure=siloed", "", "asymmetry=4", ""),
        replicates=3, weeks=40, seed=2**64 - 1, at="4, 40")
    for ran in (False, True):
        query = compare_page.settings_query(settings, ran=ran)
        assert compare_page.settings_from_url("?" + query, catalogue) == (settings, ran, [])


def test_a_compare_link_without_settings_opens_the_pages_defaults() -> None:
    catalogue = state.catalogue()
    opened = compare_page.settings_from_url("", catalogue)
    assert opened == (compare_page.default_settings(list(catalogue)), False, [])


def test_each_bad_compare_value_is_refused_and_the_rest_applies() -> None:
    settings, run, problems = compare_page.settings_from_url(
        "?scenario1=default&scenario2=nope&changes1=network%3Dnone&replicates=0&weeks=30"
        "&seed=-1&at=31&run=1", state.catalogue())
    assert settings.slots == ("default", None, None, None)
    assert settings.changes == ("",) * compare_page.SLOTS
    assert (settings.replicates, settings.weeks, settings.seed, settings.at) == (10, 30, 42, "")
    assert run  # asked for; the page does not run a link it refused part of
    assert [p.split(":")[0] for p in problems] == ["network", "scenario2", "replicates",
                                                   "seed", "weeks"]
    assert problems[2] == "replicates: got '0'; allowed: whole numbers from 1 to 50"


def test_a_lesson_query_reads_back_and_bad_values_are_refused() -> None:
    available = learn.lessons(state.catalogue())
    query = learn.lesson_query("h03-silos", 2) + "&week=52"
    assert learn.lesson_from_url(query, available) == ("h03-silos", 2, 52, [])
    key, position, week, problems = learn.lesson_from_url(
        "lesson=h03-silos&step=0&week=x", available)
    assert (key, position, week) == ("h03-silos", 0, 0)
    assert problems == ["step: got '0'; allowed: whole numbers from 1 to 5 (the last: the "
                        "lesson's end)", "week: got 'x'; allowed: whole weeks from 0 to 156"]
    assert learn.lesson_from_url("lesson=nope", available)[0] is None


def test_explores_query_is_unchanged() -> None:
    query = share.query("h03-silos", [("consumers", 500), ("companies[1].strategy", "engaged"),
                                      ("asymmetry", 2.5), ("x", True)], 7)
    assert query == ("scenario=h03-silos&seed=7&set=consumers%3D500&"
                     "set=companies%5B1%5D.strategy%3Dengaged&set=asymmetry%3D2.5&set=x%3Dtrue")
    assert share.parse(query + "&week=12") == {
        "scenario": "h03-silos", "seed": 7, "week": 12,
        "set": ["consumers=500", "companies[1].strategy=engaged", "asymmetry=2.5", "x=true"]}
    assert share.parse("seed=-3&week=x")["seed"] is None
