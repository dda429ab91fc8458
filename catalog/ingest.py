"""Ingest one file: read (adapter) → validate and normalise (schema) → store, with a report.

Guarantees:

* every input record ends as created / updated / unchanged (accepted, possibly with warnings)
  or quarantined with field-level reasons; one bad record never sinks a file;
* a file that cannot be read at all raises ``CatalogFormatError`` before anything is written;
* the whole ingest is one transaction: it lands whole or not at all;
* re-ingesting the same file changes nothing (records whose raw content is unchanged are not
  even re-validated); changed records keep their previous version in ``offer_version``;
* with ``full=True`` (a full re-feed) records of the source that are missing are retired.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog.errors import CatalogFormatError, RecordIssues
from catalog.places import PlaceRegister
from catalog.reference.codes import CodeRegister
from catalog.schema import NeedData, OfferData, detect_kind, stable_hash, validate_need, validate_offer
from catalog.sources import RawRecord, get_source, pick_source
from catalog.sources.mapped import MappedSource, Mapping
from catalog.store.codes import ItemCode, replace_codes
from catalog.store.models import (
    IngestRecord,
    IngestRun,
    Need,
    Offer,
    OfferVenue,
    OfferVersion,
    Provider,
    QuarantineItem,
    utcnow,
)

COUNT_KEYS = ("read", "created", "updated", "unchanged", "retired", "linked", "warnings", "quarantined",
              "duplicates")


@dataclass
class IngestReport:
    path: str
    source: str
    kind: str
    adapter: str
    run_id: int | None = None
    counts: Counter = field(default_factory=Counter)
    quarantine_reasons: Counter = field(default_factory=Counter)
    warning_reasons: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"run_id": self.run_id, "path": self.path, "source": self.source, "kind": self.kind,
                             "adapter": self.adapter}
        d.update({k: int(self.counts.get(k, 0)) for k in COUNT_KEYS})
        d["quarantine_reasons"] = dict(self.quarantine_reasons.most_common())
        d["warning_reasons"] = dict(self.warning_reasons.most_common(20))
        d["seconds"] = round(self.seconds, 3)
        return d


def open_source(path: Path, adapter: str | None, mapping: str | Path | None):
    if mapping is not None:
        return MappedSource(Mapping.load(mapping))
    if adapter:
        return get_source(adapter)()
    return pick_source(path)()


def read_all(src, path: Path) -> list[RawRecord]:
    """Read every record before touching the database (a broken file must leave it untouched)."""
    try:
        return list(src.read(path))
    except CatalogFormatError:
        raise
    except (OSError, RecursionError, MemoryError) as exc:
        raise CatalogFormatError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from None


def ingest_file(
    session: Session,
    path: str | Path,
    *,
    register: PlaceRegister,
    source: str | None = None,
    kind: str | None = None,
    adapter: str | None = None,
    mapping: str | Path | None = None,
    full: bool = False,
    progress: Callable[[Iterable], Iterable] | None = None,
    codes: CodeRegister | None = None,
) -> IngestReport:
    """Ingest ``path`` in one transaction on ``session`` and return the report (see module doc)."""
    started = time.perf_counter()
    path = Path(path)
    src = open_source(path, adapter, mapping)
    records = read_all(src, path)
    source = source or (src.mapping.name if isinstance(src, MappedSource) else path.stem)
    if kind is None:
        kind = getattr(src, "kind", None) or next(
            (detect_kind(r.data) for r in records if r.data), "offers")
    if kind not in ("offers", "needs"):
        raise CatalogFormatError(f"kind {kind!r}; allowed: offers, needs")
    report = IngestReport(str(path), source, kind, src.name)
    run = IngestRun(path=str(path), source=source, kind=kind, adapter=src.name, full_refeed=full)
    session.add(run)
    session.flush()
    report.run_id = run.id
    writer = _Writer(session, run, report, register, kind, codes)
    iterable = progress(records) if progress else records
    for rec in iterable:
        writer.handle(rec)
    if full:
        writer.retire_missing()
    writer.finish()
    report.seconds = time.perf_counter() - started
    run.counts = report.as_dict()
    run.status = "done"
    run.finished_at = utcnow()
    return report


class _Writer:
    """Applies validated records to the store for one run (offers or needs)."""

    def __init__(self, session: Session, run: IngestRun, report: IngestReport, register: PlaceRegister, kind: str,
                 codes: CodeRegister | None = None):
        self.s, self.run, self.report, self.register, self.kind = session, run, report, register, kind
        self.codes = codes
        self.pending_codes: list[tuple[Any, list[ItemCode]]] = []  # written once the rows have ids
        self.model = Offer if kind == "offers" else Need
        rows = session.execute(
            select(self.model.external_id, self.model.id, self.model.raw_hash, self.model.content_hash,
                   self.model.status).where(self.model.source == report.source)
        ).all()
        self.existing = {r[0]: r for r in rows}
        self.seen: dict[str, str] = {}  # external id → content hash in this run
        self.link_keys: set[str] = set()
        self.providers: dict[str, int] = {}
        self.open_quarantine = {
            (h, eid) for h, eid in session.execute(
                select(QuarantineItem.raw_hash, QuarantineItem.external_id).where(
                    QuarantineItem.source == report.source, QuarantineItem.kind == kind,
                    QuarantineItem.status == "open"))
        }
        self.log: list[dict] = []

    # ---------------------------------------------------------------- per record
    def handle(self, rec: RawRecord) -> None:
        counts = self.report.counts
        counts["read"] += 1
        if rec.data is None:
            self.quarantine(rec, [rec.read_issue.as_dict()] if rec.read_issue else [], None)
            return
        raw_hash = stable_hash(rec.data)
        ext = rec.data.get("id")
        ext = str(int(ext) if isinstance(ext, float) and ext.is_integer() else ext).strip() if ext is not None else None
        prev = self.existing.get(ext) if ext else None
        if prev is not None and prev[2] == raw_hash and prev[4] in ("active", "open", "matched", "closed") \
                and ext not in self.seen:
            self.seen[ext] = prev[3]
            counts["unchanged"] += 1
            return
        validate = validate_offer if self.kind == "offers" else validate_need
        data, issues = validate(rec.data, self.register, self.codes)
        if data is None:
            self.quarantine(rec, [i.as_dict() for i in issues.issues], ext)
            return
        content_hash = data.content_hash()
        if data.external_id in self.seen:
            if self.seen[data.external_id] == content_hash:
                counts["duplicates"] += 1
                return
            issues.error("id", data.external_id, "unique within its source (this id appears earlier in the file "
                         "with different content)")
            self.quarantine(rec, [i.as_dict() for i in issues.issues], data.external_id)
            return
        self.seen[data.external_id] = content_hash
        if issues.warnings:
            counts["warnings"] += 1
            for w in issues.warnings:
                self.report.warning_reasons[w.field] += 1
        self.resolve_quarantine(data.external_id)
        if prev is None:
            self.create(data, raw_hash, content_hash, issues)
            counts["created"] += 1
            self.log_record(rec, data.external_id, "created", issues)
        elif prev[3] == content_hash and prev[4] != "retired":
            self.s.execute(update(self.model).where(self.model.id == prev[1]).values(raw_hash=raw_hash))
            counts["unchanged"] += 1
        else:
            self.update(prev[1], data, raw_hash, content_hash, issues)
            counts["updated"] += 1
            self.log_record(rec, data.external_id, "updated", issues)

    def log_record(self, rec: RawRecord, ext: str | None, outcome: str, issues: RecordIssues) -> None:
        self.log.append({"run_id": self.run.id, "record_no": rec.record_no, "external_id": ext,
                         "outcome": outcome, "issues": [i.as_dict() for i in issues.issues]})

    def quarantine(self, rec: RawRecord, issues: list[dict], ext: str | None) -> None:
        self.report.counts["quarantined"] += 1
        for issue in issues:
            if issue.get("severity", "error") == "error":
                self.report.quarantine_reasons[issue["field"]] += 1
        raw = rec.raw if isinstance(rec.raw, dict) else {"value": repr(rec.raw)}
        raw_hash = stable_hash(raw)
        self.log.append({"run_id": self.run.id, "record_no": rec.record_no, "external_id": ext,
                         "outcome": "quarantined", "issues": issues})
        if (raw_hash, ext) in self.open_quarantine:
            return  # the same bad record is already waiting in the quarantine
        self.open_quarantine.add((raw_hash, ext))
        self.s.add(QuarantineItem(run_id=self.run.id, source=self.report.source, kind=self.kind,
                                  adapter=self.report.adapter, record_no=rec.record_no, external_id=ext,
                                  raw=raw, issues=issues, raw_hash=raw_hash))

    def resolve_quarantine(self, ext: str) -> None:
        if any(e == ext for _, e in self.open_quarantine):
            self.s.execute(update(QuarantineItem).where(
                QuarantineItem.source == self.report.source, QuarantineItem.kind == self.kind,
                QuarantineItem.external_id == ext, QuarantineItem.status == "open").values(status="resolved"))
            self.open_quarantine = {(h, e) for h, e in self.open_quarantine if e != ext}

    # ---------------------------------------------------------------- writes
    def provider_id(self, name: str | None, ptype: str) -> int | None:
        if not name:
            return None
        if name not in self.providers:
            pid = self.s.scalar(select(Provider.id).where(Provider.name == name))
            if pid is None:
                prov = Provider(name=name, provider_type=ptype)
                self.s.add(prov)
                self.s.flush()
                pid = prov.id
            self.providers[name] = pid
        return self.providers[name]

    def _offer_fields(self, d: OfferData) -> dict[str, Any]:
        return dict(
            title=d.title, description=d.description, provider_id=self.provider_id(d.provider, d.provider_type),
            level=d.level, credits=d.credits, credit_unit=d.credit_unit, credits_sp=d.credits_sp,
            delivery=d.delivery, language=d.language, start_date=d.start_date, end_date=d.end_date, url=d.url,
            price_nok=d.price_nok, min_participants=d.min_participants, link_key=d.link_key,
        )

    @staticmethod
    def _need_fields(d: NeedData) -> dict[str, Any]:
        fields = d.canonical()
        fields.pop("external_id")
        fields.pop("codes", None)
        for key in ("start_after", "start_before", "reported_at"):
            fields[key] = getattr(d, key)
        return fields

    def create(self, d, raw_hash: str, content_hash: str, issues: RecordIssues) -> None:
        warnings = [i.as_dict() for i in issues.warnings]
        if self.kind == "offers":
            obj = Offer(source=self.report.source, external_id=d.external_id, raw_hash=raw_hash,
                        content_hash=content_hash, warnings=warnings, **self._offer_fields(d))
            obj.venues = [OfferVenue(position=i, place_text=v.place_text, municipality_code=v.municipality_code,
                                     resolution=v.resolution) for i, v in enumerate(d.venues)]
            self.link_keys.add(d.link_key)
        else:
            obj = Need(source=self.report.source, external_id=d.external_id, raw_hash=raw_hash,
                       content_hash=content_hash, warnings=warnings, **self._need_fields(d))
        self.s.add(obj)
        if d.codes:
            self.pending_codes.append((obj, [ItemCode(*c) for c in d.codes]))

    def update(self, obj_id: int, d, raw_hash: str, content_hash: str, issues: RecordIssues) -> None:
        obj = self.s.get(self.model, obj_id)
        assert obj is not None
        if self.kind == "offers":
            self.s.add(OfferVersion(offer_id=obj.id, version=obj.version, data=_snapshot(obj), run_id=self.run.id))
            for key, value in self._offer_fields(d).items():
                setattr(obj, key, value)
            obj.venues = [OfferVenue(position=i, place_text=v.place_text, municipality_code=v.municipality_code,
                                     resolution=v.resolution) for i, v in enumerate(d.venues)]
            obj.version += 1
            obj.status = "active"
            self.link_keys.add(d.link_key)
        else:
            for key, value in self._need_fields(d).items():
                setattr(obj, key, value)
        obj.raw_hash, obj.content_hash = raw_hash, content_hash
        obj.warnings = [i.as_dict() for i in issues.warnings]
        obj.updated_at = utcnow()
        # changed content: its own codes are replaced and the text is suggested afresh
        self.pending_codes.append((obj, [ItemCode(*c) for c in d.codes]))

    def retire_missing(self) -> None:
        for ext, row in self.existing.items():
            if ext in self.seen or row[4] in ("retired", "closed"):
                continue
            obj = self.s.get(self.model, row[1])
            if self.kind == "offers":
                self.s.add(OfferVersion(offer_id=obj.id, version=obj.version, data=_snapshot(obj), run_id=self.run.id))
                obj.version += 1
                obj.status = "retired"
            else:
                obj.status = "closed"
            obj.updated_at = utcnow()
            self.report.counts["retired"] += 1

    def finish(self) -> None:
        if self.log:
            self.s.execute(IngestRecord.__table__.insert(), self.log)
        self.s.flush()
        kind = "offer" if self.kind == "offers" else "need"
        for obj, item_codes in self.pending_codes:
            replace_codes(self.s, kind, obj.id, item_codes, statuses=("given", "registered", "unknown", "suggested"))
        if self.kind == "offers" and self.link_keys:
            keys = list(self.link_keys)
            linked: set[str] = set()
            for i in range(0, len(keys), 500):
                linked.update(self.s.scalars(select(Offer.link_key).where(
                    Offer.link_key.in_(keys[i:i + 500]), Offer.source != self.report.source,
                    Offer.status == "active")))
            self.report.counts["linked"] = len(linked)


def _snapshot(obj: Offer) -> dict[str, Any]:
    cols = ("title", "description", "level", "credits", "credit_unit", "credits_sp", "delivery", "language",
            "url", "price_nok", "min_participants", "status", "content_hash")
    snap = {c: getattr(obj, c) for c in cols}
    snap["start_date"] = obj.start_date.isoformat() if obj.start_date else None
    snap["end_date"] = obj.end_date.isoformat() if obj.end_date else None
    snap["venues"] = [v.place_text for v in obj.venues]
    return snap
