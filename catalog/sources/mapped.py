"""A provider's own CSV / JSON / JSON Lines export, read through a declarative mapping file.

No code per provider: a mapping (JSON) names the records and says, per interchange
field, where its value comes from. Example (``catalog/mappings/uib_courses_detailed.json``)::

    {"name": "uib", "kind": "offers", "format": "json", "records": "",
     "fields": {
        "id":          {"from": "code", "transform": ["upper"]},
        "title":       "title",
        "description": {"from": "mål", "transform": ["strip_html"]},
        "credits":     "studiepoeng",
        "credit_unit": {"value": "studiepoeng"},
        "provider":    {"value": "Universitetet i Bergen"},
        "locations":   {"value": ["Bergen"]},
        "url":         {"template": "https://www.uib.no/emne/{code}", "transform": ["upper"]}}}

A field spec is a column name, or an object with one of ``from`` (column or dotted path),
``value`` (a constant) or ``template`` (``{column}`` placeholders), plus optional
``transform`` (``upper``, ``lower``, ``strip_html``, ``split``, ``nospace``), ``scale``
(multiply a number: unit conversions), ``map`` (value → value) and ``default``.
``filter`` keeps only records whose column equals a value.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from catalog.errors import CatalogFormatError, FieldIssue
from catalog.schema import NEED_FIELDS, OFFER_FIELDS
from catalog.sources.base import RawRecord, check_text_encoding, decode_utf8

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
TRANSFORMS = ("upper", "lower", "strip_html", "split", "nospace", "title")


def _strip_html(text: str) -> str:
    text = re.sub(r"<(br|/p|/div|/li)\s*/?>", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def _get(record: dict, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class Mapping:
    def __init__(self, spec: dict, origin: str = "mapping"):
        self.origin = origin
        self.spec = spec
        self._check()

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        path = Path(path)
        if not path.exists() and (MAPPINGS_DIR / f"{path.name}").exists():
            path = MAPPINGS_DIR / path.name
        if not path.exists() and (MAPPINGS_DIR / f"{path.name}.json").exists():
            path = MAPPINGS_DIR / f"{path.name}.json"
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CatalogFormatError(f"mapping {path}: cannot read it as JSON ({exc})") from None
        return cls(spec, str(path))

    def _check(self) -> None:
        spec = self.spec
        kind = spec.get("kind", "offers")
        if kind not in ("offers", "needs"):
            raise CatalogFormatError(f"mapping {self.origin}: kind {kind!r}; allowed: offers, needs")
        if spec.get("format", "json") not in ("json", "jsonl", "csv"):
            raise CatalogFormatError(f"mapping {self.origin}: format {spec.get('format')!r}; allowed: json, jsonl, csv")
        allowed = OFFER_FIELDS if kind == "offers" else NEED_FIELDS
        fields = spec.get("fields")
        if not isinstance(fields, dict) or "id" not in fields:
            raise CatalogFormatError(f"mapping {self.origin}: 'fields' must be an object with at least 'id'")
        for name, fspec in fields.items():
            if name not in allowed:
                raise CatalogFormatError(
                    f"mapping {self.origin}: field {name!r} is not an interchange field; allowed: {', '.join(allowed)}")
            if isinstance(fspec, dict):
                if not ({"from", "value", "template"} & set(fspec)):
                    raise CatalogFormatError(f"mapping {self.origin}: field {name!r} needs 'from', 'value' or 'template'")
                for t in fspec.get("transform", []):
                    if t not in TRANSFORMS:
                        raise CatalogFormatError(
                            f"mapping {self.origin}: transform {t!r} of {name!r}; allowed: {', '.join(TRANSFORMS)}")
            elif not isinstance(fspec, str):
                raise CatalogFormatError(f"mapping {self.origin}: field {name!r} must be a column name or an object")

    @property
    def name(self) -> str:
        return str(self.spec.get("name") or Path(self.origin).stem)

    @property
    def kind(self) -> str:
        return str(self.spec.get("kind", "offers"))

    def apply(self, record: dict) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, fspec in self.spec["fields"].items():
            out[name] = self._value(record, fspec)
        return out

    def keep(self, record: dict) -> bool:
        flt = self.spec.get("filter")
        return not flt or _get(record, flt["field"]) == flt["equals"]

    @staticmethod
    def _value(record: dict, fspec: Any) -> Any:
        if isinstance(fspec, str):
            return _get(record, fspec)
        if "value" in fspec:
            value = fspec["value"]
        elif "template" in fspec:
            try:
                value = fspec["template"].format(**{k: ("" if v is None else v) for k, v in record.items()})
            except (KeyError, IndexError):
                value = None
        else:
            value = _get(record, fspec["from"])
        if value is None or value == "":
            value = fspec.get("default")
        if value is None:
            return None
        if "map" in fspec and isinstance(value, str):
            value = fspec["map"].get(value, value)
        for t in fspec.get("transform", []):
            if isinstance(value, str):
                value = {"upper": str.upper, "lower": str.lower, "title": str.title, "strip_html": _strip_html,
                         "nospace": lambda s: re.sub(r"\s+", "", s),
                         "split": lambda s: [p.strip() for p in s.split(",") if p.strip()]}[t](value)
        if "scale" in fspec and isinstance(value, (int, float, str)) and str(value).strip():
            try:
                value = float(str(value).replace(",", ".")) * float(fspec["scale"])
            except ValueError:
                pass  # left as found: validation will name the field
        return value


class MappedSource:
    name: ClassVar[str] = "mapped"
    kind: ClassVar[str | None] = None

    def __init__(self, mapping: Mapping | None = None):
        if mapping is None:
            raise CatalogFormatError("the mapped source needs a mapping file (--mapping FILE)")
        self.mapping = mapping
        self.kind = mapping.kind  # type: ignore[misc]

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return False  # only used when a mapping is given

    def read(self, path: Path) -> Iterator[RawRecord]:
        path = Path(path)
        data = path.read_bytes()
        check_text_encoding(path, data[:4096])
        text = decode_utf8(data, str(path))
        fmt = self.mapping.spec.get("format", "json")
        no = 0
        for record in self._records(path, text, fmt):
            no += 1
            if not isinstance(record, dict):
                yield RawRecord(no, None, {"value": repr(record)[:2000]},
                                FieldIssue("record", type(record).__name__, "an object"))
                continue
            if not self.mapping.keep(record):
                no -= 1
                continue
            yield RawRecord(no, self.mapping.apply(record), record)

    def _records(self, path: Path, text: str, fmt: str) -> Iterator[Any]:
        if fmt == "csv":
            opts = self.mapping.spec.get("csv", {})
            first = text.split("\n", 1)[0]
            delimiter = opts.get("delimiter") or (";" if first.count(";") > first.count(",") else ",")
            if opts.get("columns"):
                reader = csv.DictReader(io.StringIO(text, newline=""), fieldnames=opts["columns"], delimiter=delimiter)
            else:
                reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
            for row in reader:
                yield {(k or "").strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
            return
        if fmt == "jsonl":
            for line in text.splitlines():
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        yield line
            return
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogFormatError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") \
                from None
        records = _get(doc, self.mapping.spec["records"]) if self.mapping.spec.get("records") else doc
        if not isinstance(records, list):
            raise CatalogFormatError(
                f"{path}: the mapping says records are at {self.mapping.spec.get('records') or 'the top level'!r}, "
                "but no list is there")
        yield from records
