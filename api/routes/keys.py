from __future__ import annotations

from fastapi import APIRouter

from api import auth
from api.deps import AdminDep, BrokerDep
from api.schemas import KeyIn, KeyOut

router = APIRouter(prefix="/api/keys", tags=["keys"])


@router.post("", response_model=KeyOut, status_code=201, summary="Create an API key; shown once (admin)")
def create(broker: BrokerDep, principal: AdminDep, body: KeyIn) -> KeyOut:
    with broker.sessions.begin() as s:
        key = auth.create_key(s, name=body.name, role=body.role, organisation=body.organisation)
        row = next(k for k in auth.list_keys(s) if key.startswith(f"km_{k['prefix']}_"))
    return KeyOut(**row, key=key)


@router.get("", response_model=list[KeyOut], summary="List API keys, without secrets (admin)")
def list_all(broker: BrokerDep, principal: AdminDep) -> list[KeyOut]:
    with broker.sessions() as s:
        return [KeyOut(**k) for k in auth.list_keys(s)]


@router.delete("/{prefix}", response_model=KeyOut, summary="Revoke an API key (admin)")
def revoke(broker: BrokerDep, principal: AdminDep, prefix: str) -> KeyOut:
    with broker.sessions.begin() as s:
        auth.revoke_key(s, prefix)
        return KeyOut(**next(k for k in auth.list_keys(s) if k["prefix"] == prefix))
