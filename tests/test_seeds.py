"""Derived seeds: stable across processes, distinct across replicates, configs and roots."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from simulation import parameters
from simulation.seeds import canonical_json, config_digest, derive_seed

CONFIG = parameters.resolve({"consumers": 300})

_CHILD = """
import json, sys
from simulation.seeds import derive_seed
config = json.loads(sys.argv[1])
print(json.dumps([derive_seed(7, config, r) for r in range(4)]))
"""


def _seeds_in_child(config: dict, hash_seed: str) -> list[int]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(config)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_same_seeds_in_two_processes_with_different_string_hashing():
    here = [derive_seed(7, CONFIG, r) for r in range(4)]
    assert _seeds_in_child(CONFIG, "1") == here
    assert _seeds_in_child(CONFIG, "2") == here


def test_replicates_roots_and_configs_give_different_seeds():
    replicates = {derive_seed(7, CONFIG, r) for r in range(200)}
    assert len(replicates) == 200
    assert derive_seed(8, CONFIG, 0) != derive_seed(7, CONFIG, 0)
    other = parameters.set_path(CONFIG, "companies[0].budget", 11)
    assert derive_seed(7, other, 0) != derive_seed(7, CONFIG, 0)


def test_key_order_does_not_matter():
    reordered = dict(reversed(list(CONFIG.items())))
    assert list(reordered) != list(CONFIG)
    assert canonical_json(reordered) == canonical_json(CONFIG)
    assert derive_seed(3, reordered, 5) == derive_seed(3, CONFIG, 5)


def test_seeds_fit_a_signed_64_bit_column():
    seeds = [derive_seed(root, CONFIG, r) for root in (0, 1, 2**64 - 1) for r in range(50)]
    assert all(0 <= s < 2**63 for s in seeds)


def test_word_boundaries_do_not_collide():
    # A root seed above 2**32 must not alias a small root with another replicate.
    assert derive_seed(2**32, CONFIG, 0) != derive_seed(0, CONFIG, 1)
    assert derive_seed(1, CONFIG, 0) != derive_seed(0, CONFIG, 2**32)


def test_digest_is_sha256_of_canonical_json():
    import hashlib

    assert config_digest({"b": 1, "a": [1.5, "x"]}) == hashlib.sha256(
        b'{"a":[1.5,"x"],"b":1}').digest()


@pytest.mark.parametrize(("root", "replicate", "error"), [
    (-1, 0, ValueError), (0, -1, ValueError), (2**64, 0, ValueError),
    (1.5, 0, TypeError), (True, 0, TypeError), (0, "1", TypeError),
])
def test_bad_keys_are_refused(root, replicate, error):
    with pytest.raises(error):
        derive_seed(root, CONFIG, replicate)


def test_configs_json_cannot_represent_are_refused():
    with pytest.raises(ValueError):
        derive_seed(0, {"x": float("nan")}, 0)
    with pytest.raises(TypeError):
        derive_seed(0, {"x": {1, 2}}, 0)
