from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile

from api.deps import AdminDep, BrokerDep
from api.schemas import IngestReportOut, JobOut, QuarantineOut
from api.views import PageSize, page_bounds
from catalog.errors import InvalidNeedError, NotFoundError
from catalog.store.repo import list_quarantine

router = APIRouter(prefix="/api/catalog", tags=["catalog"])

SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".xml", ".jsonld")


@router.post("/ingest", response_model=JobOut, status_code=202,
             summary="Upload a catalog file for ingest; runs in the background (admin)")
def ingest(request: Request, broker: BrokerDep, principal: AdminDep,
           file: Annotated[UploadFile, File(description="interchange v1, XCRI-CAP, ELM, or a provider export")],
           kind: Annotated[str | None, Query(pattern="^(offers|needs)$")] = None,
           source: Annotated[str | None, Query(max_length=80, pattern=r"^[\w.:-]+$")] = None,
           mapping: Annotated[str | None, Query(max_length=80, pattern=r"^[\w-]+$",
                                                description="name of a built-in mapping")] = None,
           full: bool = False) -> JobOut:
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidNeedError(f"file name ending {suffix or '(none)'!r}; allowed: {', '.join(SUFFIXES)}")
    tmp = Path(tempfile.mkdtemp(prefix="megler-upload-"))
    path = tmp / f"{Path(file.filename or 'upload').stem[:60] or 'upload'}{suffix}"
    with open(path, "wb") as fh:
        shutil.copyfileobj(file.file, fh)
    job_id = secrets.token_hex(6)
    jobs = request.app.state.jobs
    jobs[job_id] = {"job_id": job_id, "status": "queued", "kind": "ingest", "error": None, "report": None}

    def run() -> None:
        jobs[job_id]["status"] = "running"
        try:
            report = broker.ingest(path, kind=kind, source=source, mapping=mapping, full=full)
            jobs[job_id].update(status="done", report={**report.as_dict(), "path": path.name})
        except Exception as exc:  # the job reports every failure (never a server path); the server keeps running
            jobs[job_id].update(status="failed", error=str(exc).replace(str(tmp) + "/", "").replace(str(tmp), ""))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    request.app.state.executor.submit(run)
    return JobOut(**jobs[job_id])


@router.get("/jobs/{job_id}", response_model=JobOut, summary="Status and report of an ingest job (admin)")
def job(request: Request, principal: AdminDep, job_id: str) -> JobOut:
    data = request.app.state.jobs.get(job_id)
    if data is None:
        raise NotFoundError(f"job {job_id!r} not found")
    return JobOut(**{**data, "report": IngestReportOut(**data["report"]) if data["report"] else None})


@router.get("/quarantine", response_model=list[QuarantineOut], summary="Quarantined records and why (admin)")
def quarantine(broker: BrokerDep, principal: AdminDep, source: Annotated[str | None, Query(max_length=80)] = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               page_size: PageSize = 50) -> list[QuarantineOut]:
    start, _ = page_bounds(broker, page, page_size)
    with broker.sessions() as s:
        items = list_quarantine(s, source=source, limit=page_size, offset=start)
    return [QuarantineOut(**i) for i in items]
