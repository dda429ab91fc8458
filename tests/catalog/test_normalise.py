import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog import normalise as N


@pytest.mark.parametrize("raw, expected", [
    ("6", "6"), (6, "6"), ("5.1", "5.1"), ("5,2", "5.2"), ("NKR 7", "7"), ("nivå 4", "4"), ("EQF 5", "5"),
    ("eqf level 6", "6"), ("http://data.europa.eu/snb/eqf/6", "6"), ("Vg2", "3"), ("vgs", "4"),
    ("Vidaregåande", "4"), ("fagbrev", "4"), ("Fagskole", "5"), ("fagskule", "5"), ("Bachelor", "6"),
    ("Bachelorgrad", "6"), ("årsstudium", "6"), ("Master", "7"), ("Mastergrad", "7"), ("Ph.d.", "8"),
    ("doktorgrad", "8"), ("Undergraduate", "6"), ("Postgraduate", "7"), ("OU level 1", "6"),
    ("OU level 3", "6"), ("OU level M", "7"), ("OU level 0", "4"), ("SCQF 7", "6"), ("SCQF 11", "7"),
    ("FHEQ 7", "7"), ("Foundation Degree", "5"), ("4B", "4"), (None, None), ("", None),
])
def test_level_table(raw, expected):
    assert N.normalise_level(raw) == expected


@pytest.mark.parametrize("raw", ["banana", "EQF 1", "9", "level 12", True])
def test_level_unknown_is_an_error_naming_what_is_allowed(raw):
    with pytest.raises(ValueError, match="allowed|EQF 1"):
        N.normalise_level(raw)


@given(st.sampled_from(N.LEVEL_CODES))
def test_level_is_idempotent(code):
    assert N.normalise_level(N.normalise_level(code)) == code


@pytest.mark.parametrize("value, unit, sp", [
    (7.5, "studiepoeng", 7.5), ("7,5", "sp", 7.5), ("15 stp", None, 15.0), (30, "fagskolepoeng", 30.0),
    (30, "cats", 15.0), (60, "CATS", 30.0), (54, "timer", 2.0), (10, "ECTS", 10.0),
])
def test_credits_table(value, unit, sp):
    credits, norm_unit = N.split_credits(value, unit)
    assert N.credits_to_sp(credits, norm_unit) == pytest.approx(sp, abs=0.01)


@pytest.mark.parametrize("value, unit, message", [
    (-5, "studiepoeng", "0 or more"), (9000, "studiepoeng", "at most 420"), ("many", None, "a number"),
    (10, "bananas", "credit_unit: found 'bananas'"),
])
def test_credits_errors(value, unit, message):
    with pytest.raises(ValueError, match=message):
        credits, u = N.split_credits(value, unit)
        N.check_credits(credits, u)


@pytest.mark.parametrize("raw, expected", [
    ("nettbasert", ["online"]), ("Campus, online", ["campus", "online"]), (["Stedbasert"], ["campus"]),
    ("Distance without attendance", ["online"]), ("Distance with attendance", ["samlingsbasert"]),
    ("blended", ["hybrid"]), ("samlingsbasert", ["samlingsbasert"]), ("desentralisert", ["desentralisert"]),
    ("på nett og samlinger", ["online", "samlingsbasert"]), (None, []), ("", []),
    ("Stedsbasert", ["campus"]), ("stadsbasert", ["campus"]), ("Remote", ["online"]),
])
def test_delivery_table(raw, expected):
    assert N.normalise_delivery(raw) == expected


@given(st.lists(st.sampled_from(N.DELIVERY_MODES)))
def test_delivery_is_idempotent_and_canonical(modes):
    once = N.normalise_delivery(modes)
    assert N.normalise_delivery(once) == once
    assert once == [m for m in N.DELIVERY_MODES if m in modes]


@pytest.mark.parametrize("raw, expected", [
    ("nb", "nb"), ("Bokmål", "nb"), ("nynorsk", "nn"), ("Engelsk", "en"), ("EN", "en"), ("English", "en"),
    ("http://publications.europa.eu/resource/authority/language/ENG", "en"), ("Samisk", "se"),
    ("Engelsk.Norsk om kun norskspråklege deltek", "en"), ("norsk", "no"),
])
def test_language_table(raw, expected):
    assert N.normalise_language(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2026-08-17", dt.date(2026, 8, 17)), ("17.08.2026", dt.date(2026, 8, 17)),
    ("3 November 2012", dt.date(2012, 11, 3)), ("5. januar 2027", dt.date(2027, 1, 5)),
    ("høst 2026", dt.date(2026, 8, 15)), ("vår 2027", dt.date(2027, 1, 15)), ("2026-08-17T10:00:00", dt.date(2026, 8, 17)),
])
def test_date_table(raw, expected):
    assert N.normalise_date(raw) == expected


def test_impossible_date_is_a_clear_error():
    with pytest.raises(ValueError, match="not a real date"):
        N.normalise_date("31.02.2026")


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_date_is_idempotent(d):
    assert N.normalise_date(N.normalise_date(d.isoformat())) == d


@pytest.mark.parametrize("value, name, expected", [
    (None, "Universitetet i Bergen", "university"), (None, "Høgskulen på Vestlandet", "university_college"),
    (None, "Fagskolen Innlandet", "fagskole"), (None, "Nord-Troms studiesenter", "study_centre"),
    ("fagskole", None, "fagskole"), ("University", None, "university"), (None, "Noe annet", "other"),
])
def test_provider_type_table(value, name, expected):
    assert N.normalise_provider_type(value, name) == expected
