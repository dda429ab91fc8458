"""Resolve free-text places (names, numbers, postcodes) to municipalities, and measure distance.

``PlaceRegister`` is a plain in-memory index built from reference rows (see
``catalog.reference``); it never touches the database itself, so the matcher
and tests can use it directly.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from catalog.normalise import ascii_fold


@dataclass(frozen=True)
class MunicipalityInfo:
    code: str
    name: str
    county_code: str | None = None
    county_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    centrality: int | None = None
    current: bool = True
    replaced_by: str | None = None


@dataclass(frozen=True)
class PlaceResolution:
    text: str
    code: str | None
    method: str  # exact | alias | postcode | fuzzy | ambiguous | unknown
    candidates: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.code is not None

    def message(self, register: PlaceRegister | None = None) -> str:
        def label(code: str) -> str:
            if register and code in register.municipalities:
                m = register.municipalities[code]
                return f"{m.name} ({code}, {m.county_name or 'ukjent fylke'})"
            return code

        if self.method == "ambiguous":
            return f"'{self.text}' can mean several municipalities: {', '.join(label(c) for c in self.candidates)}"
        if self.method == "unknown":
            return f"'{self.text}' is not a known municipality name, municipality number or postcode"
        if self.method == "fuzzy" and self.code:
            return f"'{self.text}' read as {label(self.code)} by spelling similarity"
        return f"'{self.text}' is {label(self.code) if self.code else '?'}"


@dataclass
class PlaceRegister:
    municipalities: dict[str, MunicipalityInfo] = field(default_factory=dict)
    # folded alias → {code: kind}
    aliases: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    postcodes: dict[str, str] = field(default_factory=dict)
    fuzzy_cutoff: float = 88.0
    _fuzzy_keys: list[str] | None = None

    # -------------------------------------------------------------- building
    def add_municipality(self, info: MunicipalityInfo) -> None:
        self.municipalities[info.code] = info
        kind = "name" if info.current else "old_name"
        self.add_alias(info.name, info.code, kind)
        base = re.sub(r"\s*\(.*\)$", "", info.name)  # SSB: "Herøy (Nordland)" is also "Herøy"
        if base != info.name:
            self.add_alias(base, info.code, kind)
        self._fuzzy_keys = None

    def add_alias(self, alias: str, code: str, kind: str) -> None:
        key = ascii_fold(alias)
        if key:
            self.aliases[key].setdefault(code, kind)
            self._fuzzy_keys = None

    def current_code(self, code: str) -> str | None:
        """Follow ``replaced_by`` links (old numbers → today's number)."""
        seen = set()
        while code in self.municipalities and not self.municipalities[code].current:
            if code in seen:
                return None
            seen.add(code)
            nxt = self.municipalities[code].replaced_by
            if not nxt:
                return None
            code = nxt
        return code if code in self.municipalities else None

    # -------------------------------------------------------------- resolving
    def resolve(self, text: str) -> PlaceResolution:
        raw = str(text).strip()
        if not raw:
            return PlaceResolution(raw, None, "unknown")
        if re.fullmatch(r"\d{3,4}", raw):
            return self._resolve_number(raw.zfill(4), raw)
        # "Herøy (Nordland)", "Herøy i Nordland", "Trondheim - Tråante", "Bergen/Os"
        county_hint = None
        m = re.fullmatch(r"(.+?)\s*(?:\((.+)\)|,\s*(.+)|\s+i\s+(.+))", raw)
        if m:
            county_hint = ascii_fold(next(g for g in m.groups()[1:] if g))
            best = self._resolve_name(m.group(1), raw, county_hint)
            if best.ok or best.method == "ambiguous":
                return best
        parts = [p for p in re.split(r"\s+[-–]\s+|/", raw) if p.strip()]
        if len(parts) > 1:
            results = [self._resolve_name(p, raw, county_hint) for p in parts]
            codes = {r.code for r in results if r.ok and r.method != "fuzzy"}
            if len(codes) == 1:
                return PlaceResolution(raw, codes.pop(), "alias")
        return self._resolve_name(raw, raw, county_hint)

    def _resolve_number(self, number: str, raw: str) -> PlaceResolution:
        muni = self.municipalities.get(number)
        if muni and muni.current:
            return PlaceResolution(raw, number, "exact")
        via_old = self.current_code(number) if muni else None
        via_post = self.postcodes.get(number)
        if via_old and via_post and via_old != via_post:
            return PlaceResolution(raw, None, "ambiguous", (via_old, via_post))
        if via_old:
            return PlaceResolution(raw, via_old, "alias")
        if via_post:
            return PlaceResolution(raw, self.current_code(via_post) or via_post, "postcode")
        return PlaceResolution(raw, None, "unknown")

    def _codes_for(self, key: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for code, kind in self.aliases.get(key, {}).items():
            current = self.current_code(code)
            if current:
                found.setdefault(current, kind)
        return found

    def _resolve_name(self, name: str, raw: str, county_hint: str | None) -> PlaceResolution:
        key = ascii_fold(name)
        codes = self._codes_for(key)
        if len(codes) > 1:
            # prefer a current name over old names and postal places
            names = [c for c, kind in codes.items() if kind in ("name", "sami")]
            if len(names) == 1:
                codes = {names[0]: "name"}
        if len(codes) > 1 and county_hint:
            codes = {c: k for c, k in codes.items() if self._in_county(c, county_hint)}
        if len(codes) == 1:
            code, kind = next(iter(codes.items()))
            return PlaceResolution(raw, code, "exact" if kind == "name" else "alias")
        if len(codes) > 1:
            return PlaceResolution(raw, None, "ambiguous", tuple(sorted(codes)))
        return self._resolve_fuzzy(key, raw)

    def _in_county(self, code: str, county_hint: str) -> bool:
        county = self.municipalities[code].county_name or ""
        return county_hint in ascii_fold(county) or ascii_fold(county) in county_hint

    def _resolve_fuzzy(self, key: str, raw: str) -> PlaceResolution:
        if len(key) < 4:
            return PlaceResolution(raw, None, "unknown")
        if self._fuzzy_keys is None:
            self._fuzzy_keys = list(self.aliases)
        hits = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=3,
                               score_cutoff=self.fuzzy_cutoff)
        if not hits:
            return PlaceResolution(raw, None, "unknown")
        top = hits[0][1]
        codes: set[str] = set()
        for alias, score, _ in hits:
            if score >= top - 1e-9:
                codes.update(self._codes_for(alias))
        if len(codes) == 1:
            return PlaceResolution(raw, codes.pop(), "fuzzy")
        if len(codes) > 1:
            return PlaceResolution(raw, None, "ambiguous", tuple(sorted(codes)))
        return PlaceResolution(raw, None, "unknown")

    def current(self) -> list[MunicipalityInfo]:
        return [m for m in self.municipalities.values() if m.current]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
