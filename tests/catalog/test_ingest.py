import json

import pytest
from sqlalchemy import func, select

from catalog.errors import CatalogFormatError
from catalog.ingest import ingest_file
from catalog.store.models import IngestRun, Need, Offer, OfferVersion, QuarantineItem
from catalog.store.repo import ensure_register, list_quarantine
from tests.conftest import DEMO


def run(sessions, path, **kw):
    with sessions.begin() as s:
        reg = ensure_register(s)
        return ingest_file(s, path, register=reg, **kw).as_dict()


def count(sessions, model, *where):
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_demo_data_ingests_whole_and_reingest_changes_nothing(sessions):
    first = run(sessions, DEMO / "offers.jsonl")
    assert first["read"] == first["created"] >= 150
    assert first["quarantined"] == 0
    needs = run(sessions, DEMO / "needs.jsonl")
    assert needs["kind"] == "needs" and needs["created"] == needs["read"] >= 60
    again = run(sessions, DEMO / "offers.jsonl")
    assert (again["created"], again["updated"], again["unchanged"], again["retired"]) == (0, 0, first["read"], 0)
    assert count(sessions, Offer) == first["read"]


def test_bad_records_are_quarantined_with_field_reasons_and_good_ones_kept(sessions, tmp_path):
    rows = [
        {"id": "ok-1", "title": "Sveising", "credits": 7.5, "credit_unit": "sp", "locations": ["Gol"]},
        {"id": "bad-1", "title": "", "credits": 5},
        {"id": "bad-2", "title": "Absurd", "credits": -4, "credit_unit": "studiepoeng"},
        {"title": "No id"},
        {"id": "warn-1", "title": "Odd place", "locations": ["Atlantis"], "level": "banana"},
    ]
    path = write_jsonl(tmp_path / "o.jsonl", rows)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json}\n")
    rep = run(sessions, path)
    assert (rep["read"], rep["created"], rep["quarantined"], rep["warnings"]) == (6, 2, 4, 1)
    assert rep["quarantine_reasons"] == {"title": 1, "credits": 1, "id": 1, "record": 1}
    with sessions() as s:
        items = list_quarantine(s)
    by_id = {i["external_id"]: i for i in items}
    assert by_id["bad-2"]["issues"][0]["message"] == "credits: found -4; allowed: 0 or more"
    with sessions() as s:
        warn = s.scalar(select(Offer).where(Offer.external_id == "warn-1"))
        assert warn.level is None and warn.venues[0].municipality_code is None
        assert warn.venues[0].resolution == "unknown"
        assert {w["field"] for w in warn.warnings} == {"locations", "level"}
    # re-running adds nothing to the quarantine; a fixed record leaves it
    rows[1]["title"] = "Fixed title"
    write_jsonl(path, rows)  # the broken JSON line is gone from the file, but stays listed until handled
    rep2 = run(sessions, path)
    assert (rep2["created"], rep2["unchanged"], rep2["quarantined"]) == (1, 2, 2)
    assert count(sessions, QuarantineItem, QuarantineItem.status == "open") == 3
    assert count(sessions, QuarantineItem, QuarantineItem.status == "resolved") == 1


def test_changed_records_keep_history_and_full_refeed_retires(sessions, tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}])
    run(sessions, path, source="feed")
    write_jsonl(path, [{"id": "a", "title": "A, new edition"}])
    rep = run(sessions, path, source="feed", full=True)
    assert (rep["updated"], rep["retired"], rep["created"]) == (1, 1, 0)
    with sessions() as s:
        a = s.scalar(select(Offer).where(Offer.external_id == "a"))
        b = s.scalar(select(Offer).where(Offer.external_id == "b"))
        assert a.title == "A, new edition" and a.version == 2 and b.status == "retired"
        hist = s.scalars(select(OfferVersion).where(OfferVersion.offer_id == a.id)).all()
        assert [h.data["title"] for h in hist] == ["A"]
    assert count(sessions, Offer) == 2  # retired, not deleted


def test_same_course_from_two_sources_is_linked(sessions, tmp_path):
    run(sessions, write_jsonl(tmp_path / "uni.jsonl", [{"id": "X1", "title": "Fiskehelse og fiskevelferd"}]))
    rep = run(sessions, write_jsonl(tmp_path / "centre.jsonl", [
        {"id": "c-7", "title": "Fiskehelse  og fiskevelferd", "locations": ["Senja"], "delivery": "desentralisert"}]))
    assert rep["linked"] == 1


def test_csv_with_same_columns(sessions, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text("id,text,municipality,delivery,max_credits\n"
                    "k1,Vi trenger kurs i sveising,Lyngen,\"online,samlingsbasert\",15\n"
                    "k2,,Gol,,\n", encoding="utf-8")
    rep = run(sessions, path)
    assert (rep["kind"], rep["created"], rep["quarantined"]) == ("needs", 1, 1)
    with sessions() as s:
        need = s.scalar(select(Need))
        assert need.municipality_code == "5536" and need.delivery == ["online", "samlingsbasert"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider><course><title>&lol3;</title></course></provider></catalog>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider><course><title>&xxe;</title></course></provider></catalog>"""


@pytest.mark.parametrize("name, content, message", [
    ("bomb.xml", BILLION_LAUGHS, "refused unsafe XML"),
    ("xxe.xml", EXTERNAL, "refused unsafe XML"),
    ("broken.xml", "<catalog><provider>", "not well-formed XML"),
    ("other.xml", "<rss><channel/></rss>", "allowed: an XCRI-CAP 1.2 <catalog>"),
    ("utf16.jsonl", '{"id": "a", "title": "Æ"}\n'.encode("utf-16"), "the file is UTF-16"),
    ("latin1.csv", "id,title\n1,Sveising på Gjøvik\n".encode("latin-1"), "not valid UTF-8"),
    ("array.json", "[{\"id\": 1,", "invalid JSON"),
    ("nohead.csv", "a,b\n1,2\n", "has no 'id' column"),
    ("catalog.pdf", "%PDF-1.4", "format not recognised"),
])
def test_unreadable_files_are_rejected_whole_and_leave_the_database_untouched(sessions, tmp_path, name, content,
                                                                              message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CatalogFormatError, match=message):
        run(sessions, path)
    assert count(sessions, Offer) == 0 and count(sessions, IngestRun) == 0 and count(sessions, QuarantineItem) == 0


def test_a_huge_line_is_quarantined_without_sinking_the_file(sessions, tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as fh:
        fh.write(b'{"id": "a", "title": "Before"}\n')
        fh.write(b'{"id": "big", "title": "' + b"x" * (100 * 1024 * 1024) + b'"}\n')
        fh.write(b'{"id": "b", "title": "After"}\n')
    rep = run(sessions, path)
    assert (rep["read"], rep["created"], rep["quarantined"]) == (3, 2, 1)
    with sessions() as s:
        [item] = list_quarantine(s)
    assert item["issues"][0]["allowed"] == "at most 1000000 bytes per record"


def test_mapping_file_errors_name_the_problem(sessions, tmp_path):
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"kind": "offers", "fields": {"id": "code", "titel": "name"}}))
    data = tmp_path / "d.json"
    data.write_text("[]")
    with pytest.raises(CatalogFormatError, match="field 'titel' is not an interchange field"):
        run(sessions, data, mapping=mapping)
