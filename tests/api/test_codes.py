"""Classification codes over real HTTP and through the CLI: code lists, codes on needs, tagging, confirmation,
statistics by STYRK / SN2007 with suppression, and filters."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import cli
from api.service import Broker
from catalog.config import Settings
from catalog.store.models import Need
from tests.api.conftest import running_server
from tests.api.test_http import assert_error
from tests.conftest import DEMO


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo over a real server, tagged as `megler ingest` tags it."""
    with running_server(f"sqlite:///{tmp_path_factory.mktemp('codes') / 'megler.db'}") as info:
        broker = Broker(info.settings)
        broker.codes.tag()
        broker.engine.dispose()
        yield info


def all_needs(c) -> list[dict]:
    return c.get("/api/needs", params={"page_size": 100}).json()["items"]


def primary(need: dict, scheme: str, minimum: float = 0.5) -> str | None:
    """The oracle for 'the code a need is counted under': own codes first, then a confident first suggestion."""
    mine = [x for x in need["codes"] if x["scheme"] == scheme and x["status"] != "unknown"]
    own = [x for x in mine if x["status"] in ("given", "registered", "confirmed")]
    if own:
        order = ("given", "registered", "confirmed")
        return sorted(own, key=lambda x: order.index(x["status"]))[0]["code"]
    firsts = [x for x in mine if x["status"] == "suggested"]
    return firsts[0]["code"] if firsts and firsts[0]["confidence"] >= minimum else None


def test_code_lists_are_public_and_named(site):
    with site.client() as c:
        schemes = {s["scheme"]: s for s in c.get("/api/codes").json()}
        assert schemes["styrk08"]["versions"] == ["innebygd"] and schemes["styrk08"]["codes"] == 582
        assert len(c.get("/api/codes/styrk", params={"level": 2}).json()) == 43
        one = c.get("/api/codes/styrk/5321").json()
        assert (one["name"], one["level"], one["parent"]) == ("Helsefagarbeidere", 4, "532")
        assert c.get("/api/codes/sn2007", params={"q": "fiske"}).json()[0]["code"] in {"A", "03"}
        assert_error(c.get("/api/codes/styrk/9999"), 404, "styrk code '9999' not found")
        assert_error(c.get("/api/codes/yrke"), 422, "scheme: found 'yrke'; allowed: styrk08")


def test_every_demo_need_and_offer_is_tagged_with_confidences(site):
    with site.client(site.admin) as c:
        needs = all_needs(c)
        offers = c.get("/api/offers", params={"page_size": 100}).json()["items"]
    assert len(needs) == 63
    given = {json.loads(line)["id"]: json.loads(line).get("styrk") for line in open(DEMO / "needs.jsonl")}
    assert sum(1 for v in given.values() if v) >= 10
    for n in needs:
        styrk = [x for x in n["codes"] if x["scheme"] == "styrk08"]
        if given[n["need_id"]]:  # the broker's own code, and no suggestions beside it
            assert [(x["code"], x["status"]) for x in styrk] == [(given[n["need_id"]], "given")]
            continue
        assert 1 <= len(styrk) <= 3 and all(x["status"] == "suggested" and 0 < x["confidence"] <= 1 for x in styrk)
        assert [x["confidence"] for x in styrk] == sorted((x["confidence"] for x in styrk), reverse=True)
        assert all(x["name"] for x in n["codes"])
        if (n["industry"] or "")[:2].isdigit():  # "16.100 Saging, ..." names its own SN2007 code
            assert any(x["scheme"] == "sn2007" and x["status"] == "given" for x in n["codes"])
    assert all(any(x["scheme"] == "nus2000" for x in o["codes"]) for o in offers)


def test_a_need_with_codes_keeps_an_unknown_code_and_says_why(site):
    with site.client(site.broker) as c:
        res = c.post("/api/needs", json={"id": "kode-1", "text": "Helsefagarbeiderne trenger kurs i demensomsorg",
                                         "styrk": ["5321", "9999"], "industry": "Sykehjem"})
        assert res.status_code == 201, res.text
        need = res.json()
        got = {(x["code"], x["status"]) for x in need["codes"] if x["scheme"] == "styrk08"}
        assert got == {("5321", "given"), ("9999", "unknown")}  # no STYRK suggestions beside an own code
        assert any(x["scheme"] == "sn2007" and x["status"] == "suggested" for x in need["codes"])
        [w] = need["warnings"]
        assert w["field"] == "styrk" and w["found"] == "9999" and "allowed: a known STYRK-08" in w["message"]


def test_stats_by_styrk_and_sn2007_count_as_the_oracle_and_suppress_small_groups(site):
    with site.client(site.admin) as c:
        needs = [n for n in all_needs(c) if n["status"] != "closed"]
        for by, scheme, level in (("styrk", "styrk08", 2), ("sn2007", "sn2007", 1), ("styrk", "styrk08", 4)):
            rows = c.get("/api/stats", params={"by": by, "level": level, "period": "all", "public": False}).json()
            got = {r["group"].split(" ")[0]: r["reported"] for r in rows}
            want: Counter = Counter()
            for n in needs:
                code = primary(n, scheme)
                group = None
                if code:
                    group = c.get(f"/api/codes/{by}/{code}").json()
                    if group["level"] is None:  # more detailed than the built-in list (16.100): its division
                        group = c.get(f"/api/codes/{by}/{code[:2]}").json()
                    while group and group["level"] > level:  # walk up to the level asked for
                        group = c.get(f"/api/codes/{by}/{group['parent']}").json()
                want[group["code"] if group else "ukjent"] += 1
            assert got == dict(want), by
            public = c.get("/api/stats", params={"by": by, "level": level, "period": "all"}).json()
            assert all(r["suppressed"] == (r["firms"] is None) for r in public)
            assert all(r["firms"] is None or r["firms"] >= site.settings.min_public_group for r in public)
            assert all(r["group"] == "skjult" for r in public if r["suppressed"])
            assert any(r["suppressed"] for r in public) and any(not r["suppressed"] for r in public)


def test_code_filters_on_needs_offers_and_stats(site):
    with site.client(site.admin) as c:
        needs = all_needs(c)
        want = {n["need_id"] for n in needs if (primary(n, "sn2007") or "").startswith(("01", "02", "03"))}
        got = {n["need_id"] for n in c.get("/api/needs", params={"sn2007": "A", "page_size": 100}).json()["items"]}
        assert got == want and got
        rows = c.get("/api/stats", params={"by": "county", "period": "all", "sn2007": "A", "public": False}).json()
        assert sum(r["reported"] for r in rows) == len([n for n in needs if n["need_id"] in want
                                                         and n["status"] != "closed"])
        health = c.get("/api/offers", params={"nus": "6", "page_size": 100}).json()
        assert health["total"] > 0
        for o in health["items"]:
            assert any(x["scheme"] == "nus2000" and x["code"][1] == "6" for x in o["codes"])
        assert_error(c.get("/api/needs", params={"styrk": "99"}), 422, "styrk: found '99'; allowed: 4 digits")


def test_a_broker_confirms_a_suggestion_and_readers_may_not(site):
    with site.client(site.broker) as c:
        need = c.get("/api/needs/n01").json()
        pick = [x for x in need["codes"] if x["scheme"] == "styrk08"][-1]
        res = c.post("/api/needs/n01/codes", json={"scheme": "styrk", "code": pick["code"]})
        assert res.status_code == 200 and res.json()["status"] == "confirmed"
        styrk = [x for x in c.get("/api/needs/n01").json()["codes"] if x["scheme"] == "styrk08"]
        assert [(x["code"], x["status"]) for x in styrk] == [(pick["code"], "confirmed")]
        assert_error(c.post("/api/needs/n01/codes", json={"scheme": "styrk", "code": "9999"}), 422,
                     "styrk: found '9999'; allowed: a known STYRK-08")
    with site.client(site.reader) as c:
        assert_error(c.post("/api/needs/n01/codes", json={"scheme": "styrk", "code": "5321"}), 403)


def test_suggest_endpoint_needs_a_key(site):
    with site.client(site.reader) as c:
        rows = c.post("/api/codes/suggest", json={"text": "sykepleier på sykehjem", "scheme": "styrk"}).json()
        assert "2223" in [r["code"] for r in rows] and all(0 < r["confidence"] <= 1 for r in rows)
    with site.client() as c:
        assert_error(c.post("/api/codes/suggest", json={"text": "sykepleier", "scheme": "styrk"}), 401)


def test_clusters_report_dominant_codes_and_the_public_view_suppresses_small_ones(site):
    with site.client(site.admin) as c:
        full = c.get("/api/demand/clusters").json()
    with site.client() as c:
        public = c.get("/api/demand/clusters").json()
    assert any(cl["codes"] for cl in full)
    for cl in full:
        for rows in cl["codes"].values():
            assert [r["needs"] for r in rows] == sorted((r["needs"] for r in rows), reverse=True)
            assert sum(r["needs"] for r in rows) <= cl["needs"]
    for cl in public:
        assert all(r["needs"] >= site.settings.min_public_group for rows in cl["codes"].values() for r in rows)


# ---------------------------------------------------------------- CLI
@pytest.fixture
def megler(tmp_path):
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    def call(*args):
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)
    return call


@pytest.mark.shared
def test_reference_import_is_idempotent_and_a_new_version_keeps_old_codes(megler, shared, tmp_path):
    styrk = shared / "taxonomies/styrk08.csv"
    first = json.loads(megler("reference", "import", "--styrk", str(styrk), "--sn2007",
                              str(shared / "taxonomies/sn2007.csv"), "--json").output)
    assert first == {"styrk": 582, "sn2007": 1808}
    again = json.loads(megler("reference", "import", "--styrk", str(styrk), "--json").output)
    assert again == {"styrk": 0}
    trimmed = tmp_path / "styrk_ny.csv"
    lines = styrk.read_text(encoding="utf-8").splitlines()
    trimmed.write_text("\n".join(x for x in lines if not x.startswith("5321,")) + "\n", encoding="utf-8")
    assert json.loads(megler("reference", "import", "--styrk", str(trimmed), "--version", "2026",
                             "--json").output) == {"styrk": 581}
    assert megler("ingest", str(DEMO / "offers.jsonl"), "--no-tag").exit_code == 0
    needs = tmp_path / "needs.jsonl"
    needs.write_text(json.dumps({"id": "x", "text": "kurs", "styrk": "5321", "sn2007": "03.211"}) + "\n",
                     encoding="utf-8")
    report = json.loads(megler("ingest", str(needs), "--no-tag", "--json").output)
    assert report["warnings"] == 0 and report["created"] == 1  # 5321 resolves from the older version


def test_stats_by_code_on_the_demo_from_the_cli(megler):
    assert megler("ingest", str(DEMO / "needs.jsonl"), "--no-tag").exit_code == 0
    rows = json.loads(megler("stats", "--by", "sn2007", "--level", "1", "--period", "all", "--json").output)
    shown = [r for r in rows if not r["suppressed"]]
    assert shown and all(r["firms"] >= 3 for r in shown)
    assert {r["group"].split(" ")[0] for r in shown} <= set("ABCDEFGHIJKLMNOPQRSTU")
    res = megler("stats", "--by", "styrk", "--level", "7")
    assert res.exit_code == 2 and "--level" in res.output


def test_esco_skills_import_and_tag_needs_without_the_text_model(tmp_path, monkeypatch):
    """An ESCO CSV in the official column shape; with MEGLER_EMBEDDING_BACKEND=none the tagger reads characters."""
    monkeypatch.setenv("MEGLER_EMBEDDING_BACKEND", "none")
    runner = CliRunner()
    db = ["--db", f"sqlite:///{tmp_path / 'esco.db'}"]
    skills = tmp_path / "skills_en.csv"
    skills.write_text(
        "conceptUri,preferredLabel,altLabels,description\n"
        "http://data.europa.eu/esco/skill/a1,perform welding,\"weld metal\nwelding\",Join metal parts.\n"
        "http://data.europa.eu/esco/skill/b2,speak English,,Communicate orally in English.\n"
        "http://data.europa.eu/esco/skill/c3,care for elderly people,,Assist older people.\n", encoding="utf-8")
    res = runner.invoke(cli, [*db, "reference", "import", "--esco-skills", str(skills), "--json"])
    assert json.loads(res.output) == {"esco_skills": 3}
    needs = tmp_path / "needs.jsonl"
    needs.write_text(json.dumps({"id": "e1", "text": "Mekanikerne trenger welding-kurs (MIG welding)"}) + "\n"
                     + json.dumps({"id": "e2", "text": "x", "esco_skills": "http://data.europa.eu/esco/skill/b2;"
                                                                    "http://data.europa.eu/esco/skill/zz"})
                     + "\n", encoding="utf-8")
    report = json.loads(runner.invoke(cli, [*db, "ingest", str(needs), "--json"]).output)
    assert report["tagged"] == 2 and report["warning_reasons"] == {"esco_skills": 1}
    broker = Broker(Settings(database_url=db[1]))
    with broker.sessions() as s:
        ids = {n.external_id: n.id for n in s.scalars(select(Need))}
    codes = broker.codes.for_items("need", list(ids.values()))
    first = [c for c in codes[ids["e1"]] if c["scheme"] == "esco_skill"][0]
    assert (first["code"], first["name"], first["status"]) == ("http://data.europa.eu/esco/skill/a1",
                                                               "perform welding", "suggested")
    given = {(c["code"], c["status"]) for c in codes[ids["e2"]] if c["scheme"] == "esco_skill"}
    assert given == {("http://data.europa.eu/esco/skill/b2", "given"), ("http://data.europa.eu/esco/skill/zz", "unknown")}
