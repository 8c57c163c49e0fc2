"""The consumers' social network, built straight into scipy.sparse CSR.

Word of mouth travels along these ties. The generators draw from the model's
own numpy Generator, so a seed fixes the network, and they never build a
networkx object: a million-consumer small world is a few vectorised array
operations here against minutes through networkx.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import kernel

NETWORKS = ("small_world", "scale_free", "random", "complete")


def build_network(kind: str, n: int, degree: int, rng: np.random.Generator, *,
                  rewiring: float = 0.1, exponent: float = 2.5) -> sp.csr_matrix:
    """Build a symmetric 0/1 adjacency matrix without self-ties.

    Args:
        kind: One of ``small_world`` (Watts-Strogatz ring with rewiring),
            ``scale_free`` (Chung-Lu graph with power-law expected degrees),
            ``random`` (Erdos-Renyi with the given mean degree) or
            ``complete`` (everyone knows everyone; for docking checks).
        n: Number of consumers.
        degree: Mean number of ties per consumer (ignored by ``complete``).
        rng: The model's random generator.
        rewiring: Small-world rewiring probability.
        exponent: Scale-free degree exponent (> 2).

    Returns:
        An ``n x n`` CSR matrix with float32 ones on the ties.
    """
    if kind == "small_world":
        src, dst = _ring_lattice(n, degree)
        rewire = rng.random(src.size) < rewiring
        dst[rewire] = rng.integers(0, n, size=int(rewire.sum()))
    elif kind == "random":
        m = n * degree // 2
        src = rng.integers(0, n, size=m)
        dst = rng.integers(0, n, size=m)
    elif kind == "scale_free":
        m = n * degree // 2
        # Chung-Lu: expected degree of node i proportional to (i + i0)^(-1/(gamma-1)).
        ranks = np.arange(n, dtype=float) + 1.0
        weights = ranks ** (-1.0 / (exponent - 1.0))
        weights /= weights.sum()
        src = rng.choice(n, size=m, p=weights)
        dst = rng.choice(n, size=m, p=weights)
    elif kind == "complete":
        src, dst = np.triu_indices(n, k=1)
    else:
        raise ValueError(f"network: got {kind!r}; allowed: one of {', '.join(NETWORKS)}")
    return _symmetric_csr(np.asarray(src), np.asarray(dst), n)


def _ring_lattice(n: int, degree: int) -> tuple[np.ndarray, np.ndarray]:
    half = max(1, min(degree // 2, (n - 1) // 2))
    index = np.int32 if n < 2**31 else np.int64
    src = np.repeat(np.arange(n, dtype=index), half)
    dst = src + np.tile(np.arange(1, half + 1, dtype=index), n)
    dst[dst >= n] -= n
    return src, dst


def _symmetric_csr(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_matrix:
    """The symmetric 0/1 matrix of the ties (src, dst), without self-ties or repeats.

    Built straight into CSR by :func:`simulation.kernel.symmetric_csr` (int32
    column indices, float32 ones): the same canonical matrix scipy's COO
    conversion gives, in a fraction of its time and memory.
    """
    indptr, indices = kernel.symmetric_csr(src, dst, n)
    if indptr[-1] < 2**31:
        indptr = indptr.astype(np.int32)
    data = np.ones(indices.size, dtype=np.float32)
    adj = sp.csr_matrix((data, indices, indptr), shape=(n, n))
    adj.has_sorted_indices = True  # so that no later user scans the rows again to check
    adj.has_canonical_format = True
    return adj


def neighbourhood(adj: sp.csr_matrix, seed: int, size: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Return up to ``size`` consumers around ``seed``, breadth first.

    Audiences cluster in network neighbourhoods: an influencer is followed by
    friends of friends. Each ring of the breadth-first search is shuffled so
    that the last, partial ring is a random subset, not an index artefact.
    """
    n = adj.shape[0]
    seen = np.zeros(n, dtype=bool)
    seen[seed] = True
    frontier = np.array([seed], dtype=np.int64)
    chosen = [frontier]
    total = 1
    indptr, indices = adj.indptr, adj.indices
    while total < size and frontier.size:
        starts, ends = indptr[frontier], indptr[frontier + 1]
        lengths = ends - starts
        if lengths.sum() == 0:
            break
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        nbrs = indices[np.arange(lengths.sum()) + offsets]
        nbrs = np.unique(nbrs[~seen[nbrs]])
        if nbrs.size == 0:
            break
        nbrs = rng.permutation(nbrs)
        seen[nbrs] = True
        chosen.append(nbrs)
        total += nbrs.size
        frontier = nbrs
    return np.concatenate(chosen)[:size]
