"""Interchange format v1: field lists, and validation of raw records into normalised ones.

``validate_offer(raw, register)`` / ``validate_need(raw, register)`` take a dict
with the v1 column names (as read from JSON Lines, CSV or produced by an adapter)
and return the normalised record plus its issues. Errors quarantine the record;
warnings keep it. Validation is pure: no database, no I/O.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog import normalise as N
from catalog.config import MAX_NEED_CHARS
from catalog.errors import RecordIssues
from catalog.places import PlaceRegister, PlaceResolution
from catalog.reference.codes import CODE_FIELDS, SN2007, CodeRegister, builtin_code_register, split_codes

OFFER_FIELDS = ("id", "title", "description", "provider", "provider_type", "level", "credits", "credit_unit",
                "delivery", "locations", "language", "start_date", "end_date", "url", "price_nok",
                "min_participants", "same_as", "styrk", "sn2007", "nus", "esco_skills")
NEED_FIELDS = ("id", "text", "company", "org_number", "municipality", "industry", "participants", "level_min",
               "level_max", "max_credits", "max_distance_km", "delivery", "start_after", "start_before",
               "language", "reported_by", "reported_at", "organisation", "status", "styrk", "sn2007", "nus",
               "esco_skills", "naeringskode")
MAX_TEXT = 20_000
MAX_TITLE = 500


@dataclass
class Venue:
    place_text: str
    municipality_code: str | None
    resolution: str


@dataclass
class OfferData:
    external_id: str
    title: str
    description: str | None = None
    provider: str | None = None
    provider_type: str = "other"
    level: str | None = None
    credits: float | None = None
    credit_unit: str | None = None
    credits_sp: float | None = None
    delivery: list[str] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    language: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    url: str | None = None
    price_nok: float | None = None
    min_participants: int | None = None
    link_key: str | None = None
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # (scheme, code, given | unknown)

    def canonical(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("start_date", "end_date"):
            d[key] = d[key].isoformat() if d[key] else None
        return _without_empty_codes(d)

    def content_hash(self) -> str:
        return stable_hash(self.canonical())


@dataclass
class NeedData:
    external_id: str
    text: str
    company: str | None = None
    org_number: str | None = None
    organisation: str | None = None
    place_text: str | None = None
    municipality_code: str | None = None
    industry: str | None = None
    participants: int | None = None
    level_min: str | None = None
    level_max: str | None = None
    max_credits: float | None = None
    max_distance_km: float | None = None
    delivery: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    start_after: dt.date | None = None
    start_before: dt.date | None = None
    reported_by: str | None = None
    reported_at: dt.date | None = None
    status: str = "open"
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # (scheme, code, given | registered | unknown)

    def canonical(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("start_after", "start_before", "reported_at"):
            d[key] = d[key].isoformat() if d[key] else None
        return _without_empty_codes(d)

    def content_hash(self) -> str:
        return stable_hash(self.canonical())


def _without_empty_codes(d: dict[str, Any]) -> dict[str, Any]:
    """Records without codes hash as they did before codes existed (re-ingesting old files changes nothing)."""
    if not d.get("codes"):
        d.pop("codes", None)
    else:
        d["codes"] = [list(c) for c in d["codes"]]
    return d


def stable_hash(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise ValueError(f"found a {type(value).__name__}; allowed: text")
    text = str(value)
    if "\x00" in text:
        raise ValueError("found a NUL character; allowed: text without NUL (\\x00)")
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text or None


def _apply(issues: RecordIssues, raw: dict, name: str, fn: Callable[[Any], Any], allowed: str,
           *, warn: bool = False) -> Any:
    """Run one normaliser on one field and record a field-level issue instead of raising."""
    value = raw.get(name)
    try:
        return fn(value)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        allowed_text = msg.split("allowed: ", 1)[1] if "allowed: " in msg else f"{allowed} ({msg})"
        (issues.warn if warn else issues.error)(name, value, allowed_text)
        return None


def _positive_int(name: str, maximum: int) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        number = N.parse_number(value, name)
        if number is None:
            return None
        if number != int(number) or not 0 < number <= maximum:
            raise ValueError(f"{name}: found {value!r}; allowed: a whole number from 1 to {maximum}")
        return int(number)
    return parse


def _nonneg(name: str, maximum: float) -> Callable[[Any], float | None]:
    def parse(value: Any) -> float | None:
        number = N.parse_number(value, name)
        if number is not None and not 0 <= number <= maximum:
            raise ValueError(f"{name}: found {value!r}; allowed: a number from 0 to {maximum:g}")
        return number
    return parse


def _url(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not re.match(r"^https?://\S+$", text) or len(text) > 1000:
        raise ValueError(f"url: found {text!r}; allowed: an http(s) address")
    return text


def _id(issues: RecordIssues, raw: dict) -> str | None:
    value = raw.get("id")
    if value is None or (isinstance(value, str) and not value.strip()):
        issues.error("id", value, "a non-empty identifier, unique within its source")
        return None
    if isinstance(value, (list, dict, bool)) or len(str(value)) > 300:
        issues.error("id", value, "text or a number of at most 300 characters")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_codes(raw: dict, codes: CodeRegister | None, issues: RecordIssues) -> list[tuple[str, str, str]]:
    """The classification codes given in the record; an unknown code is reported with the field and the
    allowed shape, and kept (status 'unknown'), never dropped."""
    register = codes if codes is not None else builtin_code_register()
    fields = [(f, scheme, "given") for f, scheme in CODE_FIELDS.items()] + [("naeringskode", SN2007, "registered")]
    out: list[tuple[str, str, str]] = []
    for name, scheme, status in fields:
        if name not in raw:
            continue
        for value in split_codes(raw[name]):
            if len(value) > 120:
                issues.warn(name, value, "a classification code of at most 120 characters (left out)")
                continue
            check = register.check(scheme, value)
            if check.problem:
                issues.warn(name, value, f"{check.problem} (kept as given, marked unknown)")
            if (scheme, check.code) not in {(s_, c) for s_, c, _ in out}:
                out.append((scheme, check.code, "unknown" if check.problem else status))
    industry = raw.get("industry")
    lead = re.match(r"\s*(\d{2}(?:\.\d{1,3})?)\b", industry) if isinstance(industry, str) else None
    if lead and not any(s_ == SN2007 for s_, _, _ in out):  # "16.100 Saging, høvling ..." names its code
        check = register.check(SN2007, lead.group(1))
        if not check.problem:
            out.append((SN2007, check.code, "given"))
    return out


def resolve_places(texts: list[str], register: PlaceRegister, issues: RecordIssues,
                   field_name: str) -> list[tuple[str, PlaceResolution]]:
    out = []
    for text in texts:
        res = register.resolve(text)
        if res.method in ("ambiguous", "unknown"):
            issues.warn(field_name, text, f"a municipality name, number or postcode ({res.message(register)})")
        elif res.method == "fuzzy":
            issues.warn(field_name, text, f"an exact municipality name ({res.message(register)})")
        out.append((text, res))
    return out


def validate_offer(raw: dict, register: PlaceRegister,
                   codes: CodeRegister | None = None) -> tuple[OfferData | None, RecordIssues]:
    issues = RecordIssues()
    ext_id = _id(issues, raw)
    title = _apply(issues, raw, "title", _text, "text")
    if not title:
        if "title" not in {i.field for i in issues.issues}:
            issues.error("title", raw.get("title"), "a non-empty course title")
    elif len(title) > MAX_TITLE:
        issues.error("title", title, f"at most {MAX_TITLE} characters")
    description = _apply(issues, raw, "description", _text, "text")
    if description and len(description) > MAX_TEXT:
        issues.warn("description", description, f"at most {MAX_TEXT} characters (cut)")
        description = description[:MAX_TEXT]
    provider = _apply(issues, raw, "provider", _text, "text")
    ptype = _apply(issues, raw, "provider_type", lambda v: N.normalise_provider_type(v, provider), "")
    level = _apply(issues, raw, "level", N.normalise_level, N.LEVEL_ALLOWED, warn=True)
    credits, unit = None, None
    try:
        credits, unit = N.split_credits(raw.get("credits"), raw.get("credit_unit"))
        N.check_credits(credits, unit)
    except ValueError as exc:
        fld = "credit_unit" if str(exc).startswith("credit_unit") else "credits"
        issues.error(fld, raw.get(fld), str(exc).split("allowed: ", 1)[-1])
        credits, unit = None, None
    if credits is not None and unit is None:
        issues.warn("credit_unit", raw.get("credit_unit"), f"{N.CREDIT_UNITS_ALLOWED}; credits kept, "
                    "but without a unit they are not compared")
    delivery = _apply(issues, raw, "delivery", N.normalise_delivery, N.DELIVERY_ALLOWED, warn=True) or []
    language = _apply(issues, raw, "language", N.normalise_language, N.LANGUAGE_ALLOWED, warn=True)
    start = _apply(issues, raw, "start_date", N.normalise_date, N.DATE_ALLOWED, warn=True)
    end = _apply(issues, raw, "end_date", N.normalise_date, N.DATE_ALLOWED, warn=True)
    if start and end and end < start:
        issues.error("end_date", raw.get("end_date"), f"a date on or after start_date {start.isoformat()}")
    url = _apply(issues, raw, "url", _url, "an http(s) address", warn=True)
    price = _apply(issues, raw, "price_nok", _nonneg("price_nok", 5_000_000), "")
    min_part = _apply(issues, raw, "min_participants", _positive_int("min_participants", 10_000), "")
    places = resolve_places(split_codes(raw.get("locations")), register, issues, "locations")
    given_codes = check_codes(raw, codes, issues)
    if issues.errors or ext_id is None or not title:
        return None, issues
    venues = [Venue(text, res.code, res.method) for text, res in places]
    credits_sp = N.credits_to_sp(credits, unit)
    same_as = _text(raw.get("same_as")) if not isinstance(raw.get("same_as"), (list, dict)) else None
    link_key = same_as or N.fold(title)
    return OfferData(
        external_id=ext_id, title=title, description=description, provider=provider, provider_type=ptype,
        level=level, credits=credits, credit_unit=unit, credits_sp=credits_sp, delivery=delivery,
        venues=venues, language=language, start_date=start, end_date=end, url=url, price_nok=price,
        min_participants=min_part, link_key=link_key, codes=given_codes,
    ), issues


NEED_STATUSES = ("open", "matched", "closed")


def validate_need(raw: dict, register: PlaceRegister,
                  codes: CodeRegister | None = None) -> tuple[NeedData | None, RecordIssues]:
    issues = RecordIssues()
    ext_id = _id(issues, raw)
    text = _apply(issues, raw, "text", _text, "text")
    if not text:
        if "text" not in {i.field for i in issues.issues}:
            issues.error("text", raw.get("text"), "the need in the firm's own words (non-empty text)")
    elif len(text) > MAX_NEED_CHARS:
        issues.error("text", text[:80] + "…", f"at most {MAX_NEED_CHARS} characters (found {len(text)})")
    company = _apply(issues, raw, "company", _text, "text")
    org = _apply(issues, raw, "org_number", _text, "text")
    if org:
        digits = re.sub(r"\s", "", org)
        if not re.fullmatch(r"\d{9}", digits):
            issues.warn("org_number", org, "a 9-digit organisation number (Enhetsregisteret)")
        else:
            org = digits
    place_text = _apply(issues, raw, "municipality", _text, "text")
    code = None
    if place_text:
        [(_, res)] = resolve_places([place_text], register, issues, "municipality")
        code = res.code
    participants = _apply(issues, raw, "participants", _positive_int("participants", 100_000), "")
    lmin = _apply(issues, raw, "level_min", N.normalise_level, N.LEVEL_ALLOWED)
    lmax = _apply(issues, raw, "level_max", N.normalise_level, N.LEVEL_ALLOWED)
    if lmin and lmax and N.level_rank(lmin) > N.level_rank(lmax):
        issues.warn("level_max", raw.get("level_max"), f"a level at or above level_min {lmin} "
                    "(contradictory: the level rule will say so)")
    max_credits = _apply(issues, raw, "max_credits", _nonneg("max_credits", N.MAX_CREDITS_SP), "")
    if max_credits == 0:
        issues.warn("max_credits", raw.get("max_credits"), "a size above 0 (0 is kept: every offer that "
                    "states its size fails the omfang rule; leave it empty for no limit)")
    max_km = _apply(issues, raw, "max_distance_km", _nonneg("max_distance_km", 3000), "")
    delivery = _apply(issues, raw, "delivery", N.normalise_delivery, N.DELIVERY_ALLOWED) or []
    language = _apply(issues, raw, "language", N.normalise_languages, N.LANGUAGE_ALLOWED, warn=True) or []
    after = _apply(issues, raw, "start_after", N.normalise_date, N.DATE_ALLOWED)
    before = _apply(issues, raw, "start_before", N.normalise_date, N.DATE_ALLOWED)
    if after and before and before < after:
        issues.error("start_before", raw.get("start_before"), f"a date on or after start_after {after.isoformat()}")
    reported_at = _apply(issues, raw, "reported_at", N.normalise_date, N.DATE_ALLOWED, warn=True)
    status = _apply(issues, raw, "status", lambda v: _status(v), ", ".join(NEED_STATUSES))
    given_codes = check_codes(raw, codes, issues)
    if issues.errors or ext_id is None or not text:
        return None, issues
    return NeedData(
        external_id=ext_id, text=text, company=company, org_number=org,
        organisation=_apply(issues, raw, "organisation", _text, "text"), place_text=place_text,
        municipality_code=code, industry=_apply(issues, raw, "industry", _text, "text"),
        participants=participants, level_min=lmin, level_max=lmax, max_credits=max_credits,
        max_distance_km=max_km, delivery=delivery, language=language, start_after=after,
        start_before=before, reported_by=_apply(issues, raw, "reported_by", _text, "text"),
        reported_at=reported_at, status=status or "open", codes=given_codes,
    ), issues


def _status(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if text not in NEED_STATUSES:
        raise ValueError(f"status: found {value!r}; allowed: {', '.join(NEED_STATUSES)}")
    return text


def detect_kind(raw: dict) -> str:
    """offers have a title, needs have a text (the firm's own words)."""
    if "title" in raw:
        return "offers"
    if "text" in raw:
        return "needs"
    return "offers"
