"""Classifications: readers, versions, hierarchy, input validation of codes, and the store round trip."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from catalog.errors import CatalogFormatError
from catalog.reference import codes as C
from catalog.schema import validate_need, validate_offer
from catalog.store.codes import ItemCode, import_version, load_codes, primary_code
from catalog.store.models import ClassificationCode

TINY = "code;parentCode;level;name\n5;;1;Salgs- og serviceyrker\n53;5;2;Omsorgsarbeidere\n532;53;3;Pleiemedarbeidere\n" \
       "5321;532;4;Helsefagarbeidere\n5322;532;4;Hjemmehjelpere\n"


def entries(text: str, tmp_path, name: str = "styrk.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return C.read_klass(path, C.STYRK)


def test_klass_reader_takes_semicolons_and_windows_1252(tmp_path):
    rows, digest = entries(TINY.replace("Omsorgsarbeidere", "Omsorgsarbeidere – pleie"), tmp_path, encoding="cp1252")
    assert [(e.code, e.level, e.parent) for e in rows][:2] == [("5", 1, None), ("53", 2, "5")]
    assert rows[1].name == "Omsorgsarbeidere – pleie"
    assert len(digest) == 64


def test_a_file_without_code_columns_is_rejected_whole(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("kode,navn\n1,a\n", encoding="utf-8")
    with pytest.raises(CatalogFormatError, match=r"found columns \['kode', 'navn'\]; allowed: an SSB Klass"):
        C.read_klass(path, C.STYRK)


def test_versions_keep_old_codes_resolvable_and_the_same_content_changes_nothing(tmp_path):
    reg = C.CodeRegister()
    v1, d1 = entries(TINY, tmp_path)
    v2, d2 = entries(TINY.replace("5322;532;4;Hjemmehjelpere\n", "5329;532;4;Andre pleiemedarbeidere\n"), tmp_path,
                     "v2.csv")
    assert reg.add_version(C.STYRK, "2008", v1, d1)
    assert not reg.add_version(C.STYRK, "again", v1, d1)  # same content under another label: nothing new
    assert reg.schemes[C.STYRK].versions == ["2008"]
    assert reg.add_version(C.STYRK, "2024", v2, d2)
    assert reg.get(C.STYRK, "5322").version == "2008"  # dropped in 2024, still resolvable
    assert reg.get(C.STYRK, "5329").version == "2024"
    assert "5322" not in reg.schemes[C.STYRK].current
    assert reg.check(C.STYRK, "5322").problem is None
    with pytest.raises(CatalogFormatError, match="version '2024' exists with other content"):
        reg.add_version(C.STYRK, "2024", v1[:2], "other")


def test_hierarchy_levels_and_filters_on_the_builtin_lists():
    reg = C.builtin_code_register()
    assert len(reg.entries(C.STYRK)) == 582 and len(reg.entries(C.STYRK, level=2)) == 43
    assert reg.at_level(C.STYRK, "5321", 2) == "53" and reg.at_level(C.STYRK, "5321", 1) == "5"
    assert reg.at_level(C.STYRK, "53", 4) is None
    assert reg.at_level(C.SN2007, "16.100", 2) == "16"  # more detailed than the built-in divisions
    assert reg.at_level(C.SN2007, "16.100", 1) == "C"
    assert reg.name(C.SN2007, "16.100") == reg.name(C.SN2007, "16")
    assert reg.at_level(C.NUS, "6611", 1) == "nus-field:6"
    assert reg.name(C.NUS, "nus-field:6") == "Helse-, sosial- og idrettsfag"
    assert all(reg.at_level(C.STYRK, c, 2) == "53" for c in ("53", "532", "5321", "5322", "5329"))
    assert reg.at_level(C.NUS, "6699", 1) == reg.at_level(C.NUS, "3611", 1) == "nus-field:6"


def test_codes_are_normalised():
    assert C.normalise_code(C.SN2007, "03211") == "03.211"
    assert C.normalise_code(C.SN2007, " c ") == "C"
    uuid = "0005c151-5b5a-4a66-8aac-60e734beb1ab"
    assert C.normalise_code(C.ESCO_SKILL, uuid.upper()) == C.ESCO_PREFIX[C.ESCO_SKILL] + uuid


@given(st.sampled_from([C.STYRK, C.SN2007, C.NUS, C.ESCO_SKILL]),
       st.text(alphabet="0123456789.ABC -", min_size=1, max_size=12))
def test_normalising_a_code_is_idempotent(scheme, raw):
    once = C.normalise_code(scheme, raw)
    assert C.normalise_code(scheme, once) == once


def test_job_titles_split_on_commas_outside_brackets(tmp_path):
    path = tmp_path / "titles.csv"
    path.write_text("aar;yrkeskode;yrkesbetegnelse;isco_versjon\n"
                    "2017;5321;Helsefagarbeider, Hjelpepleier (sykehjem, hjemmesykepleie), *;ISCO-08\n"
                    "2017;0000;Uoppgitt;ISCO-08\n2010;5321;Gammel tittel;ISCO-88\n", encoding="utf-8")
    assert C.read_job_titles(path) == [("5321", "Helsefagarbeider"),
                                       ("5321", "Hjelpepleier (sykehjem, hjemmesykepleie)")]


def test_esco_label_from_the_compact_export():
    text = ("manage musical staff manage staff of music coordinate duties of musical staff Assign and manage staff "
            "tasks in areas such as scoring")
    assert C.esco_label(text) == "manage musical staff"
    assert C.esco_label("welder welding operative Welders join metal") == "welder welding operative"


# ---------------------------------------------------------------- codes in input records
def test_a_known_code_is_given_and_an_unknown_one_is_kept_with_a_clear_warning(register):
    data, issues = validate_need({"id": "n1", "text": "Vi trenger kurs i demensomsorg", "styrk": "5321;9999",
                                  "naeringskode": "87.102"}, register)
    assert data is not None and not issues.errors  # the need is kept
    assert data.codes == [(C.STYRK, "5321", "given"), (C.STYRK, "9999", "unknown"), (C.SN2007, "87.102", "registered")]
    [warning] = issues.warnings
    assert warning.field == "styrk" and warning.found == "9999"
    assert "allowed: a known STYRK-08 yrke code: 4 digits, e.g. 5321" in warning.message()


def test_an_industry_text_that_starts_with_its_code_gives_the_code(register):
    data, _ = validate_need({"id": "n1", "text": "kurs", "industry": "16.100 Saging, høvling"}, register)
    assert data.codes == [(C.SN2007, "16.100", "given")]
    data, _ = validate_need({"id": "n1", "text": "kurs", "industry": "Havbruk"}, register)
    assert data.codes == []


def test_offers_take_nus_and_records_without_codes_hash_as_before(register):
    data, issues = validate_offer({"id": "o1", "title": "Sykepleie", "nus": "6611"}, register)
    assert data.codes == [(C.NUS, "6611", "given")] and not issues.issues
    plain, _ = validate_offer({"id": "o1", "title": "Sykepleie"}, register)
    assert "codes" not in plain.canonical()


def test_primary_code_prefers_own_codes_then_confident_suggestions():
    codes = [ItemCode(C.STYRK, "2223", "suggested", 0.9), ItemCode(C.STYRK, "5321", "given")]
    assert primary_code(codes, C.STYRK).code == "5321"
    assert primary_code(codes[:1], C.STYRK, min_confidence=0.95) is None
    assert primary_code([ItemCode(C.STYRK, "9999", "unknown")], C.STYRK) is None


# ---------------------------------------------------------------- the store
def test_store_round_trip_and_reimport_changes_nothing(engine, sessions, tmp_path):
    reg = C.CodeRegister()
    v1, d1 = entries(TINY, tmp_path)
    with sessions.begin() as s:
        assert import_version(s, reg, C.STYRK, "2008", v1, d1, source="t") == 5
    with sessions.begin() as s:
        assert import_version(s, reg, C.STYRK, "igjen", v1, d1) == 0
        v2, d2 = entries(TINY.replace("5322;532;4;Hjemmehjelpere\n", ""), tmp_path, "v2.csv")
        assert import_version(s, reg, C.STYRK, "2024", v2, d2) == 4
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ClassificationCode)) == 9
        loaded = load_codes(s)
    assert loaded.schemes[C.STYRK].versions == ["2008", "2024"]
    assert loaded.get(C.STYRK, "5322").version == "2008"
    assert loaded.get(C.STYRK, "5321").version == "2024"


@pytest.mark.shared
def test_the_real_classifications_read(shared):
    styrk, _ = C.read_klass(shared / "taxonomies/styrk08.csv", C.STYRK)
    sn, _ = C.read_klass(shared / "taxonomies/sn2007.csv", C.SN2007)
    nus, _ = C.read_klass(shared / "taxonomies/nus2000.csv", C.NUS)
    assert (len(styrk), len(sn), len(nus)) == (582, 1808, 7391)
    skills, _ = C.read_esco(shared / "taxonomies/esco_skills_en.csv", C.ESCO_SKILL)
    assert len(skills) == 13939 and all(s.code.startswith(C.ESCO_PREFIX[C.ESCO_SKILL]) for s in skills)
    assert all(0 < len(s.name.split()) <= 8 for s in skills)


# ---------------------------------------------------------------- contradictory or empty constraints
@pytest.mark.parametrize("fields, field, found, allowed", [
    ({"level_min": "6", "level_max": "4"}, "level_max", "4", "a level at or above level_min 6"),
    ({"max_credits": 0}, "max_credits", 0, "a size above 0"),
    ({"max_credits": "0,0"}, "max_credits", "0,0", "a size above 0"),
])
def test_a_constraint_that_rules_out_everything_is_kept_with_a_warning(register, fields, field, found, allowed):
    data, issues = validate_need({"id": "n1", "text": "Kurs i kundeservice", **fields}, register)
    assert data is not None and not issues.errors
    [warning] = issues.warnings
    assert (warning.field, warning.found) == (field, found)
    assert f"allowed: {allowed}" in warning.message()


def test_a_positive_size_cap_gives_no_warning(register):
    data, issues = validate_need({"id": "n1", "text": "Kurs i kundeservice", "max_credits": "7,5"}, register)
    assert data.max_credits == 7.5 and not issues.issues
