"""Demand analysis on plain data: coverage per need, unmet-demand clusters, cohorts, draft modules.

Nothing here opens a database: callers pass needs (``DemandNeed``: the matcher's ``NeedQuery`` plus
the firm and place facts), their vectors, and a fitted ``Ranker``.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from catalog.places import haversine_km
from matcher.communities import communities
from matcher.hints import read_hints
from matcher.neighbours import nearest_neighbours
from matcher.order import stable_desc
from matcher.rank import RankedOffer, Ranker
from matcher.rules import RuleContext, apply_rules
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


# ---------------------------------------------------------------- clusters

_STOP = set("""og i på til for av med som er det de vi at en et ein eit å om må har kan skal vil ønsker trenger treng
trengs behov behovet kurs kurset opplæring opplæringa kompetanse ansatte tilsette våre vår vårt sine
dei dere oss mer meir gjerne helst også ikke ikkje bli blir ta får nye ny alle flere fleire mange noe noko
the and for to of in our we need training course staff with be is are""".split())


@dataclass
class Cluster:
    cluster_id: str
    members: list[int]  # indexes into the needs given
    label: str
    terms: list[str]
    details: dict = field(default_factory=dict)


LOUVAIN_LIMIT = 5_000  # up to this many needs Louvain; above it label propagation (see cluster_vectors)


def centre(vectors: np.ndarray) -> np.ndarray:
    """Subtract the mean vector and renormalise: e5 cosines all sit near 0.85, centred ones spread out."""
    v = np.asarray(vectors, np.float32)
    c = v - v.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(c, axis=1, keepdims=True)
    return (c / np.where(norms > 1e-9, norms, 1.0)).astype(np.float32)


def cluster_vectors(vectors: np.ndarray, *, threshold: float, min_size: int = 2, k: int = 15,
                    seed: int = 42, cohesion: float = 0.15, large: int = LOUVAIN_LIMIT) -> list[list[int]]:
    """Communities of the kNN similarity graph of centred vectors, largest first.

    Up to ``large`` needs: Louvain, which recovers planted topics in real, noisy need embeddings best
    (label propagation floods small dense graphs: ARI ≈ 0.5 on the planted e5 needs, Louvain
    0.94–1.0). Above it: weighted label propagation (``matcher.communities``, vectorised, linear in
    the edges per pass) — on large planted sets it keeps topics apart where Louvain merges them
    (resolution limit: ARI 0.87 at 10,000 needs, 0.74 at 20,000), and with the k-means-forest
    neighbour search the whole run grows about n log n (``benchmarks/cluster_speed.py``). ``threshold`` is on centred cosine. Each community is then
    pruned: while its least cohesive member's mean similarity to the others is below ``cohesion``,
    that member leaves (a need that resembles nothing should stay alone). Groups smaller than
    ``min_size`` are dropped.
    """
    c = centre(vectors)
    if len(c) < 2:
        return []
    idx, sims = nearest_neighbours(c, k)
    groups = [prune(m, c, cohesion) for m in communities(idx, sims, threshold=threshold, large=large, seed=seed)]
    groups = [m for m in groups if len(m) >= min_size]
    return sorted(groups, key=lambda m: (-len(m), m[0]))


def prune(members: list[int], centred: np.ndarray, cohesion: float) -> list[int]:
    """Drop the least cohesive member while its mean similarity to the others is below ``cohesion``.

    The similarities are computed once; each removal updates the row sums (O(s²) for s members).
    """
    members = list(members)
    if len(members) < 2:
        return members
    sims = centred[members] @ centred[members].T
    np.fill_diagonal(sims, 0.0)
    sums = sims.sum(axis=1, dtype=np.float64)
    alive = np.ones(len(members), dtype=bool)
    count = len(members)
    while count > 1:
        mean = np.where(alive, sums / (count - 1), np.inf)
        worst = int(np.argmin(mean))
        if mean[worst] >= cohesion:
            break
        alive[worst] = False
        sums -= sims[:, worst]
        count -= 1
    return [m for m, keep in zip(members, alive, strict=True) if keep]


def stable_id(member_ids: list[str]) -> str:
    return "K-" + hashlib.sha1("\x1f".join(sorted(member_ids)).encode()).hexdigest()[:10]


def characteristic_terms(texts: list[str], groups: list[list[int]], top: int = 4) -> list[list[str]]:
    """Words that set each group apart from all needs (TF-IDF of the group vs the whole)."""
    if not texts:
        return []
    vec = TfidfVectorizer(token_pattern=r"(?u)\b[^\W\d_]{3,}\b", stop_words=sorted(_STOP), sublinear_tf=True,
                          lowercase=True)
    try:
        X = vec.fit_transform(texts)
    except ValueError:
        return [[] for _ in groups]
    vocab = np.array(vec.get_feature_names_out())
    out = []
    for members in groups:
        scores = np.asarray(X[members].mean(axis=0)).ravel()
        present = np.asarray((X[members] > 0).sum(axis=0)).ravel()
        scores = scores * np.minimum(present, 3)  # favour words shared by several needs
        order = stable_desc(scores)[:top]
        out.append([str(vocab[i]) for i in order if scores[i] > 0])
    return out


def best_venue(places: list[tuple[Place, int]]) -> tuple[Place | None, float]:
    """The member municipality that minimises participant-weighted great-circle travel (a 1-median)."""
    located = [(p, w) for p, w in places if p is not None and p.lat is not None]
    if not located:
        return None, 0.0
    best, best_cost = None, math.inf
    for cand, _ in located:
        cost = sum(w * haversine_km((cand.lat, cand.lon), (p.lat, p.lon)) for p, w in located)
        if cost < best_cost - 1e-9 or (abs(cost - best_cost) < 1e-9 and best and cand.name < best.name):
            best, best_cost = cand, cost
    total = sum(w for _, w in located) or 1
    return best, best_cost / total


def describe_cluster(members: list[DemandNeed], *, ranker: Ranker | None, centroid: np.ndarray | None,
                     min_cohort: int) -> dict:
    """Size, firms, places, centrality mix, typical level / size / delivery, nearest offers, a suggested module."""
    queries = [m.query for m in members]
    participants = sum(q.participants or 1 for q in queries)
    hints = [read_hints(q.text) for q in queries]
    levels = Counter((q.level_max or h.level_max or q.level_min or h.level_min) for q, h in zip(queries, hints,
                                                                                                  strict=True))
    levels.pop(None, None)
    level = levels.most_common(1)[0][0] if levels else None
    caps = sorted(c for c in ((q.max_credits or h.max_credits) for q, h in zip(queries, hints, strict=True)) if c)
    credits = caps[len(caps) // 2] if caps else None
    wants_online = sum(1 for q, h in zip(queries, hints, strict=True) if "online" in (q.delivery or h.delivery))
    flexible = sum(1 for h in hints if h.flexible)
    if wants_online * 2 >= len(queries):
        delivery = ["online"]
    elif flexible * 2 >= len(queries) or len({q.place.code for q in queries if q.place}) > 2:
        delivery = ["samlingsbasert", "online"]
    else:
        delivery = ["desentralisert"]
    venue, mean_km = best_venue([(q.place, q.participants or 1) for q in queries])
    nearest: list[dict] = []
    if ranker is not None and centroid is not None and getattr(ranker, "offers_", None):
        rep = NeedQuery(" ".join(q.text for q in queries)[:2000], place=venue, level_min=level,
                        max_credits=credits)
        for r in ranker.rank(rep, 3, query_vector=centroid).results:
            nearest.append({"offer_id": r.offer.offer_id, "title": r.offer.title, "provider": r.offer.provider,
                            "score": round(r.score, 4), "reasons": r.reasons})
    municipalities = Counter(q.place.name for q in queries if q.place)
    return {
        "needs": len(members), "firms": len({m.firm for m in members}), "participants": participants,
        "municipalities": dict(municipalities.most_common()),
        "counties": dict(Counter(m.county for m in members if m.county).most_common()),
        "centrality": {str(k): v for k, v in sorted(Counter(m.centrality for m in members if m.centrality).items())},
        "typical_level": level, "typical_max_credits": credits, "delivery": delivery,
        "nearest_offers": nearest,
        "suggested_module": {
            "level": level or "5.1", "credits": credits or 7.5, "credit_unit": "studiepoeng",
            "delivery": delivery, "venue": venue.name if venue else None,
            "venue_code": venue.code if venue else None, "mean_travel_km": round(mean_km, 1),
            "viable_class": participants >= min_cohort,
        },
    }


def clusters(needs: list[DemandNeed], vectors: np.ndarray, *, threshold: float, ranker: Ranker | None = None,
             min_size: int = 2, min_cohort: int = 12, k: int = 15, large: int = LOUVAIN_LIMIT) -> list[Cluster]:
    """Group similar needs; describe each group (see ``describe_cluster``). Ids are stable for the same needs."""
    groups = cluster_vectors(vectors, threshold=threshold, min_size=min_size, k=k, large=large)
    terms = characteristic_terms([n.query.text for n in needs], groups)
    out = []
    for members, words in zip(groups, terms, strict=True):
        ids = [str(needs[i].query.need_id) for i in members]
        centroid = vectors[members].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        details = describe_cluster([needs[i] for i in members], ranker=ranker, centroid=centroid,
                                   min_cohort=min_cohort)
        out.append(Cluster(stable_id(ids), members, " · ".join(words[:3]) or "uten tydelig tema", words, details))
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
                    road_factor: float = 1.3, query_vectors: np.ndarray | None = None) -> list[dict]:
    """Score a module against every logged need, in the context of the catalog ``catalog`` is fitted on.

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
                        road_factor=road_factor, hubs=catalog.text.hubs).fit(offers + [module], vectors)
        index = len(offers)
    texts = [n.text for n in needs]
    if query_vectors is None and ranker.text.vectors_ is not None:
        query_vectors = encoder.encode_queries(texts)
    relevance = ranker.text.score_batch(texts, query_vectors)[:, index]
    out = []
    for i, (need, rel) in enumerate(zip(needs, relevance, strict=True)):
        factor, rules = apply_rules(need, module, RuleContext(read_hints(need.text), road_factor))
        score = float(rel) * factor
        out.append({"index": i, "need_id": need.need_id, "score": round(score, 4), "relevance": round(float(rel), 4),
                    "served": score >= partly, "place": need.place.name if need.place else None,
                    "participants": need.participants,
                    "misses": [r.reason for r in rules if r.status in ("fail", "penalty")]})
    return sorted(out, key=lambda d: (-d["score"], d["index"]))

