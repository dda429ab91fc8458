"""Store helpers for classifications (versions, codes, aliases) and for the codes on needs and offers."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalog.reference.codes import BUILTIN_VERSION, CodeEntry, CodeRegister, builtin_codes
from catalog.store.models import (
    ClassificationAlias,
    ClassificationCode,
    ClassificationVersion,
    NeedCode,
    OfferCode,
)

ITEM_TABLES = {"need": (NeedCode, NeedCode.need_id), "offer": (OfferCode, OfferCode.offer_id)}
STATUSES = ("given", "registered", "confirmed", "unknown", "suggested")  # strongest first


@dataclass(frozen=True)
class ItemCode:
    scheme: str
    code: str
    status: str
    confidence: float | None = None

    def as_dict(self) -> dict:
        return {"scheme": self.scheme, "code": self.code, "status": self.status, "confidence": self.confidence}


def load_codes(session: Session) -> CodeRegister | None:
    versions = session.scalars(select(ClassificationVersion).order_by(ClassificationVersion.position)).all()
    if not versions:
        return None
    by_version: dict[tuple[str, str], list[CodeEntry]] = defaultdict(list)
    for c in session.scalars(select(ClassificationCode)):
        by_version[(c.scheme, c.version)].append(CodeEntry(c.scheme, c.code, c.name, c.level, c.parent_code,
                                                           c.short_name, c.notes))
    register = CodeRegister()
    for v in versions:
        register.add_version(v.scheme, v.version, by_version[(v.scheme, v.version)], v.content_hash)
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a in session.scalars(select(ClassificationAlias)):
        pairs[a.scheme].append((a.code, a.alias))
    for scheme, p in pairs.items():
        register.add_aliases(scheme, p)
    return register


def import_version(session: Session, register: CodeRegister, scheme: str, version: str, entries: list[CodeEntry],
                   digest: str, source: str | None = None) -> int:
    """Store a new version of a classification; 0 (nothing written) when the same content is already stored,
    else the number of codes stored."""
    if not register.add_version(scheme, version, entries, digest):
        return 0
    position = (session.scalar(select(func.max(ClassificationVersion.position))) or 0) + 1
    session.add(ClassificationVersion(scheme=scheme, version=version, position=position, content_hash=digest,
                                      source=source))
    session.flush()
    rows = [{"scheme": scheme, "version": version, "code": e.code, "parent_code": e.parent, "level": e.level,
             "name": e.name[:500], "short_name": (e.short_name or None) and e.short_name[:300], "notes": e.notes}
            for e in register.schemes[scheme].codes[version].values()]
    for i in range(0, len(rows), 2000):
        session.execute(ClassificationCode.__table__.insert(), rows[i:i + 2000])
    return len(rows)


def import_aliases(session: Session, register: CodeRegister, scheme: str, pairs: Iterable[tuple[str, str]]) -> int:
    """Add labels to codes (unknown codes are skipped); returns how many were new."""
    known = [(c, a[:300]) for c, a in pairs if register.get(scheme, c) is not None]
    existing = {(a.code, a.alias) for a in session.scalars(select(ClassificationAlias).where(
        ClassificationAlias.scheme == scheme))}
    new = sorted({p for p in known if p not in existing})
    if new:
        session.execute(ClassificationAlias.__table__.insert(),
                        [{"scheme": scheme, "code": c, "alias": a} for c, a in new])
    register.add_aliases(scheme, new)
    return len(new)


def ensure_codes(session: Session) -> CodeRegister:
    """The stored classifications; on a database without any, store the built-in lists first."""
    register = load_codes(session)
    if register is None:
        register = CodeRegister()
        for scheme, entries, digest in builtin_codes():
            import_version(session, register, scheme, BUILTIN_VERSION, entries, digest, source="built-in")
    return register


# ---------------------------------------------------------------- codes on needs and offers
def item_codes(session: Session, kind: str, ids: Iterable[int]) -> dict[int, list[ItemCode]]:
    table, key = ITEM_TABLES[kind]
    out: dict[int, list[ItemCode]] = defaultdict(list)
    ids = list(ids)
    for i in range(0, len(ids), 500):
        q = select(table).where(key.in_(ids[i:i + 500])).order_by(key, table.scheme, table.position)
        for row in session.scalars(q):
            out[getattr(row, key.key)].append(ItemCode(row.scheme, row.code, row.status, row.confidence))
    return out


def replace_codes(session: Session, kind: str, item_id: int, codes: list[ItemCode], *,
                  statuses: tuple[str, ...]) -> None:
    """Replace the item's codes of the given statuses with ``codes``; codes of other statuses stay (a broker's
    confirmation survives re-tagging), and a code already there under another status is not duplicated."""
    table, key = ITEM_TABLES[kind]
    session.execute(delete(table).where(key == item_id, table.status.in_(statuses)))
    kept = {(r.scheme, r.code) for r in session.scalars(select(table).where(key == item_id))}
    position: dict[str, int] = defaultdict(int)
    for c in codes:
        if (c.scheme, c.code) in kept:
            continue
        kept.add((c.scheme, c.code))
        session.add(table(**{key.key: item_id}, scheme=c.scheme, code=c.code, status=c.status,
                          confidence=c.confidence, position=position[c.scheme]))
        position[c.scheme] += 1
    session.flush()


def primary_code(codes: list[ItemCode], scheme: str, *, min_confidence: float = 0.0) -> ItemCode | None:
    """The code that stands for the item in statistics: a given, registered or confirmed code first, then the
    first suggestion at or above ``min_confidence``."""
    mine = [c for c in codes if c.scheme == scheme and c.status != "unknown"]
    for status in STATUSES:
        for c in mine:
            if c.status == status and (status != "suggested" or (c.confidence or 0) >= min_confidence):
                return c
    return None
