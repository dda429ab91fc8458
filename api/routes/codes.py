from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import BrokerDep, BrokerRoleDep, ReaderDep
from api.routes.needs import OrganisationQuery, load_need
from api.schemas import CodeOut, ConfirmCodeIn, ItemCodeOut, SchemeOut, SuggestIn, SuggestionOut
from catalog.errors import NotFoundError

router = APIRouter(prefix="/api", tags=["codes"])


@router.get("/codes", response_model=list[SchemeOut], summary="The classifications and their versions (public)")
def schemes(broker: BrokerDep) -> list[SchemeOut]:
    return [SchemeOut(**v) for v in broker.codes.versions()]


@router.get("/codes/{scheme}", response_model=list[CodeOut],
            summary="Codes of one classification: styrk, sn2007, nus, esco_skills (public)")
def code_list(broker: BrokerDep, scheme: str,
              level: Annotated[int | None, Query(ge=1, le=6, description="Hierarchy level")] = None,
              q: Annotated[str | None, Query(max_length=200, description="Part of a name, or a code prefix")] = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> list[CodeOut]:
    return [CodeOut(**c) for c in broker.codes.codes(scheme, level=level, q=q, limit=limit)]


@router.get("/codes/{scheme}/{code:path}", response_model=CodeOut, summary="One code with its name (public)")
def one_code(broker: BrokerDep, scheme: str, code: str) -> CodeOut:
    key = broker.codes.scheme(scheme)
    found = broker.codes.describe(key, code)
    if found["name"] is None:
        raise NotFoundError(f"{scheme} code {code!r} not found in any imported version")
    return CodeOut(**found)


@router.post("/codes/suggest", response_model=list[SuggestionOut],
             summary="Suggest codes for a text, with a confidence (reader)")
def suggest(broker: BrokerDep, principal: ReaderDep, body: SuggestIn) -> list[SuggestionOut]:
    key = broker.codes.scheme(body.scheme)
    [row] = broker.codes.suggest([body.text], key, top=body.top)
    return [SuggestionOut(code=x.code, name=broker.codes.register.name(key, x.code), confidence=x.confidence)
            for x in row]


@router.post("/needs/{need_id}/codes", response_model=ItemCodeOut,
             summary="Set or confirm a code on a need: it becomes 'confirmed' (broker)")
def confirm(broker: BrokerDep, principal: BrokerRoleDep, need_id: str, body: ConfirmCodeIn,
            organisation: OrganisationQuery = None) -> ItemCodeOut:
    with broker.sessions() as s:
        row_id = load_need(s, principal, need_id, organisation).id
    return ItemCodeOut(**broker.codes.confirm(row_id, body.scheme, body.code))
