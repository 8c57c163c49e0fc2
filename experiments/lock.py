"""One sweep at a time in a folder (issue 15, item 6).

A sweep holds an exclusive ``flock`` on ``DIR/.sweep.lock`` while it runs. A
second sweep into the same folder finds the lock held and is refused with
one line naming the holder's process id. The kernel releases the lock when
the holder dies, ``kill -9`` included, so a killed sweep never leaves it
stuck: the next sweep takes it over (the file a killed sweep left is reused)
and resumes. The file is removed when the sweep ends.

The worker processes of a local pool inherit the lock with their parent's
open files; a lock is therefore held until the last of them has gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".sweep.lock"


class LockedError(RuntimeError):
    """Another live sweep holds the folder; ``holder`` is what it wrote in the lock file."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(f"{folder} is in use by another sweep ({holder})")
        self.folder = folder
        self.holder = holder


@contextlib.contextmanager
def sweep_lock(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the folder's sweep lock for the ``with`` block.

    The folder is created when missing (and removed again if the block fails
    while it is still empty).

    Raises:
        LockedError: when another live process holds the lock.
    """
    folder = Path(folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = _acquire(path, folder)
    failed = True
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
        yield path
        failed = False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # still ours: _acquire checked the inode under the lock
        os.close(fd)
        if failed and created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when nothing else was written into it


def _acquire(path: Path, folder: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "starting"
            os.close(fd)
            raise LockedError(folder, holder) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder removed the file as we opened it: take the new one
