"""Ranking metrics against graded judgments (TREC qrels): nDCG@k with gain 2^g − 1, MRR and Recall@k
counting grades ≥ ``min_grade``, and the qrels reader. The benchmarks and ``megler train`` share them.

Judgments are pooled: a document nobody judged counts as not relevant, so a ranker that finds documents the
pool never saw is scored down for it. ``judged_at`` says how much of a top k was judged, and ``evaluate(...,
condensed_lists=True)`` scores the *condensed* lists as well (unjudged documents removed before scoring, Sakai
2007: nDCG'@10, MRR'), which compare rankers fairly on incomplete judgments."""
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


def judged_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    """The share of the first ``k`` ranked documents that have a judgment (any grade, 0 included)."""
    top = ranked[:k]
    return sum(d in rels for d in top) / len(top) if top else 0.0


def condensed(ranked: list[str], rels: dict[str, int]) -> list[str]:
    """The ranking with the unjudged documents left out, order kept."""
    return [d for d in ranked if d in rels]


def ranking_metrics(ranked: list[str], rels: dict[str, int], min_grade: int = 1, *,
                    condensed_lists: bool = False) -> dict[str, float]:
    """One query's ranking: nDCG@10, MRR and Recall@20; with ``condensed_lists`` also nDCG'@10 and MRR' (the
    same measures on the condensed ranking) and Judged@10."""
    out = {"nDCG@10": ndcg_at(ranked, rels), "MRR": mrr(ranked, rels, min_grade),
           "Recall@20": recall_at(ranked, rels, 20, min_grade)}
    if condensed_lists:
        kept = condensed(ranked, rels)
        out.update({"nDCG'@10": ndcg_at(kept, rels), "MRR'": mrr(kept, rels, min_grade),
                    "Judged@10": judged_at(ranked, rels)})
    return out


def scored_queries(qrels: dict[str, dict[str, int]], min_grade: int = 1) -> list[str]:
    """The queries the means count: those with a document at ``min_grade`` or above."""
    return [q for q in qrels if any(g >= min_grade for g in qrels[q].values())]


def evaluate(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]], min_grade: int = 1, *,
             condensed_lists: bool = False) -> dict[str, float]:
    """``ranking_metrics`` averaged over ``scored_queries``, and their number."""
    qs = scored_queries(qrels, min_grade)
    rows = [ranking_metrics(runs.get(q, []), qrels[q], min_grade, condensed_lists=condensed_lists) for q in qs]
    keys = ranking_metrics([], {}, min_grade, condensed_lists=condensed_lists)
    out: dict[str, float] = {k: sum(r[k] for r in rows) / (len(qs) or 1) for k in keys}
    out["queries"] = len(qs)
    return out
