"""The embedding cache: vectors keyed by model name and text hash, in the database or in a file of its own."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from catalog.store.db import make_engine
from catalog.store.models import EmbeddingCacheEntry


class SqlEmbeddingCache:
    """Implements ``matcher.encode.EmbeddingCache`` on the ``embedding_cache`` table.

    Uses its own short transactions, so a ranking never holds a write lock for long.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with Session(self.engine) as s:
            for i in range(0, len(hashes), 500):
                rows = s.execute(select(EmbeddingCacheEntry.text_hash, EmbeddingCacheEntry.vector).where(
                    EmbeddingCacheEntry.model == model, EmbeddingCacheEntry.text_hash.in_(hashes[i:i + 500])))
                for h, blob in rows:
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        with Session(self.engine) as s, s.begin():
            existing = set(s.scalars(select(EmbeddingCacheEntry.text_hash).where(
                EmbeddingCacheEntry.model == model, EmbeddingCacheEntry.text_hash.in_(list(vectors)))))
            s.add_all([EmbeddingCacheEntry(model=model, text_hash=h, dim=int(v.shape[0]),
                                           vector=np.asarray(v, np.float32).tobytes())
                       for h, v in vectors.items() if h not in existing])


def file_cache(path: str | Path) -> SqlEmbeddingCache:
    """An embedding cache in a SQLite file of its own (made with its one table if new), which any number of
    databases and processes can share: the vectors depend only on the model and the text."""
    engine = make_engine(f"sqlite:///{Path(path).expanduser()}")
    EmbeddingCacheEntry.__table__.create(engine, checkfirst=True)
    return SqlEmbeddingCache(engine)
