"""Fixtures for the web UI tests: a served app and Debian's Chromium driven by Playwright.

The browser is ``/usr/bin/chromium`` (``.ci/run`` installs it; Playwright's
own download needs the internet). Without it the browser tests are skipped
with a reason, except in CI (``CI=true``), where a missing browser fails the
suite: CI must never pass by testing nothing.

Every page opened here runs with the network cut: any request that is not
to the loopback server is aborted and recorded, so a test that passes has
proved the page works in a classroom without internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from simulation.ui import serve

CHROMIUM = Path(os.environ.get("UI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
REPO = Path(__file__).resolve().parents[2]
#: Screenshots of every page (git-ignored, like every run output under results/).
ARTEFACTS = Path(os.environ.get("UI_ARTEFACTS", REPO / "results" / "test-artefacts" / "ui"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Seconds allowed for the server to start and for a page to render.
START_TIMEOUT = 90
PAGE_TIMEOUT_MS = 60_000


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (``pytest.mark.anyio``) run on asyncio, the loop the server uses."""
    return "asyncio"


def in_ci() -> bool:
    """Whether we run in CI, where a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The browser, or a skip (a failure in CI) saying why there is none."""
    if not CHROMIUM.exists():
        message = (f"no browser at {CHROMIUM}: install Debian's chromium "
                   "(apt-get install chromium; .ci/run does) or set UI_CHROMIUM")
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def ui_server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The UI served on a free loopback port, as ``influence ui`` serves it; its base URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("ui-server") / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(serve.server_command("127.0.0.1", port),
                                   env=serve.server_environment(), stdout=log,
                                   stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"UI server exited ({process.returncode}): "
                            f"{log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"UI server not up after {START_TIMEOUT} s: "
                            f"{log_path.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[object]:
    """One headless Chromium per test module (each test gets its own context).

    Not per session: Playwright's synchronous API keeps an event loop running
    in this thread while it is open, and the component tests, which run in
    an event loop of their own as the server does, cannot start theirs then.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium_path),
                                              args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class Traffic:
    """What a page asked for that did not come from the loopback server."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture
def offline_page(browser, ui_server: str) -> Iterator[tuple[object, Traffic]]:
    """A fresh browser session (its own model) with every non-loopback request cut."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    traffic = Traffic()

    def route(request_route) -> None:
        if urlparse(request_route.request.url).hostname in LOOPBACK:
            request_route.continue_()
        else:
            traffic.blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda request: traffic.failed.append(request.url))
    page.on("response", lambda response: traffic.failed.append(
        f"{response.status} {response.url}") if response.status >= 400 else None)
    try:
        yield page, traffic
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact; return its path."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
