"""Shared evaluation helpers for the benchmarks: metrics and the development sets in ../shared."""
from __future__ import annotations

import csv
import math
import os
from collections import defaultdict
from pathlib import Path

SHARED = Path(os.environ.get("MEGLER_SHARED", Path(__file__).resolve().parents[1].parent / "shared")) / "data"


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4:
            qrels[parts[0]][parts[2]] = int(parts[3])
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


def concept_descriptions(subset: Path, element_ids: list[str], esco_csv: Path | None = None
                         ) -> list[str | None] | None:
    """Each MELO corpus element's ESCO concept description (English labels and definition), joined
    through the subset's concept_mapping.tsv and an ESCO occupations CSV (``id,description``; by
    default ../shared/data/taxonomies/esco_occupations_en.csv). None if either file is missing.
    The concept's own public description is context about the document, not a judgment."""
    mapping = subset / "concept_mapping.tsv"
    esco = esco_csv or SHARED / "taxonomies/esco_occupations_en.csv"
    if not mapping.is_file() or not esco.is_file():
        return None
    with esco.open(encoding="utf-8", newline="") as f:
        described = {row["id"]: row["description"] for row in csv.DictReader(f)}
    uri = dict(line.split("\t", 1) for line in mapping.read_text(encoding="utf-8").splitlines() if "\t" in line)
    texts = (described.get(uri.get(e, "").strip()) for e in element_ids)
    return [" ".join(t.split()) if t else None for t in texts]  # one line each (tabs, newlines folded)
