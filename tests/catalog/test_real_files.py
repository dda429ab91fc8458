"""The real catalogs in ../shared ingest with every valid record accepted, and re-ingest changes nothing."""
import pytest

from tests.catalog.test_ingest import run

pytestmark = pytest.mark.shared

FILES = [
    ("catalogs/offers.jsonl", {}, 5829),
    ("catalogs/raw/xcri-cap_open-university_2011.xml", {}, 965),
    ("catalogs/raw/xcri-cap_open-university_example.xml", {}, None),
    ("catalogs/raw/elm3_sample_microcredential.jsonld", {}, 2),
    ("catalogs/raw/elm3_sample_certificate_of_participation.jsonld", {}, 1),
    ("catalogs/raw/elm32_sample_credential.jsonld", {}, 1),
    ("catalogs/raw/uib_courses_detailed.json", {"mapping": "uib_courses_detailed"}, 213),
    ("catalogs/raw/uib_courses_code_title.csv", {"mapping": "uib_courses_code_title"}, 2792),
    ("catalogs/raw/ntnu_courses.json", {"mapping": "ntnu_courses"}, 59),
    ("catalogs/raw/udir_lk20_subjects.json", {"mapping": "udir_lk20_subjects"}, 3435),
    ("catalogs/raw/samordnaopptak_programmes_2021.csv", {"mapping": "samordnaopptak_programmes"}, 1324),
    ("eval/dev_needs.jsonl", {}, 30),
]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_real_files_ingest_whole_and_reingest_reports_no_change(sessions, shared):
    for rel, kw, expected in FILES:
        first = run(sessions, shared / rel, **kw)
        assert first["quarantined"] == 0, (rel, first["quarantine_reasons"])
        assert first["created"] + first["duplicates"] == first["read"], rel
        if expected is not None:
            assert first["created"] == expected, rel
    for rel, kw, _ in FILES:
        again = run(sessions, shared / rel, **kw)
        assert (again["created"], again["updated"], again["retired"], again["quarantined"]) == (0, 0, 0, 0), rel
