from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import BrokerDep, BrokerRoleDep, PrincipalDep, ReaderDep
from api.schemas import ClusterOut, CohortsOut, CoverageOut, ModuleIn, SimulationOut, StatRow

router = APIRouter(prefix="/api", tags=["demand"])


@router.get("/demand/coverage", response_model=list[CoverageOut],
            summary="Best eligible offer and class per need (broker: own organisation)")
def coverage(broker: BrokerDep, principal: BrokerRoleDep,
             status: Annotated[str | None, Query(pattern="^(covered|partly_covered|unmet)$")] = None
             ) -> list[CoverageOut]:
    own = None if principal.role == "admin" else _own_ids(broker, principal)
    rows = []
    for need, cov in broker.demand.coverage():
        if own is not None and need.query.need_id not in own:
            continue
        if status and cov.status != status:
            continue
        rows.append(CoverageOut(**cov.as_dict()))
    return rows


def _own_ids(broker, principal) -> set[str]:
    return {n.query.need_id for n in broker.demand.needs(organisation=principal.organisation)}


@router.get("/demand/clusters", response_model=list[ClusterOut],
            summary="Unmet-demand clusters (public view without a broker key)")
def clusters(broker: BrokerDep, principal: PrincipalDep,
             county: Annotated[str | None, Query(max_length=100)] = None,
             all_needs: bool = False) -> list[ClusterOut]:
    include = ("covered", "partly_covered", "unmet") if all_needs else ("partly_covered", "unmet")
    rows = broker.demand.clusters(include=include, county=county)
    if principal.role == "admin":
        return [ClusterOut(**r) for r in rows]
    public = broker.demand.public_view(rows)
    if principal.role == "broker":  # brokers see the ids of their own needs only
        own = _own_ids(broker, principal)
        ids = {r["cluster_id"]: r["need_ids"] for r in rows}
        for pub in public:
            pub["need_ids"] = [n for n in ids[pub["cluster_id"]] if n in own]
    return [ClusterOut(**r) for r in public]


@router.get("/demand/cohorts", response_model=CohortsOut, summary="Pool firms into viable classes (broker)")
def cohorts(broker: BrokerDep, principal: BrokerRoleDep,
            offer_id: Annotated[str | None, Query(max_length=300)] = None,
            cluster_id: Annotated[str | None, Query(max_length=40)] = None,
            max_km: Annotated[float, Query(gt=0, le=3000)] = 150.0) -> CohortsOut:
    return CohortsOut(**broker.demand.cohorts(offer_id=offer_id, cluster_id=cluster_id, max_km=max_km))


@router.post("/demand/simulate", response_model=SimulationOut,
             summary="Which logged needs would a planned module serve? (reader; need ids for brokers)")
def simulate(broker: BrokerDep, principal: ReaderDep, module: ModuleIn) -> SimulationOut:
    out = broker.demand.simulate(module.model_dump(exclude_none=True))
    if not principal.at_least("broker"):
        for row in out["served"] + out["misses"]:
            row["need_id"] = None
    return SimulationOut(**out)


@router.get("/stats", response_model=list[StatRow],
            summary="Needs reported, matched, shortlisted, enrolled and unmet, per group and period (public)")
def stats(broker: BrokerDep, principal: PrincipalDep,
          by: Annotated[str, Query(pattern="^(county|municipality|centrality|industry)$")] = "county",
          period: Annotated[str, Query(pattern="^(month|quarter|year|all)$")] = "quarter",
          public: bool = True) -> list[StatRow]:
    rows = broker.demand.monitor(by=by, period=period, public=public or principal.role != "admin")
    return [StatRow(**r) for r in rows]
