"""Build matcher inputs from interchange records (no database) or from stored rows.

The matcher depends only on catalog's pure modules (schema, places), never on the store.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from catalog.errors import InvalidNeedError
from catalog.places import PlaceRegister
from catalog.reference import display_name
from catalog.schema import NeedData, OfferData, validate_need, validate_offer
from matcher.types import NeedQuery, OfferItem, Place


def place_of(register: PlaceRegister, code: str | None, fallback: str | None = None) -> Place | None:
    if code is None:
        return None
    m = register.municipalities.get(code)
    if m is None:
        return Place(code, fallback or code)
    return Place(code, display_name(m.name), m.lat, m.lon)



def offer_item(d: OfferData, register: PlaceRegister, source: str = "") -> OfferItem:
    venues = tuple(place_of(register, v.municipality_code, v.place_text) or Place(None, v.place_text)
                   for v in d.venues)
    return OfferItem(
        offer_id=d.external_id, title=d.title, source=source, description=d.description, provider=d.provider,
        provider_type=d.provider_type, level=d.level, credits=d.credits, credit_unit=d.credit_unit,
        credits_sp=d.credits_sp, delivery=tuple(d.delivery), venues=venues, language=d.language,
        start_date=d.start_date, end_date=d.end_date, min_participants=d.min_participants, link_key=d.link_key,
        url=d.url,
    )


def need_query(d: NeedData, register: PlaceRegister, notes: list[str] | None = None) -> NeedQuery:
    notes = list(notes or [])
    place = place_of(register, d.municipality_code, d.place_text)
    if d.place_text and place is None:
        notes.append(f"Ukjent sted «{d.place_text}» – avstand kan ikke sjekkes")
    return NeedQuery(
        text=d.text, need_id=d.external_id, place=place, participants=d.participants, level_min=d.level_min,
        level_max=d.level_max, max_credits=d.max_credits, max_distance_km=d.max_distance_km,
        delivery=tuple(d.delivery), language=tuple(d.language), start_after=d.start_after,
        start_before=d.start_before, notes=notes,
    )


def need_from_dict(raw: dict[str, Any], register: PlaceRegister) -> NeedQuery:
    """An ad-hoc need (not stored): invalid fields become clear errors, odd places become notes."""
    raw = dict(raw)
    raw.setdefault("id", "adhoc")
    data, issues = validate_need(raw, register)
    if data is None:
        raise InvalidNeedError("; ".join(i.message() for i in issues.errors))
    notes = [i.message() for i in issues.warnings]
    return need_query(data, register, notes)


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def offers_from_jsonl(path: str | Path, register: PlaceRegister, source: str = "") -> list[OfferItem]:
    out = []
    for raw in read_jsonl(path):
        data, _ = validate_offer(raw, register)
        if data is not None:
            out.append(offer_item(data, register, source or Path(path).stem))
    return out


def offer_item_from_row(row, register: PlaceRegister) -> OfferItem:
    """From a stored ``catalog.store.models.Offer`` (duck-typed: no store import here)."""
    venues = tuple(place_of(register, v.municipality_code, v.place_text) or Place(None, v.place_text)
                   for v in row.venues)
    provider = row.provider
    return OfferItem(
        offer_id=row.external_id, title=row.title, source=row.source, description=row.description,
        provider=provider.name if provider else None, provider_type=provider.provider_type if provider else None,
        level=row.level, credits=row.credits, credit_unit=row.credit_unit, credits_sp=row.credits_sp,
        delivery=tuple(row.delivery or ()), venues=venues, language=row.language, start_date=row.start_date,
        end_date=row.end_date, min_participants=row.min_participants, link_key=row.link_key, url=row.url,
    )


def need_query_from_row(row, register: PlaceRegister) -> NeedQuery:
    notes = [w.get("message", "") for w in (row.warnings or [])]
    place = place_of(register, row.municipality_code, row.place_text)
    return NeedQuery(
        text=row.text, need_id=row.external_id, place=place, participants=row.participants,
        level_min=row.level_min, level_max=row.level_max, max_credits=row.max_credits,
        max_distance_km=row.max_distance_km, delivery=tuple(row.delivery or ()),
        language=tuple(row.language or ()), start_after=row.start_after, start_before=row.start_before, notes=notes,
    )
