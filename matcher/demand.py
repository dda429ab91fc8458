"""Demand analysis on plain data: coverage per need, unmet-demand clusters, cohorts, draft modules.

Nothing here opens a database: callers pass needs (``DemandNeed``: the matcher's ``NeedQuery`` plus
the firm and place facts), their vectors, and a fitted ``Ranker``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from catalog.places import haversine_km
from matcher.clusters import (  # noqa: F401  (re-exported: the cluster stage lives in matcher.clusters)
    EXACT_LIMIT,
    Cluster,
    best_venue,
    centre,
    characteristic_terms,
    cluster_vectors,
    clusters,
    describe_cluster,
    prune,
    stable_id,
    subject_reference,
    suggested_module,
)
from matcher.rank import RankedOffer, Ranker
from matcher.rules import apply_rules
from matcher.types import NeedQuery, OfferItem, Place

COVERED, PARTLY, UNMET = "covered", "partly_covered", "unmet"
CLASS_NB = {COVERED: "dekket", PARTLY: "delvis dekket", UNMET: "udekket"}


@dataclass
class DemandNeed:
    query: NeedQuery
    company: str | None = None
    org_number: str | None = None
    county: str | None = None
    centrality: int | None = None
    industry: str | None = None
    reported_at: str | None = None
    key: int | None = None  # the store's surrogate key: unique across organisations, never shown
    organisation: str | None = None  # the broker organisation that owns the need
    codes: dict[str, str] = field(default_factory=dict)  # scheme → the code that stands for the need

    @property
    def firm(self) -> str:
        return self.org_number or self.company or f"need:{self.query.need_id}"


@dataclass
class Coverage:
    need_id: str | None
    status: str
    score: float
    best: RankedOffer | None
    reason: str

    def as_dict(self) -> dict:
        return {"need_id": self.need_id, "status": self.status, "status_nb": CLASS_NB[self.status],
                "score": round(self.score, 4), "reason": self.reason,
                "best": self.best.as_dict() if self.best else None}


def classify(score: float, covered: float, partly: float) -> str:
    if score >= covered:
        return COVERED
    if score >= partly:
        return PARTLY
    return UNMET


def coverage(ranker: Ranker, needs: list[NeedQuery], *, covered: float, partly: float,
             query_vectors: np.ndarray | None = None) -> list[Coverage]:
    """The best eligible offer per need (hard constraints applied) and its class, with reasons."""
    out = []
    for need, ranking in zip(needs, ranker.rank_many(needs, 1, hard=True, query_vectors=query_vectors), strict=True):
        best = ranking.results[0] if ranking.results else None
        score = best.score if best else 0.0
        status = classify(score, covered, partly)
        if best is None:
            reason = "Ingen tilbud oppfyller behovets krav"
        else:
            reason = (f"Beste tilbud: «{best.offer.title}» ({best.offer.provider or 'ukjent tilbyder'}), "
                      f"score {score:.2f} – {CLASS_NB[status]}")
        out.append(Coverage(need.need_id, status, score, best, reason))
    return out


# ---------------------------------------------------------------- cohorts


@dataclass
class Cohort:
    venue: str | None
    needs: list[str]
    firms: int
    participants: int
    viable: bool
    max_km: float


def cohorts(offer: OfferItem, candidates: list[DemandNeed], *, min_size: int, max_km: float = 150.0,
            road_factor: float = 1.3) -> list[Cohort]:
    """Pool firms into classes: online offers pool everyone; otherwise greedy groups around the
    municipality that gathers most participants within ``max_km`` road km (or a need's own limit)."""
    if not candidates:
        return []
    if "online" in offer.delivery:
        total = sum(c.query.participants or 1 for c in candidates)
        return [Cohort("nettbasert", [str(c.query.need_id) for c in candidates], len({c.firm for c in candidates}),
                       total, total >= min_size, 0.0)]
    remaining = list(candidates)
    out: list[Cohort] = []
    while remaining:
        best: tuple[int, list[DemandNeed], Place | None, float] | None = None
        for seed in remaining:
            if seed.query.place is None or seed.query.place.lat is None:
                continue
            here = (seed.query.place.lat, seed.query.place.lon)
            members, far = [], 0.0
            for c in remaining:
                p = c.query.place
                if p is None or p.lat is None:
                    continue
                km = haversine_km(here, (p.lat, p.lon)) * road_factor
                limit = min(max_km, c.query.max_distance_km or max_km)
                if km <= limit:
                    members.append(c)
                    far = max(far, km)
            size = sum(m.query.participants or 1 for m in members)
            key = (size, -len(seed.query.place.name))
            if best is None or key > (best[0], -len(best[2].name if best[2] else "")):
                best = (size, members, seed.query.place, far)
        if best is None:  # no needs with a known place left
            unplaced = remaining
            size = sum(c.query.participants or 1 for c in unplaced)
            out.append(Cohort(None, [str(c.query.need_id) for c in unplaced], len({c.firm for c in unplaced}), size,
                              size >= min_size, 0.0))
            break
        size, members, place, far = best
        out.append(Cohort(place.name if place else None, [str(m.query.need_id) for m in members],
                          len({m.firm for m in members}), size, size >= min_size, round(far, 1)))
        ids = {id(m) for m in members}
        remaining = [c for c in remaining if id(c) not in ids]
    return sorted(out, key=lambda c: (-c.viable, -c.participants, c.venue or ""))


# ---------------------------------------------------------------- draft-module simulator


def simulate_module(module: OfferItem, needs: list[NeedQuery], *, catalog: Ranker, encoder, partly: float,
                    query_vectors: np.ndarray | None = None) -> list[dict]:
    """Score a module against every logged need, in the context of the catalog ``catalog`` is fitted on,
    with its rule constants (``Ranker.rule_context``).

    A module already in the catalog (same offer id) is scored where it stands; a draft joins the
    catalog for the calculation (cached vectors are reused). Returns who it would serve and, per need,
    the rules it misses; ``index`` is the need's position in ``needs``.
    """
    if not needs:
        return []
    offers = list(getattr(catalog, "offers_", []))
    index = next((i for i, o in enumerate(offers) if o.offer_id == module.offer_id and o.source == module.source),
                 None)
    ranker = catalog
    if index is None:
        vectors = None
        if catalog.text.vectors_ is not None and encoder is not None:
            vectors = np.vstack([catalog.text.vectors_, encoder.encode_passages([module.passage()])])
        ranker = Ranker(encoder if vectors is not None else None, catalog.text.weights, catalog.text.calibration,
                        road_factor=catalog.road_factor, distance_scale_km=catalog.distance_scale_km,
                        hubs=catalog.text.hubs).fit(offers + [module], vectors)
        index = len(offers)
    texts = [n.text for n in needs]
    if query_vectors is None and ranker.text.vectors_ is not None:
        query_vectors = encoder.encode_queries(texts)
    relevance = ranker.text.score_batch(texts, query_vectors)[:, index]
    out = []
    for i, (need, rel) in enumerate(zip(needs, relevance, strict=True)):
        factor, rules = apply_rules(need, module, catalog.rule_context(need.text))
        score = float(rel) * factor
        out.append({"index": i, "need_id": need.need_id, "score": round(score, 4), "relevance": round(float(rel), 4),
                    "served": score >= partly, "place": need.place.name if need.place else None,
                    "participants": need.participants,
                    "misses": [r.reason for r in rules if r.status in ("fail", "penalty")]})
    return sorted(out, key=lambda d: (-d["score"], d["index"]))

