"""Long computations for the Plan and Calibrate pages: a process of their own, progress, Cancel.

A plan search or a calibration runs for a minute or more of full CPU. In a
thread of the server it would hold Python's lock against every other visitor's
page, and Cancel could only ask it to stop at its next progress report. So
each :class:`Job` runs its work in a child process (``spawn``: a clean
interpreter, nothing of the server's threads copied), which reports progress
through a pipe and is killed by Cancel: the computation really stops at once,
whatever it was doing. The child dies with the server too
(:func:`experiments.executors.die_with_parent`), so a stopped server leaves
nothing computing.

The work is a module-level function ``work(report, *args)`` (spawn pickles it
by name) that calls ``report(done, total, info)`` as it goes (``info`` a small
dict of plain values the page turns into words in its own language) and
returns a small picklable result. It raises :class:`JobError` for a problem
the visitor should read (one line); any other exception is shown as its type
and message.

:func:`JobPanel` is the one component both pages use: the progress bar, what
the job says, Cancel, and the job's end (done, cancelled, failed).
:func:`use_job` keeps one job per page and session, follows it from the
session's event loop (never from another thread) and cancels it when the
visitor leaves the page. :class:`FilePick` is the file chooser both pages use
for their uploads.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara
import traitlets

from .explore import _PICKER_TEMPLATE, FilePicker
from .i18n import t

#: Seconds between two looks at a running job.
POLL_SECONDS = 0.25
#: Seconds a cancelled child gets to end on SIGTERM before it is killed.
TERM_GRACE = 2.0
#: What a job reports: (done, total, info).
Report = Callable[[int, int, Mapping[str, Any]], None]


class JobError(Exception):
    """A problem the visitor should read, raised by a job's work: one line, shown as is."""


@dataclass
class Snapshot:
    """A job as the page shows it: state, progress and, at the end, result or error."""

    state: str = "running"          # running, done, failed, cancelled
    done: int = 0
    total: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    result: Any = None
    error: str = ""
    seconds: float = 0.0


def _child(work: Callable[..., Any], args: tuple[Any, ...], send: Any, parent: int) -> None:
    """The child process: run ``work``, sending progress, then the result or the error."""
    from experiments.executors import die_with_parent

    die_with_parent(parent)

    def report(done: int, total: int, info: Mapping[str, Any] | None = None) -> None:
        send.send(("progress", int(done), int(total), dict(info or {})))

    try:
        result = work(report, *args)
    except JobError as error:
        send.send(("failed", str(error)))
    except Exception as error:  # shown on the page, never lost in a process
        send.send(("failed", f"{type(error).__name__}: {error}"))
    else:
        send.send(("done", result))
    finally:
        send.close()


class Job:
    """One computation in a child process, read by the page with :meth:`poll`.

    Args:
        work: A module-level function ``work(report, *args)``.
        args: Its arguments (picklable).
        folder: A folder the job owns (its inputs and outputs), removed by
            :meth:`discard`; None for none.
        name: The process's name (shown by ``ps``).
    """

    def __init__(self, work: Callable[..., Any], args: tuple[Any, ...] = (), *,
                 folder: Path | None = None, name: str = "influence-job") -> None:
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self._send = send
        self._process = context.Process(target=_child, args=(work, args, send, os.getpid()),
                                        name=name, daemon=True)
        self.folder = folder
        self.snapshot = Snapshot()
        self._started = 0.0

    def start(self) -> Job:
        """Start the child; return self."""
        self._started = time.monotonic()
        self._process.start()
        self._send.close()  # the child holds the sending end now
        return self

    @property
    def pid(self) -> int | None:
        """The child's process id (None before :meth:`start`)."""
        return self._process.pid

    @property
    def running(self) -> bool:
        """Whether the job has neither ended nor been cancelled."""
        return self.snapshot.state == "running"

    def poll(self) -> Snapshot:
        """Read what the child sent since the last look; notice a child that died."""
        s = self.snapshot
        if s.state != "running":
            return s
        try:
            while self._receive.poll():
                message = self._receive.recv()
                if message[0] == "progress":
                    s.done, s.total, s.info = message[1], message[2], message[3]
                elif message[0] == "done":
                    s.state, s.result = "done", message[1]
                elif message[0] == "failed":
                    s.state, s.error = "failed", message[1]
        except (EOFError, OSError):
            pass
        if s.state == "running" and not self._process.is_alive():
            self._process.join()
            s.state = "failed"
            s.error = f"the job's process ended without a result (exit status " \
                      f"{self._process.exitcode})"
        if s.state != "running":
            s.seconds = time.monotonic() - self._started
            self._process.join(timeout=TERM_GRACE)
            self._receive.close()
        return s

    def cancel(self) -> None:
        """Stop the child now (SIGTERM, then SIGKILL) and mark the job cancelled."""
        if self.snapshot.state != "running":
            return
        self.snapshot.state = "cancelled"
        self.snapshot.seconds = time.monotonic() - self._started
        if self._process.pid is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=TERM_GRACE)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=TERM_GRACE)
        self._receive.close()

    def discard(self) -> None:
        """Cancel if running, and remove the job's folder."""
        self.cancel()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def job_folder(kind: str) -> Path:
    """A new private folder for one job's files (removed with the job)."""
    return Path(tempfile.mkdtemp(prefix=f"influence-{kind}-"))


def safe_name(name: str, suffix: str, fallback: str) -> str:
    """An uploaded file's name as a plain file name: its last part, odd characters as ``_``.

    The name a visitor's browser sends is whatever their file was called; on
    the server it only names a file inside the job's own folder.
    """
    base = re.split(r"[\\/]", str(name or ""))[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")[:80]
    if not base:
        base = fallback
    if not base.lower().endswith(suffix):
        base += suffix
    return base


def tidy(message: str, folder: Path | None) -> str:
    """``message`` without the job folder's path: files are named as the visitor named them.

    The server's temporary folder means nothing to a visitor, and is not theirs
    to know; the files in it carry the names they uploaded.
    """
    if folder is None:
        return message
    for form in {str(folder), str(folder.resolve()), os.path.relpath(folder)}:
        message = message.replace(form + os.sep, "").replace(form, "")
    return message


def use_job() -> tuple[Job | None, Snapshot | None, Callable[[Job | None], None]]:
    """One job per page and session: ``(job, its latest snapshot, set_job)``.

    ``set_job(new)`` discards the job in hand (stopping it, removing its folder)
    and starts following ``new``. The snapshot is refreshed from the session's
    event loop a few times a second while the job runs; leaving the page
    discards the job.
    """
    job, set_job_state = solara.use_state(None)
    snapshot, set_snapshot = solara.use_state(None)
    holder = solara.use_ref(None)

    async def follow() -> None:
        if job is None:
            return
        while True:
            s = job.poll()
            set_snapshot(Snapshot(**vars(s)))
            if s.state != "running":
                return
            await asyncio.sleep(POLL_SECONDS)

    solara.lab.use_task(follow, dependencies=[job], prefer_threaded=False)

    def discard_when_gone() -> Callable[[], None]:
        def cleanup() -> None:
            if holder.current is not None:
                holder.current.discard()
        return cleanup

    solara.use_effect(discard_when_gone, [])

    def set_job(new: Job | None) -> None:
        if holder.current is not None and holder.current is not new:
            holder.current.discard()
        holder.current = new
        set_snapshot(None if new is None else Snapshot(**vars(new.snapshot)))
        set_job_state(new)

    return job, snapshot, set_job


@solara.component
def JobPanel(job: Job | None, snapshot: Snapshot | None, lang: str, *,  # noqa: N802
             kind: str, describe: Callable[[Snapshot, str], str],
             on_cancel: Callable[[], None]) -> solara.Element:
    """The job's progress bar, what it says, Cancel, and how it ended (unless done).

    Args:
        job: The job in hand, if any.
        snapshot: Its latest snapshot.
        lang: The page's language.
        kind: CSS prefix of the page (``plan``, ``calibrate``): classes are
            ``{kind}-progress``, ``{kind}-cancel``, ``{kind}-cancelled``, ``{kind}-failed``.
        describe: What the job says so far, in ``lang`` (from the snapshot's info).
        on_cancel: Called by Cancel (the page cancels and re-renders).
    """
    with solara.Column(gap="4px") as column:
        if job is None or snapshot is None:
            return column
        if snapshot.state == "running":
            total = snapshot.total
            solara.ProgressLinear(value=min(100.0, 100 * snapshot.done / total) if total
                                  else True)
            with solara.Row(style={"align-items": "center"}):
                solara.Text(describe(snapshot, lang), classes=[f"{kind}-progress"])
                solara.Button(t("cancel", lang), on_click=on_cancel,
                              classes=[f"{kind}-cancel"])
        elif snapshot.state == "cancelled":
            solara.Warning(t("job_cancelled", lang, seconds=snapshot.seconds),
                           classes=[f"{kind}-cancelled"])
        elif snapshot.state == "failed":
            solara.Error(tidy(snapshot.error, job.folder), classes=[f"{kind}-failed"])
    return column


class _AnyPicker(FilePicker):
    """The Explore page's file chooser, for any kind of file (``accept``)."""

    template = traitlets.Unicode(
        _PICKER_TEMPLATE.replace('accept=".toml"', ':accept="accept"')).tag(sync=True)
    accept = traitlets.Unicode(".toml").tag(sync=True)


if ':accept="accept"' not in _AnyPicker.template.default_value:  # pragma: no cover
    raise ImportError("simulation.ui.explore's file picker changed: jobs._AnyPicker needs "
                      "its accept attribute")


@solara.component
def FilePick(label: str, accept: str, on_file: Callable[[str, bytes], None], *,  # noqa: N802
             css: str, drop_label: str) -> solara.Element:
    """Choose a file (a button opening the browser's chooser) or drop it: ``on_file(name, data)``.

    The file is read in the browser: the server gets its name and content,
    never a path of the visitor's machine.
    """

    def picked(file: dict[str, Any]) -> None:
        if file:
            on_file(str(file.get("name", "")), str(file.get("text", "")).encode("utf-8"))

    with solara.Column(gap="2px", classes=[css]) as column:
        _AnyPicker.element(label=label, accept=accept, on_picked=picked)
        solara.FileDrop(label=drop_label, lazy=False,
                        on_file=lambda info: on_file(str(info["name"]), info["data"] or b""))
    return column
