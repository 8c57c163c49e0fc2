"""``influence ui``: serve the web UI on this machine.

The server binds to loopback (127.0.0.1) unless ``--host`` says otherwise: a
teacher's laptop should not publish a simulator to the café's network by
accident. It refuses to start when the offline assets are missing, because a
page that silently waits for a CDN it cannot reach looks broken in class.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

import click

#: The Solara app module (its ``Page`` and ``routes``).
APP = "simulation.ui.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

#: Debian's Chromium, as the browser tests and the screenshot script drive it.
CHROMIUM = Path(os.environ.get("UI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def server_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the UI, in production mode."""
    return [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version", "--log-level", "warning"]


def server_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the server: no telemetry, nothing phoned home."""
    env = dict(os.environ if base is None else base)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env.setdefault("MPLBACKEND", "Agg")
    return env


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerError(RuntimeError):
    """The UI server exited or did not answer in time."""


@contextmanager
def served(*, timeout: float, log: IO[Any] | int = subprocess.DEVNULL,
           cwd: Path | None = None) -> Iterator[str]:
    """Serve the UI on a free loopback port, as ``influence ui`` does; yield its base URL.

    Waits until the page answers; stops the server on exit, killing it if it
    does not stop within 15 s.

    Raises:
        ServerError: the server exited, or did not answer within ``timeout`` seconds.
    """
    with served_process(timeout=timeout, log=log, cwd=cwd) as (url, _):
        yield url


@contextmanager
def served_process(*, timeout: float, log: IO[Any] | int = subprocess.DEVNULL,
                   cwd: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """:func:`served`, yielding the server's process too (to measure what it holds)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(server_command("127.0.0.1", port), env=server_environment(),
                               stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerError(f"UI server exited ({process.returncode})")
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"UI server not up after {timeout} s")
            time.sleep(0.5)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def offline_router(blocked: list[str]) -> Callable[[Any], None]:
    """A Playwright route handler that lets loopback through and refuses the rest.

    Every refused URL is appended to ``blocked``: a page that renders with
    nothing blocked works in a classroom without internet.
    """
    def route(request_route: Any) -> None:
        if urlparse(request_route.request.url).hostname in LOOPBACK:
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    return route


def check_address(host: str, port: int) -> None:
    """Refuse, before the server starts, an address this machine cannot listen on.

    The name must resolve and the port must be free there: otherwise the server
    would print its address and then fail (the first round exited 3 after
    printing a URL for ``--host 999.999.1.1``). Binding once here and closing
    again leaves a short window in which another program could take the port;
    the server then reports it itself.
    """
    from ..cli import _fail

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise _fail(f"--host: got {host!r}; allowed: an address or name of this machine "
                    f"(127.0.0.1, ::1, 0.0.0.0 ...): {reason}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError:
            raise _fail(f"--port: got {port}; allowed: a port this user may open "
                        "(1024-65535 without privileges)") from None
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise _fail(f"--port: got {port}; allowed: a free port (another program "
                            f"listens on {host}:{port})") from None
            raise _fail(f"--host: got {host!r}; allowed: an address of this machine "
                        f"({error.strerror})") from None


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on (0.0.0.0 to let other machines connect).")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on.")
def ui(host: str, port: int) -> None:
    """Serve the web UI (explore, compare, learn) at http://HOST:PORT."""
    from ..cli import _fail
    from . import assets

    try:
        absent = assets.missing(assets.required_packages(), assets.cache_dir())
    except assets.AssetError as error:
        raise _fail(f"ui: {error}") from None
    if absent:
        names = ", ".join(p.spec for p in absent)
        raise _fail(f"ui: offline assets missing ({names}); allowed: run "
                    "`python -m simulation.ui.assets` (make install does) first")
    check_address(host, port)
    click.echo(f"Influence world UI: http://{host}:{port} (Ctrl+C to stop)", err=True)
    command = server_command(host, port)
    # Become the server (no child left behind when a signal stops this process).
    os.execve(command[0], command, server_environment())
