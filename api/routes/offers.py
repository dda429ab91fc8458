from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import BrokerDep
from api.schemas import OfferOut, OfferPage
from api.views import PageSize, offer_out, page_bounds
from catalog.errors import InvalidNeedError, NotFoundError

router = APIRouter(prefix="/api/offers", tags=["offers"])


@router.get("", response_model=OfferPage, summary="Search and filter offers (public)")
def search_offers(
    broker: BrokerDep,
    q: Annotated[str | None, Query(max_length=2000, description="Free text: what the firm needs")] = None,
    level: Annotated[str | None, Query(max_length=40, description="NKR level, e.g. 4, 5.1, 6")] = None,
    max_credits: Annotated[float | None, Query(ge=0, le=420, description="At most this many studiepoeng")] = None,
    delivery: Annotated[str | None, Query(max_length=40, description="campus, online, hybrid, ...")] = None,
    county: Annotated[str | None, Query(max_length=100)] = None,
    municipality: Annotated[str | None, Query(max_length=100, description="Name, number or postcode")] = None,
    provider_type: Annotated[str | None, Query(max_length=40)] = None,
    nus: Annotated[str | None, Query(max_length=20, description="NUS2000 code or field (5: technical subjects)")
                   ] = None,
    styrk: Annotated[str | None, Query(max_length=20, description="STYRK-08 code given on the offer")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: PageSize = 20,
) -> OfferPage:
    start, stop = page_bounds(broker, page, page_size)
    try:
        found = broker.search_offers(q=q, level=level, max_credits=max_credits, delivery=delivery, county=county,
                                     municipality=municipality, provider_type=provider_type, limit=stop,
                                     code_filters={"nus": nus, "styrk": styrk})
    except ValueError as exc:
        raise InvalidNeedError(str(exc)) from None
    total, items = found
    shown = items[start:stop]
    codes = broker.codes.for_offers([o for o, _ in shown])
    return OfferPage(total=total, page=page, page_size=page_size,
                     items=[offer_out(broker, o, score, codes.get((o.source, o.offer_id), [])) for o, score in shown])


@router.get("/{offer_id}", response_model=OfferOut, summary="One offer by its id as ingested (public)")
def get_offer(broker: BrokerDep, offer_id: str,
              source: Annotated[str | None, Query(max_length=80)] = None) -> OfferOut:
    matches = [o for o in broker.offers() if o.offer_id == offer_id and (source is None or o.source == source)]
    if not matches:
        raise NotFoundError(f"offer {offer_id!r} not found")
    if len(matches) > 1:
        raise InvalidNeedError(f"offer id {offer_id!r} exists in several sources "
                               f"({', '.join(sorted(o.source for o in matches))}); add ?source=")
    return offer_out(broker, matches[0], None)
