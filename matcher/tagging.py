"""Suggest classification codes (STYRK-08, SN2007, NUS, ESCO) for texts, with a confidence.

The codes' labels (name, short name and any imported aliases, e.g. NAV's job titles under a STYRK
occupation) are the documents of a ``TextRelevance`` — the ranker's own text machinery, labels on
the query side as in label-to-label linking. A text's ``k`` most relevant labels vote for their
codes with weight exp((relevance − best) / tau); a code's confidence is its share of the votes.
Votes can be summed one hierarchy level up (``group``), so a 2-digit STYRK suggestion pools the
evidence of all its 4-digit occupations. ``k`` and ``tau`` were chosen by cross-validation in
``benchmarks/tagger_quality.py``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.encode import Encoder
from matcher.rank import TextRelevance, Weights

# chosen by nested cross-validation on NAV's job titles with the job titles imported (benchmarks/tagger_quality.py:
# k 160 in 3 of 5 folds, 80 in 2; tau 0.1 in all); the held-out figures of these defaults are printed there too
VOTE_K = 160
VOTE_TAU = 0.1
# The text legs the tagger was measured with (benchmarks/tagger_quality.py, need_tagging.py): labels are
# short, so the phrase leg (a label carrying the text's key terms whole) counts; fixed here so that the
# ranker's weights, chosen on offers, do not move the tagger.
TAGGER_WEIGHTS = Weights(dense=1.0, lexical=0.5, phrase=1.0, dense_title=0.0)


@dataclass(frozen=True)
class Suggestion:
    code: str
    confidence: float  # the code's share of the votes, in (0, 1]


def vote(scores: np.ndarray, label_groups: np.ndarray, n_groups: int, *, k: int = VOTE_K, tau: float = VOTE_TAU,
         top: int = 5) -> list[list[tuple[int, float]]]:
    """Per row of ``scores`` (texts × labels), the ``top`` groups by vote share; pure.

    Label j belongs to group ``label_groups[j]``; the ``k`` best labels vote exp((s − s_best) / tau).
    Ties go to the group with the lower index, so the same input gives the same order anywhere.
    """
    scores = np.asarray(scores, np.float64)
    if scores.ndim != 2:
        raise ValueError(f"vote: found an array with {scores.ndim} axes; allowed: 2 (texts × labels)")
    if tau <= 0 or k < 1:
        raise ValueError(f"vote: found k={k}, tau={tau}; allowed: k ≥ 1 and tau > 0")
    n, m = scores.shape
    k = min(k, m)
    if n == 0 or m == 0:
        return [[] for _ in range(n)]
    labels = np.arange(m)
    best = np.lexsort((np.broadcast_to(labels, (n, m)), -scores), axis=-1)[:, :k]  # best first; ties by index
    vals = np.take_along_axis(scores, best, axis=1)
    weights = np.exp((vals - vals[:, :1]) / tau)
    totals = np.zeros((n, n_groups))
    np.add.at(totals, (np.repeat(np.arange(n), k), label_groups[best].ravel()), weights.ravel())
    share = totals / totals.sum(axis=1, keepdims=True)
    ranked = np.lexsort((np.broadcast_to(np.arange(n_groups), share.shape), -share), axis=-1)[:, :top]
    return [[(int(g), float(share[i, g])) for g in ranked[i] if share[i, g] > 0] for i in range(n)]


class CodeTagger:
    """Suggests codes of one classification for texts (needs, offers, job titles)."""

    def __init__(self, encoder: Encoder | None, *, weights: Weights | None = None, k: int = VOTE_K,
                 tau: float = VOTE_TAU):
        self.encoder = encoder
        self.weights = weights or TAGGER_WEIGHTS
        self.k, self.tau = k, tau

    def fit(self, labels: Sequence[tuple[str, str]], vectors: np.ndarray | None = None) -> CodeTagger:
        """``labels``: (code, label text) pairs, several per code allowed."""
        if not labels:
            raise ValueError("CodeTagger.fit: found 0 labels; allowed: at least one (code, text) pair")
        self.codes_ = [c for c, _ in labels]
        texts = [t for _, t in labels]
        if vectors is None and self.encoder is not None:
            vectors = self.encoder.encode_queries(texts)
        # Symmetric: the whole text is read, level words too, for they carry the code (NUS codes the
        # level; "Lektor (videregående skole)" and "Lektor (universitet og høyskole)" are two occupations).
        self.relevance_ = TextRelevance(self.encoder, self.weights, symmetric=True).fit(texts, vectors=vectors)
        return self

    def scores(self, texts: list[str], query_vectors: np.ndarray | None = None) -> np.ndarray:
        """Relevance of every label to every text (texts × labels), in [0, 1]."""
        return self.relevance_.score_batch(list(texts), query_vectors)

    def suggest(self, texts: list[str], *, query_vectors: np.ndarray | None = None, top: int = 5,
                group: Callable[[str], str | None] | None = None,
                scores: np.ndarray | None = None) -> list[list[Suggestion]]:
        """The ``top`` codes per text, best first; with ``group`` the votes count for the group code
        (labels whose code has no group are left out)."""
        if not texts:
            return []
        s = self.scores(texts, query_vectors) if scores is None else scores
        keys = [group(c) if group else c for c in self.codes_]
        names = sorted({g for g in keys if g is not None})
        index = {g: i for i, g in enumerate(names)}
        keep = np.array([g is not None for g in keys])
        if not keep.any():
            return [[] for _ in texts]
        groups = np.array([index[g] for g in keys if g is not None])
        ranked = vote(s[:, keep], groups, len(names), k=self.k, tau=self.tau, top=top)
        return [[Suggestion(names[g], round(conf, 4)) for g, conf in row] for row in ranked]
