"""XCRI-CAP 1.2 course feeds (XML), parsed safely with defusedxml.

One ``<course>`` becomes one offer. Presentations give dates, delivery, language
and venues (the earliest presentation supplies the dates). Credits from UK schemes
(The Open University, SCQF, CATS) are CATS points; an ECTS scheme is ECTS.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

from catalog.errors import CatalogFormatError
from catalog.sources.base import RawRecord

NS = {
    "x": "http://xcri.org/profiles/1.2/catalog",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "mlo": "http://purl.org/net/mlo",
    "credit": "http://purl.org/net/cm",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    text = " ".join(t.strip() for t in el.itertext() if t.strip())
    return text or None


def parse_xml_safely(path: Path) -> Element:
    try:
        tree = safe_parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CatalogFormatError(
            f"{path}: refused unsafe XML ({type(exc).__name__}: DTDs, entity declarations and external "
            "references are not allowed in catalog feeds)") from None
    except ParseError as exc:
        raise CatalogFormatError(f"{path}: not well-formed XML ({exc})") from None
    return tree.getroot()


class XcriCapSource:
    name: ClassVar[str] = "xcri_cap"
    kind: ClassVar[str | None] = "offers"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".xml" or (b"<catalog" in head and b"xcri" in head)

    def read(self, path: Path) -> Iterator[RawRecord]:
        root = parse_xml_safely(Path(path))
        if root.tag != f"{{{NS['x']}}}catalog":
            raise CatalogFormatError(
                f"{path}: root element is {root.tag!r}; allowed: an XCRI-CAP 1.2 <catalog> in namespace {NS['x']}")
        no = 0
        for provider in root.iterfind("x:provider", NS):
            pname = _text(provider.find("dc:title", NS))
            for course in provider.iterfind("x:course", NS):
                no += 1
                yield self._course(no, course, pname)

    def _course(self, no: int, course: Element, provider: str | None) -> RawRecord:
        ids = course.findall("dc:identifier", NS)
        internal = next((_text(i) for i in ids if (i.get(XSI_TYPE) or "").endswith("internalID")), None)
        ext_id = internal or next((_text(i) for i in ids), None)
        description = _text(course.find("dc:description", NS)) or _text(course.find("x:abstract", NS))
        outcomes = [_text(e) for e in course.findall("x:learningOutcome", NS)]
        if outcomes:
            description = " ".join(filter(None, [description, "Læringsutbytte: " + " ".join(filter(None, outcomes))]))
        credits = course.findall("mlo:credit", NS)
        credit_value, credit_unit, level = None, None, None
        for cr in credits:
            scheme = (_text(cr.find("credit:scheme", NS)) or "").lower()
            value = _text(cr.find("credit:value", NS))
            lvl = _text(cr.find("credit:level", NS))
            if credit_value is None and value:
                credit_value = value
                credit_unit = "ects" if "ects" in scheme or "european" in scheme else "cats"
            if level is None and lvl:
                if "open university" in scheme:
                    level = f"OU level {lvl}"
                elif "scqf" in scheme:
                    level = f"SCQF {lvl}"
                elif "fheq" in scheme:
                    level = f"FHEQ {lvl}"
                elif "eqf" in scheme:
                    level = f"EQF {lvl}"
        if level is None:
            level = _text(course.find("mlo:qualification/dcterms:educationLevel", NS))
        presentations = course.findall("x:presentation", NS)
        starts: list[tuple[str, Element]] = []
        delivery: list[str] = []
        language = None
        venues: list[str] = []
        for pres in presentations:
            start_el = pres.find("mlo:start", NS)
            start = start_el.get("dtf") if start_el is not None else None
            if start is None and (_text(start_el) or "")[:1].isdigit():
                start = _text(start_el)  # a written date; prose such as "up to three start dates" is not one
            if start:
                starts.append((start, pres))
            mode = _text(pres.find("x:attendanceMode", NS))
            if mode and mode not in delivery:
                delivery.append(mode)
            language = language or _text(pres.find("mlo:languageOfInstruction", NS))
            for venue in pres.iterfind("x:venue", NS):
                town = _text(venue.find("x:provider/mlo:location/mlo:town", NS)) or _text(venue.find(".//mlo:town", NS))
                if town and town not in venues:
                    venues.append(town)
        first = min(starts, key=lambda s: s[0]) if starts else None
        end = _text(first[1].find("x:end", NS)) if first else None
        if end and not re.match(r"\d{4}-\d{2}-\d{2}", end):
            end = None
        data: dict[str, Any] = {
            "id": ext_id, "title": _text(course.find("dc:title", NS)), "description": description,
            "provider": provider, "level": level, "credits": credit_value, "credit_unit": credit_unit,
            "delivery": delivery, "language": language, "locations": venues,
            "start_date": first[0] if first else None, "end_date": end,
            "url": _text(course.find("mlo:url", NS)),
        }
        return RawRecord(no, data, {k: v for k, v in data.items() if v not in (None, [], "")})
