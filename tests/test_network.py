"""Social networks built straight into CSR, and audience neighbourhoods.

Word of mouth travels along these matrices, so each kind must be a proper
simple undirected graph (symmetric 0/1, no self-ties) of the requested size
and density, fixed by the model's seed.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import shortest_path

from simulation.network import NETWORKS, build_network, neighbourhood

N, DEGREE = 2000, 10


def _check_simple_graph(adj: sp.csr_matrix, n: int) -> None:
    assert adj.shape == (n, n)
    assert adj.format == "csr"
    assert np.all(adj.data == 1.0), "entries must be 0/1"
    assert adj.diagonal().sum() == 0, "no self-ties"
    assert (adj != adj.T).nnz == 0, "ties are mutual"
    coo = adj.tocoo()
    assert len(set(zip(coo.row.tolist(), coo.col.tolist(), strict=True))) == adj.nnz


@pytest.mark.parametrize("kind", NETWORKS)
def test_every_kind_is_a_symmetric_simple_graph(kind: str) -> None:
    n = 300 if kind == "complete" else N
    adj = build_network(kind, n, DEGREE, np.random.default_rng(3))
    _check_simple_graph(adj, n)


def test_complete_graph_has_every_tie() -> None:
    n = 57
    adj = build_network("complete", n, DEGREE, np.random.default_rng(0))
    assert adj.nnz == n * (n - 1)
    np.testing.assert_array_equal(adj.toarray(), 1 - np.eye(n))


def test_small_world_mean_degree() -> None:
    """The ring gives every consumer exactly ``degree`` ties; rewiring only loses the few
    that land on the consumer itself or on an existing tie, an expected share of at most
    rewiring * (degree + 1) / n = 0.06 % here. A 1 % tolerance is far outside that noise
    and far inside any real error (a ring of the wrong width is off by 20 %)."""
    for seed in range(3):
        adj = build_network("small_world", N, DEGREE, np.random.default_rng(seed), rewiring=0.1)
        mean = adj.nnz / N
        assert DEGREE * 0.99 <= mean <= DEGREE


def test_small_world_without_rewiring_is_the_ring() -> None:
    adj = build_network("small_world", 50, 4, np.random.default_rng(0), rewiring=0.0)
    expected = nx.to_scipy_sparse_array(nx.watts_strogatz_graph(50, 4, 0.0), nodelist=range(50))
    assert (adj != sp.csr_matrix(expected)).nnz == 0


def test_random_mean_degree() -> None:
    """Erdos-Renyi draws n * degree / 2 pairs; only self-pairs (1/n) and repeated pairs
    (about degree / 2n) are lost, 0.35 % in expectation here. Tolerance 2 %."""
    for seed in range(3):
        mean = build_network("random", N, DEGREE, np.random.default_rng(seed)).nnz / N
        assert DEGREE * 0.98 <= mean <= DEGREE


def test_scale_free_mean_degree_matches_chung_lu_expectation() -> None:
    """Hubs draw many repeated pairs, so the mean degree is below the target by a known
    amount: the expected number of distinct ties is sum_{i<j} 1 - (1 - 2 w_i w_j)^m. The
    collisions (about m - E, ~220 ties here) are Poisson-like, so one graph's mean degree
    varies by about 2 sqrt(220) / n = 0.015; the mean of 5 graphs must lie within 1 %
    (0.096) of the expectation, over six standard deviations."""
    exponent = 2.5
    weights = (np.arange(N) + 1.0) ** (-1.0 / (exponent - 1.0))
    weights /= weights.sum()
    m = N * DEGREE // 2
    iu = np.triu_indices(N, 1)
    pair = 2.0 * weights[iu[0]] * weights[iu[1]]
    expected = 2.0 * np.sum(1.0 - (1.0 - pair) ** m) / N
    means = [build_network("scale_free", N, DEGREE, np.random.default_rng(s),
                           exponent=exponent).nnz / N for s in range(5)]
    assert np.mean(means) == pytest.approx(expected, rel=0.01)
    assert expected < DEGREE


def test_scale_free_has_hubs_small_world_does_not() -> None:
    """The point of the scale-free option: a few consumers with very many friends."""
    rng = np.random.default_rng(5)
    sf = np.diff(build_network("scale_free", N, DEGREE, rng).indptr)
    sw = np.diff(build_network("small_world", N, DEGREE, rng).indptr)
    assert sf.max() > 10 * DEGREE
    assert sw.max() < 2 * DEGREE


@pytest.mark.parametrize("kind", ["small_world", "random", "scale_free"])
def test_same_seed_same_network_different_seed_different(kind: str) -> None:
    a = build_network(kind, 500, 6, np.random.default_rng(11))
    b = build_network(kind, 500, 6, np.random.default_rng(11))
    c = build_network(kind, 500, 6, np.random.default_rng(12))
    assert (a != b).nnz == 0
    assert (a != c).nnz > 0


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="lattice"):
        build_network("lattice", 10, 2, np.random.default_rng(0))


def test_large_small_world_is_built_without_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200,000-consumer world must not go through networkx (minutes there): any networkx
    graph construction fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("networkx used to build a network")

    monkeypatch.setattr(nx.Graph, "__init__", refuse)
    monkeypatch.setattr(nx.DiGraph, "__init__", refuse)
    n = 200_000
    adj = build_network("small_world", n, 10, np.random.default_rng(0))
    assert adj.shape == (n, n)
    assert 9.9 * n <= adj.nnz <= 10 * n
    assert (adj != adj.T).nnz == 0


# ------------------------------------------------------------ neighbourhood
def test_neighbourhood_is_unique_contains_seed_and_has_the_size() -> None:
    rng = np.random.default_rng(1)
    adj = build_network("small_world", N, DEGREE, rng)
    for seed, size in [(0, 1), (17, 40), (1999, 333)]:
        members = neighbourhood(adj, seed, size, rng)
        assert members.size == size
        assert np.unique(members).size == size
        assert members[0] == seed


def test_neighbourhood_is_breadth_first_and_clustered() -> None:
    """Members are the nearest consumers: every consumer strictly closer than the furthest
    member is in, and members are on average far closer in hops than random consumers."""
    rng = np.random.default_rng(2)
    adj = build_network("small_world", N, DEGREE, rng)
    seed = 123
    members = neighbourhood(adj, seed, 150, rng)
    hops = shortest_path(adj, unweighted=True, indices=seed)
    furthest = hops[members].max()
    assert set(np.flatnonzero(hops < furthest)) <= set(members.tolist())
    others = rng.choice(np.setdiff1d(np.arange(N), members), size=500, replace=False)
    assert hops[members].mean() < hops[others].mean() - 1.0


def test_neighbourhood_stays_in_the_seed_component() -> None:
    """On a disconnected graph the search stops at the component's edge."""
    ring = build_network("small_world", 20, 4, np.random.default_rng(0), rewiring=0.0)
    adj = sp.block_diag([ring, ring]).tocsr()
    members = neighbourhood(adj, 3, 30, np.random.default_rng(0))
    assert sorted(members.tolist()) == list(range(20))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=400))))
def test_the_compiled_csr_is_scipys_canonical_matrix(case) -> None:
    """The compiled builder gives what scipy's COO conversion gives, bit for bit.

    Pairs are drawn with repeats, self-ties and rows of over 32 ties (the
    builder sorts long rows apart from short ones), so every branch is met.
    """
    from simulation.network import _symmetric_csr

    n, pairs = case
    src = np.array([u for u, _ in pairs], dtype=np.int32)
    dst = np.array([v for _, v in pairs], dtype=np.int32)
    keep = src != dst
    rows = np.concatenate([src[keep], dst[keep]])
    cols = np.concatenate([dst[keep], src[keep]])
    expected = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)),
                             shape=(n, n))
    expected.sum_duplicates()
    expected.data[:] = 1.0
    built = _symmetric_csr(src, dst, n)
    assert built.shape == (n, n) and built.dtype == np.float32
    np.testing.assert_array_equal(built.indptr, expected.indptr)
    np.testing.assert_array_equal(built.indices, expected.indices)
    np.testing.assert_array_equal(built.data, expected.data)
    assert built.indices.dtype == np.int32
