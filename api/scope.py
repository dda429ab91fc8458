"""What a caller may see of the stored needs: one rule, used by every route that touches them.

An admin sees every organisation's needs; a broker only its own organisation's; a reader and the
public none (they get aggregates, with small groups suppressed). Routes turn their ``Principal`` into
a ``Scope`` once and pass it down; the demand service and the need queries filter through it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from catalog.errors import ConflictError, NotFoundError
from catalog.store.models import Need


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    organisation: str | None = None

    @classmethod
    def of(cls, principal) -> Scope:
        if principal.role == "admin":
            return cls(everything=True)
        if principal.role == "broker" and principal.organisation:
            return cls(organisation=principal.organisation)
        return cls()  # readers, the public and a broker key without an organisation see no needs

    def allows(self, organisation: str | None) -> bool:
        return self.everything or (self.organisation is not None and organisation == self.organisation)

    def needs(self, q):
        """Restrict a SQLAlchemy select over ``Need`` to what this scope may see."""
        if self.everything:
            return q
        if self.organisation is None:
            return q.where(False)
        return q.where(Need.organisation == self.organisation)

    def find_need(self, session, need_id: str, organisation: str | None = None) -> Need:
        """The one need with this id that the scope may see. Need ids are unique within an organisation;
        an admin names the organisation when two organisations use the same id (else 409)."""
        q = self.needs(select(Need).where(Need.external_id == need_id))
        if organisation is not None:
            q = q.where(Need.organisation == organisation)
        rows = session.scalars(q.order_by(Need.id).limit(10)).all()
        if not rows:
            raise NotFoundError(f"need {need_id!r} not found")
        owners = sorted({r.organisation or "" for r in rows})
        if len(owners) > 1:
            raise ConflictError(f"need {need_id!r} exists in several organisations ({', '.join(owners)}); "
                                "allowed: name one with ?organisation=")
        return rows[-1]


ALL = Scope(everything=True)
