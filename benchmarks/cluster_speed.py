"""Time to cluster 1,000 / 10,000 / 50,000 needs with cached embeddings, and how it grows.

Vectors are synthetic but shaped like real need embeddings: 384-d, drawn around planted topic centres
(topic size 5–40) plus unrelated needs, so the graph has the structure real data has. Reports the
time to find each need's nearest neighbours (exact up to 4,096 needs, a k-means forest above:
``matcher.neighbours``), to find communities (Louvain up to ``MEGLER_CLUSTER_LOUVAIN_LIMIT``, vectorised label
propagation above: ``matcher.communities``) and prune them — exactly as ``matcher.demand.cluster_vectors`` does —, in total,
the adjusted Rand index against the planted topics, and the growth exponent between sizes (1.0 =
linear; n log n would be 1.10–1.15 over these steps). Goal: 10,000 needs in ≤ 30 s on the 2-core machine.

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
from matcher.communities import communities  # noqa: E402
from matcher.demand import centre, prune  # noqa: E402
from matcher.neighbours import nearest_neighbours  # noqa: E402


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
    print("| needs | neighbours s | communities + pruning s | total s | ARI | growth exponent | n log n would be |\n"
          "|---|---|---|---|---|---|---|")
    previous = None
    for n in [int(x) for x in args.sizes.split(",")]:
        vectors, labels = planted(n)
        t0 = time.perf_counter()
        c = centre(vectors)
        idx, sims = nearest_neighbours(c, st.cluster_neighbours)
        t1 = time.perf_counter()
        comms = communities(idx, sims, threshold=st.cluster_similarity, large=st.cluster_louvain_limit, seed=42)
        groups = [prune(m, c, 0.15) for m in comms]
        t2 = time.perf_counter()
        predicted = np.arange(n) + n
        for ci, members in enumerate(g for g in groups if len(g) >= 2):
            predicted[members] = ci
        truth = np.where(labels >= 0, labels, np.arange(n) + 2 * n)
        ari = adjusted_rand_score(truth, predicted)
        total = t2 - t0
        growth = nlogn = ""
        if previous is not None:
            growth = f"{math.log(total / previous[1]) / math.log(n / previous[0]):.2f}"
            nlogn = f"{math.log(n * math.log(n) / (previous[0] * math.log(previous[0]))) / math.log(n / previous[0]):.2f}"
        print(f"| {n:,} | {t1 - t0:.2f} | {t2 - t1:.2f} | {total:.2f} | {ari:.3f} | {growth} | {nlogn} |", flush=True)
        previous = (n, total)


if __name__ == "__main__":
    main()
