"""FastAPI dependencies: the engine (``Broker``), the caller (``Principal``) and role checks."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from api.auth import PUBLIC, AuthError, ForbiddenError, Principal, authenticate
from api.service import Broker


def get_broker(request: Request) -> Broker:
    return request.app.state.broker


BrokerDep = Annotated[Broker, Depends(get_broker)]


def get_principal(broker: BrokerDep,
                  x_api_key: Annotated[str | None, Header(description="API key: km_<prefix>_<secret>")] = None,
                  ) -> Principal:
    if not x_api_key:
        return PUBLIC
    with broker.sessions() as s:
        return authenticate(s, x_api_key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(role: str):
    """A dependency that lets only ``role`` or higher through (401 without a key, 403 with too low a role)."""

    def check(principal: PrincipalDep) -> Principal:
        if principal.at_least(role):
            return principal
        if principal.role == "public":
            raise AuthError(f"this needs an API key with the {role} role (header X-API-Key)")
        raise ForbiddenError(f"the {principal.role} role may not do this; it needs the {role} role")

    return check


ReaderDep = Annotated[Principal, Depends(require("reader"))]
BrokerRoleDep = Annotated[Principal, Depends(require("broker"))]
AdminDep = Annotated[Principal, Depends(require("admin"))]

