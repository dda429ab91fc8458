"""Readers for SSB Klass exports (CSV and JSON) and postcode lists.

Shapes understood:

* codes (e.g. classification 131, municipalities): CSV ``code;parentCode;level;name;...`` or
  JSON ``{"codes": [{"code", "name", ...}]}``
* changes: CSV ``oldCode;oldName;...;newCode;newName;...;changeOccurred`` or
  JSON ``{"codeChanges": [...]}``
* correspondence (131 → 128, centrality): CSV ``sourceCode;sourceName;...;targetCode;targetName`` or
  JSON ``{"correspondenceItems": [...]}``

Klass CSV files come ``;``-separated and quoted, in UTF-8 or Windows-1252.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from catalog.errors import CatalogFormatError


@dataclass(frozen=True)
class KlassChange:
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    changed_on: str | None


def _read_text(path: Path) -> str:
    data = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogFormatError(f"{path}: not UTF-8 or Windows-1252 text")  # pragma: no cover


def _rows(path: Path, json_key: str) -> list[dict]:
    text = _read_text(path)
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            doc = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise CatalogFormatError(f"{path}: invalid JSON ({exc})") from None
        rows = doc.get(json_key) if isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            raise CatalogFormatError(f"{path}: JSON has no '{json_key}' list")
        return rows
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _need(row: dict, key: str, path: Path) -> str:
    value = row.get(key)
    if value in (None, ""):
        raise CatalogFormatError(f"{path}: a row has no '{key}' (found columns: {', '.join(row)})")
    return str(value).strip()


def read_klass_codes(path: str | Path) -> list[dict]:
    """Rows ``{"code", "name"}`` of a Klass code list (level-1 items only)."""
    path = Path(path)
    out = []
    for row in _rows(path, "codes"):
        if str(row.get("level", "1")) not in ("1", ""):
            continue
        out.append({"code": _need(row, "code", path).zfill(4), "name": _need(row, "name", path)})
    return out


def read_klass_changes(path: str | Path) -> list[KlassChange]:
    path = Path(path)
    return [
        KlassChange(
            old_code=_need(row, "oldCode", path).zfill(4), old_name=_need(row, "oldName", path),
            new_code=_need(row, "newCode", path).zfill(4), new_name=_need(row, "newName", path),
            changed_on=row.get("changeOccurred") or None,
        )
        for row in _rows(path, "codeChanges")
    ]


def read_klass_centrality(path: str | Path) -> dict[str, int]:
    """Municipality number → centrality class 1–6 from a 131→128 correspondence table."""
    path = Path(path)
    out: dict[str, int] = {}
    for row in _rows(path, "correspondenceItems"):
        target = _need(row, "targetCode", path)
        if not target.isdigit() or not 1 <= int(target) <= 6:
            raise CatalogFormatError(f"{path}: targetCode {target!r} is not a centrality class 1–6")
        out[_need(row, "sourceCode", path).zfill(4)] = int(target)
    return out


def read_postcodes(path: str | Path) -> list[dict]:
    """Postcode lists with columns postnummer, poststed, kommunenummer (Bring/Kartverket style)."""
    path = Path(path)
    out = []
    for row in _rows(path, "postcodes"):
        lower = {k.lower().strip(): v for k, v in row.items() if k}
        code = lower.get("postnummer") or lower.get("postcode")
        muni = lower.get("kommunenummer") or lower.get("municipality")
        if not code or not muni:
            raise CatalogFormatError(f"{path}: needs columns postnummer and kommunenummer")
        out.append({"postcode": str(code).zfill(4), "municipality": str(muni).zfill(4),
                    "place": (lower.get("poststed") or "").strip().title() or None})
    return out


def read_historic_numbers(path: str | Path) -> list[KlassChange]:
    """Old municipality numbers (before the 2020 and 2024 reforms) → today's number.

    Columns: ``gammelt_nr, navn, start_yr, end_yr, nr_2024`` (one row per historic number).
    Rows without a successor (municipalities dissolved long ago) are skipped.
    """
    path = Path(path)
    out = []
    for row in _rows(path, "numbers"):
        old = _need(row, "gammelt_nr", path).zfill(4)
        new = (row.get("nr_2024") or "").strip()
        if not new or new.zfill(4) == old:
            continue
        out.append(KlassChange(old, _need(row, "navn", path), new.zfill(4), "", row.get("end_yr") or None))
    return out
