from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminDep, BrokerDep
from api.schemas import RankerOut, TrainIn, TrainOut

router = APIRouter(prefix="/api/ranker", tags=["ranker"])


@router.get("", response_model=RankerOut, summary="The ranking model in use and its training report (admin)")
def ranker_in_use(broker: BrokerDep, principal: AdminDep,
                  organisation: Annotated[str | None, Query(max_length=200)] = None) -> RankerOut:
    return RankerOut(**broker.models.describe(organisation))


@router.post("/train", response_model=TrainOut,
             summary="Refit the learned re-ranker from broker feedback; installed only if no worse held out (admin)")
def train(broker: BrokerDep, principal: AdminDep, body: TrainIn) -> TrainOut:
    return TrainOut(**broker.models.train(organisation=body.organisation, install=body.install))
