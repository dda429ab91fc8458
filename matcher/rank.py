"""Ranking: text relevance (dense + lexical + title + fuzzy) × the broker's rules, exact top-k.

``TextRelevance`` scores any query against any corpus (needs → offers, job titles → ESCO labels):
each leg is standardised per query over the corpus (z-scores), fused as a weighted mean with
per-document weights from settings (a tuned convex combination; reciprocal-rank fusion measured
worse), and mapped to [0, 1]. See ``benchmarks/quality.py`` for the measurements.

``Ranker`` adds the rules: final score = relevance × product of rule factors, in [0, 1].
Because every factor is ≤ 1, relevance is an upper bound on the final score, so top-k is
exact while scoring rules on only a few candidates (threshold algorithm); tests check it
against brute force.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from catalog.errors import NotFittedError
from matcher.encode import Encoder
from matcher.fuzzy import title_scores
from matcher.hubness import HubCorrection, bank_vectors, top_k_mean
from matcher.lexical import CharTfidf
from matcher.phrases import fold_titles, key_terms, title_cover
from matcher.topic import without_constraints


@dataclass(frozen=True)
class Weights:
    """Fusion weights on per-query z-scores. Documents with a real description (``long_words`` words or
    more) get ``dense_long`` / ``lexical_long``: embeddings read prose well, while character n-grams
    are the better evidence on title-only offers (measured on the development sets).

    ``dense_title`` is the share of an offer's embedding evidence that comes from its title embedded on
    its own, for offers whose text is more than the title: a long description dilutes the vector, and the
    title is the offer's subject in a few words. 0 embeds the whole text only."""

    dense: float = 1.5
    lexical: float = 0.5
    title: float = 0.0
    fuzzy: float = 0.0
    dense_long: float = 2.0
    lexical_long: float = 0.3
    long_words: int = 8
    context: float = 3.0
    phrase: float = 0.0
    dense_title: float = 0.2

    def as_dict(self) -> dict[str, object]:
        return {"dense": self.dense, "lexical": self.lexical, "title": self.title, "fuzzy": self.fuzzy,
                "dense_long": self.dense_long, "lexical_long": self.lexical_long,
                "context": self.context, "phrase": self.phrase, "dense_title": self.dense_title}

    @classmethod
    def from_settings(cls, st) -> Weights:
        """From the ``MEGLER_*`` settings (any object with those attributes)."""
        return cls(dense=st.weight_dense, lexical=st.weight_lexical, title=st.weight_title, fuzzy=st.weight_fuzzy,
                   dense_long=st.weight_dense_long, lexical_long=st.weight_lexical_long,
                   context=st.weight_context, phrase=st.weight_phrase, dense_title=st.weight_dense_title)


@dataclass(frozen=True)
class Calibration:
    """How fused evidence becomes a relevance in [0, 1].

    relative = sigmoid((z - z_mid) / z_scale) of the fused z-score (how much an offer stands out in
    this catalog for this need); absolute = max(sigmoid((cos - dense_mid) / dense_scale),
    1 - exp(-lexical_cos / lexical_scale)) (how similar the texts are, whatever the catalog);
    relevance = relative^(1 - absolute_weight) × absolute^absolute_weight. The absolute part lets
    coverage thresholds mean the same in a small and a large catalog. ``dense_mid`` / ``dense_scale``
    default to the encoder's own (multilingual-e5 cosines sit high: 0.86 ± 0.02).
    """

    z_mid: float = 2.5
    z_scale: float = 1.0
    absolute_weight: float = 0.3
    dense_mid: float | None = None
    dense_scale: float | None = None
    lexical_scale: float = 0.3
    fuzzy_mid: float = 0.5
    fuzzy_scale: float = 0.15

    @classmethod
    def from_settings(cls, st) -> Calibration:
        return cls(absolute_weight=st.absolute_weight)

    def relative(self, z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(np.asarray(z, np.float64) - self.z_mid) / self.z_scale))

    def absolute(self, raw_dense: np.ndarray | None, raw_lexical: np.ndarray | None, mid: float,
                 scale: float) -> np.ndarray | None:
        parts = []
        if raw_dense is not None:
            parts.append(1.0 / (1.0 + np.exp(-(np.asarray(raw_dense, np.float64) - mid) / scale)))
        if raw_lexical is not None:
            parts.append(1.0 - np.exp(-np.clip(np.asarray(raw_lexical, np.float64), 0, None) / self.lexical_scale))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else np.maximum(parts[0], parts[1])


def zscore(x: np.ndarray, spread: np.ndarray | None = None) -> np.ndarray:
    """Per-row standardisation over the corpus (rows are queries, the last axis documents).

    ``spread``: divide by this array's standard deviation instead of ``x``'s own (the hub-corrected
    similarities keep the scale of the plain ones, so calibrated scores keep their meaning).
    """
    x = np.asarray(x, np.float32)
    mean = x.mean(axis=-1, keepdims=True)
    std = (x if spread is None else np.asarray(spread, np.float32)).std(axis=-1, keepdims=True)
    return ((x - mean) / np.where(std > 1e-9, std, 1.0)).astype(np.float32)


LEGS = ("dense", "dense_title", "lexical", "title", "fuzzy", "context", "phrase")
def corrected_z(values: np.ndarray, offset: np.ndarray | None = None) -> np.ndarray:
    """Per-query z-scores of the hub-corrected similarities (``values - offset``), in units of the plain
    similarities' spread (``matcher.hubness``); without an offset, plain z-scores."""
    return zscore(values) if offset is None else zscore(values - offset, spread=values)


PHRASE_Z = 3.0  # a title carrying all the need's key terms counts like a 3-sigma standout (matcher.phrases)


def lexical_evidence(z_lexical: np.ndarray) -> np.ndarray:
    """The character n-gram leg as evidence (pure): only overlap counts — a document sharing fewer n-grams
    than average is not pushed down (paraphrases with no shared words are often the right offer).

    Two further corrections were measured and removed: scaling the lift by the embedding's support (a
    sigmoid gate on the dense z-score) and ramping the leg in with a need's best n-gram overlap. Under
    cross-validation neither raised the held-out numbers (``benchmarks/quality.py``, the knob table).
    """
    return np.maximum(np.asarray(z_lexical, np.float32), 0.0)


def leg_weights(docs: list[str], weights: Weights, present: set[str],
                has_context: np.ndarray | None = None, titled: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per-document weight of each leg present (pure: the ranker and the benchmarks share it).

    The context leg weighs only on documents that have a context text (``has_context``). On documents
    whose text is more than their title (``titled``), the title's own embedding takes the share
    ``dense_title`` of the embedding weight (the ``dense_title`` leg), the whole text the rest.
    """
    long = np.array([len(d.split()) >= weights.long_words for d in docs], dtype=bool)
    has = np.ones(len(docs), bool) if has_context is None else np.asarray(has_context, bool)
    dense = np.where(long, weights.dense_long, weights.dense)
    share = np.zeros(len(docs)) if titled is None or "dense_title" not in present else \
        np.where(np.asarray(titled, bool), weights.dense_title, 0.0)
    per_doc = {"dense": dense * (1.0 - share), "dense_title": dense * share,
               "lexical": np.where(long, weights.lexical_long, weights.lexical),
               "title": np.full(len(docs), weights.title), "fuzzy": np.full(len(docs), weights.fuzzy),
               "context": np.where(has, weights.context, 0.0), "phrase": np.full(len(docs), weights.phrase)}
    return {leg: per_doc[leg].astype(np.float32) for leg in LEGS if leg in present}


def fuse_z(comps: dict[str, np.ndarray], legs: dict[str, np.ndarray], calibration: Calibration, *,
           fuzzy_bound: bool = False, index: np.ndarray | slice = slice(None),
           dense_calibration: tuple[float, float] = (0.86, 0.02)) -> np.ndarray | None:
    """Relevance in [0, 1] from z-score legs (documents on the last axis) and the raw cosines.

    The relative part is the per-document weighted mean of the z-score legs; with ``fuzzy_bound`` a
    missing fuzzy leg counts at its maximum (an upper bound for exact top-k). ``index`` selects
    documents when ``comps`` hold only those documents' values. None if no leg applies.
    """
    total: np.ndarray | float = 0.0
    weight_sum: np.ndarray | float = 0.0
    for leg, weights in legs.items():
        w = weights[index]
        if leg in comps:
            total = total + w * comps[leg]
        elif leg == "fuzzy" and fuzzy_bound:
            total = total + w * (1.0 - calibration.fuzzy_mid) / calibration.fuzzy_scale
        else:
            continue
        weight_sum = weight_sum + w
    if isinstance(total, float):
        return None
    ws = np.asarray(weight_sum, np.float32)
    relative = calibration.relative(total / np.where(ws > 0, ws, 1.0))
    mid = calibration.dense_mid if calibration.dense_mid is not None else dense_calibration[0]
    scale = calibration.dense_scale if calibration.dense_scale is not None else dense_calibration[1]
    absolute = calibration.absolute(comps.get("raw_dense"), comps.get("raw_lexical"), mid, scale)
    if absolute is None or calibration.absolute_weight <= 0:
        return relative.astype(np.float32)
    a = calibration.absolute_weight
    return (relative ** (1 - a) * absolute ** a).astype(np.float32)


BY_KIND = object()  # TextRelevance's lexical reading by the kind of query: needs or labels


class TextRelevance:
    """Text-only relevance of queries to a corpus; usable on any pair of corpora.

    Each leg is standardised per query over the corpus (z-scores) and the legs are fused as a
    per-document weighted mean, mapped to [0, 1] by ``Calibration``. ``symmetric=True`` encodes the
    documents on the query side too (label-to-label linking, e.g. job titles → occupation labels).
    ``hubs`` (a ``HubCorrection``) lowers, before the z-scores, the similarity of documents that
    resemble every query of a reference bank (see ``matcher.hubness``); None leaves it out.
    ``fit(..., contexts=...)`` gives documents a longer context text (an occupation concept's
    description, say), embedded on the passage side and fused as its own leg.
    ``lexical_options`` are ``CharTfidf``'s (n-gram range, sublinear tf), the defaults unless a benchmark
    varies them. ``lexical_query`` is how the character n-gram legs read a query (and the hub bank's
    needs). By default a need is read without its constraint phrases (``matcher.topic.without_constraints``),
    which the rules judge, and with ``symmetric`` (labels on both sides) the text is read as it is: there
    level words name the thing ("Lektor (videregående skole)"). None reads any query as it is. The
    embedding reads the whole text (a need's subject alone lost held out).
    """

    def __init__(self, encoder: Encoder | None = None, weights: Weights | None = None,
                 calibration: Calibration | None = None, *, symmetric: bool = False,
                 hubs: HubCorrection | None = None,
                 lexical_query: Callable[[str], str] | None | object = BY_KIND,
                 lexical_options: dict | None = None):
        self.encoder = encoder
        self.lexical_options = dict(lexical_options or {})  # CharTfidf's own (benchmarks/constants_cv.py)
        self.weights = weights or Weights()
        self.calibration = calibration or Calibration()
        self.symmetric = symmetric
        self.hubs = hubs
        if lexical_query is BY_KIND:
            lexical_query = None if symmetric else without_constraints
        self.lexical_query = lexical_query

    def lexical_queries(self, queries) -> list[str]:
        """The queries as the character n-gram legs read them (``lexical_query``)."""
        read = self.lexical_query
        return list(queries) if read is None else [read(q) for q in queries]

    def fit(self, docs: list[str], titles: list[str] | None = None, vectors: np.ndarray | None = None, *,
            contexts: list[str | None] | None = None) -> TextRelevance:
        w = self.weights
        self.n_docs_ = len(docs)
        self.docs_ = list(docs)
        self.titles_ = list(titles) if titles is not None else list(docs)
        tfidf = self.lexical_options
        self.lexical_ = CharTfidf(**tfidf).fit(docs) if (w.lexical or w.lexical_long) and docs else None
        self.title_ = CharTfidf(**tfidf).fit(self.titles_) if w.title and docs else None
        self.folded_titles_ = fold_titles(self.titles_) if w.phrase and docs else None
        self.vectors_ = None
        if (w.dense or w.dense_long) and self.encoder is not None:
            if vectors is None:
                encode = self.encoder.encode_queries if self.symmetric else self.encoder.encode_passages
                vectors = encode(list(docs))
            vectors = np.asarray(vectors, np.float32)
            self.vectors_ = vectors.reshape(len(docs), -1) if len(docs) else vectors.reshape(0, vectors.shape[-1]
                                                                                           if vectors.ndim > 1 else 0)
        self._fit_titles()
        self._fit_contexts(contexts)
        present = {leg for leg, on in (("dense", self.vectors_ is not None), ("lexical", self.lexical_ is not None),
                                       ("dense_title", self.title_vectors_ is not None),
                                       ("title", self.title_ is not None), ("fuzzy", bool(w.fuzzy)),
                                       ("context", self.context_vectors_ is not None),
                                       ("phrase", self.folded_titles_ is not None)) if on}
        self.leg_weights_ = leg_weights(list(docs), w, present, self.context_has_, self.titled_)
        self._fit_hubs()
        return self

    def _fit_titles(self) -> None:
        """Title vectors for the ``dense_title`` leg: a document whose text is more than its title gets its
        title embedded on its own (on the documents' side); the others keep their vector."""
        self.title_vectors_ = self.titled_ = None
        if not self.weights.dense_title or self.vectors_ is None or not self.n_docs_:
            return
        titled = np.array([t.strip() != d.strip() for t, d in zip(self.titles_, self.docs_, strict=True)], bool)
        if not titled.any():
            return
        encode = self.encoder.encode_queries if self.symmetric else self.encoder.encode_passages
        self.title_vectors_ = self.vectors_.copy()
        self.title_vectors_[titled] = encode([t for t, on in zip(self.titles_, titled, strict=True) if on])
        self.titled_ = titled

    def _fit_contexts(self, contexts: list[str | None] | None) -> None:
        self.context_vectors_ = self.context_has_ = None
        if contexts is None or not self.weights.context or self.encoder is None:
            return
        if len(contexts) != self.n_docs_:
            raise ValueError(f"contexts: found {len(contexts)} for {self.n_docs_} documents; allowed: one per "
                             "document (None where a document has none)")
        has = np.array([bool(c and c.strip()) for c in contexts], bool)
        if not has.any():
            return
        encoded = self.encoder.encode_passages([c for c, h in zip(contexts, has, strict=True) if h])
        self.context_vectors_ = np.zeros((self.n_docs_, encoded.shape[1]), np.float32)
        self.context_vectors_[has] = encoded
        self.context_has_ = has

    def _fit_hubs(self) -> None:
        """Per-document hub offsets by leg (alpha × mean similarity to the nearest bank needs); empty
        without a bank."""
        self.hub_offsets_: dict[str, np.ndarray] = {}
        h = self.hubs
        if h is None or not self.n_docs_:
            return
        if self.vectors_ is not None and h.dense_alpha:
            bank = bank_vectors(self.encoder, h.texts)
            for leg, vectors in (("dense", self.vectors_), ("dense_title", self.title_vectors_)):
                if vectors is not None:
                    self.hub_offsets_[leg] = h.dense_alpha * top_k_mean(vectors @ bank.T, h.dense_k, skip=h.dense_skip)
        if self.lexical_ is not None and h.lexical_alpha:
            sims = self.lexical_.score(self.lexical_queries(h.texts)).T
            self.hub_offsets_["lexical"] = h.lexical_alpha * top_k_mean(sims, h.lexical_k, skip=h.lexical_skip)

    def _check(self) -> None:
        if not hasattr(self, "n_docs_"):
            raise NotFittedError("TextRelevance is not fitted yet; call fit(docs) first")

    def raw_batch(self, queries: list[str], query_vectors: np.ndarray | None = None,
                  with_fuzzy: bool = False) -> dict[str, np.ndarray]:
        """Raw per-leg similarities, each (len(queries), n_docs): cosine for dense/lexical/title, 0–1 fuzzy."""
        self._check()
        out: dict[str, np.ndarray] = {}
        if self.vectors_ is not None or self.context_vectors_ is not None:
            qv = query_vectors if query_vectors is not None else self.encoder.encode_queries(list(queries))
            qv = np.asarray(qv, np.float32).reshape(len(queries), -1)
            if self.vectors_ is not None:
                out["dense"] = qv @ self.vectors_.T
            if self.title_vectors_ is not None:
                out["dense_title"] = qv @ self.title_vectors_.T
            if self.context_vectors_ is not None:  # documents without a context sit at the mean (z = 0)
                sims = qv @ self.context_vectors_.T
                has = self.context_has_
                sims[:, ~has] = sims[:, has].mean(axis=1, keepdims=True)
                out["context"] = sims
        if self.lexical_ is not None or self.title_ is not None:
            lexical_queries = self.lexical_queries(queries)
        if self.lexical_ is not None:
            out["lexical"] = self.lexical_.score(lexical_queries)
        if self.title_ is not None:
            out["title"] = self.title_.score(lexical_queries)
        if self.folded_titles_ is not None:
            out["phrase"] = np.stack([title_cover(key_terms(q), self.folded_titles_) for q in queries])
        if with_fuzzy and "fuzzy" in self.leg_weights_:
            out["fuzzy"] = np.stack([title_scores(q, self.titles_) for q in queries])
        return out

    def fuzzy_z(self, values: np.ndarray) -> np.ndarray:
        c = self.calibration
        return ((np.asarray(values, np.float32) - c.fuzzy_mid) / c.fuzzy_scale).astype(np.float32)

    def components_batch(self, queries: list[str], query_vectors: np.ndarray | None = None,
                         with_fuzzy: bool = False) -> dict[str, np.ndarray]:
        """Per-leg z-scores over the corpus, each (len(queries), n_docs); raw values under ``raw_<leg>``.

        The z-scores are of the hub-corrected similarities, in units of the plain similarities' spread;
        the raw values are the plain ones.
        """
        comps: dict[str, np.ndarray] = {}
        for leg, values in self.raw_batch(queries, query_vectors, with_fuzzy).items():
            comps[f"raw_{leg}"] = values
            if leg == "fuzzy":
                comps[leg] = self.fuzzy_z(values)
            elif leg == "phrase":
                comps[leg] = (PHRASE_Z * values).astype(np.float32)
            else:
                comps[leg] = corrected_z(values, self.hub_offsets_.get(leg))
        if "lexical" in comps:
            comps["lexical"] = lexical_evidence(comps["lexical"])
        return comps

    def components(self, query: str, query_vector: np.ndarray | None = None,
                   with_fuzzy: bool = False) -> dict[str, np.ndarray]:
        """Components for one query, each of shape (n_docs,)."""
        qv = None if query_vector is None else np.asarray(query_vector, np.float32).reshape(1, -1)
        return {k: v[0] for k, v in self.components_batch([query], qv, with_fuzzy).items()}

    def fuse(self, comps: dict[str, np.ndarray], *, fuzzy_bound: bool = False,
             index: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Relevance in [0, 1] from z-score components (documents on the last axis).

        With ``fuzzy_bound`` a missing fuzzy leg counts at its maximum (an upper bound for exact top-k).
        ``index`` selects the documents when ``comps`` hold only those documents' values.
        """
        enc = self.encoder
        dense_cal = (getattr(enc, "similarity_mid", 0.86), getattr(enc, "similarity_scale", 0.02))
        fused = fuse_z(comps, self.leg_weights_, self.calibration, fuzzy_bound=fuzzy_bound, index=index,
                       dense_calibration=dense_cal)
        return np.zeros(self.n_docs_, np.float32)[index] if fused is None else fused

    def score(self, query: str, query_vector: np.ndarray | None = None) -> np.ndarray:
        return self.fuse(self.components(query, query_vector, with_fuzzy=True))

    def score_batch(self, queries: list[str], query_vectors: np.ndarray | None = None) -> np.ndarray:
        """Relevance (len(queries), n_docs) in [0, 1]."""
        return self.fuse(self.components_batch(queries, query_vectors, with_fuzzy=True))


# The ranker (rules, exact top-k, learned stage) lives in matcher.ranker; these names stay importable from here.
from matcher.ranker import RankedOffer, Ranker, Ranking  # noqa: E402,F401
