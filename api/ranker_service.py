"""The learned re-ranker in use, and training it from broker feedback and judged sets.

Which model ranks (``settings.ranker_model``): a path, ``builtin`` (the shipped model), ``none``, or empty —
the model ``megler train`` installed (``<data folder>/models/ranker.txt``) if there is one, else the
hand-built order. With ``settings.feedback_scope = organisation``, an organisation's feedback trains a
model of its own (``ranker-<organisation>.txt``) that ranks only that organisation's needs.

Training labels: a broker's *shortlisted* counts as relevant (2), *enrolled* as highly relevant (3),
*rejected* as not relevant (0); judged-set files (needs + TREC qrels) add their own grades. The new model is
cross-validated by need (``matcher.training``) and installed only if its held-out score is at least that of
the order in use on the same judgments.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
from sqlalchemy import select

from catalog.errors import InvalidNeedError
from catalog.store.models import Feedback, Need, Offer
from matcher.convert import need_query_from_row
from matcher.learned import BUILTIN_MODEL, LearnedRanker
from matcher.metrics import read_qrels
from matcher.training import (
    build_pools,
    compare_and_install,
    concat,
    cross_validate,
    evaluable,
    fit_all,
    held_out_score,
    query_metrics,
)
from matcher.types import NeedQuery

FEEDBACK_GRADES = {"rejected": 0, "shortlisted": 2, "enrolled": 3}
MIN_NEEDS = 10  # fewer judged needs cannot be split into folds that say anything


class RankerModels:
    def __init__(self, broker):
        self.broker = broker
        self.settings = broker.settings
        self._loaded: dict[Path, tuple[float, LearnedRanker]] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- which model
    def folder(self) -> Path:
        return self.settings.data_dir / "models"

    def installed_path(self, organisation: str | None = None) -> Path:
        if organisation and self.settings.feedback_scope == "organisation":
            safe = re.sub(r"[^\w.-]+", "_", organisation)[:80]
            return self.folder() / f"ranker-{safe}.txt"
        return self.folder() / "ranker.txt"

    def path_in_use(self, organisation: str | None = None) -> Path | None:
        choice = self.settings.ranker_model.strip()
        if choice == "none":
            return None
        if choice == "builtin":
            return BUILTIN_MODEL
        if choice:
            return Path(choice)
        for path in (self.installed_path(organisation), self.installed_path(None)):
            if path.is_file():
                return path
        return None

    def model(self, organisation: str | None = None) -> LearnedRanker | None:
        """The learned stage for ``organisation``'s needs (None: the hand-built order); reloaded when the file
        changes."""
        path = self.path_in_use(organisation)
        if path is None:
            return None
        if not path.is_file():
            raise InvalidNeedError(f"ranker model {path}: not found; allowed: a file written by `megler train`, "
                                   "'builtin', 'none' or empty (setting MEGLER_RANKER_MODEL)")
        mtime = path.stat().st_mtime
        with self._lock:
            cached = self._loaded.get(path)
            if cached is None or cached[0] != mtime:
                cached = (mtime, LearnedRanker.load(path))
                self._loaded[path] = cached
        return cached[1]

    def describe(self, organisation: str | None = None) -> dict:
        path = self.path_in_use(organisation)
        model = self.model(organisation)
        return {"model": "hand-built" if model is None else path.name, "report": model.report_ if model else None}

    # ---------------------------------------------------------------- training
    def feedback_judgments(self, organisation: str | None) -> tuple[list[NeedQuery], dict[str, dict[str, int]]]:
        """Needs with broker feedback and their grades (the latest verdict per need and offer counts)."""
        register = self.broker.register
        needs: dict[str, NeedQuery] = {}
        grades: dict[str, dict[str, int]] = {}
        with self.broker.sessions() as s:
            q = (select(Feedback, Need, Offer.external_id).join(Need, Feedback.need_id == Need.id)
                 .join(Offer, Feedback.offer_id == Offer.id).order_by(Feedback.created_at, Feedback.id))
            if organisation and self.settings.feedback_scope == "organisation":
                q = q.where(Need.organisation == organisation)
            for fb, need, offer_id in s.execute(q):
                key = f"feedback:{need.id}"
                if key not in needs:
                    query = need_query_from_row(need, register)
                    query.need_id = key
                    needs[key] = query
                grades.setdefault(key, {})[offer_id] = FEEDBACK_GRADES[fb.status]
        return list(needs.values()), grades

    def train(self, *, judged: list[tuple[list[NeedQuery], dict[str, dict[str, int]], int]] = (),
              organisation: str | None = None, install: bool = False, folds: int = 5) -> dict:
        """Fit a model on feedback (+ ``judged`` sets: needs, judgments, the grade MRR counts), report held-out
        metrics of the hand-built order, the order in use and the new model, and install it when ``install``
        and it is no worse held out."""
        ranker = self.broker.ranker()
        encoder = self.broker.encoder if ranker.text.vectors_ is not None else None
        sets = [(*self.feedback_judgments(organisation), 2, "tilbakemeldinger")]
        sets += [(n, j, g, f"vurderinger {i + 1}") for i, (n, j, g) in enumerate(judged)]
        parts = []
        for needs, judgments, min_grade, name in sets:
            if not needs:
                continue
            qv = encoder.encode_queries([n.text for n in needs]) if encoder else None
            parts.append(build_pools(ranker, needs, judgments, set_name=name, min_grade=min_grade, query_vectors=qv))
        pools = concat(parts) if parts else None
        usable = evaluable(pools) if pools is not None else np.zeros(0, np.int64)
        if len(usable) < MIN_NEEDS:
            raise InvalidNeedError(f"training: found {len(usable)} needs with a relevant judgment or a shortlisted/"
                                   f"enrolled offer; allowed: at least {MIN_NEEDS} (give more feedback or --qrels)")
        report = cross_validate(pools, LearnedRanker, folds=min(folds, len(usable)))
        current = self.model(organisation)
        current_score = None
        if current is not None:
            per = query_metrics(pools, current.predict(pools.X), usable)
            current_score = float(per.mean(axis=0).mean())
        ok, reason = compare_and_install(report, current_score)
        out = {"needs": int(len(usable)), "hand_built": held_out_score(report, "hand_built"),
               "in_use": current_score if current_score is not None else held_out_score(report, "hand_built"),
               "in_use_model": "hand-built" if current is None else "learned",
               "new_held_out": held_out_score(report, "learned_kfold"), "accepted": ok, "reason": reason,
               "installed": None, "report": report}
        if ok and install:
            model = fit_all(pools, LearnedRanker, report={"cross_validation": report})
            path = self.installed_path(organisation)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            model.save(tmp)
            tmp.replace(path)  # atomic: a reader sees the old model or the new one
            out["installed"] = path.name
        return out


def read_judged(needs_file: Path, qrels_file: Path, register, min_grade: int) -> tuple[list[NeedQuery], dict, int]:
    """A judged set from files: needs in interchange v1 JSON Lines and TREC qrels (need 0 offer grade)."""
    from matcher.convert import need_from_dict, read_jsonl

    needs = [need_from_dict(r, register) for r in read_jsonl(needs_file)]
    try:
        judgments = read_qrels(qrels_file)
    except ValueError as exc:
        raise InvalidNeedError(str(exc)) from None
    return needs, judgments, min_grade
