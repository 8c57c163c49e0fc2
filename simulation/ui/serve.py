"""``influence ui``: serve the web UI on this machine.

The server binds to loopback (127.0.0.1) unless ``--host`` says otherwise: a
teacher's laptop should not publish a simulator to the café's network by
accident. It refuses to start when the offline assets are missing, because a
page that silently waits for a CDN it cannot reach looks broken in class.
"""

from __future__ import annotations

import os
import sys

import click

#: The Solara app module (its ``Page`` and ``routes``).
APP = "simulation.ui.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


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
    click.echo(f"Influence world UI: http://{host}:{port} (Ctrl+C to stop)", err=True)
    command = server_command(host, port)
    # Become the server (no child left behind when a signal stops this process).
    os.execve(command[0], command, server_environment())
