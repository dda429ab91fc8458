"""Ranking metrics against graded judgments (TREC qrels): nDCG@k with gain 2^g − 1, MRR and Recall@k
counting grades ≥ ``min_grade``, and the qrels reader. The benchmarks and ``megler train`` share them."""
from __future__ import annotations

import math
from pathlib import Path


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC qrels (``query_id 0 doc_id grade`` per line; blank lines skipped) as query → doc → grade.
    Raises ValueError naming the file and line of a line that is not of that shape."""
    qrels: dict[str, dict[str, int]] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 4 or not parts[3].lstrip("-").isdigit():
            raise ValueError(f"{Path(path).name} line {n}: found {line!r}; allowed: query_id 0 doc_id grade")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** rels.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr(ranked: list[str], rels: dict[str, int], min_grade: int = 1) -> float:
    for i, d in enumerate(ranked):
        if rels.get(d, 0) >= min_grade:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], rels: dict[str, int], k: int = 20, min_grade: int = 1) -> float:
    relevant = {d for d, g in rels.items() if g >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def evaluate(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]], min_grade: int = 1) -> dict[str, float]:
    qs = [q for q in qrels if any(g >= min_grade for g in qrels[q].values())]
    n = len(qs) or 1
    return {
        "nDCG@10": sum(ndcg_at(runs.get(q, []), qrels[q]) for q in qs) / n,
        "MRR": sum(mrr(runs.get(q, []), qrels[q], min_grade) for q in qs) / n,
        "Recall@20": sum(recall_at(runs.get(q, []), qrels[q], 20, min_grade) for q in qs) / n,
        "queries": len(qs),
    }
