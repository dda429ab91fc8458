from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from sqlalchemy import func, select

from api.deps import BrokerDep, BrokerRoleDep
from api.schemas import ErrorOut, IngestReportOut, NeedIn, NeedOut, NeedPage, NeedStatusIn
from api.scope import Scope
from api.views import PageSize, need_out, page_bounds
from catalog.store.models import Need
from catalog.store.repo import create_need

router = APIRouter(prefix="/api/needs", tags=["needs"])
CodeQuery = Annotated[str | None, Query(max_length=20, description=(
    "Only needs filed under this code or below it (STYRK-08 5 / 53 / 5321, SN2007 A / 03, NUS field 6)"))]


def source_for(principal) -> str:
    return f"api:{principal.organisation or 'admin'}"


@router.post("", response_model=NeedOut, status_code=201, summary="Register a need (broker)",
             responses={409: {"model": ErrorOut, "description": "A need with this id already exists"}})
def create(broker: BrokerDep, principal: BrokerRoleDep, need: NeedIn) -> NeedOut:
    raw = need.model_dump(exclude_none=True, mode="json")
    with broker.sessions.begin() as s:
        row = create_need(s, raw, broker.register, source=source_for(principal), organisation=principal.organisation,
                          codes=broker.codes.register)
        row_id = row.id
    broker.codes.tag(need_ids=[row_id])  # the new need's suggested codes
    with broker.sessions() as s:
        return need_out(broker, s.get(Need, row_id))


@router.post("/upload", response_model=IngestReportOut, summary="Upload needs as CSV or JSON Lines (broker)")
def upload(broker: BrokerDep, principal: BrokerRoleDep,
           file: Annotated[UploadFile, File(description="interchange v1: .jsonl or .csv")]) -> IngestReportOut:
    suffix = Path(file.filename or "needs.jsonl").suffix.lower()
    suffix = suffix if suffix in (".jsonl", ".csv", ".json", ".ndjson") else ".jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        report = broker.ingest(path, kind="needs", source=source_for(principal))
        broker.codes.tag(offers=False)
    report.path = Path(file.filename or path.name).name  # the uploaded file's own name, never a server path
    with broker.sessions.begin() as s:
        for row in s.scalars(select(Need).where(Need.source == source_for(principal), Need.organisation.is_(None))):
            row.organisation = principal.organisation
    return IngestReportOut(**report.as_dict())


@router.get("", response_model=NeedPage, summary="List needs (broker: own organisation)")
def list_needs(broker: BrokerDep, principal: BrokerRoleDep,
               status: Annotated[str | None, Query(pattern="^(open|matched|closed)$")] = None,
               styrk: CodeQuery = None, sn2007: CodeQuery = None, nus: CodeQuery = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               page_size: PageSize = 20) -> NeedPage:
    start, _ = page_bounds(broker, page, page_size)
    where = {"styrk": styrk, "sn2007": sn2007, "nus": nus}
    with broker.sessions() as s:
        q = Scope.of(principal).needs(select(Need))
        if status:
            q = q.where(Need.status == status)
        if any(where.values()):
            ids = s.scalars(q.with_only_columns(Need.id)).all()
            q = q.where(Need.id.in_(broker.codes.filed_ids("need", list(ids), where)))
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.scalars(q.order_by(Need.id).offset(start).limit(page_size)).all()
        codes = broker.codes.for_items("need", [r.id for r in rows])
        return NeedPage(total=total, page=page, page_size=page_size,
                        items=[need_out(broker, r, codes[r.id]) for r in rows])


OrganisationQuery = Annotated[str | None, Query(max_length=200, description=(
    "Admins: the organisation whose need this is, where two organisations use the same need id"))]


def load_need(s, principal, need_id: str, organisation: str | None = None) -> Need:
    return Scope.of(principal).find_need(s, need_id, organisation)


@router.get("/{need_id}", response_model=NeedOut, summary="One need (broker: own organisation)")
def get_need(broker: BrokerDep, principal: BrokerRoleDep, need_id: str,
             organisation: OrganisationQuery = None) -> NeedOut:
    with broker.sessions() as s:
        return need_out(broker, load_need(s, principal, need_id, organisation))


@router.patch("/{need_id}", response_model=NeedOut, summary="Change a need's status (broker)")
def update_status(broker: BrokerDep, principal: BrokerRoleDep, need_id: str, body: NeedStatusIn,
                  organisation: OrganisationQuery = None) -> NeedOut:
    with broker.sessions.begin() as s:
        row = load_need(s, principal, need_id, organisation)
        row.status = body.status
        return need_out(broker, row)
