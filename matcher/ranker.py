"""The ranker: text relevance (``matcher.rank``) × the broker's rules, exact top-k, and an optional learned
stage that re-orders the hand-built top ``pool`` (``matcher.learned``).

Final score = relevance × product of rule factors, in [0, 1]. Because every factor is ≤ 1, relevance is an
upper bound on the final score, so top-k is exact while scoring rules on only a few candidates (threshold
algorithm); tests check it against brute force.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from catalog.errors import InvalidNeedError, NotFittedError
from matcher.encode import Encoder
from matcher.fuzzy import title_scores
from matcher.hints import read_hints
from matcher.hubness import HubCorrection
from matcher.rank import Calibration, TextRelevance, Weights
from matcher.rules import RULES, RuleContext, RuleResult, apply_rules
from matcher.types import NeedQuery, OfferItem

DEFAULT = object()  # "the ranker's own learned stage" (None means: none)

@dataclass
class RankedOffer:
    offer: OfferItem
    rank: int
    score: float
    relevance: float
    components: dict[str, float]
    rules: list[RuleResult] = field(default_factory=list)
    index: int = -1  # position among the ranker's fitted offers

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
    components: dict[str, np.ndarray] | None = None  # the need's text components over all offers, on request


class Ranker:
    """Rank offers for needs. Fit once on the offers (vectors may come from a cache), then rank many needs."""

    def __init__(self, encoder: Encoder | None = None, weights: Weights | None = None,
                 calibration: Calibration | None = None, *, road_factor: float = RuleContext.road_factor,
                 distance_scale_km: float = RuleContext.distance_scale_km, rules=RULES, hubs: HubCorrection | None | bool = True,
                 learned=None, pool: int = 100):
        """``hubs``: True (default) corrects hubs with the built-in need bank, a ``HubCorrection`` with
        another bank or strength, False or None not at all. ``learned``: a fitted
        ``matcher.learned.LearnedRanker`` that re-orders the hand-built top ``pool`` (None: the hand-built
        order). Scores stay the calibrated relevance × rules (coverage thresholds keep their meaning); the
        learned stage only decides the order, and its value is in ``components['learned']``."""
        if hubs is True:
            hubs = HubCorrection.builtin()
        self.text = TextRelevance(encoder, weights, calibration, hubs=hubs or None)
        self.road_factor = road_factor
        self.distance_scale_km = distance_scale_km
        self.rules = rules
        self.learned = learned
        self.pool = pool

    def rule_context(self, text: str) -> RuleContext:
        """The rules' context for a need's text: its hints and this ranker's distance constants."""
        return RuleContext(read_hints(text), self.road_factor, self.distance_scale_km)

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
             allowed: np.ndarray | None = None, chunk: int = 64, rerank: bool = True, learned=DEFAULT) -> Ranking:
        """Exact top-k by final score; ``hard`` drops offers that fail a constraint stated in the need's fields.

        ``allowed`` is an optional boolean mask over the fitted offers (filters). With a learned stage and
        ``rerank``, the top-k of the learned order over the hand-built top ``pool``; ``learned`` replaces the
        ranker's own learned stage for this call (None: the hand-built order).
        """
        if not hasattr(self, "offers_"):
            raise NotFittedError("Ranker is not fitted yet; call fit(offers) first")
        notes = self._check_need(need)
        if top_k <= 0 or not self.offers_:
            return Ranking(need, [], notes)
        comps = self.text.components(need.text, query_vector)
        return self._rank_from(need, comps, top_k, hard, allowed, chunk, notes, rerank, learned)

    def rank_many(self, needs: list[NeedQuery], top_k: int = 10, *, hard: bool = False,
                  query_vectors: np.ndarray | None = None, batch: int = 64, rerank: bool = True,
                  with_components: bool = False, learned=DEFAULT) -> list[Ranking]:
        """Rank many needs; text components are computed in batches (same results as ``rank``)."""
        if not hasattr(self, "offers_"):
            raise NotFittedError("Ranker is not fitted yet; call fit(offers) first")
        out: list[Ranking] = []
        for start in range(0, len(needs), batch):
            part = needs[start:start + batch]
            notes = [self._check_need(n) for n in part]
            qv = None if query_vectors is None else query_vectors[start:start + batch]
            comps = self.text.components_batch([n.text for n in part], qv) if self.offers_ else {}
            for i, need in enumerate(part):
                if top_k <= 0 or not self.offers_:
                    out.append(Ranking(need, [], notes[i]))
                    continue
                own = {k: v[i] for k, v in comps.items()}
                ranking = self._rank_from(need, own, top_k, hard, None, 64, notes[i], rerank, learned)
                if with_components:
                    ranking.components = own
                out.append(ranking)
        return out

    def _rank_from(self, need: NeedQuery, comps: dict[str, np.ndarray], top_k: int, hard: bool,
                   allowed: np.ndarray | None, chunk: int, notes: list[str], rerank: bool = True,
                   learned=DEFAULT) -> Ranking:
        model = self.learned if learned is DEFAULT else learned
        if model is None or not rerank:
            return self._hand_built(need, comps, top_k, hard, allowed, chunk, notes)
        from matcher.features import candidate_features

        ranking = self._hand_built(need, comps, max(top_k, self.pool), hard, allowed, chunk, notes)
        pool = ranking.results
        values = model.predict(candidate_features(need.text, pool, comps))
        order = sorted(range(len(pool)), key=lambda j: (-values[j], pool[j].offer.offer_id, pool[j].index))
        results = []
        for rank, j in enumerate(order[:top_k], 1):
            r = pool[j]
            results.append(RankedOffer(r.offer, rank, r.score, r.relevance, {**r.components, "learned": float(values[j])},
                                       r.rules, r.index))
        return Ranking(need, results, notes)

    def _hand_built(self, need: NeedQuery, comps: dict[str, np.ndarray], top_k: int, hard: bool,
                    allowed: np.ndarray | None, chunk: int, notes: list[str]) -> Ranking:
        text = self.text
        upper = text.fuse(comps, fuzzy_bound=True)
        if allowed is not None:
            upper = np.where(allowed, upper, -1.0)
        order = np.lexsort((np.arange(len(upper)), -upper))
        ctx = self.rule_context(need.text)
        use_fuzzy = "fuzzy" in text.leg_weights_
        scored: list[tuple[float, int, float, list[RuleResult], dict[str, float]]] = []
        pos = 0
        while pos < len(order):
            block = order[pos:pos + chunk]
            pos += chunk
            block = block[upper[block] >= 0]
            if len(block) == 0:
                break
            fz_raw = None
            if use_fuzzy:
                fz_raw = title_scores(need.text, [self.offers_[i].title for i in block])
                sub = {k: v[block] for k, v in comps.items()}
                sub["fuzzy"] = text.fuzzy_z(fz_raw)
                rel_block = text.fuse(sub, index=block)
            else:
                rel_block = upper[block]
            for j, i in enumerate(block):
                parts = {k.removeprefix("raw_"): float(v[i]) for k, v in comps.items() if k.startswith("raw_")}
                if fz_raw is not None:
                    parts["fuzzy"] = float(fz_raw[j])
                relevance = float(rel_block[j])
                factor, results = apply_rules(need, self.offers_[i], ctx, self.rules)
                if hard and any(r.hard for r in results):
                    continue
                scored.append((relevance * factor, int(i), relevance, results, parts))
            scored.sort(key=lambda s: (-s[0], self.offers_[s[1]].offer_id, s[1]))
            del scored[top_k:]
            nxt = upper[order[pos]] if pos < len(order) else -1.0
            if len(scored) >= top_k and scored[-1][0] >= nxt:
                break
        results = [RankedOffer(self.offers_[i], rank, score, rel, parts, rules, i)
                   for rank, (score, i, rel, rules, parts) in enumerate(scored, 1)]
        return Ranking(need, results, notes)

    def score_all(self, need: NeedQuery, query_vector: np.ndarray | None = None) -> list[tuple[float, str]]:
        """Brute force: the final score of every offer (the oracle for tests)."""
        rel = self.text.score(need.text, query_vector)
        ctx = self.rule_context(need.text)
        out = []
        for i, offer in enumerate(self.offers_):
            factor, _ = apply_rules(need, offer, ctx, self.rules)
            out.append((float(rel[i]) * factor, offer.offer_id))
        return sorted(out, key=lambda s: (-s[0], s[1]))
