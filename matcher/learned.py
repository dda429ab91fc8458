"""A learned re-ranker over ``matcher.features``: LightGBM LambdaRank, deterministic for a seed.

Follows the scikit-learn estimator contract: ``__init__`` stores parameters only, ``fit`` validates and
returns ``self``, fitted state ends in ``_``, ``predict`` before ``fit`` raises ``NotFittedError``. The
model is saved as one text file: a JSON header line (format version, feature names, parameters, the
training report) followed by LightGBM's own text model, so a file can be read, diffed and versioned.

LightGBM is imported on first use (fit or load), never at import time.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from catalog.errors import NotFittedError
from matcher.features import FEATURES

FORMAT = "kompetansemegler-ranker/1"
BUILTIN_MODEL = Path(__file__).resolve().parents[1] / "catalog" / "reference" / "data" / "ranker.txt"


def group_sizes(query_ids: np.ndarray) -> np.ndarray:
    """Sizes of consecutive runs of equal query ids (rows must be grouped by query)."""
    q = np.asarray(query_ids)
    if len(q) == 0:
        return np.zeros(0, np.int64)
    cuts = np.flatnonzero(q[1:] != q[:-1]) + 1
    starts = np.r_[0, cuts]
    if len(set(q[starts].tolist())) != len(starts):
        raise ValueError("query_ids: found a query's rows in more than one run; allowed: rows grouped by query")
    return np.diff(np.r_[starts, len(q)])


class LearnedRanker:
    """LambdaRank over candidate features; a higher prediction ranks higher."""

    def __init__(self, n_estimators: int = 50, learning_rate: float = 0.05, num_leaves: int = 7,
                 min_child_samples: int = 50, seed: int = 0):
        """Defaults: the smallest model that tied larger ones (200 trees × 15 leaves) under the cross-validation
        of ``benchmarks/train_ranker.py`` on the shared sets (a one-off grid, script not kept)."""
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.seed = seed

    def params(self) -> dict:
        return {"n_estimators": self.n_estimators, "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves, "min_child_samples": self.min_child_samples, "seed": self.seed}

    def fit(self, X: np.ndarray, y: np.ndarray, query_ids: np.ndarray, *, sample_weight: np.ndarray | None = None,
            report: dict | None = None) -> LearnedRanker:
        """``X`` (rows, len(FEATURES)), ``y`` graded labels 0–3 (int), rows grouped by ``query_ids``."""
        import lightgbm

        X = np.asarray(X, np.float32)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[1] != len(FEATURES):
            raise ValueError(f"X: found shape {X.shape}; allowed: (rows, {len(FEATURES)}) in FEATURES order")
        if len(y) != len(X) or len(query_ids) != len(X):
            raise ValueError(f"y and query_ids: found {len(y)} and {len(query_ids)} rows for {len(X)}; allowed: one each")
        if len(y) and (y.min() < 0 or y.max() > 3 or not np.all(np.equal(np.mod(y, 1), 0))):
            raise ValueError(f"y: found values {sorted(set(y.tolist()))[:6]}; allowed: whole grades 0–3")
        groups = group_sizes(query_ids)
        booster = lightgbm.LGBMRanker(
            objective="lambdarank", n_estimators=self.n_estimators, learning_rate=self.learning_rate,
            num_leaves=self.num_leaves, min_child_samples=self.min_child_samples, random_state=self.seed,
            deterministic=True, force_row_wise=True, n_jobs=1, verbose=-1, label_gain=[0, 1, 3, 7])
        booster.fit(X, y.astype(np.int32), group=groups, sample_weight=sample_weight)
        self.booster_ = booster.booster_
        self.report_ = dict(report or {}, rows=int(len(X)), queries=int(len(groups)))
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        if not hasattr(self, "booster_"):
            raise NotFittedError("LearnedRanker is not fitted yet; call fit(X, y, query_ids) or LearnedRanker.load(path)")
        X = np.asarray(X, np.float32).reshape(-1, len(FEATURES))
        if len(X) == 0:
            return np.zeros(0, np.float64)
        return self.booster_.predict(X, num_threads=1)

    def save(self, path: str | Path) -> Path:
        if not hasattr(self, "booster_"):
            raise NotFittedError("LearnedRanker is not fitted yet; nothing to save")
        header = {"format": FORMAT, "features": list(FEATURES), "params": self.params(), "report": self.report_}
        p = Path(path)
        p.write_text(json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n" + self.booster_.model_to_string(),
                     encoding="utf-8")
        return p

    @classmethod
    def load(cls, path: str | Path) -> LearnedRanker:
        import lightgbm

        p = Path(path)
        head, _, body = p.read_text(encoding="utf-8").partition("\n")
        try:
            header = json.loads(head)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{p}: line 1 is not the model header ({exc.msg}); allowed: a file written by "
                             "LearnedRanker.save") from None
        if header.get("format") != FORMAT or header.get("features") != list(FEATURES):
            raise ValueError(f"{p}: found format {header.get('format')!r} with {len(header.get('features', []))} "
                             f"features; allowed: {FORMAT} with the {len(FEATURES)} features of matcher.features "
                             "(retrain with `megler train`)")
        model = cls(**header["params"])
        model.booster_ = lightgbm.Booster(model_str=body)
        model.report_ = header.get("report", {})
        return model
