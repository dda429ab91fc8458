from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import delete, select

from api.deps import BrokerDep, BrokerRoleDep
from api.routes.needs import OrganisationQuery, load_need
from api.schemas import AdHocNeed, FeedbackIn, FeedbackOut, MatchList, MatchOut
from api.scope import Scope
from catalog.store.models import MatchResult, Offer
from matcher.convert import need_from_dict, need_query_from_row

router = APIRouter(prefix="/api", tags=["matches"])


def _results(ranking) -> list[MatchOut]:
    return [MatchOut(**r.as_dict()) for r in ranking.results]


@router.post("/match", response_model=MatchList, summary="Rank offers for a need that is not stored (public)")
def match_adhoc(broker: BrokerDep, need: AdHocNeed) -> MatchList:
    raw = need.model_dump(exclude_none=True, exclude={"top", "hard"}, mode="json")
    query = need_from_dict(raw, broker.register)
    ranking = broker.rank(query, need.top, hard=need.hard)
    return MatchList(need_id=None, notes=ranking.notes, results=_results(ranking))


@router.get("/needs/{need_id}/matches", response_model=MatchList, summary="Ranked offers for a stored need (broker)")
def matches_for_need(broker: BrokerDep, principal: BrokerRoleDep, need_id: str,
                     top: Annotated[int, Query(ge=1, le=100)] = 10, hard: bool = False,
                     organisation: OrganisationQuery = None) -> MatchList:
    with broker.sessions() as s:
        row = load_need(s, principal, need_id, organisation)
        query, owner = need_query_from_row(row, broker.register), row.organisation
    ranking = broker.rank(query, top, hard=hard, organisation=owner)
    with broker.sessions.begin() as s:  # keep the latest list for follow-up and monitoring
        need = load_need(s, principal, need_id, organisation)
        s.execute(delete(MatchResult).where(MatchResult.need_id == need.id))
        ids = dict(s.execute(select(Offer.external_id, Offer.id).where(
            Offer.external_id.in_([r.offer.offer_id for r in ranking.results]), Offer.status == "active")).all())
        for r in ranking.results:
            if r.offer.offer_id in ids:
                s.add(MatchResult(need_id=need.id, offer_id=ids[r.offer.offer_id], rank=r.rank, score=r.score,
                                  components=r.as_dict()["components"], reasons=r.reasons))
    return MatchList(need_id=need_id, notes=ranking.notes, results=_results(ranking))


@router.post("/feedback", response_model=FeedbackOut, status_code=201,
             summary="Mark a match shortlisted, rejected or enrolled (broker)")
def feedback(broker: BrokerDep, principal: BrokerRoleDep, body: FeedbackIn) -> FeedbackOut:
    data = broker.demand.add_feedback(body.need_id, body.offer_id, body.status, note=body.note, by=principal.name,
                                      scope=Scope.of(principal), organisation=body.organisation)
    return FeedbackOut(**data)
