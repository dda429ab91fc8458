"""API keys with roles. Keys are random tokens, stored only as SHA-256 hashes.

A key looks like ``km_<prefix>_<secret>``; the prefix finds the row, the hash checks the whole key.
Roles are ordered: reader < broker < admin. Without a key only public reads work.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import MeglerError, NotFoundError
from catalog.store.models import ApiKey, utcnow

ROLES = ("reader", "broker", "admin")
RANK = {"public": 0, "reader": 1, "broker": 2, "admin": 3}


@dataclass(frozen=True)
class Principal:
    role: str  # public | reader | broker | admin
    name: str = "anonym"
    organisation: str | None = None

    def at_least(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


PUBLIC = Principal("public")


class AuthError(MeglerError):
    status = 401


class ForbiddenError(MeglerError):
    status = 403


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, *, name: str, role: str, organisation: str | None = None) -> str:
    if role not in ROLES:
        raise MeglerError(f"role: found {role!r}; allowed: {', '.join(ROLES)}")
    if role == "broker" and not organisation:
        raise MeglerError("a broker key needs an organisation (the broker sees that organisation's needs)")
    prefix = secrets.token_hex(4)
    key = f"km_{prefix}_{secrets.token_urlsafe(24)}"
    session.add(ApiKey(name=name, prefix=prefix, key_hash=hash_key(key), role=role, organisation=organisation))
    session.flush()
    return key


def revoke_key(session: Session, prefix: str) -> None:
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if row is None:
        raise NotFoundError(f"no API key with prefix {prefix!r}")
    row.revoked_at = utcnow()


def list_keys(session: Session) -> list[dict]:
    return [{"prefix": k.prefix, "name": k.name, "role": k.role, "organisation": k.organisation,
             "created_at": k.created_at.isoformat(), "revoked": k.revoked_at is not None}
            for k in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def authenticate(session: Session, key: str | None) -> Principal:
    if not key:
        return PUBLIC
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "km":
        raise AuthError("invalid API key format; expected km_<prefix>_<secret>")
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == parts[1])).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, hash_key(key)):
        raise AuthError("unknown or revoked API key")
    return Principal(row.role, row.name, row.organisation)
