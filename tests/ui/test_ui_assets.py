"""Offline assets: what solara asks for is found, fetched once, and checked before serving."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulation.cli import cli
from simulation.ui import assets


def test_references_are_read_from_templates_and_vue_code() -> None:
    text = ('<script src="{{cdn}}/requirejs@2.3.6/require.js"></script>\n'
            '<link href="{{ cdn }}/@widgetti/solara-vuetify-app@10.1.1/dist/main8.css">\n'
            'const version = "5.4.0";\n'
            'await this.import([`${this.getCdn()}/echarts@${version}/dist/echarts.js`])\n'
            'https://cdn.jsdelivr.net/npm/vuetify@2.2.26/dist/vuetify.min.js')
    assert assets.references_in(text) == {
        assets.Package("requirejs", "2.3.6"),
        assets.Package("@widgetti/solara-vuetify-app", "10.1.1"),
        assets.Package("echarts", "5.4.0"),
    }


def test_installed_solara_needs_its_app_bundle_requirejs_echarts_and_fonts() -> None:
    names = {p.name for p in assets.required_packages()}
    assert {"@widgetti/solara-vuetify-app", "requirejs", "echarts", "font-awesome"} <= names


def test_a_solara_that_loads_assets_differently_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "server" / "templates").mkdir(parents=True)
    (tmp_path / "server" / "templates" / "solara.html.j2").write_text("no references here")
    with pytest.raises(assets.AssetError, match="no CDN reference"):
        assets.required_packages(tmp_path)
    with pytest.raises(assets.AssetError, match="missing"):
        assets.required_packages(tmp_path / "elsewhere")


def _fake_npm(folder: Path) -> Path:
    """An `npm` that packs a one-file package from the spec, counting its calls."""
    script = folder / "npm"
    script.write_text(f"""#!{sys.executable}
import io, json, pathlib, sys, tarfile
spec = sys.argv[2]
dest = pathlib.Path(sys.argv[sys.argv.index("--pack-destination") + 1])
name, _, version = spec.rpartition("@")
calls = pathlib.Path({str(folder / "calls")!r})
calls.write_text(calls.read_text() + spec + "\\n" if calls.exists() else spec + "\\n")
data = ("// " + spec).encode()
filename = name.replace("@", "").replace("/", "-") + "-" + version + ".tgz"
with tarfile.open(dest / filename, "w:gz") as archive:
    info = tarfile.TarInfo("package/dist/main.js"); info.size = len(data)
    archive.addfile(info, io.BytesIO(data))
print(json.dumps([{{"filename": filename, "version": version}}]))
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_fetch_unpacks_where_the_proxy_looks_and_is_idempotent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_npm(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    wanted = [assets.Package("@scope/app", "1.2.3"), assets.Package("requirejs", "2.3.6")]
    monkeypatch.setattr(assets, "required_packages", lambda: wanted)
    cache = tmp_path / "cdn"

    fetched = assets.ensure(cache, log=lambda _: None)
    assert fetched == wanted
    main_js = cache / "@scope" / "app@1.2.3" / "dist" / "main.js"
    assert main_js.read_text() == "// @scope/app@1.2.3"
    assert json.loads((cache / "requirejs@2.3.6" / assets.COMPLETE_MARK).read_text())[
        "resolved"] == "2.3.6"

    assert assets.ensure(cache, log=lambda _: None) == []
    assert (bin_dir / "calls").read_text().split() == ["@scope/app@1.2.3", "requirejs@2.3.6"]


def test_an_interrupted_fetch_is_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_npm(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    package = assets.Package("requirejs", "2.3.6")
    monkeypatch.setattr(assets, "required_packages", lambda: [package])
    half = tmp_path / "cdn" / "requirejs@2.3.6"
    half.mkdir(parents=True)
    (half / "require.js").write_text("trunc")  # no completion mark
    assert assets.ensure(tmp_path / "cdn", log=lambda _: None) == [package]
    assert not (half / "require.js").exists()
    assert (half / assets.COMPLETE_MARK).is_file()


def test_without_npm_the_fetch_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "required_packages", lambda: [assets.Package("x", "1.0.0")])
    monkeypatch.setattr(assets.shutil, "which", lambda _: None)
    with pytest.raises(assets.AssetError, match="npm not found"):
        assets.ensure(tmp_path)


def test_npm_failure_is_reported_with_its_message(tmp_path: Path) -> None:
    script = tmp_path / "npm"
    script.write_text("#!/bin/sh\necho 'npm error 404 Not Found' >&2\nexit 1\n")
    script.chmod(0o755)
    with pytest.raises(assets.AssetError, match="404 Not Found"):
        assets.fetch(assets.Package("nope", "0.0.0"), tmp_path / "cdn", str(script))
    assert not (tmp_path / "cdn" / "nope@0.0.0").exists()


def test_ui_refuses_to_serve_without_assets(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "cache_dir", lambda: tmp_path)
    result = CliRunner().invoke(cli, ["ui", "--port", "8766"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ui: offline assets missing")


def test_ui_command_is_listed_and_binds_to_loopback_by_default() -> None:
    result = CliRunner().invoke(cli, ["ui", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "8765" in result.output


def test_this_installation_has_every_asset() -> None:
    """`make install` fetched them; a test run without them would not prove offline use."""
    absent = assets.missing(assets.required_packages(), assets.cache_dir())
    assert absent == [], f"run python -m simulation.ui.assets: missing {absent}"



@pytest.mark.parametrize(("host", "needle"), [
    ("999.999.1.1", "--host: got '999.999.1.1'"),
    ("10.255.255.1", "--host: got '10.255.255.1'"),
])
def test_an_address_the_machine_cannot_listen_on_is_refused_before_serving(
        host: str, needle: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first round printed a URL and then exited 3; now one line and exit 2."""
    from simulation.ui import serve

    monkeypatch.setattr(serve.os, "execve", lambda *a: pytest.fail("the server was started"))
    monkeypatch.setattr(assets, "missing", lambda *a: [])
    result = CliRunner().invoke(cli, ["ui", "--host", host, "--port", "8797"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {needle}"), lines


def test_a_port_in_use_is_refused_before_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from simulation.ui import serve

    monkeypatch.setattr(serve.os, "execve", lambda *a: pytest.fail("the server was started"))
    monkeypatch.setattr(assets, "missing", lambda *a: [])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["ui", "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert result.output.strip().startswith(f"error: --port: got {port}; allowed: a free port")
