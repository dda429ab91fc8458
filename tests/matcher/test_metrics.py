"""The ranking metrics: hand-computed values, the laws of condensed lists, and the qrels reader's errors."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.metrics import condensed, evaluate, judged_at, mrr, ndcg_at, read_qrels

RELS = {"a": 3, "b": 0, "c": 2}


def test_ndcg_and_mrr_by_hand():
    ranked = ["x", "c", "b", "a"]  # x unjudged
    dcg = (2**2 - 1) / math.log2(3) + (2**3 - 1) / math.log2(5)
    idcg = (2**3 - 1) / math.log2(2) + (2**2 - 1) / math.log2(3)
    assert ndcg_at(ranked, RELS) == pytest.approx(dcg / idcg)
    assert mrr(ranked, RELS, min_grade=2) == pytest.approx(1 / 2)
    assert mrr(ranked, RELS, min_grade=3) == pytest.approx(1 / 4)


def test_condensed_lists_by_hand():
    ranked = ["x", "c", "y", "b", "a"]
    assert condensed(ranked, RELS) == ["c", "b", "a"]
    assert judged_at(ranked, RELS, k=4) == pytest.approx(2 / 4)
    out = evaluate({"q": ranked}, {"q": RELS}, min_grade=2, condensed_lists=True)
    assert out["MRR"] == pytest.approx(1 / 2) and out["MRR'"] == pytest.approx(1.0)
    assert out["nDCG'@10"] == pytest.approx(ndcg_at(["c", "b", "a"], RELS))
    assert out["Judged@10"] == pytest.approx(3 / 5)
    assert "nDCG'@10" not in evaluate({"q": ranked}, {"q": RELS}, min_grade=2)


docs = st.sampled_from([f"d{i}" for i in range(12)])


@given(st.lists(docs, unique=True, max_size=12), st.dictionaries(docs, st.integers(0, 3), max_size=12))
def test_condensed_lists_never_score_lower_and_equal_the_plain_ones_when_all_is_judged(ranked, rels):
    kept = condensed(ranked, rels)
    assert ndcg_at(kept, rels) >= ndcg_at(ranked, rels) - 1e-12
    assert mrr(kept, rels, 1) >= mrr(ranked, rels, 1)
    assert 0.0 <= judged_at(ranked, rels) <= 1.0
    if all(d in rels for d in ranked):
        assert kept == ranked and judged_at(ranked, rels) == (1.0 if ranked else 0.0)


def test_read_qrels_names_the_bad_line(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("n1 0 a 2\n\nn1 0 b high\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        read_qrels(path)
    assert str(err.value) == "q.tsv line 3: found 'n1 0 b high'; allowed: query_id 0 doc_id grade"
