"""Shaping engine objects into API models (no business logic)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.schemas import NeedOut, OfferOut, VenueOut
from catalog.config import MAX_PAGE_SIZE
from catalog.errors import InvalidNeedError
from catalog.reference import display_name

PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=(
    f"Results per page: 1 to MEGLER_MAX_PAGE_SIZE (default and at most {MAX_PAGE_SIZE})"))]


def page_bounds(broker, page: int, page_size: int) -> tuple[int, int]:
    if page_size > broker.settings.max_page_size:
        raise InvalidNeedError(f"page_size: found {page_size}; allowed: 1 to {broker.settings.max_page_size}")
    start = (page - 1) * page_size
    return start, start + page_size


def offer_out(broker, o, score: float | None, codes: list[dict] | None = None) -> OfferOut:
    if codes is None:
        codes = broker.codes.for_offers([o]).get((o.source, o.offer_id), [])
    return OfferOut(
        offer_id=o.offer_id, source=o.source, title=o.title, description=o.description, provider=o.provider,
        provider_type=o.provider_type, level=o.level, credits=o.credits, credit_unit=o.credit_unit,
        credits_sp=o.credits_sp, delivery=list(o.delivery),
        venues=[VenueOut(place=v.name, municipality_code=v.code, municipality=v.name if v.code else None)
                for v in o.venues],
        language=o.language, start_date=o.start_date, end_date=o.end_date, url=o.url,
        score=None if score is None else round(float(score), 4), codes=codes)


def need_out(broker, row, codes: list[dict] | None = None) -> NeedOut:
    m = broker.register.municipalities.get(row.municipality_code) if row.municipality_code else None
    return NeedOut(
        need_id=row.external_id, text=row.text, company=row.company, org_number=row.org_number,
        municipality=display_name(m.name) if m else row.place_text, municipality_code=row.municipality_code,
        industry=row.industry, participants=row.participants, level_min=row.level_min, level_max=row.level_max,
        max_credits=row.max_credits, max_distance_km=row.max_distance_km, delivery=list(row.delivery or []),
        language=list(row.language or []), start_after=row.start_after, start_before=row.start_before,
        status=row.status, organisation=row.organisation, reported_at=row.reported_at,
        warnings=list(row.warnings or []),
        codes=broker.codes.for_items("need", [row.id])[row.id] if codes is None else codes)
