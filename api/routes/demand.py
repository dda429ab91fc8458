from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import BrokerDep, BrokerRoleDep, PrincipalDep, ReaderDep
from api.routes.needs import CodeQuery
from api.schemas import ClusterOut, CohortsOut, CoverageOut, ModuleIn, SimulationOut, StatRow
from api.scope import Scope

router = APIRouter(prefix="/api", tags=["demand"])


@router.get("/demand/coverage", response_model=list[CoverageOut],
            summary="Best eligible offer and class per need (broker: own organisation)")
def coverage(broker: BrokerDep, principal: BrokerRoleDep,
             status: Annotated[str | None, Query(pattern="^(covered|partly_covered|unmet)$")] = None
             ) -> list[CoverageOut]:
    return [CoverageOut(**cov.as_dict(), organisation=need.organisation)
            for need, cov in broker.demand.coverage(Scope.of(principal)) if not status or cov.status == status]


@router.get("/demand/clusters", response_model=list[ClusterOut],
            summary="Unmet-demand clusters (public view without a broker key)")
def clusters(broker: BrokerDep, principal: PrincipalDep,
             county: Annotated[str | None, Query(max_length=100)] = None,
             all_needs: bool = False, explain: bool = False) -> list[ClusterOut]:
    include = ("covered", "partly_covered", "unmet") if all_needs else ("partly_covered", "unmet")
    rows = broker.demand.clusters(include=include, county=county)
    return [ClusterOut(**r) for r in broker.demand.scoped_view(rows, Scope.of(principal), explain=explain)]


@router.get("/demand/cohorts", response_model=CohortsOut, summary="Pool firms into viable classes (broker)")
def cohorts(broker: BrokerDep, principal: BrokerRoleDep,
            offer_id: Annotated[str | None, Query(max_length=300)] = None,
            cluster_id: Annotated[str | None, Query(max_length=40)] = None,
            max_km: Annotated[float, Query(gt=0, le=3000)] = 150.0) -> CohortsOut:
    return CohortsOut(**broker.demand.cohorts(offer_id=offer_id, cluster_id=cluster_id, max_km=max_km,
                                              scope=Scope.of(principal)))


@router.post("/demand/simulate", response_model=SimulationOut,
             summary="Which logged needs would a planned module serve? (reader; need ids for brokers)")
def simulate(broker: BrokerDep, principal: ReaderDep, module: ModuleIn) -> SimulationOut:
    return SimulationOut(**broker.demand.simulate(module.model_dump(exclude_none=True), Scope.of(principal)))


@router.get("/stats", response_model=list[StatRow],
            summary="Needs reported, matched, shortlisted, enrolled and unmet, per group and period (public)")
def stats(broker: BrokerDep, principal: PrincipalDep,
          by: Annotated[str, Query(pattern="^(county|municipality|centrality|industry|styrk|sn2007|nus)$")] = "county",
          period: Annotated[str, Query(pattern="^(month|quarter|year|all)$")] = "quarter",
          level: Annotated[int | None, Query(ge=1, le=4, description=(
              "Hierarchy level for by=styrk (1–4), sn2007 (1 section, 2 division), nus (1 field, 2 group)"))] = None,
          styrk: CodeQuery = None, sn2007: CodeQuery = None, nus: CodeQuery = None,
          public: bool = True) -> list[StatRow]:
    rows = broker.demand.monitor(by=by, period=period, public=public or principal.role != "admin", level=level,
                                 where={"styrk": styrk, "sn2007": sn2007, "nus": nus})
    return [StatRow(**r) for r in rows]
