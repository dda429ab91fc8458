import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.errors import InvalidNeedError, NotFittedError
from matcher.convert import need_from_dict, offers_from_jsonl, read_jsonl
from matcher.encode import CachedEncoder, MemoryCache
from matcher.features import FEATURES
from matcher.rank import Ranker, TextRelevance, Weights, leg_weights, lexical_evidence
from matcher.topic import without_constraints
from matcher.types import NeedQuery, OfferItem
from tests.conftest import DEMO


@pytest.fixture(scope="module")
def demo_offers(register):
    return offers_from_jsonl(DEMO / "offers.jsonl", register)


@pytest.fixture(scope="module")
def ranker(demo_offers, encoder):
    return Ranker(encoder, Weights(0.5, 1.0, 0.5, 0.3)).fit(demo_offers)


@pytest.fixture(scope="module")
def default_ranker(demo_offers, encoder, ranker):
    return Ranker(encoder).fit(demo_offers, ranker.text.vectors_)


@pytest.fixture(scope="module")
def demo_needs(register):
    return [need_from_dict(r, register) for r in read_jsonl(DEMO / "needs.jsonl")]


@pytest.mark.parametrize("k, chunk", [(1, 3), (5, 7), (10, 64), (40, 17)])
def test_top_k_agrees_with_brute_force(ranker, demo_needs, k, chunk):
    for need in demo_needs[::6]:
        fast = ranker.rank(need, k, chunk=chunk).results
        oracle = ranker.score_all(need)[:k]
        assert [r.offer.offer_id for r in fast] == [oid for _, oid in oracle]
        assert [r.score for r in fast] == pytest.approx([s for s, _ in oracle], abs=1e-6)


def test_every_result_has_components_and_norwegian_reasons(default_ranker, demo_needs):
    need = next(n for n in demo_needs if n.need_id == "n14")  # preparedness, Nesseby, wants credits online
    [res, *_] = default_ranker.rank(need, 3).results
    d = res.as_dict()
    assert d["offer_id"] == "bd-01"
    assert {"dense", "lexical", "relevance", "rule_avstand", "rule_nivå"} <= set(d["components"])
    assert "Nettbasert – ingen reise" in d["reasons"]
    assert "NKR 6 – innenfor ønsket nivå minst NKR 5 (lest fra teksten)" in d["reasons"]
    assert d["score"] == pytest.approx(d["components"]["relevance"] * np.prod(
        [r["factor"] for r in d["rules"]]), abs=1e-3)


def test_hard_constraints_remove_failing_offers(ranker, register):
    need = need_from_dict({"text": "Sveising", "municipality": "Lyngen", "max_distance_km": 100,
                           "delivery": "campus"}, register)
    results = ranker.rank(need, 20, hard=True).results
    assert results and all(not any(r.hard for r in res.rules) for res in results)


def test_odd_needs_get_clear_messages(ranker, register):
    with pytest.raises(InvalidNeedError, match="no text"):
        ranker.rank(NeedQuery("   "), 5)
    need = need_from_dict({"text": "Kurs i ledelse", "municipality": "Atlantis"}, register)
    ranking = ranker.rank(need, 200)
    assert any("Atlantis" in n for n in ranking.notes)
    assert any("Behovets kommune er ukjent" in r for res in ranking.results for r in res.reasons)


def test_unfitted_components_raise():
    with pytest.raises(NotFittedError):
        Ranker().rank(NeedQuery("x"), 5)
    with pytest.raises(NotFittedError):
        TextRelevance().score("x")


words = st.lists(st.sampled_from(["sveising", "ledelse", "demens", "fisk", "velferd", "regnskap", "bygg", "nett",
                                  "kurs", "helse", "tre", "sikkerhet"]), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(words)
def test_scores_stay_in_range(ranker, text):
    for r in ranker.rank(NeedQuery(text), 10).results:
        assert 0.0 <= r.score <= r.relevance <= 1.0


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=150))
def test_identical_text_scores_highest(demo_offers, i):
    docs = [o.passage() for o in demo_offers]
    rel = TextRelevance(None, Weights(0, 1, 0, 0)).fit(docs)
    scores = rel.score(docs[i])
    assert scores[i] == pytest.approx(scores.max())


def test_lexical_options_reach_the_ngram_leg():
    """"veise" stands inside "sveiseteknikk": they share n-grams up to five characters, but no 6-gram (the
    n-grams of a word are padded with a space at each end)."""
    docs = ["sveiseteknikk", "regnskap"]
    plain = TextRelevance(None, Weights(0, 1, 0, 0), lexical_query=None).fit(docs)
    sixes = TextRelevance(None, Weights(0, 1, 0, 0), lexical_query=None,
                          lexical_options={"ngram_range": (6, 6)}).fit(docs)
    assert plain.raw_batch(["veise"])["lexical"][0, 0] > 0.2
    assert sixes.raw_batch(["veise"])["lexical"][0, 0] == 0.0
    assert sixes.lexical_.vectorizer_.ngram_range == (6, 6)


def test_cached_encoder_never_recomputes_unchanged_text(encoder):
    cached = CachedEncoder(encoder, MemoryCache(), batch_size=2)
    first = cached.encode_passages(["sveising", "ledelse", "sveising"])
    assert cached.computed == 2
    second = cached.encode_passages(["ledelse", "sveising"])
    assert cached.computed == 2
    np.testing.assert_allclose(second, first[[1, 0]])
    q = cached.encode_queries(["sveising"])
    assert cached.computed == 3 and not np.allclose(q[0], first[0])  # query and passage sides differ


def test_rank_many_gives_the_same_results_as_rank(ranker, demo_needs, encoder):
    needs = demo_needs[:9]
    qv = encoder.encode_queries([n.text for n in needs])
    many = ranker.rank_many(needs, 5, query_vectors=qv, batch=4)
    for need, got, v in zip(needs, many, qv, strict=True):
        one = ranker.rank(need, 5, query_vector=v)
        assert [r.offer.offer_id for r in got.results] == [r.offer.offer_id for r in one.results]
        assert [r.score for r in got.results] == pytest.approx([r.score for r in one.results], abs=1e-5)


finite = st.floats(min_value=-50, max_value=50, allow_nan=False, width=32)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=30))
def test_only_lexical_overlap_counts_as_evidence(values):
    z_lex = np.array([values], np.float32)
    np.testing.assert_array_equal(lexical_evidence(z_lex), np.where(z_lex > 0, z_lex, 0.0))


def test_context_leg_decides_between_identical_labels(encoder):
    """Two documents with the same label differ only in their context text (a concept description)."""
    docs = ["Fagarbeider", "Fagarbeider", "Sekretær"]
    contexts = ["Car mechanics repair and service cars, trucks and engines.",
                "Cooks prepare and cook meals in restaurants and canteens.", None]
    rel = TextRelevance(encoder, symmetric=True).fit(docs, contexts=contexts)
    assert rel.context_has_.tolist() == [True, True, False]
    assert rel.leg_weights_["context"].tolist() == [3.0, 3.0, 0.0]
    comps = rel.components_batch(["bilmekaniker", "kokk på restaurant"])
    assert comps["context"][:, 2] == pytest.approx([0.0, 0.0], abs=1e-5)  # no context: at the mean
    scores = rel.fuse(comps)
    assert scores[0, 0] > scores[0, 1] and scores[1, 1] > scores[1, 0]
    plain = TextRelevance(encoder, symmetric=True).fit(docs, vectors=rel.vectors_)
    assert "context" not in plain.leg_weights_ and plain.context_vectors_ is None
    np.testing.assert_array_equal(plain.score_batch(["bilmekaniker"])[0, :2],
                                  plain.score_batch(["bilmekaniker"])[0, [1, 0]])  # the labels alone tie


def test_contexts_must_be_one_per_document(encoder):
    with pytest.raises(ValueError, match=r"contexts: found 1 for 2 documents; allowed: one per document"):
        TextRelevance(encoder).fit(["a", "b"], contexts=["only one"])
    none_given = TextRelevance(encoder).fit(["a", "b"], contexts=[None, "  "])
    assert none_given.context_vectors_ is None and "context" not in none_given.leg_weights_


def test_a_constraint_word_is_no_lexical_evidence():
    """A need that must be online gives offers that merely say "nettbasert" no n-gram evidence; read as it
    is (the control), the same sentence lifts them."""
    docs = ["Grunnemne i tysk språk I, nettbasert", "Kalkyle og budsjett i byggeprosjekter", "IT, nettbasert",
            "Sveising av aluminium", "Førstehjelp på arbeidsplassen", "Regnskap og budsjett"]
    need = "Prosjektlederne må bli bedre på kalkyle og kostnadsoppfølging i bygg."
    online = need + " Nettbasert, på deltid."
    lexical_only = Weights(dense=0, dense_long=0, lexical=1, lexical_long=1, dense_title=0)
    assert TextRelevance().lexical_query is without_constraints  # the default reading of needs
    assert TextRelevance(symmetric=True).lexical_query is None  # labels are read as they are
    for reading, lifted in ((without_constraints, False), (None, True)):
        rel = TextRelevance(None, lexical_only, lexical_query=reading).fit(docs)
        plain, stated = (rel.raw_batch([t])["lexical"][0] for t in (need, online))
        for i in (0, 2):
            assert bool(stated[i] > plain[i] + 0.05) is lifted, (reading, docs[i], plain[i], stated[i])


def test_title_vector_leg_reads_the_title_of_offers_with_a_description(encoder):
    """An offer whose long description is about something else: with the title leg, the title's own
    embedding carries its share of the dense evidence; title-only offers keep their one vector."""
    docs = ["Sveising for fagarbeidere. " + "Emnet handler om regnskap, budsjett, bokføring og rapportering. " * 4,
            "Regnskap og bokføring", "Truckførerkurs"]
    titles = ["Sveising for fagarbeidere", "Regnskap og bokføring", "Truckførerkurs"]
    plain = TextRelevance(encoder, Weights(dense_title=0.0)).fit(docs, titles)
    assert plain.title_vectors_ is None and "dense_title" not in plain.leg_weights_
    rel = TextRelevance(encoder, Weights(dense=1.0, dense_title=1.0)).fit(docs, titles, plain.vectors_)
    assert rel.titled_.tolist() == [True, False, False]
    np.testing.assert_array_equal(rel.title_vectors_[1:], plain.vectors_[1:])
    np.testing.assert_allclose(rel.title_vectors_[0], encoder.encode_passages([titles[0]])[0], atol=1e-6)
    assert rel.leg_weights_["dense"].tolist() == [0.0, 1.0, 1.0]  # all of the offer's dense share moves
    assert rel.leg_weights_["dense_title"].tolist() == [2.0, 0.0, 0.0]
    comps = rel.components_batch(["sveising"])
    assert comps["raw_dense_title"][0, 0] > comps["raw_dense"][0, 0]
    assert rel.score_batch(["sveising"])[0, 0] > plain.score_batch(["sveising"])[0, 0]


@given(st.floats(0, 1), st.floats(0, 3), st.floats(0, 3), st.lists(st.booleans(), min_size=1, max_size=6))
def test_title_share_moves_dense_weight_and_never_adds_any(share, dense, dense_long, titled):
    docs = ["ord " * (3 if i % 2 else 12) for i in range(len(titled))]
    w = Weights(dense=dense, dense_long=dense_long, dense_title=share)
    legs = leg_weights(docs, w, {"dense", "dense_title"}, titled=np.array(titled))
    alone = leg_weights(docs, w, {"dense"})
    np.testing.assert_allclose(legs["dense"] + legs["dense_title"], alone["dense"], atol=1e-6)
    assert (legs["dense_title"][~np.array(titled)] == 0).all()


@pytest.mark.parametrize("text, fields", [("Kurs i regnskap og bokføring", {}),
                                          ("Fagbrev på nett ved siden av jobb, maks 15 studiepoeng",
                                           {"level_min": "6", "delivery": ("online",)})])
def test_offers_with_a_title_only_are_ranked_by_text_alone(demo_offers, encoder, text, fields):
    """What a rule cannot check does not reorder: with title-only offers, `match` orders as text relevance."""
    titles = [OfferItem(o.offer_id, o.title) for o in demo_offers]
    r = Ranker(encoder).fit(titles)
    need = NeedQuery(text, **fields)
    ranked = [x.offer.offer_id for x in r.rank(need, 15).results]
    relevance = r.text.score(text)
    oracle = sorted(range(len(titles)), key=lambda i: (-relevance[i], titles[i].offer_id))[:15]
    assert ranked == [titles[i].offer_id for i in oracle]


class _ByTitleLength:
    """A stand-in learned stage with a known order (longest title first): the ranker's contract, not a model."""

    def predict(self, X):
        return X[:, FEATURES.index("doc_words")]


def test_the_learned_stage_reorders_the_hand_built_pool_and_keeps_scores(default_ranker, demo_needs, encoder):
    learned = Ranker(encoder, learned=_ByTitleLength(), pool=20).fit(default_ranker.offers_,
                                                                     default_ranker.text.vectors_)
    for need in demo_needs[::9]:
        pool = {x.offer.offer_id: x for x in learned.rank(need, 20, rerank=False).results}
        top = learned.rank(need, 5).results
        assert {x.offer.offer_id for x in top} <= set(pool)
        values = [x.components["learned"] for x in top]
        assert values == sorted(values, reverse=True)
        assert [x.score for x in top] == [pool[x.offer.offer_id].score for x in top]
        assert [x.rank for x in top] == [1, 2, 3, 4, 5]
        oracle = sorted(pool.values(), key=lambda x: (-np.log1p(len(x.offer.passage().split())), x.offer.offer_id))
        assert [x.offer.offer_id for x in top] == [x.offer.offer_id for x in oracle[:5]]
    many = learned.rank_many(demo_needs[:6], 5)
    assert [[x.offer.offer_id for x in r.results] for r in many] == \
        [[x.offer.offer_id for x in learned.rank(n, 5).results] for n in demo_needs[:6]]
