"""Communities in a large need-similarity graph: vectorised label propagation (small sets are clustered
exactly, by average linkage in ``matcher.clusters``).

The graph comes as k-nearest-neighbour lists (``matcher.neighbours``): row i holds i's neighbours
and their similarities; an edge exists where the similarity reaches the threshold, in either
direction. ``label_propagation`` works on a scipy sparse matrix in numpy, linear in the edges per
pass: each node takes the label with the largest total edge weight among its neighbours. Plain
synchronous updates oscillate on bipartite-like parts of the graph, so each pass moves only a random
share of the nodes that want another label (seeded, so the result is deterministic); a node keeps
its label on a tie, and the passes stop once at most ``settled`` of the nodes still want to move.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


def edge_matrix(indices: np.ndarray, sims: np.ndarray, n: int, threshold: float) -> sparse.csr_matrix:
    """Symmetric weighted adjacency (n × n) of the kNN edges with similarity ≥ threshold; an edge found
    from both ends counts once."""
    rows, cols = np.nonzero((sims >= threshold) & (indices >= 0))
    directed = sparse.csr_matrix((sims[rows, cols].astype(np.float64), (rows, indices[rows, cols])), shape=(n, n))
    return directed.maximum(directed.T).tocsr()


def label_propagation(a: sparse.csr_matrix, *, seed: int = 42, max_passes: int = 30, share: float = 0.7,
                      settled: float = 1e-3) -> np.ndarray:
    """Weighted label propagation; returns a label per node (isolated nodes keep their own)."""
    n = a.shape[0]
    labels = np.arange(n)
    rng = np.random.default_rng(seed)
    coo = a.tocoo()
    rows, cols, w = coo.row, coo.col, coo.data
    has_edges = np.diff(a.indptr) > 0
    for _ in range(max_passes):
        # weight of each (node, neighbour label) pair, summed
        votes = sparse.coo_matrix((w, (rows, labels[cols])), shape=(n, n)).tocsr()
        votes.sum_duplicates()  # canonical: summed and sorted, so ties go to the smallest label
        counts = np.diff(votes.indptr)
        vr = np.repeat(np.arange(n), counts)
        # best label per row: highest weight; on a tie the node's own label, then the smallest label
        score = votes.data + (votes.indices == labels[vr]) * 1e-9
        nonempty = counts > 0
        row_max = np.full(n, -np.inf)
        row_max[nonempty] = np.maximum.reduceat(score, votes.indptr[:-1][nonempty])
        hits = np.flatnonzero(score >= row_max[vr])
        first = hits[np.r_[True, vr[hits][1:] != vr[hits][:-1]]]
        best = labels.copy()
        best[vr[first]] = votes.indices[first]
        wants = has_edges & (best != labels)
        if wants.sum() <= settled * n:  # (almost) every node already holds its best label
            break
        labels = np.where(wants & (rng.random(n) < share), best, labels)
    return labels


def communities(indices: np.ndarray, sims: np.ndarray, *, threshold: float, seed: int = 42) -> list[list[int]]:
    """Node groups (each sorted, singletons included), from kNN lists, by label propagation."""
    n = len(indices)
    a = edge_matrix(indices, sims, n, threshold)
    if a.nnz == 0:
        return []
    labels = label_propagation(a, seed=seed)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [g.tolist() for g in np.split(order, cuts)]
