"""Ranking quality on real data: the 30 Norwegian needs with little word overlap (../shared/data/eval).

The right course shares almost no words with the need, and wrong ones share incidental words
("håndtere" / "håndtering", "nettsider"): the fused ranker must follow the embedding there, while
still using character n-grams where they carry evidence (benchmarks/quality.py has the full table).
"""
import json

import numpy as np
import pytest

from matcher.hubness import HubCorrection
from matcher.rank import TextRelevance, Weights

pytestmark = pytest.mark.shared


def mrr(scores: np.ndarray) -> float:
    """The right document for query i is document i."""
    ranks = [(row > row[i]).sum() + 1 for i, row in enumerate(scores)]
    return float(np.mean([1.0 / r for r in ranks]))


@pytest.fixture(scope="module")
def no_overlap(shared, encoder):
    d = json.loads((shared / "eval/no_overlap_30.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c["text"] for c in d["courses"]}
    needs = [n["text"] for n in d["needs"]]
    docs = [by_id[n["id"]] for n in d["needs"]] + [c["text"] for c in d["courses"] if c["id"] not in
                                                   {n["id"] for n in d["needs"]}]
    return needs, docs, encoder.encode_passages(docs), encoder.encode_queries(needs)


# The spread these assertions must stay outside of: on the development machine the scores are bit-identical
# across 1 and 2 encoder threads, single and batch encoding, OpenBLAS kernels (SkylakeX, Haswell, Zen,
# Sandybridge, Prescott), numpy's AVX-512 and AVX2 code paths and separate processes (fused 0.878, dense
# 0.874); another machine of the same kind reported 0.844 for the corrected fusion. So each bound below sits
# at least 0.09 (about 3 times the largest difference seen) away from every measured value, and no assertion
# compares two methods whose measured gap is smaller than that (corrected fusion vs dense alone: 0.004 —
# that comparison lives in benchmarks/quality.py, which prints the numbers).


def test_fusion_follows_the_embedding_when_words_do_not_overlap(no_overlap, encoder):
    needs, docs, vectors, queries = no_overlap
    fused = mrr(TextRelevance(encoder).fit(docs, vectors=vectors).score_batch(needs, queries))
    lexical = mrr(TextRelevance(None, Weights(dense=0, dense_long=0)).fit(docs).score_batch(needs))
    assert fused >= 0.70  # measured 0.836 (0.80–0.84 across machines); char TF-IDF alone 0.333
    assert fused >= lexical + 0.3


def test_hub_correction_keeps_the_fusion_near_the_embedding(no_overlap, encoder):
    needs, docs, vectors, queries = no_overlap
    corrected = mrr(TextRelevance(encoder, hubs=HubCorrection.builtin()).fit(docs, vectors=vectors)
                    .score_batch(needs, queries))
    dense_only = mrr(queries @ vectors.T)
    assert corrected >= 0.75  # measured 0.878 here, 0.844 on another machine; dense alone 0.874
    assert corrected >= dense_only - 0.09  # the correction must not throw away what the embedding finds


def test_the_norwegian_label_set_judges_every_title_against_the_documents(shared):
    """``benchmarks/quality.py``'s NAV set: every job title is a query once, each has its own STYRK-08 unit
    group among the documents (a title with none would lower every system's MRR alike), and the documents
    are the 4-digit groups with their names."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from quality import load_nav_styrk

    es = load_nav_styrk()
    assert len(es.queries) == len(set(es.queries)) == len(es.query_ids) > 4000
    assert all(len(c) == 4 and c.isdigit() for c in es.doc_ids) and len(set(es.doc_ids)) == len(es.doc_ids)
    docs = set(es.doc_ids)
    assert all(rel and set(rel) <= docs for rel in (es.qrels[q] for q in es.query_ids))
    names = dict(zip(es.doc_ids, es.docs, strict=True))
    assert names["2223"].startswith("Sykepleier")
