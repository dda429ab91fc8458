from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from api.deps import BrokerDep
from api.schemas import Health, Version
from catalog.store.models import Need, Offer

router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health", response_model=Health, summary="Is the service up, and how much does it hold?")
def health(broker: BrokerDep) -> Health:
    with broker.sessions() as s:
        offers = s.scalar(select(func.count()).select_from(Offer).where(Offer.status == "active")) or 0
        needs = s.scalar(select(func.count()).select_from(Need)) or 0
    warmed = broker.warmed
    return Health(ok=True, ready=warmed is not None, database=broker.engine.dialect.name, offers=offers, needs=needs,
                  startup_seconds=warmed or {})


@router.get("/version", response_model=Version, summary="Software and model version")
def version(broker: BrokerDep) -> Version:
    from importlib.metadata import version as pkg_version

    return Version(name="kompetansemegler", version=pkg_version("kompetansemegler"),
                   embedding_model=broker.settings.embedding_backend + "/" + broker.settings.embedding_model)
