"""Deterministic ordering: best first, ties broken by index, the same on every machine.

``np.argpartition`` and the default ``np.argsort`` return tied elements in an order that depends on
the CPU's SIMD kernels (numpy dispatches AVX-512 or AVX2 sorting networks at run time), so two
machines can pick different members of a tie at a cut. Everything that ranks or picks neighbours
goes through these two functions instead: for each row the order is by value descending, then by
index ascending — exactly what a full stable sort of ``-values`` gives (the tests check that oracle).
"""
from __future__ import annotations

import numpy as np


def stable_desc(values: np.ndarray) -> np.ndarray:
    """Indices that sort a 1-d array by value descending, ties by index ascending."""
    v = np.asarray(values)
    return np.lexsort((np.arange(len(v)), -v))


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row the indices and values of the ``k`` largest, by value descending then index ascending.

    Ties at the cut are resolved like a full stable sort (the lowest indices win). Rows are processed
    vectorised; only rows with a tie at the k-th value take a slower exact path.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"top_k: found an array with {scores.ndim} axes; allowed: 2 (rows × candidates)")
    n, m = scores.shape
    k = min(int(k), m)
    if k <= 0 or n == 0:
        return np.zeros((n, 0), np.int64), np.zeros((n, 0), scores.dtype)
    if k == m:
        part = np.broadcast_to(np.arange(m), (n, m)).copy()
    else:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, part, axis=1)
    cut = vals.min(axis=1)
    at_or_above = (scores >= cut[:, None]).sum(axis=1)
    idx = np.empty((n, k), np.int64)
    clean = at_or_above == k  # the chosen set is unique: only its order must be fixed
    if clean.any():
        p, v = part[clean], vals[clean]
        order = np.lexsort((p, -v), axis=1)
        idx[clean] = np.take_along_axis(p, order, axis=1)
    for r in np.flatnonzero(~clean):  # ties at the cut (or NaN): exact, like a stable sort
        row = scores[r]
        cand = np.flatnonzero(row >= cut[r]) if not np.isnan(cut[r]) else np.arange(m)
        idx[r] = cand[stable_desc(row[cand])[:k]]
    return idx, np.take_along_axis(scores, idx, axis=1)
