"""The broker's rules as pure functions: each returns pass / penalty / fail / unknown with a reason.

Every rule has the signature ``rule(need, offer, ctx) -> RuleResult`` and never raises on odd
data: what it cannot check it says it could not check. ``factor`` multiplies the text
relevance (1.0 = no effect). A *fail* on a constraint the need states in its fields is a hard
constraint (``hard=True`` in ranking removes such offers); hints read from the text only
ever give penalties.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from catalog.normalise import is_norwegian, level_rank
from catalog.places import haversine_km
from matcher.hints import Hints
from matcher.types import NeedQuery, OfferItem

PASS, PENALTY, FAIL, UNKNOWN = "pass", "penalty", "fail", "unknown"
FAIL_FACTOR = 0.35

# The soft penalties, by name: a constraint read from the text rather than the need's fields, or a poor fit
# the need did not rule out. Set by hand, not tuned; ``benchmarks/rules_cv.py`` measures each one held out.
SOFT = {
    "level_from_text": 0.5,      # the offer's level is outside a level read from the text
    "credits_from_text": 0.5,    # larger than a size read from the text
    "whole_degree": 0.55,        # 120 credits or more: a degree, not a module beside work
    "large_beside_job": 0.8,     # over 60 credits where the need must fit around work
    "distance_floor": 0.45,      # the far end of the distance decay (no distance limit stated)
    "delivery_from_text": 0.45,  # not the delivery read from the text
    "campus_beside_job": 0.85,   # campus only where the need must fit around work
    "start_outside": 0.6,        # starts outside the period the need asks for
    "other_language": 0.9,       # taught in a language the need did not name (Norwegian needs nothing named)
    "norwegian_recorded": 0.5,   # another language named, Norwegian recorded (see language_rule)
}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: str
    factor: float
    reason: str
    hard: bool = False  # True when a failed constraint came from the need's fields
    penalty: str | None = None  # the ``SOFT`` penalty's name, for a soft penalty


def _soft(rule: str, name: str, reason: str, factor: float | None = None) -> RuleResult:
    """A soft penalty: ``SOFT[name]``, or ``factor`` where the penalty is graded (distance)."""
    return RuleResult(rule, PENALTY, SOFT[name] if factor is None else factor, reason, penalty=name)


@dataclass(frozen=True)
class RuleContext:
    """What the rules need besides the need and the offer: the hints read from the need's text, and the
    rules' constants (``benchmarks/rules_cv.py`` cross-validates each)."""

    hints: Hints
    road_factor: float = 1.3  # great-circle km × this ≈ road km
    distance_scale_km: float = 150.0  # the soft decay's scale: floor + (1 − floor) · exp(−km / scale)
    local_km: float = 40.0  # up to this (effective) distance an offer counts as local: no penalty
    gatherings_share: float = 0.35  # samlingsbasert / hybrid: the share of the km that counts (trips, not daily)
    # a constraint the offer's record cannot be checked against (no level, size, place, form or start):
    # neutral, so such a rule never reorders results (title-only offers rank as text relevance alone)
    unknown_factor: float = 1.0


def _num(x: float) -> str:
    """Norwegian number: 7,5 and 15."""
    return f"{x:g}".replace(".", ",")


def _lvl(code: str) -> str:
    return "NKR " + code.replace(".", ",")


def level_rule(need: NeedQuery, offer: OfferItem, ctx: RuleContext) -> RuleResult:
    lmin, lmax = need.level_min, need.level_max
    from_text = False
    if lmin is None and lmax is None:
        lmin, lmax, from_text = ctx.hints.level_min, ctx.hints.level_max, True
    if lmin is None and lmax is None:
        label = _lvl(offer.level) if offer.level else "ukjent nivå"
        return RuleResult("nivå", PASS, 1.0, f"{label} – ingen krav til nivå")
    rmin, rmax = level_rank(lmin), level_rank(lmax)
    if rmin is not None and rmax is not None and rmin > rmax:
        return RuleResult("nivå", UNKNOWN, 1.0,
                          f"Motstridende nivåkrav (min {_lvl(lmin)} over maks {_lvl(lmax)}) – ikke brukt")
    wanted = (f"{_lvl(lmin)}–{_lvl(lmax).removeprefix('NKR ')}" if lmin and lmax and lmin != lmax
              else _lvl(lmin or lmax) if (lmin == lmax or not (lmin and lmax)) else "")
    if lmin and not lmax:
        wanted = f"minst {_lvl(lmin)}"
    elif lmax and not lmin:
        wanted = f"høyst {_lvl(lmax)}"
    source = " (lest fra teksten)" if from_text else ""
    if offer.level is None:
        return RuleResult("nivå", UNKNOWN, ctx.unknown_factor, f"Nivå ukjent – kunne ikke sjekke mot ønsket {wanted}")
    rank = level_rank(offer.level)
    low = rmin is not None and rank < rmin - 1e-9
    high = rmax is not None and rank > rmax + 0.25  # 5.1/5.2 both satisfy "5"
    if not low and not high:
        return RuleResult("nivå", PASS, 1.0, f"{_lvl(offer.level)} – innenfor ønsket nivå {wanted}{source}")
    side = "under" if low else "over"
    if from_text:
        return _soft("nivå", "level_from_text", f"{_lvl(offer.level)} – {side} ønsket nivå {wanted}{source}")
    return RuleResult("nivå", FAIL, FAIL_FACTOR, f"{_lvl(offer.level)} – {side} ønsket nivå {wanted}", hard=True)


def _size(offer: OfferItem) -> str:
    if offer.credit_unit == "hours" and offer.credits is not None:
        return f"{_num(offer.credits)} timer (≈{_num(round(offer.credits_sp or 0, 1))} studiepoeng)"
    if offer.credit_unit == "fagskolepoeng":
        return f"{_num(offer.credits or 0)} fagskolepoeng"
    if offer.credit_unit == "cats":
        return f"{_num(offer.credits or 0)} CATS (≈{_num(offer.credits_sp or 0)} studiepoeng)"
    return f"{_num(offer.credits_sp or 0)} studiepoeng"


def credits_rule(need: NeedQuery, offer: OfferItem, ctx: RuleContext) -> RuleResult:
    limit, from_text = need.max_credits, False
    if limit is None and ctx.hints.max_credits is not None:
        limit, from_text = ctx.hints.max_credits, True
    sp = offer.credits_sp
    if sp is None:
        if limit is None:
            return RuleResult("omfang", UNKNOWN, 1.0, "Omfang ikke oppgitt")
        return RuleResult("omfang", UNKNOWN, ctx.unknown_factor, f"Omfang ukjent – kunne ikke sjekke mot ønsket maks {_num(limit)}")
    if limit is not None:
        if sp <= limit + 1e-9:
            return RuleResult("omfang", PASS, 1.0, f"{_size(offer)} – innenfor ønsket maks {_num(limit)}")
        if from_text:
            return _soft("omfang", "credits_from_text",
                         f"{_size(offer)} – over ønsket maks {_num(limit)} (lest fra teksten)")
        return RuleResult("omfang", FAIL, FAIL_FACTOR, f"{_size(offer)} – over ønsket maks {_num(limit)}", hard=True)
    if sp >= 120:
        return _soft("omfang", "whole_degree", f"{_size(offer)} – en hel grad, ikke en modul ved siden av jobb")
    if sp > 60 and ctx.hints.flexible:
        return _soft("omfang", "large_beside_job", f"{_size(offer)} – stort å kombinere med jobb")
    return RuleResult("omfang", PASS, 1.0, _size(offer))


def _delivery_of(offer: OfferItem) -> tuple[str, ...]:
    if offer.delivery:
        return offer.delivery
    if offer.provider_type == "upper_secondary":
        return ("desentralisert",)  # adult upper-secondary subjects are offered locally by the county
    return ()


DELIVERY_NB = {"campus": "Campus", "online": "Nettbasert", "hybrid": "Hybrid", "samlingsbasert": "Samlingsbasert",
               "desentralisert": "Desentralisert"}


def distance_rule(need: NeedQuery, offer: OfferItem, ctx: RuleContext) -> RuleResult:
    modes = _delivery_of(offer)
    if "online" in modes:
        return RuleResult("avstand", PASS, 1.0, "Nettbasert – ingen reise")
    if not offer.venues and offer.provider_type == "upper_secondary":
        return RuleResult("avstand", PASS, 1.0, "Videregående fag – tilbys lokalt gjennom fylkeskommunen")
    if need.place is None or need.place.lat is None:
        return RuleResult("avstand", UNKNOWN, 1.0, "Behovets kommune er ukjent – avstand ikke sjekket")
    points = [v for v in offer.venues if v.lat is not None]
    if not points:
        return RuleResult("avstand", UNKNOWN, ctx.unknown_factor, "Ingen kjent studiested – avstand ikke sjekket")
    origin = (need.place.lat, need.place.lon)
    km, venue = min((haversine_km(origin, (v.lat, v.lon)) * ctx.road_factor, v.name) for v in points)
    if any(v.code == need.place.code for v in points):
        km, venue = 0.0, need.place.name
    trips = bool({"samlingsbasert", "hybrid"} & set(modes))
    effective = km * (ctx.gatherings_share if trips else 1.0)
    where = f"{venue}, {round(km):d} km fra {need.place.name}" if km > 0 else f"I {need.place.name} – lokalt"
    if trips and km > 0:
        where += " – samlinger, ikke daglig reise"
    if need.max_distance_km is not None and effective > need.max_distance_km:
        return RuleResult("avstand", FAIL, FAIL_FACTOR, f"{where} – over grensen på {_num(need.max_distance_km)} km",
                          hard=True)
    if effective <= ctx.local_km:
        return RuleResult("avstand", PASS, 1.0, where)
    floor = SOFT["distance_floor"]
    factor = floor + (1 - floor) * math.exp(-effective / ctx.distance_scale_km)
    return _soft("avstand", "distance_floor", where, round(factor, 4))


def delivery_rule(need: NeedQuery, offer: OfferItem, ctx: RuleContext) -> RuleResult:
    wanted, from_text = need.delivery, False
    if not wanted and ctx.hints.delivery:
        wanted, from_text = ctx.hints.delivery, True
    modes = _delivery_of(offer)
    label = ", ".join(DELIVERY_NB[m] for m in modes) if modes else ""
    if not wanted:
        if not modes:
            return RuleResult("levering", UNKNOWN, 1.0, "Undervisningsform ikke oppgitt")
        if ctx.hints.flexible and modes == ("campus",):
            return _soft("levering", "campus_beside_job", f"{label} – vanskelig å kombinere med jobb")
        return RuleResult("levering", PASS, 1.0, label)
    wanted_label = ", ".join(DELIVERY_NB[m].lower() for m in wanted)
    if not modes:
        return RuleResult("levering", UNKNOWN, ctx.unknown_factor, f"Undervisningsform ukjent – ønsket {wanted_label}")
    if set(modes) & set(wanted):
        return RuleResult("levering", PASS, 1.0, f"{label} – som ønsket")
    if from_text:
        return _soft("levering", "delivery_from_text", f"{label} – ønsket {wanted_label} (lest fra teksten)")
    return RuleResult("levering", FAIL, FAIL_FACTOR, f"Kun {label.lower()} – ønsket {wanted_label}", hard=True)


def start_rule(need: NeedQuery, offer: OfferItem, ctx: RuleContext) -> RuleResult:
    if need.start_after is None and need.start_before is None:
        if offer.start_date:
            return RuleResult("oppstart", PASS, 1.0, f"Oppstart {offer.start_date:%d.%m.%Y}")
        return RuleResult("oppstart", UNKNOWN, 1.0, "Oppstart ikke oppgitt")
    if offer.start_date is None:
        return RuleResult("oppstart", UNKNOWN, ctx.unknown_factor, "Oppstart ikke oppgitt – kunne ikke sjekke ønsket periode")
    start = offer.start_date
    if need.start_after and start < need.start_after:
        return _soft("oppstart", "start_outside",
                     f"Oppstart {start:%d.%m.%Y} – før ønsket {need.start_after:%d.%m.%Y}")
    if need.start_before and start > need.start_before:
        return _soft("oppstart", "start_outside",
                     f"Oppstart {start:%d.%m.%Y} – etter ønsket {need.start_before:%d.%m.%Y}")
    return RuleResult("oppstart", PASS, 1.0, f"Oppstart {start:%d.%m.%Y} – innenfor ønsket periode")


LANG_NB = {"nb": "norsk", "nn": "norsk (nynorsk)", "no": "norsk", "en": "engelsk", "se": "samisk", "sv": "svensk",
           "da": "dansk"}


def language_rule(need: NeedQuery, offer: OfferItem, ctx: RuleContext) -> RuleResult:
    accepted = set(need.language) or set(ctx.hints.language)
    explicit = bool(need.language)
    if offer.language is None:
        return RuleResult("språk", UNKNOWN, 1.0, "Undervisningsspråk ikke oppgitt")
    name = LANG_NB.get(offer.language, offer.language)
    norwegian_ok = not accepted or any(is_norwegian(code) for code in accepted)
    if (is_norwegian(offer.language) and norwegian_ok) or offer.language in accepted:
        return RuleResult("språk", PASS, 1.0, f"Undervisning på {name}")
    if explicit:
        wanted = ", ".join(sorted(LANG_NB.get(x, x) for x in accepted))
        if is_norwegian(offer.language):
            # Catalogs often record the language a course is described in: of the 84 UiB courses in the shared
            # data whose own page says they are taught in English, the shared catalog records 60 as nynorsk or
            # bokmål (benchmarks/recorded_language.py). So a Norwegian record cannot rule out teaching in the
            # language the need names.
            return _soft("språk", "norwegian_recorded",
                         f"Oppført på {name} – ønsket {wanted}; sjekk undervisningsspråket med tilbyderen")
        return RuleResult("språk", FAIL, FAIL_FACTOR, f"Undervisning på {name} – ønsket {wanted}", hard=True)
    return _soft("språk", "other_language", f"Undervisning på {name}")


RULES = (level_rule, credits_rule, distance_rule, delivery_rule, start_rule, language_rule)


def apply_rules(need: NeedQuery, offer: OfferItem, ctx: RuleContext, rules=RULES) -> tuple[float, list[RuleResult]]:
    """All rules for one pair: the product of factors (order does not matter) and the results."""
    results = [rule(need, offer, ctx) for rule in rules]
    factor = 1.0
    for r in results:
        factor *= r.factor
    return factor, results
