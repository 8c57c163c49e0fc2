"""docs/ODD.md cannot drift from the code.

The parameter table is generated from the declaration, every declared
parameter is explained in the prose, and the weekly schedule in the ODD
scheduling section follows the schedule the code states, in the same order.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import textwrap

import pytest

from simulation import companies, consumers, model, parameters
from simulation.docs import END, ODD_PATH, START, main, render_odd, table_block
from simulation.parameters import parameter_table

ALL_PARAMS = (*parameters.WORLD_PARAMS, *parameters.COMPANY_PARAMS,
              *parameters.INFLUENCER_PARAMS, *parameters.INFLUENCER_ROLE_PARAMS)


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD_PATH.read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """The document without its generated block."""
    return text[:text.index(START)] + text[text.index(END) + len(END):]


def _section(text: str, number: int) -> str:
    """Body of the top-level section ``## <number> ...``, up to the next ``## `` heading."""
    match = re.search(rf"^## {number} .*?$(.*?)(?=^## )", text, flags=re.M | re.S)
    assert match, f"no section '## {number}' in docs/ODD.md"
    return match.group(1)


def _numbered_items(text: str, *, nested: bool) -> list[str]:
    """Numbered list items (with continuation lines), top-level or indented."""
    indent = r"[ \t]+" if nested else ""
    pattern = rf"^{indent}\d+\.\s+(.*?)(?=^\s*\d+\.\s|^\s*-\s|^\s*$|\Z)"
    items = re.findall(pattern, text, flags=re.M | re.S)
    return [" ".join(item.replace("**", "").split()) for item in items]


def _headline(item: str) -> str:
    """The name of a schedule step: its text up to the first , ; : ( or full stop."""
    return re.split(r"[,;:(.]", item, maxsplit=1)[0].strip()


def _docstring_steps(module) -> list[str]:
    doc = inspect.getdoc(module)
    items = re.findall(r"^\d+\.\s+(.*?)(?=^\d+\.\s|^\s*$|\Z)", doc, flags=re.M | re.S)
    return [_headline(" ".join(item.split())) for item in items]


# ------------------------------------------------------------ generated table
def test_committed_table_equals_the_declaration(odd):
    assert render_odd(odd) == odd, "docs/ODD.md is stale: run `python -m simulation.docs`"
    assert parameter_table().strip() in odd
    assert main(["--check"]) == 0


def test_render_replaces_only_the_block_and_is_idempotent():
    text = f"# Title\n\nProse before.\n\n{START}\nan old, stale table\n{END}\n\nProse after.\n"
    once = render_odd(text)
    assert once == f"# Title\n\nProse before.\n\n{table_block()}\n\nProse after.\n"
    assert "stale" not in once
    assert render_odd(once) == once


@pytest.mark.parametrize("text", [
    "no markers at all",
    f"{START}\nonly a start",
    f"only an end\n{END}",
    f"{END}\nreversed\n{START}",
    f"{START}\n{START}\ntwice\n{END}",
])
def test_render_refuses_broken_markers(text):
    with pytest.raises(ValueError):
        render_odd(text)


def test_check_fails_on_a_stale_file_and_rewrite_fixes_it(tmp_path, capsys):
    path = tmp_path / "ODD.md"
    stale = f"Intro.\n\n{START}\n| `old` | table |\n{END}\n"
    path.write_text(stale, encoding="utf-8")
    assert main(["--check", "--path", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == stale  # --check never writes
    assert "out of date" in capsys.readouterr().err
    assert main(["--path", str(path)]) == 0
    assert main(["--check", "--path", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == render_odd(stale)


def test_check_fails_on_broken_markers(tmp_path):
    path = tmp_path / "ODD.md"
    path.write_text("no markers\n", encoding="utf-8")
    assert main(["--check", "--path", str(path)]) == 1
    assert main(["--path", str(path)]) == 1


def test_a_changed_default_makes_the_committed_table_stale(odd, monkeypatch):
    """The drift check really reads the declaration, not a cached copy."""
    changed = tuple(dataclasses.replace(p, default=1234) if p.name == "consumers" else p
                    for p in parameters.WORLD_PARAMS)
    monkeypatch.setattr(parameters, "WORLD_PARAMS", changed)
    rendered = render_odd(odd)
    assert rendered != odd
    assert "| `consumers` | `1234` |" in rendered


# ------------------------------------------------------------------ coverage
def test_every_declared_parameter_is_explained_in_the_prose(odd):
    prose = _prose(odd)
    missing = [p.name for p in ALL_PARAMS if f"`{p.name}`" not in prose]
    assert not missing, f"parameters not explained outside the generated table: {missing}"


def test_every_declared_parameter_is_in_the_table(odd):
    block = odd[odd.index(START):odd.index(END)]
    missing = [p.name for p in ALL_PARAMS if f"| `{p.name}` |" not in block]
    assert not missing


# ------------------------------------------------------------------ schedule
def test_week_schedule_follows_model_docstring_in_order(odd):
    steps = _docstring_steps(model)
    assert len(steps) >= 5, steps  # the docstring's schedule was found
    items = _numbered_items(_section(odd, 3), nested=False)
    assert len(items) == len(steps), (items, steps)
    for number, (step, item) in enumerate(zip(steps, items, strict=True), start=1):
        assert item.lower().startswith(step.lower()), f"step {number}: {step!r} vs {item!r}"


def test_consumer_week_follows_consumers_docstring_in_order(odd):
    steps = _docstring_steps(consumers)
    assert len(steps) >= 4, steps
    items = _numbered_items(_section(odd, 3), nested=True)
    assert len(items) == len(steps), (items, steps)
    for number, (step, item) in enumerate(zip(steps, items, strict=True), start=1):
        assert item.lower().startswith(step.lower()), f"step 3.{number}: {step!r} vs {item!r}"


def test_company_substeps_follow_company_step_in_order(odd):
    source = inspect.getsource(companies.Company.step)
    tree = ast.parse(textwrap.dedent(source))
    calls = [node.func.attr for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"]
    assert len(calls) >= 3, calls
    section = _section(odd, 3)
    positions = [section.find(f"`{name}`") for name in calls]
    assert -1 not in positions, dict(zip(calls, positions, strict=True))
    assert positions == sorted(positions), dict(zip(calls, positions, strict=True))


def test_schedule_parser_sees_a_reordering():
    """The schedule check can fail: a swapped pair of steps is detected."""
    doc = "## 3 Process\n\n1. **Companies** act.\n2. **Influencers post what they do**.\n\n## 4 X\n"
    items = _numbered_items(_section(doc, 3), nested=False)
    assert [_headline(i) for i in items] == ["Companies act", "Influencers post what they do"]
    swapped = doc.replace("1. **Companies** act.\n2. **Influencers post what they do**.",
                          "1. **Influencers post what they do**.\n2. **Companies** act.")
    items = _numbered_items(_section(swapped, 3), nested=False)
    assert not items[0].lower().startswith("companies")
