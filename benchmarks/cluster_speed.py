"""Time to cluster 1,000 / 10,000 / 50,000 needs with cached embeddings, and how it grows.

Vectors are synthetic but shaped like real need embeddings: 384-d, drawn around planted topic centres
(topic size 5–40) plus unrelated needs (centred on their own mean: synthetic vectors have no subject
reference). ``matcher.clusters.cluster_vectors`` runs as the service runs it: average linkage up to
``MEGLER_CLUSTER_EXACT_LIMIT`` needs (quadratic), above it each need's nearest neighbours (a k-means
forest: ``matcher.neighbours``), vectorised label propagation (``matcher.communities``) and pruning.
Reports the time, the adjusted Rand index against the planted topics, and the growth exponent between
sizes (1.0 = linear; n log n would be 1.10–1.15 over these steps). Goal: 10,000 needs in ≤ 30 s on the
2-core machine.

    python benchmarks/cluster_speed.py [--sizes 1000,10000,50000]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog.config import get_settings  # noqa: E402
from matcher.clusters import cluster_vectors  # noqa: E402


def planted(n: int, seed: int = 0, dim: int = 384) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.full(n, -1)
    vectors = np.empty((n, dim), np.float32)
    i, topic = 0, 0
    n_clustered = int(n * 0.8)
    while i < n_clustered:
        size = min(int(rng.integers(5, 41)), n_clustered - i)
        centre_vec = rng.standard_normal(dim)
        vectors[i:i + size] = centre_vec + 1.1 * rng.standard_normal((size, dim))
        labels[i:i + size] = topic
        i, topic = i + size, topic + 1
    vectors[i:] = rng.standard_normal((n - i, dim)) * 1.5
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors, labels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000,100000")
    args = ap.parse_args()
    st = get_settings()
    print("| needs | method | total s | ARI | growth exponent | n log n would be |\n|---|---|---|---|---|---|")
    previous = None
    for n in [int(x) for x in args.sizes.split(",")]:
        vectors, labels = planted(n)
        t0 = time.perf_counter()
        groups = cluster_vectors(vectors, threshold=st.cluster_similarity, k=st.cluster_neighbours,
                                 large=st.cluster_exact_limit)
        total = time.perf_counter() - t0
        predicted = np.arange(n) + n
        for ci, members in enumerate(groups):
            predicted[members] = ci
        truth = np.where(labels >= 0, labels, np.arange(n) + 2 * n)
        ari = adjusted_rand_score(truth, predicted)
        method = "average linkage" if n <= st.cluster_exact_limit else "kNN + label propagation"
        growth = nlogn = ""
        if previous is not None:
            growth = f"{math.log(total / previous[1]) / math.log(n / previous[0]):.2f}"
            nlogn = f"{math.log(n * math.log(n) / (previous[0] * math.log(previous[0]))) / math.log(n / previous[0]):.2f}"
        print(f"| {n:,} | {method} | {total:.2f} | {ari:.3f} | {growth} | {nlogn} |", flush=True)
        previous = (n, total)


if __name__ == "__main__":
    main()
