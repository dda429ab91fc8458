"""Constraints a need states in its own words ("fagbrev", "på nett", "maks 15 studiepoeng").

Fields always win; a hint only fills a constraint the need's fields leave open, and rules
built on hints give penalties rather than hard failures (the words may be loose).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.normalise import fold


@dataclass(frozen=True)
class Hints:
    level_min: str | None = None
    level_max: str | None = None
    max_credits: float | None = None
    delivery: tuple[str, ...] = ()
    flexible: bool = False  # must fit around work (modules, part-time, turnus)
    language: tuple[str, ...] = ()


_ONLINE = (r"på nett\b|pa nett\b|nettbasert|nettkurs|nettstudi|digitalt kurs|digital undervisning|online|"
           r"distance learning|remote learning|web-based|e-learning|"
           r"fjernundervisning|fjernstudi|uten studiested|utan studiestad|ingen studiested|ikkje studiestad|"
           r"ikke noe studiested|langt til nærmeste|langt til næraste|over nett|via nett|e-læring|heimefrå|hjemmefra")
# "i nærleiken eller på nett": online is one choice, a place nearby the other (the distance rule judges
# "nearby"); "nettbasert eller samlinger": online or gatherings
_NEARBY = r"i nærheten|i nærleiken|i nærleik|lokalt|nearby|locally|close by"
_GATHERINGS = r"samlingsbasert|samlinger|samlingar"
_ONLINE_OR_NEARBY = (rf"(?:{_NEARBY})\s*,?\s*(?:eller|or)\s+(?:{_ONLINE})|"
                     rf"(?:{_ONLINE})\s*,?\s*(?:eller|or)\s+(?:{_NEARBY})")
_ONLINE_OR_GATHERINGS = (rf"(?:{_GATHERINGS})\s*,?\s*(?:eller|or)\s+(?:{_ONLINE})|"
                         rf"(?:{_ONLINE})\s*,?\s*(?:eller|or)\s+(?:{_GATHERINGS})")
_FLEX = (r"ved sid(?:en|a|an) av (?:full |fast |vanlig |vanleg |ordinær )?(?:jobb|arbeid|stilling)|"
         r"kombinere med jobb|kombinerast med jobb|kombineres med jobb|i turnus|"
         rf"turnus|deltid|{_GATHERINGS}|modul|moduler|kveldstid|kveld|i arbeidstida|"
         r"i arbeidstiden|mens de er i jobb|mens dei er i jobb|while working|part-time|alongside work|"
         r"alongside their jobs|shift work|shifts")
_UPPER_SECONDARY = (r"fagbrev|svennebrev|fagprøve|fagprøva|videregående nivå|vidaregåande nivå|vgs-nivå|"
                    r"vg3|praksiskandidat|kompetansebevis|videregående skole|vidaregåande skule|"
                    r"trade certificate|craft certificate|journeyman|apprentice|upper.secondary|vocational certificate")
_FAGSKOLE = r"fagskole|fagskule|fagskolepoeng|fagskulepoeng|vocational college|tertiary vocational"
_HIGHER = (r"studiepoeng|videreutdanning|vidareutdanning|høyskole|høgskole|høgskule|universitet|bachelor|"
           r"årsstudium|university|college credits|ects|higher education")
_MASTER = r"\bmaster|mastergrad|erfaringsbasert master|postgraduate"
_NOT_HIGHER = r"ikke ingeniør|ikkje ingeniør|ikke høyskole|ikkje høgskule|ikke universitet|ikkje universitet"
_ENGLISH_WORDS = {"the", "and", "our", "we", "need", "with", "for", "to", "of", "in", "training", "course"}
_NORWEGIAN_WORDS = {"og", "på", "vi", "som", "med", "til", "for", "av", "er", "ikke", "ikkje", "dei", "de", "vår",
                    "våre", "treng", "trenger", "kurs", "må", "skal", "har", "eit", "ein", "en", "et", "ønsker"}


def text_language(text: str) -> str | None:
    words = re.findall(r"[a-zæøå]+", fold(text))
    if not words:
        return None
    en = sum(w in _ENGLISH_WORDS for w in words)
    no = sum(w in _NORWEGIAN_WORDS for w in words)
    if en > no:
        return "en"
    if no > 0:
        return "no"
    return None


def read_hints(text: str) -> Hints:
    t = fold(text)
    level_min = level_max = None
    if re.search(_UPPER_SECONDARY, t):
        level_min, level_max = "3", "4"
    elif re.search(_FAGSKOLE, t):
        level_min, level_max = "5", "5.2"
    elif re.search(_MASTER, t):
        level_min = "7"
    elif re.search(_HIGHER, t) and not re.search(_NOT_HIGHER, t):
        level_min = "5"
    max_credits = None
    m = re.search(r"(?:maks|maksimalt|inntil|opp til|høgst|høyst|under|max|maximum|at most|no more than|"
                  r"not more than|no larger than|up to)\.?\s*(\d+(?:[.,]\d+)?)\s*"
                  r"(?:studiepoeng|sp\b|stp\b|fagskolepoeng|ects|credits)", t)
    if m:
        max_credits = float(m.group(1).replace(",", "."))
    delivery: tuple[str, ...] = ()
    if re.search(_ONLINE_OR_NEARBY, t):
        delivery = ()  # any form will do; how near a campus is, the distance rule says
    elif re.search(_ONLINE_OR_GATHERINGS, t):
        delivery = ("online", "hybrid", "samlingsbasert")
    elif re.search(_ONLINE, t):
        delivery = ("online", "hybrid")
    flexible = bool(re.search(_FLEX, t))
    lang = text_language(text)
    language = ("en", "no") if lang == "en" else ()
    return Hints(level_min, level_max, max_credits, delivery, flexible, language)
