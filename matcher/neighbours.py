"""k nearest neighbours by inner product (cosine on unit vectors), for the need-similarity graph.

Up to ``exact_limit`` vectors the search is exact: blocked matrix products, quadratic but fast at
that size. Above it, a small forest of balanced k-means trees (FLANN's hierarchical k-means, in
numpy): each tree splits the vectors recursively into ``branching`` cells by spherical k-means on a
sample until a cell holds at most ``leaf`` vectors, and neighbours are searched exactly within each
leaf. Cells follow the data, so a topic of similar needs lands in one leaf; further trees (other
seeds) catch neighbours that one tree split apart. Cost per tree: n · branching · d per level over
log_branching(n / leaf) levels, plus n · leaf · d in the leaves: n log n, no optional dependency.
"""
from __future__ import annotations

import numpy as np

from matcher.order import top_k


def exact_neighbours(vectors: np.ndarray, k: int, *, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours, self excluded: (indices, similarities), each (n, k)."""
    n = len(vectors)
    out_idx = np.empty((n, k), dtype=np.int64)
    out_sim = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = vectors[start:start + block] @ vectors.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf
        out_idx[start:start + block], out_sim[start:start + block] = top_k(sims, k)
    return out_idx, out_sim


def _spherical_kmeans(points: np.ndarray, b: int, rng: np.random.Generator, iterations: int) -> np.ndarray:
    """``b`` unit centroids of ``points`` (cosine k-means, seeded by distinct random points)."""
    centroids = points[rng.choice(len(points), b, replace=False)].copy()
    for _ in range(iterations):
        assign = np.argmax(points @ centroids.T, axis=1)
        onehot = (assign[None, :] == np.arange(b)[:, None]).astype(points.dtype)
        sums = onehot @ points
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] < 1e-9
        centroids = np.where(empty[:, None], centroids, sums / np.where(empty, 1.0, norms[:, 0])[:, None])
    return centroids


def kmeans_leaves(vectors: np.ndarray, *, leaf: int, branching: int, rng: np.random.Generator,
                  sample: int = 2048, iterations: int = 4) -> list[np.ndarray]:
    """Index arrays of the leaves of one balanced k-means tree; every vector is in exactly one leaf."""
    stack, leaves = [np.arange(len(vectors))], []
    while stack:
        ids = stack.pop()
        if len(ids) <= leaf:
            leaves.append(ids)
            continue
        b = min(branching, max(2, -(-len(ids) // leaf)))
        fit_on = ids if len(ids) <= sample else rng.choice(ids, sample, replace=False)
        centroids = _spherical_kmeans(vectors[fit_on], b, rng, iterations)
        assign = np.argmax(vectors[ids] @ centroids.T, axis=1)
        children = [ids[assign == c] for c in range(b)]
        if max(len(c) for c in children) == len(ids):  # no split (duplicates): halve by position instead
            children = [ids[: len(ids) // 2], ids[len(ids) // 2:]]
        stack.extend(c for c in children if len(c))
    return leaves


def _merge(idx_a: np.ndarray, sim_a: np.ndarray, idx_b: np.ndarray, sim_b: np.ndarray, k: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise union of two candidate lists (duplicates once), keeping the k most similar."""
    idx = np.concatenate([idx_a, idx_b], axis=1)
    sim = np.concatenate([sim_a, sim_b], axis=1)
    order = np.argsort(idx, axis=1, kind="stable")
    idx, sim = np.take_along_axis(idx, order, axis=1), np.take_along_axis(sim, order, axis=1)
    dup = np.zeros(idx.shape, dtype=bool)
    dup[:, 1:] = (idx[:, 1:] == idx[:, :-1]) & (idx[:, 1:] >= 0)
    sim = np.where(dup, -np.inf, sim)
    top, best = top_k(sim, k)
    return np.take_along_axis(idx, top, axis=1), best


def forest_neighbours(vectors: np.ndarray, k: int, *, trees: int = 5, leaf: int = 512, branching: int = 16,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Approximate k nearest neighbours from a forest of k-means trees (deterministic for a seed).

    Rows with fewer than k candidates are padded with index -1 and similarity -inf.
    """
    n = len(vectors)
    rng = np.random.default_rng(seed)
    best_idx = np.full((n, k), -1, dtype=np.int64)
    best_sim = np.full((n, k), -np.inf, dtype=np.float32)
    for _ in range(trees):
        idx = np.full((n, k), -1, dtype=np.int64)
        sim = np.full((n, k), -np.inf, dtype=np.float32)
        for ids in kmeans_leaves(vectors, leaf=leaf, branching=branching, rng=rng):
            kk = min(k, len(ids) - 1)
            if kk <= 0:
                continue
            sims = vectors[ids] @ vectors[ids].T
            np.fill_diagonal(sims, -np.inf)
            top, best = top_k(sims, kk)
            idx[ids, :kk] = ids[top]
            sim[ids, :kk] = best
        best_idx, best_sim = _merge(best_idx, best_sim, idx, sim, k)
    return best_idx, best_sim


def nearest_neighbours(vectors: np.ndarray, k: int, *, exact_limit: int = 4096, trees: int = 5, leaf: int = 512,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k nearest neighbours, self excluded: exact up to ``exact_limit`` vectors, a k-means forest above."""
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    kk = min(k, len(v) - 1)
    if kk <= 0:
        return np.zeros((len(v), 0), np.int64), np.zeros((len(v), 0), np.float32)
    if len(v) <= exact_limit:
        return exact_neighbours(v, kk)
    return forest_neighbours(v, kk, trees=trees, leaf=leaf, seed=seed)
