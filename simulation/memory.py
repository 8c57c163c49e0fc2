"""How much memory a world needs, and whether this machine has it.

A world too big for the machine does not fail with a clean ``MemoryError``:
the operating system kills the process (and, in the web UI, every visitor's
page with it). The command line and the web UI therefore estimate a world's
size from its parameters before building it, and refuse one that would not
fit, with the usual one-line error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: Memory per friendship tie and per consumer, rounded up from measurements
#: (100,000 consumers: 45 MB with 10 ties each, 724 MB with 200).
BYTES_PER_TIE = 40
BYTES_PER_CONSUMER = 600
#: Share of the machine's free memory one world may take.
MEMORY_SHARE = 0.6


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


def needed_memory(config: Mapping[str, Any]) -> int:
    """A generous estimate of the bytes a world takes."""
    return ties(config) * BYTES_PER_TIE + int(config["consumers"]) * BYTES_PER_CONSUMER


def memory_problem(config: Mapping[str, Any], free: int | None = None,
                   copies: int = 1) -> tuple[float, float] | None:
    """``(needed GB, free GB)`` when the world would not fit in memory, else None.

    Args:
        config: A resolved configuration.
        free: Free bytes (default: what the machine reports; unknown means no check).
        copies: Worlds held at once (one per worker process of a comparison).
    """
    free = available_memory() if free is None else free
    need = needed_memory(config) * copies
    if free is None or need <= MEMORY_SHARE * free:
        return None
    return need / 1e9, free / 1e9
