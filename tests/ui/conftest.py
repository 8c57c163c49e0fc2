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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from simulation.ui import serve

CHROMIUM = serve.CHROMIUM
REPO = Path(__file__).resolve().parents[2]
#: Screenshots of every page (git-ignored, like every run output under results/).
ARTEFACTS = Path(os.environ.get("UI_ARTEFACTS", REPO / "results" / "test-artefacts" / "ui"))
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
    log_path = tmp_path_factory.mktemp("ui-server") / "server.log"
    with log_path.open("w") as log:
        try:
            with serve.served(timeout=START_TIMEOUT, log=log, cwd=REPO) as url:
                yield url
        except serve.ServerError as error:
            pytest.fail(f"{error}: {log_path.read_text()[-2000:]}")


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
                                              args=serve.CHROMIUM_ARGS)
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

    context.route("**/*", serve.offline_router(traffic.blocked))
    page = context.new_page()
    # A request the browser itself cancels (a reload while an icon is still loading) is
    # net::ERR_ABORTED: not a missing file, which shows as a 4xx response below.
    page.on("requestfailed", lambda request: traffic.failed.append(request.url)
            if request.failure != "net::ERR_ABORTED" else None)
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
