"""Store helpers: persist and load the place register, list the quarantine, fetch rows for matching."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalog.normalise import NKR_LEVELS
from catalog.places import MunicipalityInfo, PlaceRegister
from catalog.store.models import Level, Municipality, Need, Offer, PlaceAlias, QuarantineItem


def save_register(session: Session, register: PlaceRegister) -> None:
    """Replace the stored register with ``register`` (reference data is small: ~500 rows)."""
    session.execute(delete(PlaceAlias))
    session.execute(delete(Municipality))
    session.add_all([
        Municipality(code=m.code, name=m.name, county_code=m.county_code, county_name=m.county_name, lat=m.lat,
                     lon=m.lon, centrality=m.centrality, current=m.current, replaced_by=m.replaced_by)
        for m in register.municipalities.values()
    ])
    session.flush()
    rows = []
    for alias, codes in register.aliases.items():
        for code, kind in codes.items():
            rows.append({"alias": alias, "code": code, "kind": kind})
    for postcode, code in register.postcodes.items():
        rows.append({"alias": postcode, "code": code, "kind": "postcode"})
    if rows:
        session.execute(PlaceAlias.__table__.insert(), rows)
    if session.scalar(select(func.count()).select_from(Level)) == 0:
        session.add_all([Level(code=c, rank=r, label_nb=label, eqf=eqf) for c, (r, label, eqf) in NKR_LEVELS.items()])
    session.flush()


def load_register(session: Session) -> PlaceRegister | None:
    """The stored register, or None when the database has no reference data yet."""
    munis = session.scalars(select(Municipality)).all()
    if not munis:
        return None
    register = PlaceRegister()
    for m in munis:
        register.municipalities[m.code] = MunicipalityInfo(
            code=m.code, name=m.name, county_code=m.county_code, county_name=m.county_name, lat=m.lat, lon=m.lon,
            centrality=m.centrality, current=m.current, replaced_by=m.replaced_by)
    for a in session.scalars(select(PlaceAlias)):
        if a.kind == "postcode":
            register.postcodes[a.alias] = a.code
        else:
            register.aliases[a.alias][a.code] = a.kind
    return register


def ensure_register(session: Session) -> PlaceRegister:
    """Load the stored register; on a fresh database store the built-in one first."""
    register = load_register(session)
    if register is None:
        from catalog.reference import builtin_register

        register = builtin_register()
        save_register(session, register)
    return register


def list_quarantine(session: Session, *, source: str | None = None, status: str = "open",
                    limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    q = select(QuarantineItem).where(QuarantineItem.status == status).order_by(QuarantineItem.id)
    if source:
        q = q.where(QuarantineItem.source == source)
    return [
        {"id": item.id, "source": item.source, "kind": item.kind, "record_no": item.record_no,
         "external_id": item.external_id, "issues": item.issues, "raw": item.raw, "run_id": item.run_id}
        for item in session.scalars(q.limit(limit).offset(offset))
    ]



def active_offers(session: Session) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.status == "active").order_by(Offer.id)))



def create_need(session: Session, raw: dict[str, Any], register: PlaceRegister, *, source: str,
                organisation: str | None, codes=None) -> Need:
    """Store one need given in the interchange format; field errors raise ``InvalidNeedError`` (all listed)."""
    from catalog.errors import ConflictError, InvalidNeedError
    from catalog.schema import stable_hash, validate_need

    data, issues = validate_need(raw, register, codes)
    if data is None:
        raise InvalidNeedError("; ".join(i.message() for i in issues.errors))
    if session.scalars(select(Need).where(Need.source == source, Need.external_id == data.external_id)).first():
        raise ConflictError(f"need {data.external_id!r} already exists; change its status with PATCH, or use a new id")
    fields = data.canonical()
    fields.pop("external_id")
    fields.pop("codes", None)
    for key in ("start_after", "start_before", "reported_at"):
        fields[key] = getattr(data, key)
    fields["organisation"] = organisation
    need = Need(source=source, external_id=data.external_id, raw_hash=stable_hash(raw),
                content_hash=data.content_hash(), warnings=[i.as_dict() for i in issues.warnings], **fields)
    session.add(need)
    session.flush()
    if data.codes:
        from catalog.store.codes import ItemCode, replace_codes

        replace_codes(session, "need", need.id, [ItemCode(*c) for c in data.codes], statuses=())
    return need
