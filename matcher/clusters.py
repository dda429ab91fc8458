"""Unmet-demand clusters: needs grouped by what the firms want to learn, described so a planner can act.

Needs are grouped on the embeddings of their *subject* (``matcher.topic.learning_subject``: level, size,
delivery, timing and audience words taken out), so firms that want different trade certificates are
not grouped for sharing the word "fagbrev". A group is described by its subject (characteristic terms
of the subject texts and the most central member's own phrase), a module whose unit fits its level
(hours at upper-secondary level, fagskolepoeng at fagskole level, studiepoeng above), the venue that
minimises the members' travel (and the farthest member's distance), the nearest offer today only if it
is close enough to count, and, per member, why it is there (its nearest members and similarities).

Grouping: the subject vectors are centred on a fixed reference — the mean subject of the built-in code
lists (``subject_reference``: occupations, industries and fields of education in the same carrier phrase) —
so that two needs' similarity depends on those two needs only; then average-linkage agglomerative
clustering joins groups while their mean similarity reaches the threshold. Re-running gives the same
clusters and ids (``stable_id``), and a need whose similarity to every need stays below the threshold
cannot change any group (its mean similarity to any group stays below it too, so it is never merged and
never changes a merge). Above ``EXACT_LIMIT`` needs a kNN graph with label propagation takes over.

Pure computation: the caller passes needs (``matcher.demand.DemandNeed``), their subject vectors, the
reference and a fitted ``Ranker``.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import TfidfVectorizer

from catalog.normalise import level_rank
from catalog.places import haversine_km
from matcher.communities import communities
from matcher.hints import read_hints
from matcher.hubness import bank_vectors
from matcher.neighbours import nearest_neighbours
from matcher.order import stable_desc
from matcher.topic import CARRIER, FILLER, learning_subject, subject_phrase, topic_or_text
from matcher.types import NeedQuery, Place

if TYPE_CHECKING:
    from matcher.demand import DemandNeed
    from matcher.rank import Ranker

EXACT_LIMIT = 5_000  # up to this many needs average linkage (quadratic); above it label propagation
NO_CLOSE_OFFER = "Ingen nære tilbud i dag"
SUBJECT_MEAN = Path(__file__).resolve().parents[1] / "catalog" / "reference" / "data" / "subject_mean.json"


@dataclass
class Cluster:
    cluster_id: str
    members: list[int]  # indexes into the needs given
    label: str
    terms: list[str]
    details: dict = field(default_factory=dict)


@cache
def subject_bank() -> tuple[str, ...]:
    """Subjects in general, as needs are embedded (``matcher.topic.CARRIER``): the built-in STYRK-08
    occupations (4 digits), SN2007 industries (divisions) and NUS2000 fields (levels 3–4)."""
    from catalog.reference.codes import NUS, SN2007, STYRK, builtin_code_register

    register = builtin_code_register()
    names = [e.name for scheme, levels in ((STYRK, (4,)), (SN2007, (2,)), (NUS, (3, 4)))
             for e in register.entries(scheme) if e.level in levels]
    return tuple(dict.fromkeys(CARRIER.format(n.lower()) for n in names))


def bank_digest(texts: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


@cache
def _shipped_mean() -> tuple[str | None, np.ndarray | None]:
    """(model, mean) from ``SUBJECT_MEAN`` when it was written for the current bank; read once."""
    shipped = json.loads(SUBJECT_MEAN.read_text(encoding="utf-8")) if SUBJECT_MEAN.exists() else {}
    if shipped.get("bank_sha256") != bank_digest(subject_bank()):
        return None, None
    return shipped.get("model"), np.asarray(shipped["mean"], np.float32)


def subject_reference(encoder) -> np.ndarray:
    """The mean subject vector (``subject_bank`` on the query side) that need vectors are centred on.

    Shipped for the default model (``catalog/reference/data/subject_mean.json``, written by
    ``scripts/make_subject_mean.py``); for any other model, or a changed bank, it is computed once (705
    short texts; kept for the process, and in the embedding cache by a ``CachedEncoder``)."""
    model, mean = _shipped_mean()
    if mean is not None and model == getattr(encoder, "name", None):
        return mean
    return bank_vectors(encoder, subject_bank()).mean(axis=0).astype(np.float32)


def centre(vectors: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Subtract the reference vector (or, without one, the vectors' own mean) and renormalise: e5 cosines
    all sit near 0.85, centred ones spread out. A fixed reference keeps each pair's similarity
    independent of the other needs."""
    v = np.asarray(vectors, np.float64)
    mean = v.mean(axis=0, keepdims=True) if reference is None else np.asarray(reference, np.float64)[None, :]
    c = v - mean
    norms = np.linalg.norm(c, axis=1, keepdims=True)
    return (c / np.where(norms > 1e-9, norms, 1.0)).astype(np.float32)


def average_linkage(centred: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of average-linkage agglomerative clustering, merged while the mean similarity between two
    groups is at least ``threshold`` (each sorted; singletons included)."""
    n = len(centred)
    if n < 2:
        return [[i] for i in range(n)]
    c = np.asarray(centred, np.float64)
    dist = np.clip(1.0 - c @ c.T, 0.0, None)
    condensed = dist[np.triu_indices(n, k=1)]
    labels = fcluster(linkage(condensed, method="average"), t=1.0 - threshold, criterion="distance")
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [g.tolist() for g in np.split(order, cuts)]


def cluster_vectors(vectors: np.ndarray, *, threshold: float, reference: np.ndarray | None = None,
                    min_size: int = 2, k: int = 15, seed: int = 42, large: int = EXACT_LIMIT) -> list[list[int]]:
    """Groups of needs by subject, largest first (each sorted; groups smaller than ``min_size`` dropped).

    The vectors are centred on ``reference`` (``subject_reference``; without it, on their own mean, which
    makes every similarity depend on the whole set). Up to ``large`` needs: average linkage cut at
    ``threshold`` (one knob, and a need unlike every other cannot change a group). Above it: the kNN
    graph (``k`` neighbours, edges at ``threshold``), weighted label propagation (``matcher.communities``,
    linear in the edges per pass; with the k-means-forest neighbour search the run grows about n log n,
    ``benchmarks/cluster_speed.py``), then each group is pruned to members whose mean similarity to the
    others reaches ``threshold`` — the same criterion average linkage applies.
    """
    return group_centred(centre(vectors, reference), threshold=threshold, min_size=min_size, k=k, seed=seed,
                         large=large)


def group_centred(c: np.ndarray, *, threshold: float, min_size: int = 2, k: int = 15, seed: int = 42,
                  large: int = EXACT_LIMIT) -> list[list[int]]:
    """``cluster_vectors`` on vectors already centred (``centre``)."""
    if len(c) < 2:
        return []
    if len(c) <= large:
        groups = average_linkage(c, threshold)
    else:
        idx, sims = nearest_neighbours(c, k)
        groups = [prune(m, c, threshold) for m in communities(idx, sims, threshold=threshold, seed=seed)]
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
    """Words that set each group apart from all needs (TF-IDF of the group vs the whole). Pass subject
    texts (``learning_subject``): constraint, request and audience words are not terms of a subject."""
    if not texts:
        return []
    vec = TfidfVectorizer(token_pattern=r"(?u)\b[^\W\d_][\w\-]{2,}\b", stop_words=sorted(FILLER), sublinear_tf=True,
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


def central_member(centred: np.ndarray) -> int:
    """Position of the member most similar on average to the others (ties: the first)."""
    sims = centred @ centred.T
    return int(stable_desc(sims.sum(axis=1))[0])


def explain_members(centred: np.ndarray, nearest: int = 3) -> list[dict]:
    """Why each member is in its group: mean similarity to the others and its ``nearest`` members
    (positions within the group), from the centred subject vectors the clustering used."""
    sims = centred @ centred.T
    n = len(sims)
    out = []
    for i in range(n):
        others = np.delete(np.arange(n), i)
        row = sims[i, others]
        order = others[stable_desc(row)[:nearest]]
        out.append({"mean_similarity": round(float(row.mean()) if n > 1 else 0.0, 4),
                    "nearest": [{"member": int(j), "similarity": round(float(sims[i, j]), 4)} for j in order]})
    return out


def best_venue(places: list[tuple[Place, int]], road_factor: float = 1.0) -> tuple[Place | None, float, float]:
    """The member municipality that minimises participant-weighted travel (a 1-median), with the
    weighted mean and the farthest member's distance from it (great-circle km × ``road_factor``)."""
    located = [(p, w) for p, w in places if p is not None and p.lat is not None]
    if not located:
        return None, 0.0, 0.0
    best, best_cost = None, math.inf
    for cand, _ in located:
        cost = sum(w * haversine_km((cand.lat, cand.lon), (p.lat, p.lon)) for p, w in located)
        if cost < best_cost - 1e-9 or (abs(cost - best_cost) < 1e-9 and best and cand.name < best.name):
            best, best_cost = cand, cost
    total = sum(w for _, w in located) or 1
    farthest = max(haversine_km((best.lat, best.lon), (p.lat, p.lon)) for p, _ in located)
    return best, road_factor * best_cost / total, road_factor * farthest


# Unit and default size of a first module by level: a Vg-level subject for adults is counted in hours,
# a fagskole module in fagskolepoeng, a university/college module in studiepoeng.
_UNITS = ((4.0, "timer", 60.0, "fag/modul på videregående nivå for voksne"),
          (5.2, "fagskolepoeng", 10.0, "fagskolemodul"),
          (math.inf, "studiepoeng", 7.5, "emne i høyere utdanning"))
_HOURS_PER_SP = 27.0  # as catalog.normalise counts hours (ECTS: 25–30 hours of work per credit)


def suggested_module(level: str | None, max_credits_sp: float | None) -> dict:
    """Level, size, unit and form of a first module (``max_credits_sp``: the members' typical cap in
    studiepoeng, converted to the level's unit). An unknown level means fagskole level (5.1), the
    commonest level of continuing education for the firms the pilots served."""
    level = level or "5.1"
    rank = level_rank(level) or 5.1
    ceiling, unit, default, form = next(u for u in _UNITS if rank <= u[0])
    size = default
    if max_credits_sp:
        size = max_credits_sp * _HOURS_PER_SP if unit == "timer" else max_credits_sp
        size = min(size, default) if unit == "timer" else size
    return {"level": level, "credits": round(size, 1), "credit_unit": unit, "form": form}


def describe_cluster(members: list[DemandNeed], *, ranker: Ranker | None, centroid: np.ndarray | None,
                     min_cohort: int, floor: float = 0.0, road_factor: float = 1.3) -> dict:
    """Size, firms, places, centrality mix, typical level / size / delivery, nearest offers at or above
    ``floor`` (final score), a suggested module."""
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
    venue, mean_km, max_km = best_venue([(q.place, q.participants or 1) for q in queries], road_factor)
    nearest: list[dict] = []
    if ranker is not None and centroid is not None and getattr(ranker, "offers_", None):
        subject = " ".join(topic_or_text(q.text) for q in queries)[:2000]
        rep = NeedQuery(subject, place=venue, level_min=level, max_credits=credits)
        for r in ranker.rank(rep, 3, query_vector=centroid).results:
            if r.score >= floor:
                nearest.append({"offer_id": r.offer.offer_id, "title": r.offer.title, "provider": r.offer.provider,
                                "score": round(r.score, 4), "reasons": r.reasons})
    municipalities = Counter(q.place.name for q in queries if q.place)
    module = suggested_module(level, credits)
    return {
        "needs": len(members), "firms": len({m.firm for m in members}), "participants": participants,
        "municipalities": dict(municipalities.most_common()),
        "counties": dict(Counter(m.county for m in members if m.county).most_common()),
        "centrality": {str(k): v for k, v in sorted(Counter(m.centrality for m in members if m.centrality).items())},
        "typical_level": level, "typical_max_credits": credits, "delivery": delivery,
        "nearest_offers": nearest, "nearest_note": None if nearest else NO_CLOSE_OFFER,
        "suggested_module": {
            **module, "delivery": delivery, "venue": venue.name if venue else None,
            "venue_code": venue.code if venue else None, "mean_travel_km": round(mean_km, 1),
            "max_travel_km": round(max_km, 1), "viable_class": participants >= min_cohort,
        },
    }


def clusters(needs: list[DemandNeed], vectors: np.ndarray, *, threshold: float, reference: np.ndarray | None = None,
             ranker: Ranker | None = None, min_size: int = 2, min_cohort: int = 12, k: int = 15, large: int = EXACT_LIMIT,
             floor: float = 0.0, road_factor: float = 1.3) -> list[Cluster]:
    """Group needs by subject; describe each group (``describe_cluster``). ``vectors`` are the needs'
    subject embeddings (``matcher.topic.subject_text`` of each text, query side), ``reference`` the vector
    they are centred on (``subject_reference``). Ids are stable for the same needs."""
    centred = centre(vectors, reference)
    groups = group_centred(centred, threshold=threshold, min_size=min_size, k=k, large=large)
    subjects = [learning_subject(n.query.text) for n in needs]
    terms = characteristic_terms(subjects, groups)
    out = []
    for members, words in zip(groups, terms, strict=True):
        ids = [str(needs[i].query.need_id) for i in members]
        centroid = vectors[members].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        details = describe_cluster([needs[i] for i in members], ranker=ranker, centroid=centroid,
                                   min_cohort=min_cohort, floor=floor, road_factor=road_factor)
        local = centred[members]
        details["central_phrase"] = subject_phrase(needs[members[central_member(local)]].query.text) or None
        details["explain"] = explain_members(local)
        label = " · ".join(words[:3]) or details["central_phrase"] or "uten tydelig tema"
        out.append(Cluster(stable_id(ids), members, label, words, details))
    return out
