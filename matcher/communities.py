"""Communities in the need-similarity graph: Louvain (networkx) for small sets, vectorised label
propagation for large ones.

The graph comes as k-nearest-neighbour lists (``matcher.neighbours``): row i holds i's neighbours
and their similarities; an edge exists where the similarity reaches the threshold, in either
direction. ``label_propagation`` works on a scipy sparse matrix in numpy, linear in the edges per
pass: each node takes the label with the largest total edge weight among its neighbours. Plain
synchronous updates oscillate on bipartite-like parts of the graph, so each pass moves only a random
share of the nodes that want another label (seeded, so the result is deterministic); a node keeps
its label on a tie, and the passes stop once at most ``settled`` of the nodes still want to move.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph


def edge_matrix(indices: np.ndarray, sims: np.ndarray, n: int, threshold: float) -> sparse.csr_matrix:
    """Symmetric weighted adjacency (n × n) of the kNN edges with similarity ≥ threshold; an edge found
    from both ends counts once (as a networkx graph would keep it)."""
    rows, cols = np.nonzero((sims >= threshold) & (indices >= 0))
    directed = sparse.csr_matrix((sims[rows, cols].astype(np.float64), (rows, indices[rows, cols])), shape=(n, n))
    return directed.maximum(directed.T).tocsr()


def nx_graph(a: sparse.csr_matrix) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(a.shape[0]))
    upper = sparse.triu(a, k=1).tocoo()
    g.add_weighted_edges_from(zip(upper.row.tolist(), upper.col.tolist(), upper.data.tolist(), strict=True))
    return g


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


def louvain_by_component(a: sparse.csr_matrix, *, seed: int = 42) -> list[list[int]]:
    """Louvain on each connected component on its own, nodes in index order, largest component first.

    A component's communities depend only on that component: a need with no edge to a group (say, one
    unrelated need added to the set) cannot reorder the random sweep that finds the group, so existing
    clusters stay as they were. Isolated nodes come back as singletons.
    """
    count, comp = csgraph.connected_components(a, directed=False)
    order = np.argsort(comp, kind="stable")
    cuts = np.flatnonzero(np.diff(comp[order])) + 1
    out: list[list[int]] = []
    for nodes in np.split(order, cuts):
        if len(nodes) == 1:
            out.append([int(nodes[0])])
            continue
        sub = nx_graph(a[nodes][:, nodes].tocsr())
        for c in nx.community.louvain_communities(sub, weight="weight", seed=seed):
            out.append(sorted(int(nodes[i]) for i in c))
    return sorted(out, key=lambda c: (-len(c), c[0]))


def communities(indices: np.ndarray, sims: np.ndarray, *, threshold: float, large: int, seed: int = 42
                ) -> list[list[int]]:
    """Node groups (each sorted), from kNN lists: Louvain up to ``large`` nodes, label propagation above."""
    n = len(indices)
    a = edge_matrix(indices, sims, n, threshold)
    if a.nnz == 0:
        return []
    if n <= large:
        return louvain_by_component(a, seed=seed)
    labels = label_propagation(a, seed=seed)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [g.tolist() for g in np.split(order, cuts)]
