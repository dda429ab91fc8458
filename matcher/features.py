"""Features of (need, candidate offer) pairs for the learned ranker: only what the engine already computes.

One row per candidate of a ranked pool (``RankedOffer`` from ``Ranker``'s hand-built stage), columns in
``FEATURES`` order. Scale-free features (within-pool rank percentiles, z-scores, shares) are preferred,
so that a model fitted on one catalog or language carries to another. Pure: no model, no database.
"""
from __future__ import annotations

import numpy as np

from matcher.fuzzy import title_scores
from matcher.phrases import key_terms, title_evidence
from matcher.rules import UNKNOWN

RULE_NAMES = ("nivå", "omfang", "avstand", "levering", "oppstart", "språk")
FEATURES = (
    "relevance", "score", "rules_factor", "z_dense", "raw_dense", "raw_lexical", "dense_pct", "lexical_pct",
    "relevance_pct", "fuzzy_title", "title_full", "title_part", "phrase_in_title", "need_terms",
    "doc_words", "title_only", "unknown_rules",
    *(f"rule_{r}" for r in RULE_NAMES),
)


def _percentile(values: np.ndarray) -> np.ndarray:
    """Rank percentile within the pool (1 = best), ties share the lower rank; 1.0 for a pool of one."""
    n = len(values)
    if n <= 1:
        return np.ones(n, np.float32)
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(n, np.float64)
    ranks[order] = np.arange(n)
    return (1.0 - ranks / (n - 1)).astype(np.float32)


def candidate_features(need_text: str, pool: list, comps: dict[str, np.ndarray]) -> np.ndarray:
    """(len(pool), len(FEATURES)) float32 for ``pool`` (``RankedOffer``s with ``index`` into the fitted
    offers) of one need; ``comps`` are that need's text components over all offers (``raw_*`` and z-scores)."""
    n = len(pool)
    out = np.zeros((n, len(FEATURES)), np.float32)
    if n == 0:
        return out
    idx = np.array([r.index for r in pool])
    col = {name: i for i, name in enumerate(FEATURES)}
    raw_dense = comps["raw_dense"][idx] if "raw_dense" in comps else np.zeros(n, np.float32)
    raw_lexical = comps["raw_lexical"][idx] if "raw_lexical" in comps else np.zeros(n, np.float32)
    relevance = np.array([r.relevance for r in pool], np.float32)
    score = np.array([r.score for r in pool], np.float32)
    out[:, col["relevance"]] = relevance
    out[:, col["score"]] = score
    out[:, col["rules_factor"]] = np.where(relevance > 0, score / np.maximum(relevance, 1e-9), 1.0)
    out[:, col["z_dense"]] = comps["dense"][idx] if "dense" in comps else 0.0
    out[:, col["raw_dense"]] = raw_dense
    out[:, col["raw_lexical"]] = raw_lexical
    out[:, col["dense_pct"]] = _percentile(raw_dense)
    out[:, col["lexical_pct"]] = _percentile(raw_lexical)
    out[:, col["relevance_pct"]] = _percentile(relevance)
    titles = [r.offer.title for r in pool]
    out[:, col["fuzzy_title"]] = title_scores(need_text, titles)
    terms = key_terms(need_text)
    evidence = np.array([title_evidence(terms, t) for t in titles], np.float32).reshape(n, 3)
    out[:, [col["title_full"], col["title_part"], col["phrase_in_title"]]] = evidence
    out[:, col["need_terms"]] = len(terms)
    out[:, col["doc_words"]] = [np.log1p(len(r.offer.passage().split())) for r in pool]
    out[:, col["title_only"]] = [float(not r.offer.description) for r in pool]
    for j, r in enumerate(pool):
        by_rule = {x.rule: x for x in r.rules}
        out[j, col["unknown_rules"]] = sum(x.status == UNKNOWN for x in r.rules)
        for name in RULE_NAMES:
            out[j, col[f"rule_{name}"]] = by_rule[name].factor if name in by_rule else 1.0
    return out
