"""Bring your own roster and company (issue 13, item 1): ``influence plan``.

Each class of bad input ends with exit status 2, one ``error:`` line naming
the file, row, column, value and what is allowed, and nothing written; the
template folder goes through init, scenario and run; the mapping gives the
audience share, post price and posts a week the company's own figures imply;
the engagement conversion gives the roster's observed rate in the model's
first week; and fuzzed roster content never ends in a traceback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fuzz_inputs import assert_clean, invoke_bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.plan import MAX_ROWS, PlanError, build, load_plan
from experiments.plan.company import parse_company
from experiments.plan.roster import COLUMNS, parse_roster
from experiments.plan.templates import COMPANY_TOML, ROSTER_CSV
from simulation.deals import post_price
from simulation.model import InfluenceModel
from simulation.parameters import defaults as model_defaults

ROOT = Path(__file__).resolve().parents[1]
HEADER = "name,platform,followers,engagement_pct,fee_per_post,fee_relationship,deals,overlap_group"
GOOD_ROW = "Ana,instagram,20000,1.5,200,300,billboard|engaged,city"

#: A small, fast company: 300 modelled consumers of a market of 100,000.
SMALL_COMPANY = COMPANY_TOML.replace("size = 1000000", "size = 100000") \
    .replace("consumers = 5000", "consumers = 300")


def _folder(tmp: Path, roster: str | bytes, company: str | bytes = SMALL_COMPANY) -> Path:
    folder = tmp / "plan"
    folder.mkdir(exist_ok=True)
    for name, content in (("roster.csv", roster), ("company.toml", company)):
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def _refused(folder: Path, *parts: str) -> str:
    """``plan scenario`` refuses with one line holding ``parts``, and writes nothing."""
    result = invoke_bounded(["plan", "scenario", str(folder), "--out",
                             str(folder / "out" / "plan.toml")])
    assert_clean(result)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    for part in parts:
        assert part in line, line
    assert not (folder / "out").exists()
    assert not (folder / "plan.toml").exists()
    return line


# --------------------------------------------------------------------------
# Bad input: one line, exit 2, nothing written
# --------------------------------------------------------------------------
BAD_ROSTERS = {
    "missing column": (HEADER.replace(",fee_per_post", "") + "\n"
                       + GOOD_ROW.replace(",200,", ","),
                       ["roster.csv: row 1, column fee_per_post: got nothing",
                        "every required column"]),
    "text in a number": (f"{HEADER}\nAna,instagram,lots,1.5,200,,billboard,\n",
                         ["row 2, column followers: got 'lots'", "an integer in [1, 1000000000]"]),
    "negative followers": (f"{HEADER}\nAna,instagram,-200,1.5,200,,billboard,\n",
                           ["row 2, column followers: got '-200'", "an integer in [1,"]),
    "fractional followers": (f"{HEADER}\nAna,instagram,20.5,1.5,200,,billboard,\n",
                             ["row 2, column followers: got '20.5'"]),
    "too many followers": (f"{HEADER}\nAna,instagram,2000000000,1.5,200,,billboard,\n",
                           ["column followers: got '2000000000'", "1000000000]"]),
    "fee zero": (f"{HEADER}\nAna,instagram,20000,1.5,0,,billboard,\n",
                 ["row 2, column fee_per_post: got '0'", "a fee of zero is not a rate card"]),
    "fee missing": (f"{HEADER}\nAna,instagram,20000,1.5,,,billboard,\n",
                    ["row 2, column fee_per_post: got ''",
                     "fee_per_post is required for every influencer"]),
    "fee not a number": (f"{HEADER}\nAna,instagram,20000,1.5,nan,,billboard,\n",
                         ["column fee_per_post: got 'nan'"]),
    "relationship fee negative": (f"{HEADER}\nAna,instagram,20000,1.5,200,-5,billboard,\n",
                                  ["row 2, column fee_relationship: got '-5'"]),
    "duplicate names": (f"{HEADER}\n{GOOD_ROW}\nBo,tiktok,5000,,50,,engaged,\n"
                        "ana ,youtube,9000,,90,,engaged,\n",
                        ["row 4, column name: got 'ana'", "row 2 has it"]),
    "unknown deal": (f"{HEADER}\nAna,instagram,20000,1.5,200,,sponsored,\n",
                     ["row 2, column deals: got 'sponsored'", "billboard, engaged"]),
    "no deal": (f"{HEADER}\nAna,instagram,20000,1.5,200,,,\n",
                ["row 2, column deals: got ''"]),
    "unknown column": (HEADER + ",tier\n" + GOOD_ROW + ",micro\n",
                       ["row 1, column 9: got 'tier'", "a known column (name, platform"]),
    "column twice": (HEADER + ",name\n" + GOOD_ROW + ",x\n",
                     ["row 1, column 9: got 'name'", "each column once"]),
    "wrong cell count": (f"{HEADER}\nAna,instagram,20000\n",
                         ["row 2: got '3 cells'", "(8)"]),
    "empty file": ("", ["roster.csv: got 'an empty file'"]),
    "comments only": ("# nothing here\n", ["roster.csv: got 'comments only'"]),
    "header only": (HEADER + "\n", ["row 1: got 'a header and no influencer'"]),
    "engagement over 100": (f"{HEADER}\nAna,instagram,20000,150,200,,billboard,\n",
                            ["row 2, column engagement_pct: got '150'", "(0, 100]"]),
    "formula name": (f"{HEADER}\n=HYPERLINK(1),instagram,20000,1.5,200,,billboard,\n",
                     ["row 2, column name: got '=HYPERLINK(1)'", "formula"]),
    "control character in a name": (f'{HEADER}\n"An\na",instagram,20000,1.5,200,,billboard,\n',
                                    ["row 2, column name: got 'An\\na'"]),
    "NUL byte": (f"{HEADER}\nAna\0,instagram,20000,1.5,200,,billboard,\n", ["row 2"]),
}


@pytest.mark.parametrize("case", sorted(BAD_ROSTERS))
def test_a_bad_roster_is_one_line_and_nothing_is_written(case, tmp_path) -> None:
    content, parts = BAD_ROSTERS[case]
    line = _refused(_folder(tmp_path, content), *parts)
    assert line.startswith("error: ") and "; allowed: " in line


def test_a_roster_that_is_not_utf8_is_refused(tmp_path) -> None:
    latin1 = f"{HEADER}\nLéa,instagram,20000,1.5,200,,billboard,\n".encode("latin-1")
    _refused(_folder(tmp_path, latin1), "roster.csv: got 'bytes that are not UTF-8'",
             "CSV UTF-8")
    utf16 = f"{HEADER}\n{GOOD_ROW}\n".encode("utf-16")
    _refused(_folder(tmp_path, utf16), "not UTF-8")


def test_too_many_rows_are_refused_at_the_first_row_past_the_cap(tmp_path) -> None:
    rows = "\n".join(f"I{i},instagram,{1000 + i},,50,,billboard," for i in range(MAX_ROWS + 1))
    _refused(_folder(tmp_path, f"{HEADER}\n{rows}\n"),
             f"row {MAX_ROWS + 2}: got 'more than {MAX_ROWS} influencers'",
             f"at most {MAX_ROWS} rows")


def test_a_utf8_bom_semicolons_comments_and_loose_headers_are_read(tmp_path) -> None:
    text = ("\ufeff# a comment\n" + HEADER.replace(",", ";").replace("fee_per_post", "Fee per post")
            + "\n\n" + GOOD_ROW.replace(",", ";").replace("Ana", "Léa") + "\n;;;;;;;\n")
    rows = parse_roster(text.encode("utf-8"))
    assert [r.name for r in rows] == ["Léa"]
    assert rows[0].row == 4 and rows[0].deals == ("billboard", "engaged")
    result = invoke_bounded(["plan", "check", str(_folder(tmp_path, text.encode("utf-8")))])
    assert result.exit_code == 0, result.output


BAD_COMPANIES = {
    "unknown key": (SMALL_COMPANY.replace("weeks = 52", "weeks = 52\nbudgett = 3"),
                    ["company.toml: budgett: got 3", "a known key (name, currency"]),
    "unknown key in a table": (SMALL_COMPANY.replace("quality = 0.6", "qualty = 0.6"),
                               ["company.toml: product.qualty: got 0.6", "a key of [product]"]),
    "text for a number": (SMALL_COMPANY.replace("quality = 0.6", 'quality = "0.6"'),
                          ["product.quality: got '0.6'", "a number in [0, 1]"]),
    "out of the declared bounds": (SMALL_COMPANY.replace("transparency = 0.8",
                                                         "transparency = 1.5"),
                                   ["structure.transparency: got 1.5", "a number in [0, 1]"]),
    "negative budget": (SMALL_COMPANY.replace("weekly_budget = 5000", "weekly_budget = -1"),
                        ["weekly_budget: got -1", "a number >= 0"]),
    "missing budget": (SMALL_COMPANY.replace("weekly_budget = 5000", ""),
                       ["company.toml: weekly_budget: got nothing"]),
    "unknown strategy": (SMALL_COMPANY.replace('strategy = "engaged"', 'strategy = "rent"'),
                         ["strategy: got 'rent'", "one of billboard, engaged, mixed"]),
    "liaison not a bool": (SMALL_COMPANY.replace("liaison = true", "liaison = 1"),
                           ["structure.liaison: got 1", "true or false"]),
    "price out of the model's range": (SMALL_COMPANY.replace("# reference_price = 20.0",
                                                             "reference_price = 0.01"),
                                       ["product.price: got 20.0",
                                        "[0.01, 100] x product.reference_price"]),
    "more consumers than the market": (SMALL_COMPANY.replace("size = 100000", "size = 200"),
                                       ["market.consumers: got 300", "no larger than market.size"]),
    "too few consumers": (SMALL_COMPANY.replace("consumers = 300", "consumers = 10"),
                          ["market.consumers: got 10", "an integer in [11,"]),
    "malformed TOML": ("name = \n", ["company.toml: got 'malformed TOML", "a valid TOML file"]),
    "a table where a value belongs": ("product = 3\n" + SMALL_COMPANY.split("[product]")[0],
                                      ["company.toml: product: got 3", "a table"]),
}


@pytest.mark.parametrize("case", sorted(BAD_COMPANIES))
def test_a_bad_company_is_one_line_and_nothing_is_written(case, tmp_path) -> None:
    content, parts = BAD_COMPANIES[case]
    _refused(_folder(tmp_path, ROSTER_CSV, content), *parts)


def test_a_missing_folder_or_file_is_one_line(tmp_path) -> None:
    _refused(tmp_path / "nowhere", "got nothing", "a plan folder holding roster.csv")
    folder = _folder(tmp_path, ROSTER_CSV)
    (folder / "roster.csv").unlink()
    _refused(folder, "roster.csv: got nothing", "plan init")


def test_scenario_never_overwrites_the_plan_s_own_files(tmp_path) -> None:
    folder = _folder(tmp_path, ROSTER_CSV)
    before = (folder / "roster.csv").read_bytes()
    for out in ("roster.csv", "company.toml", "plan.csv"):
        result = invoke_bounded(["plan", "scenario", str(folder), "--out", str(folder / out)])
        assert_clean(result)
        assert result.exit_code == 2 and "--out" in result.stderr
    assert (folder / "roster.csv").read_bytes() == before


def test_init_writes_the_templates_and_never_overwrites(tmp_path) -> None:
    folder = tmp_path / "new" / "plan"
    result = invoke_bounded(["plan", "init", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "roster.csv").read_text(encoding="utf-8") == ROSTER_CSV
    (folder / "roster.csv").write_text("mine", encoding="utf-8")
    result = invoke_bounded(["plan", "init", str(folder)])
    assert_clean(result)
    assert result.exit_code == 2 and "init never overwrites" in result.stderr
    assert (folder / "roster.csv").read_text(encoding="utf-8") == "mine"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = invoke_bounded(["plan", "init", str(tmp_path / "file")])
    assert result.exit_code == 2 and "which is a file" in result.stderr
    for command in ("init", "check", "scenario"):  # never the working folder by accident
        result = invoke_bounded(["plan", command, " "])
        assert_clean(result)
        assert result.exit_code == 2 and "FOLDER: got ' '" in result.stderr


# --------------------------------------------------------------------------
# Round trip: init -> scenario -> run and compare
# --------------------------------------------------------------------------
def test_the_template_runs_like_any_scenario(tmp_path) -> None:
    folder = tmp_path / "plan"
    assert invoke_bounded(["plan", "init", str(folder)]).exit_code == 0
    result = invoke_bounded(["plan", "scenario", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Example Nano" in result.output
    scenario = folder / "plan.toml"
    result = invoke_bounded(["run", str(scenario), "--steps", "3", "--seed", "1",
                             "--set", "consumers=400", "--out", str(tmp_path / "run"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "timeseries.csv").is_file()
    assert "Example Co" in result.output
    result = invoke_bounded(["compare", str(scenario), "default", "--replicates", "2",
                             "--steps", "2", "--seed", "1", "--out", str(tmp_path / "cmp"),
                             "-q"])
    assert result.exit_code == 0, result.output
    import scenarios
    from simulation.ui.state import load_user_file

    loaded = scenarios.loads(scenario.read_bytes(), name="plan.toml")
    assert loaded.config["influencers_per_company"] == 0
    assert len(loaded.config["influencers"]) == 3
    assert load_user_file("plan.toml", scenario.read_bytes()).key == "file:plan.toml"  # the UI


def test_the_shipped_example_maps_every_row_and_runs(tmp_path) -> None:
    plan = load_plan(ROOT / "examples" / "plan")
    assert len(plan.table) == 20
    assert set(plan.table.columns) >= {c.name for c in COLUMNS}
    assert plan.table["followers"].min() < 10_000 < 1_000_000 < plan.table["followers"].max()
    out = tmp_path / "example.toml"
    result = invoke_bounded(["plan", "scenario", str(ROOT / "examples" / "plan"), "--out",
                             str(out), "-q"])
    assert result.exit_code == 0, result.output
    result = invoke_bounded(["run", str(out), "--steps", "2", "--set", "consumers=3000",
                             "--out", str(tmp_path / "run"), "-q"])
    assert result.exit_code == 0, result.output
    assert "Example Skincare" in result.output


# --------------------------------------------------------------------------
# The mapping, in absolute units
# --------------------------------------------------------------------------
def _one(deals: str = "billboard", engagement: str = "2", fee: float = 500.0,
         relationship: str = "", **company: str) -> tuple[object, InfluenceModel]:
    text = SMALL_COMPANY.replace("liaison = true", "liaison = false")
    for key, value in company.items():
        text = text.replace(key, value)
    roster = f"{HEADER}\nAna,instagram,50000,{engagement},{fee},{relationship},{deals},\n"
    plan = build(parse_company(text), parse_roster(roster))
    return plan, InfluenceModel(rng=3, **plan.config)


def test_followers_fee_and_budget_give_the_company_s_own_numbers() -> None:
    # 50,000 followers, a fifth in a market of 100,000: 10 % of the market.
    plan, model = _one()
    inf = model.influencers[0]
    assert inf.audience_share == pytest.approx(0.1)
    assert inf.audience_size == 30  # of 300 modelled consumers
    p = model.params
    firm = model.companies[0]
    # the model's price of a post, back in the company's currency, is the rate card
    price = post_price(inf.audience_share, p["consumers"], inf.deal, firm.settings,
                       p["market_size"], inf.fee)
    assert price * plan.money_factor == pytest.approx(500.0)
    # 5,000 a week at 500 a post: 10 posts, capped at max_posts (7)
    assert firm.settings["budget"] == pytest.approx(5000 / 20 * 1000 / 100_000)
    model.step()
    assert inf.posts == pytest.approx(7.0)
    assert firm.week_unspent * plan.money_factor == pytest.approx(5000 - 7 * 500)
    # under the cap, posts a week are budget / fee
    plan, model = _one(fee=1000.0)
    model.step()
    assert model.influencers[0].posts == pytest.approx(5.0)


def test_deals_and_the_relationship_fee() -> None:
    plan, model = _one(deals="engaged", relationship="900")
    assert model.influencers[0].deal == "engaged"
    assert plan.table.loc[0, "price_per_post"] == pytest.approx(900.0)
    model.step()
    assert model.influencers[0].posts == pytest.approx(5000 / 900)
    # accepts both, engaged strategy, no shareholder pressure: engaged, fixed, at 900
    plan, _ = _one(deals="billboard|engaged", relationship="900")
    assert plan.config["influencers"][0]["deal"] == "engaged"
    assert bool(plan.table.loc[0, "fee_relationship_used"])
    # with shareholder pressure the strategy decides, and the fee is kept in the table only
    plan, _ = _one(deals="any", relationship="900", **{"pressure = 0.0": "pressure = 0.1"})
    assert plan.config["influencers"][0]["deal"] == "company"
    assert plan.table.loc[0, "price_per_post"] == pytest.approx(500 * 1.5)
    assert any("fee_relationship is kept in the table only" in n for n in plan.notes)
    # billboard only: billboard whatever the strategy
    plan, model = _one(deals="billboard", relationship="900")
    assert model.influencers[0].deal == "billboard"
    assert not bool(plan.table.loc[0, "fee_relationship_used"])
    with pytest.raises(PlanError, match="a deal this influencer accepts"):
        build(parse_company(SMALL_COMPANY), parse_roster(f"{HEADER}\n{GOOD_ROW}\n"),
              deals={"Ana": "rent"})


def test_the_engagement_conversion_gives_the_observed_rate_in_week_one() -> None:
    """Measured: likes per follower per post in week 1 match engagement_pct (4 x at defaults)."""
    company = SMALL_COMPANY.replace("liaison = true", "liaison = false") \
        .replace("consumers = 300", "consumers = 20000") \
        .replace("followers_in_market = 0.2", "followers_in_market = 1.0")
    roster = f"{HEADER}\nAna,instagram,20000,2,500,,billboard,\n"  # 20 % of the market
    plan = build(parse_company(company.replace("weekly_budget = 5000", "weekly_budget = 500")),
                 parse_roster(roster))
    assert plan.config["influencers"][0]["engagement"] == pytest.approx(
        0.02 / (model_defaults()["like_rate"] * 0.5))
    likes = followers = 0
    for seed in range(4):
        model = InfluenceModel(rng=seed, **plan.config)
        model.step()
        inf = model.influencers[0]
        assert inf.posts == pytest.approx(1.0)
        likes += inf.likes
        followers += inf.audience_size
    assert likes / followers == pytest.approx(0.02, rel=0.12)


def test_a_rate_the_model_cannot_show_is_held_at_attention_one_with_a_note() -> None:
    top = 100 * model_defaults()["like_rate"] * 0.5
    plan, model = _one(engagement=f"{min(100, top * 1.5):g}")
    assert plan.config["influencers"][0]["engagement"] == 1.0
    assert plan.table.loc[0, "attention_from"] == "capped"
    assert any("above the most the model can show" in n for n in plan.notes)
    assert model.influencers[0].engagement == 1.0


def test_no_engagement_takes_the_curve_and_labels_it() -> None:
    plan, model = _one(engagement="")
    assert plan.table.loc[0, "attention_from"] == "curve"
    assert "engagement" not in plan.config["influencers"][0] \
        or plan.config["influencers"][0]["engagement"] == 0
    assert model.influencers[0].engagement == pytest.approx(plan.table.loc[0, "attention"])


# --------------------------------------------------------------------------
# Fuzz: any roster content ends in exit 0 or one line
# --------------------------------------------------------------------------
cells = st.one_of(
    st.sampled_from(["", "Ana", "instagram", "20000", "-1", "0", "1.5", "1e3", "nan", "inf",
                     "billboard", "engaged", "billboard|engaged", "any", "x|y", "=1+1", "#c",
                     "1,5", '"', "\ufeff", "\0", "12000000000", " 7 ", "\u2028"]),
    st.text(max_size=8))
rows = st.lists(st.lists(cells, min_size=0, max_size=10), max_size=6)
headers = st.one_of(st.just(HEADER), st.lists(st.sampled_from(
    [c.name for c in COLUMNS] + ["tier", "", "Fee Per Post"]), max_size=9).map(",".join))


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(header=headers, body=rows, tail=st.sampled_from(["", "\n", "\r\n"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
def test_fuzzed_rosters_end_cleanly(header, body, tail, encoding) -> None:
    text = header + "\n" + "\n".join(",".join(_csv_cell(c) for c in row) for row in body) + tail
    with tempfile.TemporaryDirectory() as tmp:
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        folder = _folder(Path(tmp), data)
        out = folder / "out" / "plan.toml"
        result = invoke_bounded(["plan", "scenario", str(folder), "--out", str(out), "-q"])
        assert_clean(result)
        assert out.is_file() == (result.exit_code == 0)


def test_docs_plan_documents_every_column_and_key() -> None:
    from experiments.plan.company import SCHEMA

    text = (ROOT / "docs" / "plan.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column.name}` |" in text, column.name
    for section, keys in SCHEMA.items():
        for key in keys:
            name = f"{section}.{key}" if section else key
            assert f"| `{name}` |" in text, name


company_values = st.one_of(st.integers(-10, 10**7), st.floats(allow_nan=True), st.booleans(),
                           st.text(max_size=6), st.just([1]), st.just({"a": 1}))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(
    ["name", "currency", "weekly_budget", "weeks", "strategy", "engaged_share", "product.quality",
     "product.price", "product.unit_cost", "product.reference_price", "structure.departments",
     "structure.liaison", "structure.liaison_cost", "shareholders.horizon", "market.size",
     "market.followers_in_market", "market.consumers", "extra", "market.extra"]),
    company_values), max_size=3))
def test_fuzzed_companies_end_cleanly(changes) -> None:
    import tomllib

    from fuzz_inputs import to_toml

    doc = tomllib.loads(SMALL_COMPANY)
    for key, value in changes:
        section, _, name = key.rpartition(".")
        (doc.setdefault(section, {}) if section else doc)[name] = value
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(Path(tmp), ROSTER_CSV, to_toml(doc))
        result = invoke_bounded(["plan", "check", str(folder), "-q"])
        assert_clean(result)


@pytest.mark.parametrize("pressure", ["0.0", "0.2"])
def test_the_table_s_deals_are_the_model_s_for_a_mixed_company(pressure) -> None:
    text = SMALL_COMPANY.replace('strategy = "engaged"', 'strategy = "mixed"') \
        .replace("pressure = 0.0", f"pressure = {pressure}")
    roster = HEADER + "\n" + "\n".join(
        f"I{i},instagram,{5000 * (i + 1)},,{50 * (i + 1)},,{deals},"
        for i, deals in enumerate(["any", "billboard", "any", "engaged", "any", "any"]))
    plan = build(parse_company(text), parse_roster(roster))
    model = InfluenceModel(rng=1, **plan.config)
    assert [i.deal for i in model.influencers] == list(plan.table["deal_at_start"])
    assert set(plan.table["deal_at_start"]) == {"billboard", "engaged"}
    written = set(plan.table["deal"])
    assert ("company" in written) == (pressure != "0.0")


def test_an_overlap_group_reaches_the_model_as_shared_followers() -> None:
    """Two influencers of one group share far more followers than two of none."""
    text = SMALL_COMPANY.replace("consumers = 300", "consumers = 2000")
    rows = ["Ana,instagram,50000,2,500,,billboard,{g}", "Bea,tiktok,50000,2,500,,billboard,{g}"]

    def shared(group: str) -> float:
        roster = "\n".join([HEADER, *(r.format(g=group) for r in rows)]) + "\n"
        plan = build(parse_company(text), parse_roster(roster))
        follows = InfluenceModel(rng=5, **plan.config).population.follows.tocsr()
        a, b = (set(follows.indices[follows.indptr[i]:follows.indptr[i + 1]]) for i in (0, 1))
        return len(a & b) / min(len(a), len(b))

    plan = build(parse_company(text), parse_roster(
        "\n".join([HEADER, *(r.format(g="paris") for r in rows)]) + "\n"))
    assert [role["overlap_group"] for role in plan.config["influencers"]] == ["paris"] * 2
    assert shared("paris") > 2 * shared("")
