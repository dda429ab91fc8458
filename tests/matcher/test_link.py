"""Text-only linking: TSV reading keeps every good line and names every bad one; top-k agrees with
a full sort; labels link to their own copy first."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matcher.link import link, read_tsv, top_k

LABELS = ["sveiser", "sykepleier", "tømrer", "regnskapsfører", "kokk", "lastebilsjåfør", "barnehagelærer"]


def test_read_tsv_keeps_good_lines_and_names_bad_ones(tmp_path):
    p = tmp_path / "q.tsv"
    p.write_text("Q1\tSveiser\nno tab here\n\nQ2\t  \n\tno id\nQ1\tagain\nQ3\tKokk\r\n", encoding="utf-8")
    ids, texts, problems = read_tsv(p)
    assert (ids, texts) == (["Q1", "Q3"], ["Sveiser", "Kokk"])
    assert [pr.line for pr in problems] == [2, 4, 5, 6]
    assert problems[0].message() == (f"{p}, line 2: found no tab in 'no tab here'; "
                                     "allowed: id<TAB>text, both non-empty, each id once")
    assert "an empty text for id 'Q2'" in problems[1].message()
    assert "an empty id" in problems[2].message()
    assert "id 'Q1' a second time (the first is kept)" in problems[3].message()


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(1, 30)),
              elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])), st.integers(1, 40))
def test_top_k_is_a_stable_sort_prefix(scores, k):
    idx, vals = top_k(scores, k)
    for row in range(scores.shape[0]):
        oracle = sorted(range(scores.shape[1]), key=lambda j: (-scores[row, j], j))[:k]
        assert idx[row].tolist() == oracle
        assert vals[row].tolist() == scores[row, oracle].tolist()


def test_each_label_links_to_its_own_copy_first(encoder):
    queries = [s.capitalize() for s in LABELS]
    out = list(link([f"q{i}" for i in range(len(LABELS))], queries, [f"d{i}" for i in range(len(LABELS))],
                    LABELS, encoder, k=3, batch=3))
    assert [r.query_id for r in out] == [f"q{i}" for i in range(len(LABELS))]
    assert [r.results[0][0] for r in out] == [f"d{i}" for i in range(len(LABELS))]
    for r in out:
        assert len(r.results) == 3 and all(0.0 <= s <= 1.0 for _, s in r.results)
        assert [s for _, s in r.results] == sorted((s for _, s in r.results), reverse=True)


def test_link_without_an_encoder_uses_character_ngrams_only():
    out = list(link(["a"], ["sveising"], ["d1", "d2"], ["kokk", "sveiser"], None, k=2))
    assert out[0].results[0][0] == "d2"
    with pytest.raises(ValueError, match="link: found 0 documents; allowed: at least 1"):
        list(link(["a"], ["x"], [], [], None))
