import pytest

import catalog.reference as ref


@pytest.mark.parametrize("text, code, method", [
    ("Lyngen", "5536", "exact"), ("Tromsø", "5501", "exact"), ("Kautokeino", "5612", "alias"),
    ("Guovdageaidnu", "5612", "alias"), ("Herøy (Nordland)", "1818", "exact"), ("Herøy i Nordland", "1818", "exact"),
    ("Sør-Varanger", "5605", "exact"), ("Sor-Varanger", "5605", "exact"), ("Trondheim - Tråante", "5001", "alias"),
    ("5401", "5501", "alias"), ("1507", "1508", "alias"), ("Aalesund", "1508", "fuzzy"), ("Kongsvinger", "3401", "exact"),
    ("3401", "3401", "exact"),
])
def test_builtin_register_resolves(register, text, code, method):
    res = register.resolve(text)
    assert (res.code, res.method) == (code, method)


@pytest.mark.parametrize("text, candidates", [("Herøy", ("1515", "1818")), ("Våler", ("3114", "3419"))])
def test_ambiguous_names_are_flagged_not_guessed(register, text, candidates):
    res = register.resolve(text)
    assert res.code is None and res.method == "ambiguous" and res.candidates == candidates


def test_unknown_place_is_flagged(register):
    res = register.resolve("Atlantis")
    assert res.code is None and res.method == "unknown"
    assert "not a known municipality" in res.message(register)


def test_builtin_register_has_357_current_municipalities_with_centrality_and_coordinates(register):
    current = register.current()
    assert len(current) == 357
    assert all(m.centrality in range(1, 7) for m in current)
    assert all(m.lat is not None for m in current)


@pytest.mark.shared
def test_klass_imports_resolve_2024_and_centrality(shared):
    geo = shared / "geo"
    r = ref.builtin_register()
    ref.apply_klass_changes(r, ref.read_klass_changes(geo / "klass_131_changes_2020-2024.csv"))
    ref.apply_klass_codes(r, ref.read_klass_codes(geo / "klass_131_kommuner_2024-01-01.csv"))
    cent = ref.read_klass_centrality(geo / "klass_131_128_sentralitet_2024-01-01.csv")
    ref.apply_centrality(r, cent)
    ref.apply_historic_numbers(r, ref.read_historic_numbers(geo / "kommunenummer_historic_to_2024.csv"))
    ref.apply_postcodes(r, ref.read_postcodes(geo / "postnummer_2025.csv"))
    codes = ref.read_klass_codes(geo / "klass_131_kommuner_2024-01-01.csv")
    assert len(codes) == 357
    for row in codes:
        assert r.resolve(row["code"]).code == row["code"]
        assert r.resolve(row["name"]).code == row["code"]
        assert r.municipalities[row["code"]].centrality == cent[row["code"]]
    assert r.resolve("1902").code == "5501"  # Tromsø before 2020
    assert r.resolve("9060").code == "5536"  # a postcode in Lyngen
    assert r.resolve("Sandnessjøen").code == "1820"  # a postal place name


@pytest.mark.shared
def test_klass_2020_list_and_old_numbers(shared):
    geo = shared / "geo"
    r = ref.builtin_register()
    changes = ref.read_klass_changes(geo / "klass_131_changes_2020-2024.csv")
    assert len(changes) == 114
    ref.apply_klass_changes(r, changes)
    for ch in changes:
        assert r.resolve(ch.old_code).code in {c.new_code for c in changes if c.old_code == ch.old_code}


@pytest.mark.shared
def test_klass_json_exports_read_like_csv(shared, tmp_path):
    """The Klass API's JSON shapes give the same rows as its CSV exports."""
    import csv
    import json

    geo = shared / "geo"
    with open(geo / "klass_131_kommuner_2024-01-01.csv", encoding="utf-8") as fh:
        codes = list(csv.DictReader(fh, delimiter=";"))
    (tmp_path / "codes.json").write_text(json.dumps({"codes": codes}), encoding="utf-8")
    with open(geo / "klass_131_128_sentralitet_2024-01-01.csv", encoding="utf-8") as fh:
        items = list(csv.DictReader(fh, delimiter=";"))
    (tmp_path / "corr.json").write_text(json.dumps({"correspondenceItems": items}), encoding="utf-8")
    with open(geo / "klass_131_changes_2020-2024.csv", encoding="utf-8") as fh:
        changes = list(csv.DictReader(fh, delimiter=";"))
    (tmp_path / "changes.json").write_text(json.dumps({"codeChanges": changes}), encoding="utf-8")
    assert ref.read_klass_codes(tmp_path / "codes.json") == ref.read_klass_codes(geo / "klass_131_kommuner_2024-01-01.csv")
    assert ref.read_klass_centrality(tmp_path / "corr.json") == ref.read_klass_centrality(
        geo / "klass_131_128_sentralitet_2024-01-01.csv")
    assert ref.read_klass_changes(tmp_path / "changes.json") == ref.read_klass_changes(
        geo / "klass_131_changes_2020-2024.csv")


def test_klass_file_without_required_column_is_a_clear_error(tmp_path):
    from catalog.errors import CatalogFormatError

    path = tmp_path / "bad.csv"
    path.write_text('"kode";"navn"\n"0301";"Oslo"\n', encoding="utf-8")
    with pytest.raises(CatalogFormatError, match="a row has no 'code' \\(found columns: kode, navn\\)"):
        ref.read_klass_codes(path)


@pytest.mark.parametrize("ssb, shown", [
    ("Unjárga - Nesseby", "Nesseby"), ("Gáivuotna - Kåfjord - Kaivuono", "Kåfjord"), ("Deatnu - Tana", "Tana"),
    ("Snåase - Snåsa", "Snåsa"), ("Storfjord - Omasvuotna - Omasvuono", "Storfjord"), ("Herøy (Nordland)", "Herøy"),
    ("Lyngen", "Lyngen"),
])
def test_display_names_prefer_the_norwegian_form(ssb, shown):
    assert ref.display_name(ssb) == shown
