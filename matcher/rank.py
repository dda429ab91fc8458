"""Ranking: text relevance (dense + lexical + title + fuzzy) × the broker's rules, exact top-k.

``TextRelevance`` scores any query against any corpus (needs → offers, job titles → ESCO labels):
each leg is calibrated to [0, 1] and fused as a weighted mean with weights from settings
(a tuned convex combination; reciprocal-rank fusion measured worse on Scandinavian data).

``Ranker`` adds the rules: final score = relevance × product of rule factors, in [0, 1].
Because every factor is ≤ 1, relevance is an upper bound on the final score, so top-k is
exact while scoring rules on only a few candidates (threshold algorithm); tests check it
against brute force.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from catalog.errors import InvalidNeedError, NotFittedError
from matcher.encode import Encoder
from matcher.fuzzy import title_scores
from matcher.hints import read_hints
from matcher.lexical import CharTfidf
from matcher.rules import RULES, RuleContext, RuleResult, apply_rules
from matcher.types import NeedQuery, OfferItem


@dataclass(frozen=True)
class Weights:
    dense: float = 0.5
    lexical: float = 1.0
    title: float = 0.5
    fuzzy: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"dense": self.dense, "lexical": self.lexical, "title": self.title, "fuzzy": self.fuzzy}


@dataclass(frozen=True)
class Calibration:
    """Linear maps of raw scores to [0, 1]: (raw - floor) / (ceil - floor), clipped."""

    dense_floor: float = 0.76
    dense_ceil: float = 0.92
    lexical_ceil: float = 0.45
    title_ceil: float = 0.55


def _clip01(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0).astype(np.float32)


class TextRelevance:
    """Text-only relevance of queries to a corpus; usable on any pair of corpora."""

    def __init__(self, encoder: Encoder | None = None, weights: Weights | None = None,
                 calibration: Calibration | None = None):
        self.encoder = encoder
        self.weights = weights or Weights()
        self.calibration = calibration or Calibration()

    def fit(self, docs: list[str], titles: list[str] | None = None, vectors: np.ndarray | None = None
            ) -> TextRelevance:
        w = self.weights
        self.n_docs_ = len(docs)
        self.titles_ = list(titles) if titles is not None else list(docs)
        self.lexical_ = CharTfidf().fit(docs) if w.lexical and docs else None
        self.title_ = CharTfidf().fit(self.titles_) if w.title and docs else None
        if w.dense and self.encoder is not None:
            self.vectors_ = vectors if vectors is not None else self.encoder.encode_passages(list(docs))
        else:
            self.vectors_ = None
        return self

    def _check(self) -> None:
        if not hasattr(self, "n_docs_"):
            raise NotFittedError("TextRelevance is not fitted yet; call fit(docs) first")

    def components(self, query: str, query_vector: np.ndarray | None = None,
                   with_fuzzy: bool = False) -> dict[str, np.ndarray]:
        """Calibrated per-leg scores, each of shape (n_docs,) in [0, 1]."""
        self._check()
        c, w = self.calibration, self.weights
        out: dict[str, np.ndarray] = {}
        if self.vectors_ is not None:
            qv = query_vector if query_vector is not None else self.encoder.encode_queries([query])[0]
            cos = self.vectors_ @ np.asarray(qv, np.float32).reshape(-1)
            out["dense"] = _clip01((cos - c.dense_floor) / (c.dense_ceil - c.dense_floor))
        if self.lexical_ is not None:
            out["lexical"] = _clip01(self.lexical_.score([query])[0] / c.lexical_ceil)
        if self.title_ is not None:
            out["title"] = _clip01(self.title_.score([query])[0] / c.title_ceil)
        if with_fuzzy and w.fuzzy:
            out["fuzzy"] = title_scores(query, self.titles_)
        return out

    def fuse(self, comps: dict[str, np.ndarray], *, fuzzy_bound: bool = False) -> np.ndarray:
        """Weighted mean of the legs present; with ``fuzzy_bound`` a missing fuzzy leg counts as 1 (an upper bound)."""
        w = self.weights.as_dict()
        total = np.zeros(self.n_docs_, np.float32)
        weight_sum = 0.0
        for name, weight in w.items():
            if not weight:
                continue
            if name in comps:
                total += weight * comps[name]
                weight_sum += weight
            elif name == "fuzzy" and fuzzy_bound:
                total += weight
                weight_sum += weight
        return total / weight_sum if weight_sum else total

    def score(self, query: str, query_vector: np.ndarray | None = None) -> np.ndarray:
        return self.fuse(self.components(query, query_vector, with_fuzzy=True))


@dataclass
class RankedOffer:
    offer: OfferItem
    rank: int
    score: float
    relevance: float
    components: dict[str, float]
    rules: list[RuleResult] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [r.reason for r in self.rules]

    def as_dict(self) -> dict:
        comps = {k: round(float(v), 4) for k, v in self.components.items()}
        comps["relevance"] = round(self.relevance, 4)
        for r in self.rules:
            comps[f"rule_{r.rule}"] = round(r.factor, 4)
        return {"offer_id": self.offer.offer_id, "source": self.offer.source, "title": self.offer.title,
                "provider": self.offer.provider, "rank": self.rank, "score": round(self.score, 4),
                "components": comps, "reasons": self.reasons,
                "rules": [{"rule": r.rule, "status": r.status, "factor": r.factor, "reason": r.reason}
                          for r in self.rules]}


@dataclass
class Ranking:
    need: NeedQuery
    results: list[RankedOffer]
    notes: list[str]


class Ranker:
    """Rank offers for needs. Fit once on the offers (vectors may come from a cache), then rank many needs."""

    def __init__(self, encoder: Encoder | None = None, weights: Weights | None = None,
                 calibration: Calibration | None = None, *, road_factor: float = 1.3,
                 distance_half_km: float = 150.0, rules=RULES):
        self.text = TextRelevance(encoder, weights, calibration)
        self.road_factor = road_factor
        self.distance_half_km = distance_half_km
        self.rules = rules

    def fit(self, offers: list[OfferItem], vectors: np.ndarray | None = None) -> Ranker:
        self.offers_ = list(offers)
        self.text.fit([o.passage() for o in self.offers_], [o.title for o in self.offers_], vectors)
        return self

    def _check_need(self, need: NeedQuery) -> list[str]:
        notes = list(need.notes)
        if not need.text or not need.text.strip():
            raise InvalidNeedError("the need has no text: describe the competence the firm lacks "
                                   "(field 'text', the firm's own words)")
        return notes

    def rank(self, need: NeedQuery, top_k: int = 10, *, hard: bool = False, query_vector: np.ndarray | None = None,
             allowed: np.ndarray | None = None, chunk: int = 64) -> Ranking:
        """Exact top-k by final score; ``hard`` drops offers that fail a constraint stated in the need's fields.

        ``allowed`` is an optional boolean mask over the fitted offers (filters).
        """
        if not hasattr(self, "offers_"):
            raise NotFittedError("Ranker is not fitted yet; call fit(offers) first")
        notes = self._check_need(need)
        if top_k <= 0 or not self.offers_:
            return Ranking(need, [], notes)
        comps = self.text.components(need.text, query_vector)
        upper = self.text.fuse(comps, fuzzy_bound=True)
        if allowed is not None:
            upper = np.where(allowed, upper, -1.0)
        order = np.lexsort((np.arange(len(upper)), -upper))
        ctx = RuleContext(read_hints(need.text), self.road_factor, self.distance_half_km)
        fuzzy_w = self.text.weights.fuzzy
        scored: list[tuple[float, int, float, list[RuleResult], dict[str, float]]] = []
        pos = 0
        while pos < len(order):
            block = order[pos:pos + chunk]
            pos += chunk
            block = block[upper[block] >= 0]
            if len(block) == 0:
                break
            fuzzy = (title_scores(need.text, [self.offers_[i].title for i in block]) if fuzzy_w else None)
            for j, i in enumerate(block):
                parts = {k: float(v[i]) for k, v in comps.items()}
                if fuzzy is not None:
                    parts["fuzzy"] = float(fuzzy[j])
                relevance = self._fuse_one(parts)
                factor, results = apply_rules(need, self.offers_[i], ctx, self.rules)
                if hard and any(r.hard for r in results):
                    continue
                scored.append((relevance * factor, int(i), relevance, results, parts))
            scored.sort(key=lambda s: (-s[0], self.offers_[s[1]].offer_id, s[1]))
            del scored[top_k:]
            nxt = upper[order[pos]] if pos < len(order) else -1.0
            if len(scored) >= top_k and scored[-1][0] >= nxt:
                break
        results = [RankedOffer(self.offers_[i], rank, score, rel, parts, rules)
                   for rank, (score, i, rel, rules, parts) in enumerate(scored, 1)]
        return Ranking(need, results, notes)

    def _fuse_one(self, parts: dict[str, float]) -> float:
        w = self.text.weights.as_dict()
        num = sum(w[k] * v for k, v in parts.items() if w.get(k))
        den = sum(w[k] for k in parts if w.get(k))
        return float(num / den) if den else 0.0

    def score_all(self, need: NeedQuery, query_vector: np.ndarray | None = None) -> list[tuple[float, str]]:
        """Brute force: the final score of every offer (the oracle for tests)."""
        comps = self.text.components(need.text, query_vector, with_fuzzy=True)
        ctx = RuleContext(read_hints(need.text), self.road_factor, self.distance_half_km)
        out = []
        for i, offer in enumerate(self.offers_):
            rel = self._fuse_one({k: float(v[i]) for k, v in comps.items()})
            factor, _ = apply_rules(need, offer, ctx, self.rules)
            out.append((rel * factor, offer.offer_id))
        return sorted(out, key=lambda s: (-s[0], s[1]))
