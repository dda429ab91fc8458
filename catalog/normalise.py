"""Pure normalisation functions: level, credits, delivery, language, dates.

Each function takes a raw value and returns the normalised value, or raises
``ValueError`` with a message that says what is allowed. None and empty strings
mean "not given" and return None. Every function is idempotent:
``f(f(x)) == f(x)`` (checked by hypothesis tests).

Conversions chosen (documented in the README):

* Credits to a studiepoeng equivalent: studiepoeng, ECTS and fagskolepoeng count 1:1
  (all are 60 per full-time year); UK CATS count 0.5 (120 CATS = 60 ECTS);
  hours count 1/27 (ECTS: 25–30 hours of work per credit; we take the midpoint).
* Levels to NKR (Nasjonalt kvalifikasjonsrammeverk): ``2``, ``3``, ``4``, ``5``
  (fagskole, sub-level unknown), ``5.1``, ``5.2``, ``6``, ``7``, ``8``.
  EQF n maps to NKR n (EQF 5 to ``5``); UK Open University levels 1–3,
  FHEQ 4–6 and SCQF 7–10 are undergraduate (``6``); FHEQ 7 / SCQF 11 are ``7``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

# ---------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Lower-case, trim, collapse spaces; keep Norwegian letters (æ ø å) as they are."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    return re.sub(r"\s+", " ", text)


def ascii_fold(text: str) -> str:
    """A looser key for place names: æ→ae, ø→o, å→a, accents stripped, punctuation to spaces."""
    text = fold(text).replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- levels

NKR_LEVELS: dict[str, tuple[float, str, int]] = {
    # code: (rank, Norwegian label, EQF level)
    "2": (2.0, "Grunnskole", 2),
    "3": (3.0, "Vg1–Vg2 (delvis videregående)", 3),
    "4": (4.0, "Fullført videregående, fag- og svennebrev", 4),
    "5": (5.0, "Fagskole (høyere yrkesfaglig utdanning)", 5),
    "5.1": (5.1, "Fagskole, inntil 60 fagskolepoeng", 5),
    "5.2": (5.2, "Fagskole, over 60 fagskolepoeng", 5),
    "6": (6.0, "Bachelor, årsstudium og lavere grad", 6),
    "7": (7.0, "Master og høyere grad", 7),
    "8": (8.0, "Ph.d.", 8),
}
LEVEL_CODES = tuple(NKR_LEVELS)
LEVEL_ALLOWED = "NKR 2–8, 5.1, 5.2, EQF n, or a label such as vgs, fagbrev, fagskole, bachelor, master, ph.d."

_LEVEL_WORDS: list[tuple[str, str]] = [
    # (regex on folded text, NKR code); first match wins, so specific before general
    (r"\b(ph\.? ?d|doktorgrad|doctora|doktor)", "8"),
    (r"\b(master|mastergrad|høyere grad|høgare grad|postgraduate|graduate diploma|msc|ma)\b", "7"),
    (r"\b(bachelor|bachelorgrad|årsstudium|årsstudie|grunnstudium|lavere grad|lågare grad|"
     r"undergraduate|høyskole|høgskule|universitetsnivå|university level|bsc|ba)\b", "6"),
    (r"\b(fagskole|fagskule|tertiary vocational|higher vocational|høyere yrkesfaglig|foundation degree|"
     r"short.cycle)", "5"),
    (r"\b(vg1|vg2)\b", "3"),
    (r"\b(vg3|vgs|videregående|vidaregåande|upper secondary|fagbrev|svennebrev|studiekompetanse|"
     r"fag- og svennebrev|kompetansebevis)", "4"),
    (r"\b(grunnskole|grunnskule|lower secondary|primary)", "2"),
]


def normalise_level(value: object) -> str | None:
    """Return an NKR code (see ``LEVEL_CODES``) or None; raise ValueError if not understood.

    >>> normalise_level("EQF 5"), normalise_level("Vg2"), normalise_level("Bachelorgrad")
    ('5', '3', '6')
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"level: found {value!r}; allowed: {LEVEL_ALLOWED}")
    if isinstance(value, (int, float)):
        value = f"{value:g}"
    text = fold(str(value)).replace(",", ".")
    if text in NKR_LEVELS:
        return text
    m = re.fullmatch(r"(?:nkr|nqf|nivå|nivå|niva|level|kvalifikasjonsnivå)?\s*(?:nivå\s*)?([2-8])(?:\.([12]))?", text)
    if m:
        code = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
        if code in NKR_LEVELS:
            return code
    m = re.fullmatch(r"nkr\s*4\s*[ab]|4\s*[ab]", text)
    if m:
        return "4"
    m = re.fullmatch(r"eqf\s*(?:level|nivå)?\s*([1-8])", text) or re.search(r"/eqf/([1-8])$", text)
    if m:
        n = int(m.group(1))
        if n < 2:
            raise ValueError(f"level: found {value!r}; EQF 1 has no NKR counterpart; allowed: {LEVEL_ALLOWED}")
        return str(n)
    m = re.fullmatch(r"(?:scqf)\s*(?:level)?\s*(\d{1,2})", text)
    if m:
        n = int(m.group(1))
        return _uk_scqf(n, value)
    if re.fullmatch(r"(?:ou|open university)\s*(?:level)?\s*m", text):
        return "7"  # OU postgraduate ("masters") level
    m = re.fullmatch(r"(?:fheq|rqf|uk|ou|open university)\s*(?:level)?\s*(\d)", text)
    if m:
        n = int(m.group(1))
        if text.startswith("ou") or text.startswith("open university"):
            if n == 0:
                return "4"  # OU access modules prepare for university study
            if 1 <= n <= 3:
                return "6"
        elif 4 <= n <= 8:
            return {4: "6", 5: "6", 6: "6", 7: "7", 8: "8"}[n]
        raise ValueError(f"level: found {value!r}; allowed: {LEVEL_ALLOWED}")
    for pattern, code in _LEVEL_WORDS:
        if re.search(pattern, text):
            return code
    raise ValueError(f"level: found {value!r}; allowed: {LEVEL_ALLOWED}")


def _uk_scqf(n: int, raw: object) -> str:
    if 5 <= n <= 6:
        return "4"
    if 7 <= n <= 10:
        return "6"
    if n == 11:
        return "7"
    if n == 12:
        return "8"
    raise ValueError(f"level: found {raw!r}; SCQF levels 5–12 are understood")


def level_rank(code: str | None) -> float | None:
    """Numeric rank for comparing levels (5 < 5.1 < 5.2 < 6); None if unknown."""
    if code is None:
        return None
    return NKR_LEVELS[code][0]


# ---------------------------------------------------------------- credits

CREDIT_UNITS: dict[str, float] = {
    "studiepoeng": 1.0,
    "ects": 1.0,
    "fagskolepoeng": 1.0,
    "cats": 0.5,
    "hours": 1 / 27,
}
_UNIT_WORDS = {
    "studiepoeng": "studiepoeng", "sp": "studiepoeng", "stp": "studiepoeng", "stp.": "studiepoeng",
    "studiepoint": "studiepoeng", "credits": "ects", "ects": "ects", "ects credits": "ects",
    "european credit transfer system": "ects", "fagskolepoeng": "fagskolepoeng", "fp": "fagskolepoeng",
    "fagskulepoeng": "fagskolepoeng", "cats": "cats", "uk credits": "cats", "the open university": "cats",
    "credit accumulation and transfer scheme": "cats", "hours": "hours", "hour": "hours",
    "timer": "hours", "time": "hours", "t": "hours", "h": "hours", "klokketimer": "hours",
    "undervisningstimer": "hours", "timar": "hours",
}
CREDIT_UNITS_ALLOWED = "studiepoeng, fagskolepoeng, ects, cats, hours (and sp, stp, fp, timer)"
MAX_CREDITS_SP = 420.0  # longer than any Norwegian degree (integrated master 300, ph.d. 180)


def normalise_credit_unit(value: object) -> str | None:
    if _blank(value):
        return None
    text = fold(str(value))
    if text in CREDIT_UNITS:
        return text
    if text in _UNIT_WORDS:
        return _UNIT_WORDS[text]
    raise ValueError(f"credit_unit: found {value!r}; allowed: {CREDIT_UNITS_ALLOWED}")


def parse_number(value: object, field: str = "value") -> float | None:
    """Parse 7,5 / 7.5 / "7,5 sp" / 10 into a float; None when blank."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{field}: found {value!r}; allowed: a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", " ").replace(" ", "")
        m = re.match(r"^([-+]?\d+(?:[.,]\d+)?)", text)
        if not m:
            raise ValueError(f"{field}: found {value!r}; allowed: a number such as 7,5 or 15")
        number = float(m.group(1).replace(",", "."))
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{field}: found {value!r}; allowed: a finite number")
    return number


def split_credits(value: object, unit: object = None) -> tuple[float | None, str | None]:
    """Split "7,5 sp" into (7.5, "studiepoeng"); an explicit unit wins over one in the text."""
    number = parse_number(value, "credits")
    unit_norm = normalise_credit_unit(unit)
    if unit_norm is None and isinstance(value, str):
        rest = re.sub(r"^[\s\d.,+-]+", "", value)
        if rest.strip():
            unit_norm = normalise_credit_unit(rest)
    return number, unit_norm


def credits_to_sp(credits: float | None, unit: str | None) -> float | None:
    """Convert to a studiepoeng equivalent; None if either part is unknown.

    >>> credits_to_sp(30, "cats"), credits_to_sp(54, "hours")
    (15.0, 2.0)
    """
    if credits is None:
        return None
    if unit is None:
        return None
    return round(credits * CREDIT_UNITS[unit], 2)


def check_credits(credits: float | None, unit: str | None) -> None:
    if credits is None:
        return
    if credits < 0:
        raise ValueError(f"credits: found {credits:g}; allowed: 0 or more")
    sp = credits_to_sp(credits, unit or "studiepoeng")
    if sp is not None and sp > MAX_CREDITS_SP:
        raise ValueError(
            f"credits: found {credits:g} {unit or 'studiepoeng'} (= {sp:g} studiepoeng); "
            f"allowed: at most {MAX_CREDITS_SP:g} studiepoeng"
        )


# ---------------------------------------------------------------- delivery

DELIVERY_MODES = ("campus", "online", "hybrid", "samlingsbasert", "desentralisert")
_DELIVERY_WORDS: list[tuple[str, str]] = [
    (r"distance without attendance|nettbasert|nettstudi|online|på nett|pa nett|^nett$|digital|e-læring|"
     r"elæring|e-learning|fjernundervisning|nettundervisning|webinar|distance learning|^distance$|"
     r"nettkurs|heilnett|helnett|fjernstudi|^remote$", "online"),
    (r"samlingsbasert|samlingar|samlinger|^samling|block|distance with attendance|"
     r"deltid med samlinger", "samlingsbasert"),
    (r"hybrid|blended|mixed mode|kombinert|blanda|blandet|flerbruk", "hybrid"),
    (r"desentral|decentrali[sz]ed|studiesenter|studiesenteret|lokalt|face-to-face non-campus|"
     r"work-based|arbeidsplass|bedriftsintern|in-company", "desentralisert"),
    (r"campus|stedbasert|stadbasert|stedsbasert|stadsbasert|klasserom|fysisk|tilstedeværelse|"
     r"face-to-face|face to face|"
     r"on site|onsite|on-site|in person|in-person|attendance|dagtid|kveldstid|heltid|deltid", "campus"),
]
DELIVERY_ALLOWED = "campus, online, hybrid, samlingsbasert, desentralisert (or synonyms: nettbasert, stedbasert, blended, ...)"


def normalise_delivery(value: object) -> list[str]:
    """Normalise a list or comma/semicolon-separated string of delivery modes.

    Order is canonical (as in ``DELIVERY_MODES``) and duplicates are removed.
    """
    if _blank(value):
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;,/|]| og | and | eller | or ", str(value))
    found: set[str] = set()
    for item in items:
        if _blank(item):
            continue
        text = fold(str(item))
        for pattern, mode in _DELIVERY_WORDS:
            if re.search(pattern, text):
                found.add(mode)
                break
        else:
            raise ValueError(f"delivery: found {item!r}; allowed: {DELIVERY_ALLOWED}")
    return [m for m in DELIVERY_MODES if m in found]


# ---------------------------------------------------------------- language

LANGUAGES = {
    "nb": "norsk bokmål", "nn": "norsk nynorsk", "no": "norsk", "en": "engelsk", "se": "nordsamisk",
    "sma": "sørsamisk", "smj": "lulesamisk", "sv": "svensk", "da": "dansk", "de": "tysk",
    "fr": "fransk", "es": "spansk", "fi": "finsk", "pl": "polsk", "ar": "arabisk", "uk": "ukrainsk",
}
_LANGUAGE_WORDS = {
    "nob": "nb", "bokmål": "nb", "bokmal": "nb", "norsk bokmål": "nb", "nno": "nn", "nynorsk": "nn",
    "norsk nynorsk": "nn", "nor": "no", "norsk": "no", "norwegian": "no", "norsk/engelsk": "no",
    "eng": "en", "engelsk": "en", "english": "en", "sme": "se", "nordsamisk": "se", "samisk": "se",
    "sámi": "se", "sami": "se", "northern sami": "se", "swe": "sv", "svensk": "sv", "swedish": "sv",
    "dan": "da", "dansk": "da", "danish": "da", "deu": "de", "ger": "de", "tysk": "de", "german": "de",
    "fra": "fr", "fre": "fr", "fransk": "fr", "french": "fr", "spa": "es", "spansk": "es",
    "fin": "fi", "finsk": "fi", "pol": "pl", "polsk": "pl", "ukr": "uk", "ukrainsk": "uk",
    "ara": "ar", "arabisk": "ar",
}
LANGUAGE_ALLOWED = "ISO codes such as nb, nn, no, en, se, sv, or names such as norsk, engelsk, English"


def normalise_language(value: object) -> str | None:
    """One language code; for a phrase like "Engelsk. Norsk om ..." the first language named wins."""
    langs = normalise_languages(value)
    return langs[0] if langs else None


def normalise_languages(value: object) -> list[str]:
    """A list of language codes (order kept, duplicates removed)."""
    if _blank(value):
        return []
    if isinstance(value, str) and "/language/" in value:
        value = re.sub(r"^.*/language/", "", value.strip())  # EU authority URIs .../language/ENG
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;,/|]|\.\s| og | and | eller | or ", str(value))
    out: list[str] = []
    for item in items:
        if _blank(item):
            continue
        text = fold(str(item)).rstrip(".")
        code = None
        if text in LANGUAGES:
            code = text
        elif text in _LANGUAGE_WORDS:
            code = _LANGUAGE_WORDS[text]
        else:
            for word in re.findall(r"[a-zæøåá]+", text):
                if word in _LANGUAGE_WORDS:
                    code = _LANGUAGE_WORDS[word]
                    break
        if code is None:
            if out:  # trailing explanation such as "om kun norskspråklege deltek"
                continue
            raise ValueError(f"language: found {item!r}; allowed: {LANGUAGE_ALLOWED}")
        if code not in out:
            out.append(code)
    return out


def is_norwegian(code: str | None) -> bool:
    return code in ("nb", "nn", "no")


# ---------------------------------------------------------------- dates

_MONTHS = {
    "januar": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2, "mars": 3, "march": 3,
    "mar": 3, "april": 4, "apr": 4, "mai": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7,
    "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "desember": 12, "december": 12,
    "des": 12, "dec": 12,
}
_SEMESTERS = {"vår": (1, 15), "var": (1, 15), "spring": (1, 15), "høst": (8, 15), "haust": (8, 15),
              "host": (8, 15), "autumn": (8, 15), "fall": (8, 15), "sommer": (6, 15), "summer": (6, 15)}
DATE_ALLOWED = "YYYY-MM-DD, DD.MM.YYYY, '3. november 2025', 'høst 2025' or 'vår 2026'"


def normalise_date(value: object) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = fold(str(value))
    try:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?", text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.fullmatch(r"(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})", text)
        if m and m.group(2) in _MONTHS:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        m = re.fullmatch(r"([a-zæøå]+)\s+(\d{4})", text)
        if m and m.group(1) in _SEMESTERS:
            month, day = _SEMESTERS[m.group(1)]
            return dt.date(int(m.group(2)), month, day)
        if m and m.group(1) in _MONTHS:
            return dt.date(int(m.group(2)), _MONTHS[m.group(1)], 1)
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
    except ValueError as exc:  # e.g. 31.02.2025
        raise ValueError(f"date: found {value!r}; not a real date ({exc})") from None
    raise ValueError(f"date: found {value!r}; allowed: {DATE_ALLOWED}")


PROVIDER_TYPES = ("university", "university_college", "fagskole", "study_centre", "upper_secondary",
                  "career_centre", "private", "other")
_PROVIDER_WORDS = [
    (r"universitet|university", "university"),
    (r"høgskol|høyskol|høgskul|university college|college", "university_college"),
    (r"fagskol|fagskul", "fagskole"),
    (r"studiesenter|studiesenteret|study cent|learning cent|kompetansesenter|ressurssenter|studiesentra",
     "study_centre"),
    (r"videregående|vidaregåande|vgs|upper.?secondary|fylkeskommune|voksenopplæring|vaksenopplæring",
     "upper_secondary"),
    (r"karrieresenter|karriere|career", "career_centre"),
    (r"\bas\b|\basa\b|privat|private|kurs(?:senter)?|academy|akademi", "private"),
]


def normalise_provider_type(value: object, provider_name: str | None = None) -> str:
    """A provider type from the list; guessed from the provider name only when the field is empty."""
    if not _blank(value):
        text = fold(str(value)).replace(" ", "_").replace("-", "_")
        if text in PROVIDER_TYPES:
            return text
        for pattern, ptype in _PROVIDER_WORDS:
            if re.search(pattern, fold(str(value))):
                return ptype
        raise ValueError(f"provider_type: found {value!r}; allowed: {', '.join(PROVIDER_TYPES)}")
    if provider_name:
        for pattern, ptype in _PROVIDER_WORDS:
            if re.search(pattern, fold(provider_name)):
                return ptype
    return "other"
