"""How much memory a world needs, and whether this process may have it.

A world too big for the machine does not fail with a clean ``MemoryError``:
the operating system kills the process (and, in the web UI, every visitor's
page with it). Every command that builds worlds (``run``, ``compare``,
``sweep``, ``scenarios check``) and the web UI therefore estimate a world's
size from its parameters before building it, and refuse one that would not
fit, with the usual one-line error.

"Fits" means under every bound that applies, not only the machine's free
memory: a container's or a service's cgroup limit (``memory.max`` in cgroup
v2, ``memory.limit_in_bytes`` in v1, minus what the group already uses) and
the process's own limits from ``ulimit -v`` / ``ulimit -d``
(``RLIMIT_AS``, ``RLIMIT_DATA``, minus what the process already maps). Free
memory and the cgroup are shared by all the worlds held at once (one per
worker process); a process limit binds each process alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

#: Memory per friendship tie and per consumer, rounded up from measurements
#: (100,000 consumers: 45 MB with 10 ties each, 724 MB with 200).
BYTES_PER_TIE = 40
BYTES_PER_CONSUMER = 600
#: What a worker process holds before its world (the interpreter, numpy, pandas,
#: Mesa, matplotlib: about 165 MB measured on Linux, rounded up).
BYTES_PER_PROCESS = 200_000_000
#: Share of the free memory (or of what a limit leaves) one world may take.
MEMORY_SHARE = 0.6

#: Where the cgroup file systems and this process's cgroup are read from.
CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")
PROC_STATUS = Path("/proc/self/status")
#: A cgroup v1 limit at or above this is "no limit" (the kernel's page-rounded maximum).
UNLIMITED = 2**60


def ties(config: Mapping[str, Any]) -> int:
    """Friendship ties the world will hold (both directions)."""
    consumers = int(config["consumers"])
    if config.get("network") == "complete":
        return consumers * (consumers - 1)
    return consumers * int(config.get("network_degree", 0))


def available_memory() -> int | None:
    """Bytes of memory free for a new world (``MemAvailable``), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _reclaimable(folder: Path, key: str) -> int:
    """Page cache the kernel can drop before the group runs out (``inactive_file``)."""
    try:
        for line in (folder / "memory.stat").read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(" ")
            if name == key and value.strip().isdigit():
                return int(value)
    except (OSError, UnicodeDecodeError):
        pass
    return 0


def cgroup_headroom(root: Path | None = None, proc: Path | None = None) -> int | None:
    """Bytes this process's cgroup (or any group above it) still allows, or None: no limit.

    Reads cgroup v2 (``memory.max``, ``memory.current``) or v1
    (``memory.limit_in_bytes``, ``memory.usage_in_bytes``), counting the
    reclaimable page cache as free.
    """
    root = CGROUP_ROOT if root is None else root
    proc = PROC_CGROUP if proc is None else proc
    try:
        lines = proc.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    found: list[int] = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        relative = path.strip().lstrip("/")
        if controllers == "":  # v2: one unified hierarchy
            base, files = root, ("memory.max", "memory.current", "inactive_file")
        elif "memory" in controllers.split(","):
            base, files = root / "memory", ("memory.limit_in_bytes", "memory.usage_in_bytes",
                                            "total_inactive_file")
        else:
            continue
        folder = base / relative if relative else base
        folders = [folder, *[p for p in folder.parents if p.is_relative_to(base)]]
        if not folder.is_dir():  # a group path from outside this namespace: its root is ours
            folders = [base]
        for here in folders:
            limit = _read_int(here / files[0])
            used = _read_int(here / files[1])
            if limit is None or limit >= UNLIMITED or used is None:
                continue
            found.append(max(0, limit - max(0, used - _reclaimable(here, files[2]))))
    return min(found) if found else None


def _status_bytes(key: str, status: Path | None = None) -> int:
    try:
        for line in (PROC_STATUS if status is None else status).read_text(
                encoding="ascii").splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) * 1024
    except (OSError, UnicodeDecodeError, ValueError, IndexError):
        pass
    return 0


def process_headroom() -> int | None:
    """Bytes this process may still map under ``ulimit -v`` / ``-d``, or None: no limit."""
    if resource is None:
        return None
    found = []
    for limit_name, key in (("RLIMIT_AS", "VmSize"), ("RLIMIT_DATA", "VmData")):
        which = getattr(resource, limit_name, None)
        if which is None:
            continue
        soft, _ = resource.getrlimit(which)
        if soft == resource.RLIM_INFINITY or soft < 0:
            continue
        found.append(max(0, soft - _status_bytes(key)))
    return min(found) if found else None


def needed_memory(config: Mapping[str, Any]) -> int:
    """A generous estimate of the bytes a world takes."""
    return ties(config) * BYTES_PER_TIE + int(config["consumers"]) * BYTES_PER_CONSUMER


@dataclass(frozen=True)
class Shortfall:
    """A world that would not fit: what it needs, what the binding bound leaves, which bound.

    Attributes:
        need: Bytes needed (all copies when the bound is shared by them).
        free: Bytes the bound leaves.
        bound: ``"machine"`` (free memory), ``"cgroup"`` or ``"process"`` (ulimit).
    """

    need: int
    free: int
    bound: str

    def allowed(self) -> str:
        """What is allowed, in words, for the one-line error."""
        gb = f"{self.free / 1e9:.1f} GB"
        return {"machine": f"a world that fits in this machine's free memory ({gb})",
                "cgroup": f"a world that fits in this cgroup's memory limit (memory.max; {gb} "
                          "left)",
                "process": f"a world that fits in this process's memory limit (ulimit -v / "
                           f"RLIMIT_AS; {gb} left)"}[self.bound]


def memory_shortfall(config: Mapping[str, Any], copies: int = 1, *, free: int | None = None,
                     cgroup: int | None = None, process: int | None = None,
                     read_limits: bool = True) -> Shortfall | None:
    """Why a world would not fit, or None when it fits under every bound.

    Args:
        config: A resolved configuration.
        copies: Worlds held at once, one per worker process: free memory and
            the cgroup are shared by them, a process limit binds each alone.
        free: Free machine bytes (default: what the machine reports).
        cgroup: Bytes the cgroup leaves (default: read from the cgroup files).
        process: Bytes the process limit leaves (default: from ``resource``).
        read_limits: False to check only the bounds passed in.
    """
    one = needed_memory(config)
    # Worker processes each start an interpreter with numpy, pandas and Mesa
    # before their world: free memory and the cgroup pay for that too.
    shared = one * copies + (BYTES_PER_PROCESS * copies if copies > 1 else 0)
    if read_limits:
        free = available_memory() if free is None else free
        cgroup = cgroup_headroom() if cgroup is None else cgroup
        process = process_headroom() if process is None else process
    for bound, left, need in (("machine", free, shared), ("cgroup", cgroup, shared),
                              ("process", process, one)):
        if left is not None and need > MEMORY_SHARE * left:
            return Shortfall(need, left, bound)
    return None


def memory_problem(config: Mapping[str, Any], free: int | None = None,
                   copies: int = 1) -> tuple[float, float] | None:
    """``(needed GB, free GB)`` when the world would not fit in memory, else None.

    Args:
        config: A resolved configuration.
        free: Free bytes: given, only this bound is checked; by default every
            bound of :func:`memory_shortfall` (free memory, cgroup, ulimit).
        copies: Worlds held at once (one per worker process of a comparison).
    """
    found = (memory_shortfall(config, copies) if free is None
             else memory_shortfall(config, copies, free=free, read_limits=False))
    if found is None:
        return None
    return found.need / 1e9, found.free / 1e9
