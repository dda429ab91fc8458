"""Europass / European Learning Model (ELM v3) JSON-LD: learning opportunities and specifications.

Every node typed ``LearningOpportunity``, ``Qualification``, ``LearningAchievementSpecification``
or ``LearningActivitySpecification`` becomes one offer (assessment specifications are part of
another offer, not offers of their own). Nodes are de-duplicated by their ``id``. A ``LearningAchievement`` with no specification of its own
stands for the learning it records (ELM 3.2 samples carry only that).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from catalog.errors import CatalogFormatError
from catalog.sources.base import RawRecord, check_text_encoding, decode_utf8

OFFER_TYPES = ("LearningOpportunity", "Qualification", "LearningAchievementSpecification",
               "LearningActivitySpecification")
LANG_PREFERENCE = ("nb", "no", "nn", "en")


def _types(node: dict) -> list[str]:
    t = node.get("type") or node.get("@type") or []
    return [t] if isinstance(t, str) else list(t)


def _label(value: Any) -> str | None:
    """A language map ({"en": "..."}), a list of them, or a plain string → one string."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        parts = [p for p in (_label(v) for v in value) if p]
        return " ".join(parts) or None
    if isinstance(value, dict):
        if "noteLiteral" in value:
            return _label(value["noteLiteral"])
        if "prefLabel" in value:
            return _label(value["prefLabel"])
        if "@value" in value:
            return str(value["@value"])
        for lang in LANG_PREFERENCE:
            if isinstance(value.get(lang), str):
                return value[lang].strip() or None
        strings = [v for v in value.values() if isinstance(v, str)]
        return strings[0].strip() if strings else None
    return str(value)


def _duration_hours(value: str | None) -> float | None:
    """ISO 8601 durations: PT60H → 60, P2M → 2 months is not a workload (None)."""
    if not value:
        return None
    m = re.fullmatch(r"PT(\d+(?:\.\d+)?)H", value)
    return float(m.group(1)) if m else None


class ElmSource:
    name: ClassVar[str] = "elm"
    kind: ClassVar[str | None] = "offers"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in (".jsonld", ".json-ld") or (
            path.suffix.lower() == ".json" and b"EuropeanDigitalCredential" in head)

    def read(self, path: Path) -> Iterator[RawRecord]:
        path = Path(path)
        data = path.read_bytes()
        check_text_encoding(path, data[:4096])
        try:
            doc = json.loads(decode_utf8(data, str(path)))
        except json.JSONDecodeError as exc:
            raise CatalogFormatError(f"{path}: invalid JSON-LD at line {exc.lineno} column {exc.colno} ({exc.msg})") \
                from None
        seen: dict[str, dict] = {}
        provider = self._issuer(doc)
        self._collect(doc, seen, provider)
        for no, (node_id, (node, prov)) in enumerate(seen.items(), 1):
            offer = self._offer(node_id, node, prov)
            yield RawRecord(no, offer, {k: v for k, v in offer.items() if v not in (None, [], "")})

    @staticmethod
    def _issuer(doc: Any) -> str | None:
        if isinstance(doc, dict) and isinstance(doc.get("issuer"), dict):
            return _label(doc["issuer"].get("legalName"))
        return None

    def _collect(self, node: Any, seen: dict, provider: str | None) -> None:
        if isinstance(node, list):
            for item in node:
                self._collect(item, seen, provider)
            return
        if not isinstance(node, dict):
            return
        for key in ("directedBy", "awardingBody", "providedBy"):
            org = node.get(key)
            if isinstance(org, dict) and org.get("legalName"):
                provider = _label(org.get("legalName"))
        awarded = node.get("awardedBy")
        if isinstance(awarded, dict) and isinstance(awarded.get("awardingBody"), dict):
            provider = _label(awarded["awardingBody"].get("legalName")) or provider
        types = _types(node)
        described = any(t in OFFER_TYPES for t in types) or (
            "LearningAchievement" in types and not node.get("specifiedBy") and node.get("title"))
        if described and node.get("id") and node["id"] not in seen:
            seen[node["id"]] = (node, provider)
        for value in node.values():
            self._collect(value, seen, provider)

    @staticmethod
    def _offer(node_id: str, node: dict, provider: str | None) -> dict[str, Any]:
        spec = node.get("learningAchievementSpecification") if isinstance(node.get("learningAchievementSpecification"), dict) else {}
        def pick(key: str) -> Any:
            return node.get(key) if node.get(key) is not None else spec.get(key)
        credit = pick("creditPoint")
        credit = credit[0] if isinstance(credit, list) and credit else credit
        credits, unit = None, None
        if isinstance(credit, dict):
            credits = credit.get("point")
            framework = (_label(credit.get("framework")) or "").lower()
            unit = "ects" if "european credit" in framework or "ects" in framework else None
        hours = _duration_hours(pick("volumeOfLearning"))
        if credits is None and hours is not None:
            credits, unit = hours, "hours"
        level = pick("eqfLevel")
        level_text = None
        if isinstance(level, dict):
            m = re.search(r"/eqf/(\d)$", level.get("id", ""))
            level_text = f"EQF {m.group(1)}" if m else _label(level)
        outcomes = pick("learningOutcome") or []
        outcomes = outcomes if isinstance(outcomes, list) else [outcomes]
        outcome_text = "; ".join(filter(None, (_label(o.get("title")) for o in outcomes if isinstance(o, dict))))
        description = " ".join(filter(None, [_label(pick("description")), _label(pick("additionalNote")),
                                             f"Læringsutbytte: {outcome_text}" if outcome_text else None]))
        homepage = pick("homepage")
        homepage = homepage[0] if isinstance(homepage, list) and homepage else homepage
        temporal = node.get("temporal") or node.get("learningSchedule") or {}
        temporal = temporal if isinstance(temporal, dict) else {}
        location = pick("location")
        location = location if isinstance(location, list) else [location] if location else []
        places = [p for p in (_label(loc.get("geographicName")) if isinstance(loc, dict) else None
                              for loc in location) if p]
        mode = pick("mode")
        mode = mode if isinstance(mode, list) else [mode] if mode else []
        return {
            "id": node_id, "title": _label(pick("title")), "description": description or None,
            "provider": provider, "level": level_text, "credits": credits, "credit_unit": unit,
            "delivery": [m for m in (_label(x) for x in mode) if m and m.lower() != "inperson"] +
                        (["campus"] if any((_label(x) or "").lower() in ("inperson", "in person") for x in mode) else []),
            "language": _label(pick("language")), "locations": places,
            "start_date": (temporal.get("startDate") or "")[:10] or None,
            "end_date": (temporal.get("endDate") or "")[:10] or None,
            "url": homepage.get("contentURL") if isinstance(homepage, dict) else None,
        }
