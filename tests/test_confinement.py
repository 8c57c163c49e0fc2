"""A scenario or spec reads no file it should not, and no message quotes one.

``extends`` and a spec's ``scenario =`` may name a shipped scenario or a
``.toml`` file in the referring file's folder or below; anything else is
refused with the same line whatever lies there. Text pasted into the web UI
has no folder at all.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import scenarios
from experiments.spec import SpecError
from experiments.spec import load as load_spec
from scenarios import ScenarioError
from simulation.cli import cli

SECRET = "s3cr3t-token-value"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A user's folder ``home/work`` and, next to it, files it must not read."""
    outside = tmp_path / "home" / "private"
    work = tmp_path / "home" / "work"
    secret = write(outside / "credentials.toml", f'token = "{SECRET}"\n')
    write(outside / "scenario.toml", "title = 'outside'\n[world]\nconsumers = 300\n")
    (outside / "folder.toml").mkdir()
    work.mkdir(parents=True)
    (work / "link.toml").symlink_to(secret)
    (work / "link-to-scenario.toml").symlink_to(outside / "scenario.toml")
    (work / "link-to-folder.toml").symlink_to(outside / "folder.toml")
    return {"outside": outside, "work": work, "secret": secret}


def outside_refs(layout: dict[str, Path]) -> list[str]:
    """References that all lead out of ``work``: existing or not, file, folder or link."""
    outside = layout["outside"]
    return [
        "/etc/passwd",
        str(layout["secret"]),                 # an absolute path to a TOML file with a token
        "../private/credentials.toml",         # the same, relative
        "../private/scenario.toml",            # a valid scenario, still outside
        "../private/folder.toml",              # a folder
        "../private/absent.toml",              # nothing there
        str(outside / "absent.toml"),
        "link.toml",                           # a link inside leading to the token
        "link-to-scenario.toml",
        "link-to-folder.toml",
        "../../../../../../../../etc/passwd",
        "~/.aws/credentials",
    ]


def assert_says_nothing(message: str, layout: dict[str, Path]) -> None:
    assert "\n" not in message
    for leak in (SECRET, "token", "root:", "is a folder", "no such file", "credentials.toml ->",
                 str(layout["outside"] / "folder.toml")):
        if leak in message.split("got ", 1)[0]:  # the file label is the user's own file
            raise AssertionError(f"{leak!r} in {message!r}")
    allowed = message.split("allowed: ", 1)[1]
    for leak in (SECRET, "token", "root", "folder.toml", "absent", "credentials", "private",
                 "is a folder", "no such file", "exist", "link"):
        assert leak not in allowed, (leak, message)


# ------------------------------------------------------------------ extends
def test_extends_outside_the_folder_is_refused_alike_whatever_is_there(layout) -> None:
    messages = set()
    for ref in outside_refs(layout):
        mine = write(layout["work"] / "mine.toml", f"title = 'mine'\nextends = {ref!r}\n")
        with pytest.raises(ScenarioError) as info:
            scenarios.load(mine)
        error = info.value
        assert error.path == "extends" and error.value == ref
        assert_says_nothing(str(error), layout)
        messages.add(error.allowed)
    assert len(messages) == 1, messages  # one and the same answer: nothing to tell them apart


def test_extends_a_toml_file_in_the_folder_that_is_not_a_scenario_quotes_nothing(
        layout) -> None:
    write(layout["work"] / "sub" / "settings.toml",
          f'[default]\naws_access_key_id = "{SECRET}"\n')
    mine = write(layout["work"] / "mine.toml", "title = 'mine'\nextends = 'sub/settings.toml'\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(mine)
    message = str(info.value)
    assert SECRET not in message and "aws_access_key_id" not in message
    assert "default" not in message.split("got ")[1].split(";")[0]
    assert info.value.path == "extends" and "not a valid scenario" in message
    # Malformed TOML and non-UTF-8 bytes are refused the same way, quoting nothing.
    write(layout["work"] / "notes.toml", f"key = {SECRET}\n")
    (layout["work"] / "bytes.toml").write_bytes(b"\xff" + SECRET.encode())
    for ref in ("notes.toml", "bytes.toml"):
        mine = write(layout["work"] / "mine.toml", f"title = 'mine'\nextends = {ref!r}\n")
        with pytest.raises(ScenarioError) as info:
            scenarios.load(mine)
        assert SECRET not in str(info.value) and info.value.path == "extends"


def test_extends_only_toml_files_and_shipped_names(layout) -> None:
    write(layout["work"] / "sub" / "notes.txt", f"title = '{SECRET}'\n")
    for ref in ("sub/notes.txt", "passwd", "..", "~"):
        mine = write(layout["work"] / "mine.toml", f"title = 'mine'\nextends = {ref!r}\n")
        with pytest.raises(ScenarioError) as info:
            scenarios.load(mine)
        assert SECRET not in str(info.value) and info.value.path == "extends"


def test_extends_inside_the_folder_and_shipped_scenarios_still_work(layout) -> None:
    work = layout["work"]
    write(work / "sub" / "base.toml", "title = 'base'\nextends = 'default'\n"
                                      "[world]\nconsumers = 400\n")
    (work / "alias.toml").symlink_to(work / "sub" / "base.toml")  # a link that stays inside
    for ref in ("sub/base.toml", str(work / "sub" / "base.toml"), "alias.toml"):
        mine = write(work / "mine.toml", f"title = 'mine'\nextends = {ref!r}\n")
        assert scenarios.load(mine).config["consumers"] == 400
    shipped = scenarios.SCENARIO_DIR / "h03-silos.toml"
    mine = write(work / "mine.toml", f"title = 'mine'\nextends = {str(shipped)!r}\n")
    assert scenarios.load(mine).config == scenarios.load("h03-silos").config
    mine = write(work / "mine.toml", "title = 'mine'\nextends = 'h03-silos'\n")
    assert scenarios.load(mine).config == scenarios.load("h03-silos").config


def test_a_parent_may_not_reach_above_its_own_folder(layout) -> None:
    """Each file is confined to its own folder: a parent in sub/ cannot climb back out."""
    work = layout["work"]
    write(work / "top.toml", "title = 'top'\n")
    write(work / "sub" / "base.toml", "title = 'base'\nextends = '../../private/scenario.toml'\n")
    mine = write(work / "mine.toml", "title = 'mine'\nextends = 'sub/base.toml'\n")
    with pytest.raises(ScenarioError) as info:
        scenarios.load(mine)
    assert info.value.path == "extends" and info.value.value == "../../private/scenario.toml"
    assert_says_nothing(str(info.value), layout)


def test_the_command_line_refuses_in_one_line_exit_2(layout) -> None:
    mine = write(layout["work"] / "mine.toml", "title = 'mine'\nextends = '/etc/passwd'\n")
    runner = CliRunner()
    for args in (["run", str(mine), "--steps", "1"], ["scenarios", "show", str(mine)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "extends" in lines[0] and "root:" not in lines[0]


# ------------------------------------------------------------------ specs
SPEC = """
title = "t"
scenario = {ref!r}
weeks = 2
[set]
consumers = 100
"""


def test_a_spec_scenario_outside_its_folder_is_refused_alike(layout) -> None:
    messages = set()
    for ref in outside_refs(layout):
        spec = write(layout["work"] / "spec.toml", SPEC.format(ref=ref))
        with pytest.raises(SpecError) as info:
            load_spec(spec)
        assert info.value.path == "scenario" and info.value.value == ref
        assert_says_nothing(str(info.value), layout)
        messages.add(info.value.allowed)
    assert len(messages) == 1, messages


def test_a_spec_scenario_that_is_not_a_scenario_quotes_nothing(layout) -> None:
    write(layout["work"] / "creds.toml", f'token = "{SECRET}"\n')
    spec = write(layout["work"] / "spec.toml", SPEC.format(ref="creds.toml"))
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    assert SECRET not in str(info.value) and "token" not in str(info.value)
    assert info.value.path == "scenario"


def test_a_spec_scenario_in_its_folder_works(layout) -> None:
    write(layout["work"] / "worlds" / "mine.toml", "title = 'm'\n[world]\nconsumers = 300\n")
    spec = write(layout["work"] / "spec.toml",
                 "title = 't'\nscenario = 'worlds/mine.toml'\nweeks = 2\n")
    assert load_spec(spec).experiments[0].base["consumers"] == 300


# ------------------------------------------------------------------ pasted text
def test_pasted_text_has_no_file_system(layout, monkeypatch) -> None:
    monkeypatch.chdir(layout["work"])
    write(layout["work"] / "near.toml", "title = 'near'\n")
    pasted = scenarios.loads("title = 'p'\nextends = 'h03-silos'\n")
    assert pasted.config == scenarios.load("h03-silos").config
    for ref in [*outside_refs(layout), "near.toml", str(layout["work"] / "near.toml"),
                str(scenarios.SCENARIO_DIR / "default.toml")]:
        with pytest.raises(ScenarioError) as info:
            scenarios.loads(f"title = 'p'\nextends = {ref!r}\n", name="pasted.toml")
        assert info.value.file == "pasted.toml" and info.value.path == "extends"
        assert "by name" in info.value.allowed
        assert_says_nothing(str(info.value), layout)


def test_the_ui_paste_box_reads_no_server_file(layout, monkeypatch) -> None:
    from simulation.ui import state

    monkeypatch.chdir(layout["work"])
    touched: list[Path] = []
    read, write_bytes = Path.read_bytes, Path.write_bytes

    def spy_read(path: Path) -> bytes:  # any file the loader reads on the server
        if not path.resolve().is_relative_to(scenarios.SCENARIO_DIR):
            touched.append(path)
        return read(path)

    def spy_write(path: Path, data: bytes) -> int:
        touched.append(path)
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "read_bytes", spy_read)
    monkeypatch.setattr(Path, "write_bytes", spy_write)
    text = f"title = 'p'\nextends = {str(layout['secret'])!r}\n".encode()
    with pytest.raises(ValueError) as info:
        state.load_user_file("mine.toml", text)
    assert SECRET not in str(info.value) and "token" not in str(info.value)
    loaded = state.load_user_file("mine.toml", b"title = 'p'\nextends = 'default'\n"
                                               b"[world]\nconsumers = 300\n")
    assert loaded.config["consumers"] == 300
    assert touched == []  # nothing written, nothing read but shipped scenarios
