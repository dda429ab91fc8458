"""Training data for the learned ranker, its cross-validation, and the rule for installing a new model.

A *judged set* is needs, the offers they were judged against and graded judgments (0–3). Each need is
ranked by the hand-built stage of a ``Ranker`` (the very path ``megler match`` takes, learned stage off);
its top ``pool`` candidates become feature rows (``matcher.features``) labelled with their grade (0 when
unjudged). Held-out metrics are computed on the re-ordered pool against *all* of the need's judgments
(relevant offers outside the pool count as missed).

* ``grouped_folds``: each need in exactly one fold (per set, seeded), so no need is ever in both the
  training and the test part;
* ``cross_validate``: per fold, fit on the other folds (every set), score the fold; and leave-one-set-out;
* ``compare_and_install``: a new model replaces the one in use only if its held-out score is at least as
  good (``megler train`` and ``POST /api/ranker/train`` both use it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matcher.features import FEATURES, candidate_features
from matcher.metrics import mrr, ndcg_at
from matcher.types import NeedQuery


@dataclass
class Pools:
    """Feature rows of the candidate pools of many needs, grouped by need."""

    X: np.ndarray
    y: np.ndarray
    query: np.ndarray  # per row: index of its need in ``need_ids``
    offer_ids: list[str]
    need_ids: list[str]
    sets: list[str]  # per need: the judged set it comes from
    judgments: list[dict[str, int]]  # per need: every graded judgment (offer id → grade)
    min_grade: list[int] = field(default_factory=list)  # per need: the grade MRR counts as relevant


def build_pools(ranker, needs: list[NeedQuery], judgments: dict[str, dict[str, int]], *, set_name: str,
                min_grade: int = 1, query_vectors: np.ndarray | None = None) -> Pools:
    """Rank each judged need with the hand-built stage and turn its pool into labelled feature rows."""
    rows, ys, qs, offers, need_ids, all_judged = [], [], [], [], [], []
    rankings = ranker.rank_many(needs, ranker.pool, query_vectors=query_vectors, rerank=False,
                                with_components=True)
    for qi, ranking in enumerate(rankings):
        judged = judgments.get(str(ranking.need.need_id), {})
        pool = ranking.results
        rows.append(candidate_features(ranking.need.text, pool, ranking.components))
        ys.extend(min(3, max(0, judged.get(r.offer.offer_id, 0))) for r in pool)
        qs.extend([qi] * len(pool))
        offers.extend(r.offer.offer_id for r in pool)
        need_ids.append(str(ranking.need.need_id))
        all_judged.append(judged)
    X = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)), np.float32)
    return Pools(X, np.asarray(ys, np.int32), np.asarray(qs, np.int64), offers, need_ids, [set_name] * len(need_ids),
                 all_judged, [min_grade] * len(need_ids))


def concat(parts: list[Pools]) -> Pools:
    offset, X, y, q, offers, ids, sets, judged, grades = 0, [], [], [], [], [], [], [], []
    for p in parts:
        X.append(p.X)
        y.append(p.y)
        q.append(p.query + offset)
        offset += len(p.need_ids)
        offers += p.offer_ids
        ids += p.need_ids
        sets += p.sets
        judged += p.judgments
        grades += p.min_grade
    return Pools(np.vstack(X), np.concatenate(y), np.concatenate(q), offers, ids, sets, judged, grades)


def query_metrics(pools: Pools, scores: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """(len(queries), 2): nDCG@10 and MRR of each need's pool ordered by ``scores`` (ties: pool order)."""
    out = np.zeros((len(queries), 2))
    for i, q in enumerate(queries):
        rows = np.flatnonzero(pools.query == q)
        order = rows[np.lexsort((rows, -scores[rows]))]
        ranked = [pools.offer_ids[r] for r in order]
        out[i] = ndcg_at(ranked, pools.judgments[q]), mrr(ranked, pools.judgments[q], pools.min_grade[q])
    return out


def evaluable(pools: Pools) -> np.ndarray:
    """Needs with at least one relevant judgment (the others have no MRR to speak of)."""
    return np.array([i for i, j in enumerate(pools.judgments)
                     if any(g >= pools.min_grade[i] for g in j.values())], np.int64)


def hand_built_scores(pools: Pools) -> np.ndarray:
    """The hand-built order of each pool (its rank, as a descending score)."""
    score = np.empty(len(pools.query))
    for q in np.unique(pools.query):
        rows = np.flatnonzero(pools.query == q)
        score[rows] = -np.arange(len(rows))
    return score


def grouped_folds(pools: Pools, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Fold of each need: a seeded permutation within each set, dealt round-robin."""
    out = np.empty(len(pools.need_ids), np.int64)
    rng = np.random.default_rng(seed)
    for name in sorted(set(pools.sets)):
        members = np.array([i for i, s in enumerate(pools.sets) if s == name])
        out[members[rng.permutation(len(members))]] = np.arange(len(members)) % folds
    return out


def balanced(pools: Pools, needs: np.ndarray, cap: int, seed: int) -> np.ndarray:
    """At most ``cap`` needs per set (seeded), so that one large set does not decide what the model learns."""
    rng = np.random.default_rng(seed)
    keep = []
    for name in sorted(set(pools.sets)):
        members = np.array([q for q in needs if pools.sets[q] == name])
        if len(members) > cap:
            members = np.sort(rng.choice(members, cap, replace=False))
        keep.extend(members.tolist())
    return np.array(sorted(keep), np.int64)


def _fit(model_factory, pools: Pools, needs: np.ndarray, cap: int, seed: int, report: dict | None = None):
    needs = balanced(pools, needs, cap, seed)
    rows = np.flatnonzero(np.isin(pools.query, needs))
    return model_factory().fit(pools.X[rows], pools.y[rows], pools.query[rows], report=report)


def fit_all(pools: Pools, model_factory, *, cap: int = 300, seed: int = 0, report: dict | None = None):
    """The model to install: fitted on every need (at most ``cap`` per set) exactly as each fold's model in
    ``cross_validate`` is, so the installed model is the one the held-out numbers speak for."""
    return _fit(model_factory, pools, np.arange(len(pools.need_ids)), cap, seed, report)


def cross_validate(pools: Pools, model_factory, *, folds: int = 5, seed: int = 0, cap: int = 300) -> dict:
    """Held-out nDCG@10 and MRR per set of the learned order and of the hand-built order on the same pools:
    grouped K-fold by need (fit on the other folds of every set) and leave-one-set-out."""
    fold = grouped_folds(pools, folds, seed)
    hand = hand_built_scores(pools)
    learned_kfold = np.zeros(len(pools.query))
    for f in range(folds):
        test = np.flatnonzero(fold == f)
        model = _fit(model_factory, pools, np.flatnonzero(fold != f), cap, seed)
        rows = np.flatnonzero(np.isin(pools.query, test))
        learned_kfold[rows] = model.predict(pools.X[rows])
    names = sorted(set(pools.sets))
    learned_loso = np.full(len(pools.query), np.nan)
    if len(names) > 1:
        for name in names:
            inside = np.array([i for i, s in enumerate(pools.sets) if s == name])
            model = _fit(model_factory, pools, np.array([i for i, s in enumerate(pools.sets) if s != name]), cap, seed)
            rows = np.flatnonzero(np.isin(pools.query, inside))
            learned_loso[rows] = model.predict(pools.X[rows])
    usable = set(evaluable(pools).tolist())
    report = {}
    for name in names:
        qs = np.array([i for i, s in enumerate(pools.sets) if s == name and i in usable])
        if not len(qs):
            continue
        row = {"needs": int(len(qs)), "hand_built": query_metrics(pools, hand, qs).mean(axis=0).tolist(),
               "learned_kfold": query_metrics(pools, learned_kfold, qs).mean(axis=0).tolist()}
        if len(names) > 1:
            row["learned_loso"] = query_metrics(pools, learned_loso, qs).mean(axis=0).tolist()
        report[name] = row
    return {"folds": folds, "seed": seed, "cap": cap, "metrics": ["nDCG@10", "MRR"], "sets": report}


def held_out_score(report: dict, key: str) -> float:
    """One number per report: the mean over sets of (nDCG@10 + MRR) / 2 under ``key``."""
    rows = [r[key] for r in report["sets"].values() if key in r]
    return float(np.mean([(a + b) / 2 for a, b in rows])) if rows else float("nan")


def compare_and_install(new_report: dict, current_score: float | None) -> tuple[bool, str]:
    """Whether a newly trained model may replace the one in use: its held-out (K-fold) score must be at
    least the current model's on the same judgments (or, with none in use, the hand-built order's)."""
    new = held_out_score(new_report, "learned_kfold")
    baseline = held_out_score(new_report, "hand_built") if current_score is None else current_score
    if not np.isfinite(new):
        return False, "ingen vurderte behov å måle på"
    if new + 1e-9 < baseline:
        return False, f"ny modell {new:.3f} er svakere enn den i bruk ({baseline:.3f}) målt utenfor treningsdata"
    return True, f"ny modell {new:.3f} ≥ {baseline:.3f} målt utenfor treningsdata"
