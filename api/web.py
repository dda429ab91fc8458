"""The broker web page: server-rendered Norwegian templates, no CDN, very little JavaScript.

A broker signs in once with an API key (kept in an HttpOnly cookie) and can then register a need,
see ranked offers with reasons, filter them, and mark each shortlisted / rejected / enrolled.
Demand clusters and coverage by centrality are public views.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from api.auth import PUBLIC, Principal, authenticate
from api.code_service import CODE_STATUS_NB
from api.deps import BrokerDep
from api.scope import Scope
from catalog.errors import MeglerError, NotFoundError
from catalog.normalise import LEVEL_CODES, NKR_LEVELS
from catalog.reference import display_name
from catalog.store.models import Feedback, Need, Offer
from catalog.store.repo import create_need
from matcher.convert import need_query_from_row
from matcher.demand import CLASS_NB, classify
from matcher.rules import DELIVERY_NB

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
COOKIE = "megler_key"
STATUS_NB = {"shortlisted": "Kortlistet", "rejected": "Avvist", "enrolled": "Påmeldt"}


def mount_static(app) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


def _principal(request: Request, broker) -> Principal:
    key = request.cookies.get(COOKIE)
    if not key:
        return PUBLIC
    try:
        with broker.sessions() as s:
            return authenticate(s, key)
    except MeglerError:
        return PUBLIC


def _render(request: Request, name: str, principal: Principal, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"principal": principal, **context}, status_code=status_code)


def _municipality_names(broker) -> list[str]:
    return sorted({display_name(m.name) for m in broker.register.current()})


def _levels() -> list[tuple[str, str]]:
    return [(c, f"NKR {c.replace('.', ',')} – {NKR_LEVELS[c][1]}") for c in LEVEL_CODES]


# ---------------------------------------------------------------- sign in / out
@router.get("/logg-inn", response_class=HTMLResponse)
def login_form(request: Request, broker: BrokerDep, neste: str = "/") -> HTMLResponse:
    return _render(request, "login.html", _principal(request, broker), neste=_safe_next(neste), error=None)


@router.post("/logg-inn", response_class=HTMLResponse)
def login(request: Request, broker: BrokerDep, key: Annotated[str, Form(max_length=200)],
          neste: Annotated[str, Form(max_length=500)] = "/") -> Response:
    try:
        with broker.sessions() as s:
            authenticate(s, key.strip())
    except MeglerError:
        return _render(request, "login.html", PUBLIC, status_code=401, neste=_safe_next(neste),
                       error="Ukjent eller tilbakekalt API-nøkkel.")
    response = RedirectResponse(_safe_next(neste), status_code=303)
    response.set_cookie(COOKIE, key.strip(), httponly=True, samesite="strict", max_age=8 * 3600)
    return response


@router.post("/logg-ut")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


# ---------------------------------------------------------------- register a need
@router.get("/", response_class=HTMLResponse)
def index(request: Request, broker: BrokerDep) -> HTMLResponse:
    return _render(request, "index.html", _principal(request, broker), municipalities=_municipality_names(broker),
                   levels=_levels(), delivery_modes=DELIVERY_NB, errors=[], form={})


@router.post("/", response_class=HTMLResponse)
async def register_need(request: Request, broker: BrokerDep) -> Response:
    principal = _principal(request, broker)
    if not principal.at_least("broker"):
        return RedirectResponse("/logg-inn?neste=/", status_code=303)
    form = await request.form()
    raw = {
        "id": f"web-{secrets.token_hex(4)}", "text": form.get("text", ""), "company": form.get("company") or None,
        "org_number": form.get("org_number") or None, "municipality": form.get("municipality") or None,
        "participants": form.get("participants") or None, "level_min": form.get("level_min") or None,
        "level_max": form.get("level_max") or None, "max_credits": form.get("max_credits") or None,
        "max_distance_km": form.get("max_distance_km") or None, "delivery": form.getlist("delivery") or None,
        "start_after": form.get("start_after") or None, "start_before": form.get("start_before") or None,
        "reported_by": principal.name,
    }
    try:
        with broker.sessions.begin() as s:
            need = create_need(s, {k: v for k, v in raw.items() if v is not None}, broker.register,
                               source=f"web:{principal.organisation or 'admin'}", organisation=principal.organisation,
                               codes=broker.codes.register)
            need_id, row_id = need.external_id, need.id
    except MeglerError as exc:
        return _render(request, "index.html", principal, status_code=422, municipalities=_municipality_names(broker),
                       levels=_levels(), delivery_modes=DELIVERY_NB, errors=str(exc).split("; "), form=dict(form))
    broker.codes.tag(need_ids=[row_id])  # the new need's suggested codes
    return RedirectResponse(f"/behov/{need_id}", status_code=303)


# ---------------------------------------------------------------- a need and its offers
def _own_need(s, principal: Principal, need_id: str) -> Need | None:
    try:
        return Scope.of(principal).find_need(s, need_id)
    except NotFoundError:
        return None


@router.get("/behov", response_class=HTMLResponse)
def needs_page(request: Request, broker: BrokerDep) -> Response:
    principal = _principal(request, broker)
    if not principal.at_least("broker"):
        return RedirectResponse("/logg-inn?neste=/behov", status_code=303)
    with broker.sessions() as s:
        rows = s.scalars(Scope.of(principal).needs(select(Need).order_by(Need.id.desc())).limit(200)).all()
        needs = [{"id": r.external_id, "company": r.company, "text": r.text, "status": r.status,
                  "place": r.place_text} for r in rows]
    return _render(request, "needs.html", principal, needs=needs)


SCHEME_NB = {"styrk08": "Yrke (STYRK-08)", "sn2007": "Næring (SN2007)", "nus2000": "Utdanning (NUS)",
             "esco_skill": "Ferdighet (ESCO)", "esco_occupation": "Yrke (ESCO)"}


@router.get("/behov/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, broker: BrokerDep, need_id: str,
              levering: Annotated[list[str] | None, Query()] = None,
              maks_sp: Annotated[str | None, Query(max_length=10)] = None,
              strengt: bool = False, antall: Annotated[int, Query(ge=1, le=50)] = 10) -> Response:
    principal = _principal(request, broker)
    max_sp = _number(maks_sp)
    if not principal.at_least("broker"):
        return RedirectResponse(f"/logg-inn?neste=/behov/{need_id}", status_code=303)
    with broker.sessions() as s:
        row = _own_need(s, principal, need_id)
        if row is None:
            return _render(request, "missing.html", principal, status_code=404, need_id=need_id)
        query, need_owner = need_query_from_row(row, broker.register), row.organisation
        need = {"id": row.external_id, "company": row.company, "text": row.text, "place": row.place_text,
                "participants": row.participants, "status": row.status, "warnings": row.warnings or [],
                "codes": broker.codes.for_items("need", [row.id])[row.id]}
        marks = {o: st for o, st in s.execute(
            select(Offer.external_id, Feedback.status).join(Offer, Offer.id == Feedback.offer_id)
            .where(Feedback.need_id == row.id).order_by(Feedback.id))}
    ranking = broker.rank(query, 200 if (levering or max_sp is not None) else antall, hard=strengt,
                          organisation=need_owner)
    results = [r for r in ranking.results
               if (not levering or set(levering) & set(r.offer.delivery))
               and (max_sp is None or (r.offer.credits_sp is not None and r.offer.credits_sp <= max_sp))][:antall]
    offer_codes = broker.codes.for_offers([r.offer for r in results])
    st = broker.settings
    best = ranking.results[0].score if ranking.results else 0.0
    status = classify(best, st.covered_threshold, st.partly_threshold)
    coverage = {"status": status, "label": CLASS_NB[status], "best": best, "covered": st.covered_threshold,
                "partly": st.partly_threshold}
    return _render(request, "need.html", principal, need=need, results=results, notes=ranking.notes, marks=marks,
                   coverage=coverage, code_min_confidence=st.code_min_confidence,
                   status_nb=STATUS_NB, delivery_modes=DELIVERY_NB, code_status=CODE_STATUS_NB,
                   scheme_nb=SCHEME_NB, offer_codes=offer_codes,
                   filters={"levering": levering or [], "maks_sp": max_sp, "strengt": strengt, "antall": antall})


def _number(text: str | None) -> float | None:
    """An optional number from a form field: empty or unreadable means no filter."""
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return value if 0 <= value <= 420 else None


@router.post("/behov/{need_id}/kode")
def confirm_code(request: Request, broker: BrokerDep, need_id: str,
                 scheme: Annotated[str, Form(max_length=20)], code: Annotated[str, Form(max_length=120)]) -> Response:
    principal = _principal(request, broker)
    if not principal.at_least("broker"):
        return RedirectResponse(f"/logg-inn?neste=/behov/{need_id}", status_code=303)
    with broker.sessions() as s:
        row = _own_need(s, principal, need_id)
        if row is None:
            return _render(request, "missing.html", principal, status_code=404, need_id=need_id)
        row_id = row.id
    broker.codes.confirm(row_id, scheme, code)
    return RedirectResponse(f"/behov/{need_id}#koder", status_code=303)


@router.post("/behov/{need_id}/tilbakemelding")
def mark(request: Request, broker: BrokerDep, need_id: str, offer_id: Annotated[str, Form(max_length=300)],
         status: Annotated[str, Form(pattern="^(shortlisted|rejected|enrolled)$")]) -> Response:
    principal = _principal(request, broker)
    if not principal.at_least("broker"):
        return RedirectResponse(f"/logg-inn?neste=/behov/{need_id}", status_code=303)
    broker.demand.add_feedback(need_id, offer_id, status, by=principal.name, scope=Scope.of(principal))
    return RedirectResponse(f"/behov/{need_id}#tilbud-{offer_id}", status_code=303)


# ---------------------------------------------------------------- demand (public views)
@router.get("/ettersporsel", response_class=HTMLResponse)
def demand_page(request: Request, broker: BrokerDep,
                fylke: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    principal = _principal(request, broker)
    counties = sorted({(m.county_name or "").split(" - ")[0] for m in broker.register.current() if m.county_name})
    clusters = broker.demand.clusters(county=fylke or None, public=True)
    centrality = broker.demand.monitor(by="centrality", period="all", public=True)
    coverage_rows = []
    by_level: dict[str, dict[str, int]] = {}
    for need, cov in broker.demand.coverage():
        level = str(need.centrality) if need.centrality else "ukjent"
        by_level.setdefault(level, {"covered": 0, "partly_covered": 0, "unmet": 0})[cov.status] += 1
    firms = {r["group"]: r["firms"] for r in centrality}
    for level in sorted(by_level):
        counts = by_level[level]
        suppressed = (firms.get(level) or 0) < broker.settings.min_public_group
        coverage_rows.append({"level": level, "suppressed": suppressed, **({} if suppressed else counts)})
    return _render(request, "demand.html", principal, clusters=clusters, counties=counties, county=fylke or "",
                   coverage_rows=coverage_rows, class_nb=CLASS_NB)
