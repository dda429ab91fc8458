"""Lexical relevance: character n-gram TF-IDF (catches Norwegian compounds and inflections).

Word-level BM25 collapses on Scandinavian compounds (sveiseteknikk vs sveising); char_wb
n-grams do not. ``CharTfidf`` follows the estimator contract: ``fit`` stores state in
attributes ending in ``_`` and returns self; ``score`` before ``fit`` raises NotFittedError.
"""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from catalog.errors import NotFittedError


class CharTfidf:
    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 1, max_features: int | None = 400_000,
                 sublinear_tf: bool = True):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def fit(self, docs: list[str]) -> CharTfidf:
        if not docs:
            raise ValueError("CharTfidf.fit: found 0 documents; allowed: at least 1")
        self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, min_df=self.min_df,
                                           max_features=self.max_features, sublinear_tf=self.sublinear_tf,
                                           lowercase=True, dtype=np.float32)
        self.matrix_ = self.vectorizer_.fit_transform(docs).tocsr()
        self.matrix_t_ = self.matrix_.T.tocsr()
        return self

    def score(self, queries: list[str]) -> np.ndarray:
        """Cosine similarity, shape (len(queries), n_docs), values in [0, 1]."""
        if not hasattr(self, "matrix_"):
            raise NotFittedError("CharTfidf is not fitted yet; call fit(docs) first")
        q = self.vectorizer_.transform(queries)
        out = (q @ self.matrix_t_).toarray()
        return np.clip(out, 0.0, 1.0).astype(np.float32)
