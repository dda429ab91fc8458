"""Hubness correction: the offset is alpha × the mean of the k largest bank similarities (an
oracle by sorting), it touches only the z-score legs, and alpha 0 is the same as no correction."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matcher.hubness import BUILTIN_BANK, HubCorrection, read_bank, top_k_mean
from matcher.rank import Ranker, TextRelevance
from matcher.types import NeedQuery

DOCS = ["Sveising for fagarbeidere. TIG og MAG, sertifisering.", "Grunnkurs i regnskap og bokføring.",
        "Nettkurs i digitale arbeidsmetoder for alle ansatte.", "Demensomsorg i sykehjem.",
        "Truckførerkurs for lagerarbeidere.", "Norsk som andrespråk på arbeidsplassen."]
BANK = ("Vi trenger kurs i sveising.", "Ansatte må lære digitale verktøy.", "Sykepleierne trenger videreutdanning.",
        "Lageret trenger truckførere.", "Økonomiavdelingen skal lære regnskap.")
NEEDS = ["Fagarbeiderne våre må sertifisere seg i sveising", "Vi trenger opplæring i bokføring"]


@settings(max_examples=80, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 12), st.integers(1, 9)),
              elements=st.floats(-1, 1, width=32)), st.integers(1, 15), st.integers(0, 4))
def test_top_k_mean_is_the_mean_of_the_k_largest_after_the_skipped(sims, k, skip):
    def oracle(row):
        ranked = sorted(row, reverse=True)
        s = min(skip, len(ranked) - 1)
        return np.mean(ranked[s:s + k])
    assert top_k_mean(sims, k, skip=skip, block=5) == pytest.approx([oracle(r) for r in sims], abs=1e-5)


def test_top_k_mean_edges():
    sims = np.array([[0.1, 0.9, 0.5]], np.float32)
    assert top_k_mean(sims, 1)[0] == pytest.approx(0.9)
    assert top_k_mean(sims, 99)[0] == pytest.approx(0.5)
    assert top_k_mean(sims, 1, skip=1)[0] == pytest.approx(0.5)
    assert top_k_mean(sims, 5, skip=1)[0] == pytest.approx(0.3)
    assert top_k_mean(sims, 2, skip=9)[0] == pytest.approx(0.1)  # never skips everything
    assert top_k_mean(np.zeros((2, 0), np.float32), 3).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="found an array with 1 axes; allowed: 2"):
        top_k_mean(np.zeros(3), 1)


def test_read_bank_skips_comments_and_blank_lines(tmp_path):
    p = tmp_path / "bank.txt"
    p.write_text("# a comment\n\n  Vi trenger kurs i sveising.  \n#another\nLageret trenger truckførere.\n",
                 encoding="utf-8")
    assert read_bank(p) == ("Vi trenger kurs i sveising.", "Lageret trenger truckførere.")
    p.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="found 0 need texts; allowed: at least 1 non-comment line"):
        read_bank(p)


def test_builtin_bank_is_varied_and_has_no_duplicates():
    texts = read_bank()
    assert BUILTIN_BANK.is_file() and len(texts) >= 100
    assert len(set(texts)) == len(texts)


def test_offsets_match_the_definition(encoder):
    hubs = HubCorrection(BANK, dense_alpha=0.7, dense_k=2, lexical_alpha=0.4, lexical_k=3, dense_skip=1)
    rel = TextRelevance(encoder, hubs=hubs).fit(DOCS)
    bank_v = encoder.encode_queries(list(BANK))
    dense_oracle = [0.7 * np.mean(sorted(bank_v @ v, reverse=True)[1:3]) for v in rel.vectors_]
    lex = rel.lexical_.score([rel.lexical_query(t) for t in BANK]).T  # the bank read as needs are
    lexical_oracle = [0.4 * np.mean(sorted(row, reverse=True)[:3]) for row in lex]
    assert rel.hub_offsets_["dense"] == pytest.approx(dense_oracle, abs=1e-5)
    assert rel.hub_offsets_["lexical"] == pytest.approx(lexical_oracle, abs=1e-5)


def test_correction_changes_only_the_z_legs_and_alpha_zero_is_none(encoder):
    plain = TextRelevance(encoder).fit(DOCS)
    off = TextRelevance(encoder, hubs=HubCorrection(BANK, dense_alpha=0, lexical_alpha=0)).fit(DOCS, vectors=plain.vectors_)
    on = TextRelevance(encoder, hubs=HubCorrection(BANK)).fit(DOCS, vectors=plain.vectors_)
    qv = encoder.encode_queries(NEEDS)
    a, b, c = (r.components_batch(NEEDS, qv) for r in (plain, off, on))
    assert off.hub_offsets_ == {}
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    for key in ("raw_dense", "raw_lexical"):
        np.testing.assert_array_equal(a[key], c[key])
    np.testing.assert_allclose(c["dense"].mean(axis=1), 0, atol=1e-5)  # still z-scores
    assert not np.allclose(a["dense"], c["dense"])


def test_a_document_copied_from_the_bank_gets_the_largest_offset(encoder):
    docs = DOCS + [BANK[1]]
    rel = TextRelevance(encoder, hubs=HubCorrection(BANK, dense_k=1, lexical_k=1, dense_skip=0)).fit(docs)
    self_similarity = float(encoder.encode_queries([BANK[1]])[0] @ rel.vectors_[-1])  # query vs passage side
    assert rel.hub_offsets_["dense"][-1] == pytest.approx(self_similarity, abs=1e-5)
    assert int(np.argmax(rel.hub_offsets_["dense"])) == len(docs) - 1
    assert int(np.argmax(rel.hub_offsets_["lexical"])) == len(docs) - 1


def test_ranker_uses_the_builtin_bank_unless_told_not_to(encoder, register):
    from matcher.convert import offers_from_jsonl
    from tests.conftest import DEMO

    offers = offers_from_jsonl(DEMO / "offers.jsonl", register)[:20]
    default = Ranker(encoder).fit(offers)
    assert default.text.hubs is not None and len(default.text.hubs.texts) == len(read_bank())
    assert set(default.text.hub_offsets_) == {"dense", "dense_title", "lexical"}  # title vectors: as the dense leg
    none = Ranker(encoder, hubs=False).fit(offers, default.text.vectors_)
    assert none.text.hubs is None and none.text.hub_offsets_ == {}
    need = NeedQuery("Vi trenger kurs i sveising")
    fast = default.rank(need, 5).results
    oracle = default.score_all(need)[:5]
    assert [r.offer.offer_id for r in fast] == [oid for _, oid in oracle]
