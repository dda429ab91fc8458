"""Time to cluster 1,000 / 10,000 / 50,000 needs with cached embeddings, and how it grows.

Vectors are synthetic but shaped like real need embeddings: 384-d, drawn around planted topic centres
(topic size 5–40) plus unrelated needs, so the graph has the structure real data has. Reports the
time to build the k-NN similarity graph (exact up to 20,000 needs, HNSW above), to find communities
(Louvain up to 20,000, fast label propagation above — as ``matcher.demand.cluster_vectors`` does), in total, the adjusted Rand
index against the planted topics, and the growth exponent between sizes (1.0 = linear).
Goal: 10,000 needs in ≤ 30 s on the 2-core machine.

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

import networkx as nx  # noqa: E402

from catalog.config import get_settings  # noqa: E402
from matcher.demand import EXACT_KNN_LIMIT, centre, prune, similarity_graph  # noqa: E402


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
    print("| needs | graph s | communities s | total s | ARI | growth exponent |\n|---|---|---|---|---|---|")
    previous = None
    for n in [int(x) for x in args.sizes.split(",")]:
        vectors, labels = planted(n)
        t0 = time.perf_counter()
        c = centre(vectors)
        g = similarity_graph(c, threshold=st.cluster_similarity, k=st.cluster_neighbours)
        t1 = time.perf_counter()
        if n <= EXACT_KNN_LIMIT:
            comms = nx.community.louvain_communities(g, weight="weight", seed=42)
        else:
            comms = nx.community.fast_label_propagation_communities(g, weight="weight", seed=42)
        groups = [prune(sorted(m), c, 0.15) for m in comms]
        t2 = time.perf_counter()
        predicted = np.arange(n) + n
        for ci, members in enumerate(g for g in groups if len(g) >= 2):
            predicted[members] = ci
        truth = np.where(labels >= 0, labels, np.arange(n) + 2 * n)
        ari = adjusted_rand_score(truth, predicted)
        total = t2 - t0
        growth = "" if previous is None else f"{math.log(total / previous[1]) / math.log(n / previous[0]):.2f}"
        print(f"| {n:,} | {t1 - t0:.1f} | {t2 - t1:.1f} | {total:.1f} | {ari:.3f} | {growth} |", flush=True)
        previous = (n, total)


if __name__ == "__main__":
    main()
