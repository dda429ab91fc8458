"""Official classifications: STYRK-08 occupations, SN2007 industries, NUS2000 education, ESCO.

``CodeRegister`` holds, per scheme, every imported version of a classification (code → name,
parent, hierarchy level) and extra labels (aliases such as NAV's job titles under a STYRK code).
The newest version answers first; a code that a newer version dropped stays resolvable from the
version that had it. Readers understand SSB Klass CSV exports (``code,parentCode,level,name,
shortName,notes``, comma- or semicolon-separated), ESCO CSVs (``conceptUri,preferredLabel,
altLabels,description`` or the compact ``id,description``) and NAV's job-title lists
(``yrkeskode;yrkesbetegnelse``).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from catalog.errors import CatalogFormatError
from catalog.reference.klass import _read_text

STYRK, SN2007, NUS, ESCO_OCCUPATION, ESCO_SKILL = "styrk08", "sn2007", "nus2000", "esco_occupation", "esco_skill"
SCHEMES: dict[str, str] = {
    STYRK: "STYRK-08 yrke", SN2007: "SN2007 næring", NUS: "NUS2000 utdanning",
    ESCO_OCCUPATION: "ESCO yrke", ESCO_SKILL: "ESCO ferdighet",
}
# interchange v1 field → scheme (the same fields on needs and offers)
CODE_FIELDS: dict[str, str] = {"styrk": STYRK, "sn2007": SN2007, "nus": NUS, "esco_skills": ESCO_SKILL}
FIELD_OF: dict[str, str] = {v: k for k, v in CODE_FIELDS.items()}
ESCO_PREFIX = {ESCO_OCCUPATION: "http://data.europa.eu/esco/occupation/", ESCO_SKILL: "http://data.europa.eu/esco/skill/"}
SHAPES = {
    STYRK: "4 digits, e.g. 5321 (or a higher level: 53, 532)",
    SN2007: "a section letter A–U or a code such as 03 / 03.2 / 03.21 / 03.211",
    NUS: "a NUS2000 code of 1 to 6 digits, e.g. 655 or 655105",
    ESCO_SKILL: "an ESCO skill URI or its UUID",
    ESCO_OCCUPATION: "an ESCO occupation URI or its UUID",
}


@dataclass(frozen=True)
class CodeEntry:
    scheme: str
    code: str
    name: str
    level: int
    parent: str | None = None
    short_name: str | None = None
    notes: str | None = None
    version: str = ""

    def label(self) -> str:
        return f"{self.code} {self.name}" if not self.code.startswith("http") else self.name


@dataclass
class Classification:
    """One scheme: its versions (oldest first) and each version's codes."""

    scheme: str
    versions: list[str] = field(default_factory=list)
    codes: dict[str, dict[str, CodeEntry]] = field(default_factory=dict)  # version → code → entry
    hashes: dict[str, str] = field(default_factory=dict)  # version → content hash
    aliases: dict[str, set[str]] = field(default_factory=dict)  # code → extra labels

    @property
    def current(self) -> dict[str, CodeEntry]:
        return self.codes[self.versions[-1]] if self.versions else {}

    def get(self, code: str) -> CodeEntry | None:
        """The newest version's entry; for a code a newer version dropped, the last version that had it."""
        for version in reversed(self.versions):
            entry = self.codes[version].get(code)
            if entry is not None:
                return entry
        return None


@dataclass(frozen=True)
class CodeCheck:
    code: str
    entry: CodeEntry | None
    problem: str | None = None  # None when the code is known


class CodeRegister:
    """Every imported classification, in memory (STYRK-08 + SN2007 + NUS2000 ≈ 10k rows)."""

    def __init__(self) -> None:
        self.schemes: dict[str, Classification] = {s: Classification(s) for s in SCHEMES}

    # ---------------------------------------------------------------- loading
    def add_version(self, scheme: str, version: str, entries: Iterable[CodeEntry], content_hash: str) -> bool:
        """Add a version; False (and nothing changes) when the same content is already there."""
        cls = self.schemes[scheme]
        if content_hash in cls.hashes.values():
            return False
        if version in cls.versions:
            raise CatalogFormatError(f"{SCHEMES[scheme]}: version {version!r} exists with other content; "
                                     "allowed: a new version label (--version) for changed content")
        cls.versions.append(version)
        cls.hashes[version] = content_hash
        cls.codes[version] = {e.code: CodeEntry(**{**e.__dict__, "version": version}) for e in entries}
        return True

    def add_aliases(self, scheme: str, pairs: Iterable[tuple[str, str]]) -> int:
        cls = self.schemes[scheme]
        added = 0
        for code, alias in pairs:
            labels = cls.aliases.setdefault(code, set())
            if alias not in labels:
                labels.add(alias)
                added += 1
        return added

    # ---------------------------------------------------------------- lookup
    def has(self, scheme: str) -> bool:
        return bool(self.schemes[scheme].versions)

    def get(self, scheme: str, code: str) -> CodeEntry | None:
        return self.schemes[scheme].get(code)

    def name(self, scheme: str, code: str) -> str | None:
        if scheme == NUS and code.startswith("nus-field:"):
            return nus_field_name(self, code)
        entry = self.nearest(scheme, code)
        return entry.name if entry else None

    def check(self, scheme: str, value: object) -> CodeCheck:
        """Normalise and look up one code as given in an input file."""
        text = normalise_code(scheme, value)
        if not self.has(scheme):
            return CodeCheck(text, None, f"a {SCHEMES[scheme]} code, but no {SCHEMES[scheme]} classification "
                                         "is imported (megler reference import)")
        entry = self.get(scheme, text)
        if entry is None:
            ancestor = self.nearest(scheme, text)
            if ancestor is not None:  # more detailed than the imported list (16.100 with divisions only)
                return CodeCheck(text, ancestor)
            return CodeCheck(text, None, f"a known {SCHEMES[scheme]} code: {SHAPES[scheme]}")
        return CodeCheck(entry.code, entry)

    def nearest(self, scheme: str, code: str) -> CodeEntry | None:
        """The code itself, or for SN2007 and NUS (whose codes extend their parents') the most detailed
        known code it starts with."""
        entry = self.get(scheme, code)
        if entry is not None or scheme not in (SN2007, NUS):
            return entry
        shapes = re.fullmatch(r"\d{2}(\.\d{1,3})?", code) if scheme == SN2007 else re.fullmatch(r"\d{1,6}", code)
        if not shapes:
            return None
        for cut in range(len(code) - 1, 0, -1):
            part = code[:cut].rstrip(".")
            entry = self.get(scheme, part)
            if entry is not None:
                return entry
        return None

    def at_level(self, scheme: str, code: str, level: int) -> str | None:
        """The code's ancestor (or itself) at hierarchy ``level``; NUS levels mean field levels (1 fagfelt,
        2 faggruppe); None when the code sits above that level or is unknown."""
        if scheme == NUS:
            digits = code if code.isdigit() else ""
            width = level + 1
            return f"nus-field:{digits[1:width]}" if len(digits) >= width else None
        entry = self.nearest(scheme, code)
        while entry is not None and entry.level > level:
            entry = self.get(scheme, entry.parent) if entry.parent else None
        return entry.code if entry is not None and entry.level == level else None

    def entries(self, scheme: str, *, level: int | None = None) -> list[CodeEntry]:
        rows = list(self.schemes[scheme].current.values())
        return [e for e in rows if level is None or e.level == level]

    def leaves(self, scheme: str) -> list[CodeEntry]:
        """The most detailed codes of the current version (what the tagger suggests)."""
        rows = self.entries(scheme)
        deepest = max((e.level for e in rows), default=0)
        return [e for e in rows if e.level == deepest]


def nus_field_name(register: CodeRegister, key: str) -> str | None:
    """Names of NUS fields (``nus-field:5``) and groups (``nus-field:55``): the same at every education
    level, so any level's level-2 / level-3 code names them."""
    part = key.removeprefix("nus-field:")
    for entry in register.entries(NUS, level=len(part) + 1):
        if entry.code[1:] == part:
            return entry.name
    return None


# ---------------------------------------------------------------- normalising input codes
def normalise_code(scheme: str, value: object) -> str:
    text = re.sub(r"\s+", "", str(value)).strip().rstrip(".")
    if scheme in (ESCO_SKILL, ESCO_OCCUPATION):
        text = str(value).strip()
        if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text.lower()):
            return ESCO_PREFIX[scheme] + text.lower()
        return text
    if scheme == SN2007:
        text = text.upper()
        if re.fullmatch(r"\d{3,5}", text):  # 0321 / 03211 → 03.21 / 03.211
            return f"{text[:2]}.{text[2:]}"
        return text
    return text


def split_codes(value: object) -> list[str]:
    """A list field as given: a JSON list, or text separated by ; , or | (also used for offers' locations)."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in re.split(r"[;,|]", str(value)) if p.strip()]


# ---------------------------------------------------------------- readers
def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dict_rows(path: str | Path) -> tuple[list[dict[str, str]], str]:
    text = _read_text(path)
    head = text.split("\n", 1)[0]
    delimiter = ";" if head.count(";") > head.count(",") else ","
    rows = [{(k or "").strip(): (v or "").strip() for k, v in r.items()}
            for r in csv.DictReader(io.StringIO(text), delimiter=delimiter)]
    return rows, content_hash(text)


def read_klass(path: str | Path, scheme: str) -> tuple[list[CodeEntry], str]:
    """An SSB Klass code list (CSV): ``code, parentCode, level, name[, shortName, notes]``."""
    rows, digest = _dict_rows(path)
    if not rows or not {"code", "name"} <= set(rows[0]):
        raise CatalogFormatError(f"{path}: found columns {sorted(rows[0]) if rows else []}; allowed: an SSB Klass "
                                 "code list with code, parentCode, level, name")
    out = []
    for no, r in enumerate(rows, start=2):
        if not r["code"]:
            raise CatalogFormatError(f"{path} line {no}: code is empty; allowed: a {SCHEMES[scheme]} code")
        level = r.get("level") or ""
        out.append(CodeEntry(scheme, r["code"], r["name"], int(level) if level.isdigit() else _level(scheme, r["code"]),
                             r.get("parentCode") or None, r.get("shortName") or None, r.get("notes") or None))
    return out, digest


def _level(scheme: str, code: str) -> int:
    if scheme == SN2007:
        return 1 if code.isalpha() else len(code.replace(".", ""))
    return len(code)


def esco_label(text: str) -> str:
    """The compact ESCO export has labels and description run together; the label is the text before the
    first word that repeats (labels list variants of one name), at most eight words."""
    words = text.split()
    seen: set[str] = set()
    for i, w in enumerate(words[:9]):
        if w.lower() in seen or (i and w[:1].isupper()):
            return " ".join(words[:i])
        seen.add(w.lower())
    return " ".join(words[:8])


def read_esco(path: str | Path, scheme: str) -> tuple[list[CodeEntry], str]:
    rows, digest = _dict_rows(path)
    cols = set(rows[0]) if rows else set()
    out = []
    if {"conceptUri", "preferredLabel"} <= cols:
        for r in rows:
            notes = " ".join(x for x in (r.get("altLabels", "").replace("\n", " "), r.get("description", "")) if x)
            out.append(CodeEntry(scheme, r["conceptUri"], r["preferredLabel"], 1, None, None, notes or None))
    elif {"id", "description"} <= cols:
        for r in rows:
            out.append(CodeEntry(scheme, r["id"], esco_label(r["description"]), 1, None, None, r["description"]))
    else:
        raise CatalogFormatError(f"{path}: found columns {sorted(cols)}; allowed: an ESCO CSV with conceptUri, "
                                 "preferredLabel (altLabels, description) or the compact id, description")
    return out, digest


def read_job_titles(path: str | Path) -> list[tuple[str, str]]:
    """NAV's job titles per STYRK code (``yrkeskode;yrkesbetegnelse``, titles comma-separated outside
    brackets); rows coded in the old STYRK (``isco_versjon`` ISCO-88) are skipped."""
    rows, _ = _dict_rows(path)
    if not rows or not {"yrkeskode", "yrkesbetegnelse"} <= set(rows[0]):
        raise CatalogFormatError(f"{path}: found columns {sorted(rows[0]) if rows else []}; allowed: NAV job titles "
                                 "with yrkeskode and yrkesbetegnelse")
    out = []
    for r in rows:
        if r.get("isco_versjon", "ISCO-08") != "ISCO-08" or r["yrkeskode"] in ("0000", ""):
            continue
        out.extend((r["yrkeskode"], t) for t in split_titles(r["yrkesbetegnelse"]))
    return out


def split_titles(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        depth += (ch == "(") - (ch == ")" and depth > 0)
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip() and p.strip() != "*" and "KONVERTERT" not in p]


# ---------------------------------------------------------------- built-in lists
BUILTIN_VERSION = "innebygd"
BUILTIN_FILES = {STYRK: "styrk08.csv", SN2007: "sn2007_divisions.csv", NUS: "nus2000_groups.csv"}


def builtin_codes() -> list[tuple[str, list[CodeEntry], str]]:
    """(scheme, entries, content hash) of the lists shipped in ``catalog/reference/data``."""
    data = Path(__file__).resolve().parent / "data"
    return [(scheme, *read_klass(data / name, scheme)) for scheme, name in BUILTIN_FILES.items()]


@lru_cache(maxsize=1)
def builtin_code_register() -> CodeRegister:
    """The built-in lists (shared and cached: do not add to it; build a ``CodeRegister`` of your own)."""
    register = CodeRegister()
    for scheme, entries, digest in builtin_codes():
        register.add_version(scheme, BUILTIN_VERSION, entries, digest)
    return register
