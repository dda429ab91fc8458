"""The engine behind the CLI and the API: database, place register, encoder and ranker, built lazily.

Route handlers and CLI commands only parse input, call a ``Broker`` method and shape the output.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from catalog.config import Settings
from catalog.ingest import IngestReport, ingest_file
from catalog.places import PlaceRegister
from catalog.store.db import make_engine, session_factory, upgrade
from catalog.store.embeddings import SqlEmbeddingCache, file_cache
from catalog.store.models import Need, Offer
from catalog.store.repo import active_offers, ensure_register, save_register
from matcher.convert import need_query_from_row, offer_item_from_row
from matcher.encode import CachedEncoder, make_encoder
from matcher.hubness import HubCorrection
from matcher.rank import Calibration, Ranker, Ranking, Weights
from matcher.types import NeedQuery, OfferItem


class Broker:
    def __init__(self, settings: Settings, *, progress: Callable[[Iterable], Iterable] | None = None):
        self.settings = settings
        self.progress = progress
        self.engine = make_engine(settings.resolved_database_url())
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)
        self._register: PlaceRegister | None = None
        self._ranker: tuple[tuple, Ranker] | None = None
        self._lock = threading.RLock()
        self._checked_at = 0.0
        self.warmed: dict[str, float] | None = None  # the warm-up's timings, once it has run

    # ---------------------------------------------------------------- reference data
    @property
    def register(self) -> PlaceRegister:
        if self._register is None:
            with self.sessions.begin() as s:
                self._register = ensure_register(s)
        return self._register

    def save_register(self, register: PlaceRegister) -> None:
        with self.sessions.begin() as s:
            save_register(s, register)
        self._register = register

    # ---------------------------------------------------------------- ingest
    def ingest(self, path: str | Path, **kwargs) -> IngestReport:
        codes = self.codes.register
        with self.sessions.begin() as s:
            report = ingest_file(s, path, register=self.register, progress=self.progress, codes=codes, **kwargs)
        self._checked_at = 0.0  # look for catalog changes on the next ranking
        return report

    # ---------------------------------------------------------------- matching
    @cached_property
    def encoder(self) -> CachedEncoder:
        st = self.settings
        base = make_encoder(st.embedding_backend, st.embedding_model, threads=st.embedding_threads)
        cache = file_cache(st.embedding_cache) if st.embedding_cache else SqlEmbeddingCache(self.engine)
        return CachedEncoder(base, cache, batch_size=st.embedding_batch_size,
                             progress=self.progress)

    @cached_property
    def models(self):
        from api.ranker_service import RankerModels

        return RankerModels(self)

    @cached_property
    def codes(self):
        from api.code_service import CodeService

        return CodeService(self)

    @cached_property
    def demand(self):
        from api.demand_service import DemandService

        return DemandService(self)

    def weights(self) -> Weights:
        return Weights.from_settings(self.settings)

    def _fingerprint(self) -> tuple:
        with self.sessions() as s:
            return tuple(s.execute(select(func.count(Offer.id), func.max(Offer.updated_at), func.max(Offer.id))
                                   .where(Offer.status == "active")).one())

    def ranker(self) -> Ranker:
        """The fitted ranker for the active offers; rebuilt only when the offers changed.

        The change check (one small query) runs at most every ``settings.catalog_check_seconds``;
        ingests through this process invalidate at once.
        """
        now = time.monotonic()
        if self._ranker is not None and now - self._checked_at < self.settings.catalog_check_seconds:
            return self._ranker[1]
        fp = self._fingerprint()
        self._checked_at = now
        if self._ranker is not None and self._ranker[0] == fp:
            return self._ranker[1]
        with self._lock:
            return self._build_ranker(fp)

    def _build_ranker(self, fp: tuple) -> Ranker:
        if self._ranker is None or self._ranker[0] != fp:
            with self.sessions() as s:
                items = [offer_item_from_row(o, self.register) for o in active_offers(s)]
            encoder = self.encoder if self.settings.embedding_backend != "none" else None
            ranker = Ranker(encoder, self.weights(), Calibration.from_settings(self.settings),
                            road_factor=self.settings.road_factor, distance_scale_km=self.settings.distance_scale_km,
                            hubs=HubCorrection.from_settings(self.settings),
                            pool=self.settings.ranker_pool)
            vectors = encoder.encode_passages([o.passage() for o in items]) if encoder and items else None
            ranker.fit(items, vectors)
            self._ranker = (fp, ranker)
        return self._ranker[1]

    def warm(self) -> dict[str, float]:
        """Build everything a first request would otherwise build: the ranker (offer vectors from the
        cache, n-gram index, need-bank offsets), the text model itself, coverage and the demand
        clusters. Returns the seconds each step took (a server calls this before it accepts requests).
        """
        steps: dict[str, float] = {}

        def step(name: str, fn) -> None:
            t0 = time.perf_counter()
            fn()
            steps[name] = round(time.perf_counter() - t0, 3)

        step("ranker", self.ranker)
        if self.settings.embedding_backend != "none":
            step("model", lambda: self.encoder.encoder.encode_queries(["oppvarming"]))
        step("codes", self.codes.warm)
        step("coverage", self.demand.coverage)
        if self.settings.embedding_backend != "none":
            step("clusters", self.demand.warm_clusters)
        steps["total"] = round(sum(steps.values()), 3)
        self.warmed = steps
        return steps

    def offers(self) -> list[OfferItem]:
        return self.ranker().offers_

    def rank(self, need: NeedQuery, top_k: int = 10, *, hard: bool = False, organisation: str | None = None
             ) -> Ranking:
        """Rank offers for one need: the hand-built stage, re-ordered by the learned model in use for
        ``organisation`` (``RankerModels``) if there is one."""
        ranker = self.ranker()
        qv = self._query_vector(ranker, need.text) if need.text.strip() else None
        return ranker.rank(need, top_k, hard=hard, query_vector=qv, learned=self.models.model(organisation))

    def rank_many(self, needs: list[NeedQuery], top_k: int = 10, *, hard: bool = False,
                  organisation: str | None = None) -> list[Ranking]:
        """Rank many needs; query vectors are encoded in batches (and cached)."""
        ranker = self.ranker()
        texts = [n.text for n in needs]
        qv = self.encoder.encode_queries(texts) if ranker.text.vectors_ is not None and needs else None
        return ranker.rank_many(needs, top_k, hard=hard, query_vectors=qv, learned=self.models.model(organisation))

    def stored_needs(self, external_ids: list[str] | None = None) -> list[NeedQuery]:
        with self.sessions() as s:
            q = select(Need).order_by(Need.id)
            if external_ids:
                q = q.where(Need.external_id.in_(external_ids))
            return [need_query_from_row(n, self.register) for n in s.scalars(q)]

    def search_offers(self, *, q: str | None = None, level: str | None = None, max_credits: float | None = None,
                      delivery: str | None = None, county: str | None = None, municipality: str | None = None,
                      provider_type: str | None = None, limit: int = 20,
                      code_filters: dict[str, str | None] | None = None
                      ) -> tuple[int, list[tuple[OfferItem, float | None]]]:
        """Filter the active offers; rank them by ``q`` when given, else order by title. Raises ValueError
        with an allowed-values message for a filter that cannot be read."""
        from catalog.normalise import fold, normalise_delivery, normalise_level, normalise_provider_type

        ranker = self.ranker()
        items = ranker.offers_
        mask = np.ones(len(items), dtype=bool)
        register = self.register
        if level:
            code = normalise_level(level)
            mask &= np.array([o.level == code for o in items], dtype=bool)
        if max_credits is not None:
            mask &= np.array([o.credits_sp is not None and o.credits_sp <= max_credits for o in items], dtype=bool)
        if delivery:
            modes = set(normalise_delivery(delivery))
            mask &= np.array([bool(modes & set(o.delivery)) for o in items], dtype=bool)
        if provider_type:
            ptype = normalise_provider_type(provider_type)
            mask &= np.array([o.provider_type == ptype for o in items], dtype=bool)
        if municipality:
            res = register.resolve(municipality)
            if not res.ok:
                raise ValueError(f"municipality: {res.message(register)}")
            mask &= np.array([any(v.code == res.code for v in o.venues) for o in items], dtype=bool)
        if county:
            wanted = fold(county)
            codes = {m.code for m in register.current() if m.county_name and fold(m.county_name).startswith(wanted)}
            if not codes:
                raise ValueError(f"county: found {county!r}; allowed: a county name such as Troms, Innlandet, Vestland")
            mask &= np.array([any(v.code in codes for v in o.venues) for o in items], dtype=bool)
        keys = self.codes.offers_with(code_filters or {})
        if keys is not None:
            mask &= np.array([(o.source, o.offer_id) in keys for o in items], dtype=bool)
        total = int(mask.sum())
        if not total or limit <= 0:
            return total, []
        if q and q.strip():
            need = NeedQuery(text=q)
            ranking = ranker.rank(need, min(limit, total), allowed=mask, query_vector=self._query_vector(ranker, q))
            return total, [(r.offer, r.score) for r in ranking.results]
        idx = sorted(np.flatnonzero(mask), key=lambda i: (fold(items[i].title), items[i].source, items[i].offer_id))
        return total, [(items[i], None) for i in idx[:limit]]

    def _query_vector(self, ranker: Ranker, text: str):
        return self.encoder.encode_queries([text])[0] if ranker.text.vectors_ is not None else None
