"""Plain data the matcher works on: no database rows, no HTTP objects."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Characters of an offer's description embedded (and read by the n-gram leg) with its title; chosen by
# grouped 5-fold by need (benchmarks/constants_cv.py, "description window").
DESCRIPTION_WINDOW = 600


@dataclass(frozen=True)
class Place:
    code: str | None
    name: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class OfferItem:
    offer_id: str  # the id exactly as in the ingested file
    title: str
    source: str = ""
    description: str | None = None
    provider: str | None = None
    provider_type: str | None = None
    level: str | None = None
    credits: float | None = None
    credit_unit: str | None = None
    credits_sp: float | None = None
    delivery: tuple[str, ...] = ()
    venues: tuple[Place, ...] = ()
    language: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    min_participants: int | None = None
    link_key: str | None = None
    url: str | None = None

    def passage(self, max_chars: int = DESCRIPTION_WINDOW) -> str:
        return passage_text(self.title, self.description, max_chars)


def passage_text(title: str, description: str | None, max_chars: int = DESCRIPTION_WINDOW) -> str:
    """The text embedded for an offer: title first, then the start of the description."""
    desc = (description or "")[:max_chars]
    return f"{title}. {desc}".strip() if desc else title


@dataclass
class NeedQuery:
    text: str
    need_id: str | None = None
    place: Place | None = None
    participants: int | None = None
    level_min: str | None = None
    level_max: str | None = None
    max_credits: float | None = None
    max_distance_km: float | None = None
    delivery: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    start_after: dt.date | None = None
    start_before: dt.date | None = None
    notes: list[str] = field(default_factory=list)  # problems found with the need itself (in Norwegian)
