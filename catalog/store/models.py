"""SQLAlchemy 2 ORM models: the one schema for offers, needs, ingest runs and reference data.

The Alembic migrations in ``catalog/migrations`` must agree with these models;
``tests/catalog/test_migrations.py`` checks that autogenerate finds no difference.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# ---------------------------------------------------------------- reference data
class Municipality(Base):
    """A municipality (kommune); old numbers are kept with ``current`` false and ``replaced_by`` set."""

    __tablename__ = "municipality"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    county_code: Mapped[str | None] = mapped_column(String(2))
    county_name: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    centrality: Mapped[int | None] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    replaced_by: Mapped[str | None] = mapped_column(String(4))


class PlaceAlias(Base):
    """A normalised place string (old name, Sami name, old number, postcode) → municipality code."""

    __tablename__ = "place_alias"
    alias: Mapped[str] = mapped_column(String(120), primary_key=True)
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # name | sami | old_name | old_code | postcode | place


class Level(Base):
    """NKR levels (Nasjonalt kvalifikasjonsrammeverk) with their EQF counterpart."""

    __tablename__ = "level"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    rank: Mapped[float] = mapped_column(Float)
    label_nb: Mapped[str] = mapped_column(String(200))
    eqf: Mapped[int] = mapped_column(Integer)


class ClassificationVersion(Base):
    """One imported version of a classification (STYRK-08, SN2007, NUS2000, ESCO); ``position`` orders them."""

    __tablename__ = "classification_version"
    scheme: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(1000))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ClassificationCode(Base):
    __tablename__ = "classification_code"
    scheme: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[str] = mapped_column(String(60), primary_key=True)
    code: Mapped[str] = mapped_column(String(120), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)


class ClassificationAlias(Base):
    """An extra label of a code (a job title under a STYRK occupation): vocabulary for the tagger."""

    __tablename__ = "classification_alias"
    scheme: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(120), primary_key=True)
    alias: Mapped[str] = mapped_column(String(300), primary_key=True)


# ---------------------------------------------------------------- catalog
class Provider(Base):
    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    provider_type: Mapped[str] = mapped_column(String(30), default="other")


class Offer(Base):
    __tablename__ = "offer"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_offer_source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    external_id: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    level: Mapped[str | None] = mapped_column(String(4))
    credits: Mapped[float | None] = mapped_column(Float)
    credit_unit: Mapped[str | None] = mapped_column(String(20))
    credits_sp: Mapped[float | None] = mapped_column(Float)
    delivery: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(1000))
    price_nok: Mapped[float | None] = mapped_column(Float)
    min_participants: Mapped[int | None] = mapped_column(Integer)
    link_key: Mapped[str | None] = mapped_column(String(600), index=True)
    raw_hash: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    provider: Mapped[Provider | None] = relationship(lazy="joined")
    venues: Mapped[list[OfferVenue]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", lazy="selectin", order_by="OfferVenue.position"
    )


class OfferVenue(Base):
    __tablename__ = "offer_venue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    place_text: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    resolution: Mapped[str] = mapped_column(String(12))  # exact | alias | fuzzy | ambiguous | unknown

    offer: Mapped[Offer] = relationship(back_populates="venues")


class OfferVersion(Base):
    """History: the previous content of an offer each time it changed or was retired."""

    __tablename__ = "offer_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column()
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"))


# ---------------------------------------------------------------- needs
class Need(Base):
    __tablename__ = "need"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_need_source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    external_id: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(String(300))
    org_number: Mapped[str | None] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(200), index=True)
    place_text: Mapped[str | None] = mapped_column(String(200))
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    industry: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[int | None] = mapped_column(Integer)
    level_min: Mapped[str | None] = mapped_column(String(4))
    level_max: Mapped[str | None] = mapped_column(String(4))
    max_credits: Mapped[float | None] = mapped_column(Float)
    max_distance_km: Mapped[float | None] = mapped_column(Float)
    delivery: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[list[Any]] = mapped_column(default=list)
    start_after: Mapped[dt.date | None] = mapped_column(Date)
    start_before: Mapped[dt.date | None] = mapped_column(Date)
    reported_by: Mapped[str | None] = mapped_column(String(200))
    reported_at: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    raw_hash: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MatchResult(Base):
    __tablename__ = "match_result"
    __table_args__ = (UniqueConstraint("need_id", "offer_id", name="uq_match_need_offer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Feedback(Base):
    """A broker's verdict on a match: shortlisted, rejected or enrolled."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class _ItemCode:
    """A classification code on a need or an offer: given in the input, registered for the firm's org
    number, suggested from the text (with a confidence), confirmed by a broker, or unknown (kept as given)."""

    scheme: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12))  # given | registered | suggested | confirmed | unknown
    confidence: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class NeedCode(_ItemCode, Base):
    __tablename__ = "need_code"
    __table_args__ = (UniqueConstraint("need_id", "scheme", "code", name="uq_need_code"),
                      Index("ix_need_code_scheme_code", "scheme", "code"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)


class OfferCode(_ItemCode, Base):
    __tablename__ = "offer_code"
    __table_args__ = (UniqueConstraint("offer_id", "scheme", "code", name="uq_offer_code"),
                      Index("ix_offer_code_scheme_code", "scheme", "code"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)


# ---------------------------------------------------------------- ingest bookkeeping
class IngestRun(Base):
    __tablename__ = "ingest_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1000))
    source: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    adapter: Mapped[str] = mapped_column(String(40))
    full_refeed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class IngestRecord(Base):
    """The outcome of one input record in one run."""

    __tablename__ = "ingest_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_run.id", ondelete="CASCADE"), index=True)
    record_no: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(12))
    issues: Mapped[list[Any]] = mapped_column(default=list)


class QuarantineItem(Base):
    """A record that could not be accepted, kept whole with field-level reasons."""

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_source_status", "source", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    adapter: Mapped[str] = mapped_column(String(40))
    record_no: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(300))
    raw: Mapped[dict[str, Any]] = mapped_column()
    issues: Mapped[list[Any]] = mapped_column()
    raw_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | resolved
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# ---------------------------------------------------------------- embeddings and access
class EmbeddingCacheEntry(Base):
    __tablename__ = "embedding_cache"
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(12))  # reader | broker | admin
    organisation: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
