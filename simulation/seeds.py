"""Seeds for many runs, derived from one: the same on every process and machine.

A comparison or a sweep runs many models, each from its own seed. Those seeds
must depend only on what the user chose (a root seed), on what is run (the
configuration) and on which repetition it is (the replicate), never on the
order in which runs are scheduled, the number of worker processes, the
process that runs them or the machine. Then a result can be reproduced run by
run, and a run can be redone alone.

:func:`derive_seed` feeds those three inputs, as fixed-width 32-bit words, to
numpy's :class:`~numpy.random.SeedSequence`, which is built to turn such
entropy into well-mixed, statistically independent streams. The configuration
enters through the SHA-256 digest of its canonical JSON (:func:`config_digest`):
sorted keys, no whitespace, strict JSON, so that two equal configurations give
the same words whatever the insertion order of their keys. Python's built-in
``hash()`` is never used: it is salted per process for strings.

Keying the seed by the configuration means that two different configurations
get independent random streams at the same replicate, while the same
configuration at the same replicate always gets the same run, whoever asks for
it (the comparison command, a sweep, a test).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

#: Root seeds and replicate numbers are encoded as two 32-bit words each.
MAX_KEY = 2**64 - 1

#: Derived seeds are below 2**63, so they fit a signed 64-bit column (Parquet, pandas).
SEED_BITS = 63


def canonical_json(config: Mapping[str, Any]) -> str:
    """Serialise ``config`` to one canonical JSON string.

    Keys are sorted at every level and separators carry no whitespace, so the
    text depends only on the content. Floats use Python's shortest round-trip
    representation, which is the same on every platform.

    Raises:
        TypeError: for values JSON cannot represent (sets, objects).
        ValueError: for NaN or infinite floats (not strict JSON, and NaN is not
            equal to itself, so it would make "the same configuration" ambiguous).
    """
    return json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)


def config_digest(config: Mapping[str, Any]) -> bytes:
    """SHA-256 digest (32 bytes) of the canonical JSON of ``config``."""
    return hashlib.sha256(canonical_json(config).encode("ascii")).digest()


def _words(value: int, name: str) -> list[int]:
    """Split a non-negative integer below 2**64 into two 32-bit words (low first)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if not 0 <= value <= MAX_KEY:
        raise ValueError(f"{name} must be in [0, 2**64 - 1], got {value}")
    return [value & 0xFFFFFFFF, value >> 32]


def derive_seed(root_seed: int, config: Mapping[str, Any], replicate: int) -> int:
    """Seed of one run: a function of the root seed, the configuration and the replicate.

    The entropy given to :class:`numpy.random.SeedSequence` is the fixed-width
    word list ``[root (2 words), sha256(config) (8 words), replicate (2 words)]``;
    fixed widths mean no two different inputs can produce the same word list.

    Args:
        root_seed: The seed the user chose (``--seed``), in ``[0, 2**64 - 1]``.
        config: The run's configuration, as plain JSON-compatible values. Pass
            the resolved configuration (:func:`simulation.parameters.resolve`)
            so that a default spelled out and a default left out give the same
            seed.
        replicate: Repetition number (0, 1, 2 ...), in ``[0, 2**64 - 1]``.

    Returns:
        A seed in ``[0, 2**63 - 1]`` for ``InfluenceModel(rng=seed, ...)``.

    Raises:
        TypeError: for a non-integer seed or replicate, or a configuration that
            is not JSON-serialisable.
        ValueError: for a negative or too large seed or replicate, or a NaN in
            the configuration.
    """
    digest = config_digest(config)
    config_words = np.frombuffer(digest, dtype="<u4").tolist()
    entropy = [*_words(root_seed, "root_seed"), *config_words, *_words(replicate, "replicate")]
    state = np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint64)
    return int(state[0]) >> (64 - SEED_BITS)
