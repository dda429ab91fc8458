"""Vectorised label propagation and the kNN edge matrix (matcher.communities)."""
import networkx as nx  # the reference implementation the tests compare with
import numpy as np

from matcher.communities import communities, edge_matrix, label_propagation


def _cliques(sizes: list[int], isolated: int, seed: int = 0):
    """kNN lists of disjoint cliques (similarity 0.5–0.9 inside, none across) plus isolated nodes."""
    rng = np.random.default_rng(seed)
    n = sum(sizes) + isolated
    k = max(sizes) - 1
    idx = np.full((n, k), -1)
    sims = np.full((n, k), -np.inf, np.float32)
    start, truth = 0, []
    for s in sizes:
        members = list(range(start, start + s))
        for i in members:
            others = [j for j in members if j != i]
            idx[i, :len(others)] = others
            sims[i, :len(others)] = rng.uniform(0.5, 0.9, len(others))
        truth.append(members)
        start += s
    perm = rng.permutation(n)  # node numbering must not matter
    inv = np.argsort(perm)
    idx2 = np.where(idx >= 0, inv[np.maximum(idx, 0)], -1)[perm]
    return idx2, sims[perm], sorted(sorted(int(inv[m]) for m in t) for t in truth), n


def test_label_propagation_finds_disjoint_cliques_exactly():
    idx, sims, truth, n = _cliques([3, 5, 8, 13, 2], isolated=4)
    found = communities(idx, sims, threshold=0.1)
    groups = sorted(g for g in found if len(g) > 1)
    assert groups == truth
    assert sum(len(g) == 1 for g in found) == 4  # isolated nodes stay alone
    assert communities(idx, sims, threshold=0.1) == found  # deterministic


def test_edge_matrix_is_symmetric_thresholded_and_counts_an_edge_once():
    idx = np.array([[1, 2], [0, 2], [0, -1]])
    sims = np.array([[0.8, 0.05], [0.8, 0.3], [0.05, -np.inf]], np.float32)
    a = edge_matrix(idx, sims, 3, threshold=0.1).toarray()
    np.testing.assert_allclose(a, [[0, 0.8, 0], [0.8, 0, 0.3], [0, 0.3, 0]], atol=1e-6)


def test_label_propagation_matches_networkx_on_two_linked_groups():
    """Two dense groups joined by one weak edge: both methods keep them apart."""
    g = nx.Graph()
    g.add_weighted_edges_from([(i, j, 1.0) for i in range(6) for j in range(i + 1, 6)])
    g.add_weighted_edges_from([(i, j, 1.0) for i in range(6, 12) for j in range(i + 1, 12)])
    g.add_edge(0, 6, weight=0.1)
    labels = label_propagation(nx.to_scipy_sparse_array(g, nodelist=range(12), format="csr"))
    assert len(set(labels[:6])) == 1 and len(set(labels[6:])) == 1 and labels[0] != labels[6]
    ref = nx.community.fast_label_propagation_communities(g, weight="weight", seed=1)
    assert sorted(sorted(c) for c in ref) == [list(range(6)), list(range(6, 12))]
