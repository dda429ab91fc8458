import json

import pytest
from click.testing import CliRunner

from api.cli import cli
from catalog.config import Settings
from tests.conftest import DEMO

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def demo_db(db_url):
    runner = CliRunner()

    def call(*args):
        res = runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        return res.output
    call("ingest", str(DEMO / "offers.jsonl"))
    call("ingest", str(DEMO / "needs.jsonl"))
    return call


def test_coverage_classes_covered_needs_are_not_unmet(demo_db):
    rows = {r["need_id"]: r for r in json.loads(demo_db("demand", "coverage", "--json"))}
    assert len(rows) == 63
    for nid in ("n08", "n13", "n14", "n61"):  # needs a demo offer covers well
        assert rows[nid]["status"] == "covered", rows[nid]
    no_offer = [f"n{i}" for i in range(49, 61)]  # drones, heat pumps, RIB: no demo offer teaches these
    assert all(rows[n]["status"] != "covered" for n in no_offer), [rows[n] for n in no_offer]
    unmet = [n for n in no_offer if rows[n]["status"] == "unmet"]
    assert len(unmet) >= 8, unmet  # measured 9 of 12 (the others score just above the partly threshold)
    for r in rows.values():  # the class follows the score and the thresholds
        assert (r["status"] == "covered") == (r["score"] >= 0.60)


def test_clusters_list_every_member_need_and_a_suggested_module(demo_db):
    clusters = json.loads(demo_db("demand", "clusters", "--json"))
    by_members = {frozenset(c["need_ids"]): c for c in clusters}
    drones = by_members[frozenset({"n49", "n50", "n51", "n52", "n53"})]
    assert drones["firms"] == 5 and drones["participants"] == 17
    assert drones["suggested_module"]["venue"] == "Lyngen"
    assert set(drones["centrality"]) <= {"5", "6"}
    assert frozenset({"n54", "n55", "n56", "n57"}) in by_members
    again = json.loads(demo_db("demand", "clusters", "--json"))
    assert [c["cluster_id"] for c in again] == [c["cluster_id"] for c in clusters]


def test_public_clusters_hide_firms(demo_db):
    for c in json.loads(demo_db("demand", "clusters", "--public", "--json")):
        assert "need_ids" not in c and "firm_names" not in c and c["firms"] >= 3


def test_simulated_module_serves_the_drone_needs(demo_db):
    out = json.loads(demo_db("demand", "simulate", "--title", "Droneoperatør for inspeksjon og kartlegging",
                             "--outcomes", "Dronesertifikat A2, flyging ved kraftlinjer, bildeanalyse",
                             "--credits", "5", "--delivery", "samlingsbasert", "--venue", "Lyngen", "--json"))
    served = {d["need_id"] for d in out["served"]}
    assert {"n49", "n51", "n53"} <= served
    assert "n17" not in served


def test_cohorts_for_a_cluster(demo_db):
    clusters = json.loads(demo_db("demand", "clusters", "--json"))
    drones = next(c for c in clusters if "n49" in c["need_ids"])
    out = json.loads(demo_db("demand", "cohorts", "--cluster", drones["cluster_id"], "--json"))
    assert sum(c["participants"] for c in out["cohorts"]) == 17


def test_monitor_counts_feedback_and_suppresses_small_groups(demo_db):
    demo_db("feedback", "n17", "he-01", "shortlisted")
    demo_db("feedback", "n18", "he-02", "enrolled")
    rows = json.loads(demo_db("demand", "monitor", "--by", "county", "--period", "all", "--json"))
    inn = next(r for r in rows if r["group"] == "Innlandet")
    assert inn["reported"] == 18 and inn["shortlisted"] == 2
    assert inn["enrolled"] == 1
    public = json.loads(demo_db("demand", "monitor", "--by", "municipality", "--period", "all", "--public", "--json"))
    assert all(r["suppressed"] == (r["reported"] is None) for r in public)
    assert any(r["suppressed"] for r in public)
    assert all(r["firms"] is None or r["firms"] >= 3 for r in public)


def test_clusters_are_named_by_subject_with_a_unit_that_fits_the_level(demo_db):
    clusters = json.loads(demo_db("demand", "clusters", "--json"))
    constraint_words = {"fagbrev", "lærlinger", "nivå", "nett", "jobb", "videreutdanning", "studiepoeng", "kurs"}
    for c in clusters:
        assert c["terms"] and not set(c["terms"][:3]) & constraint_words, c["label"]
        m = c["suggested_module"]
        unit = "timer" if float(m["level"]) <= 4 else "fagskolepoeng" if float(m["level"]) < 6 else "studiepoeng"
        assert m["credit_unit"] == unit, m
        assert m["max_travel_km"] >= m["mean_travel_km"]
        assert all(o["score"] >= 0.45 for o in c["nearest_offers"])  # the partly-covered threshold is the floor
        assert (c["nearest_note"] is None) == bool(c["nearest_offers"])


def test_explain_says_why_each_member_is_in_its_cluster(demo_db):
    clusters = json.loads(demo_db("demand", "clusters", "--explain", "--json"))
    for c in clusters:
        assert [e["need_id"] for e in c["explain"]] == c["need_ids"]
        for e in c["explain"]:
            assert {x["need_id"] for x in e["nearest"]} <= set(c["need_ids"]) - {e["need_id"]}
            assert [x["similarity"] for x in e["nearest"]] == sorted((x["similarity"] for x in e["nearest"]),
                                                                    reverse=True)
    assert "explain" not in json.loads(demo_db("demand", "clusters", "--json"))[0]
    text = demo_db("demand", "clusters", "--explain")
    threshold = f"{Settings().cluster_similarity:.2f}"
    assert text.startswith(f"Behov slås sammen til en klynge så lenge snittlikheten mellom gruppene er minst {threshold}")
    assert "snittlikhet" in text and f"{clusters[0]['need_ids'][0]}: snittlikhet" in text
    assert all("central_phrase" not in c and "explain" not in c
               for c in json.loads(demo_db("demand", "clusters", "--public", "--explain", "--json")))


def test_one_unrelated_need_changes_no_existing_cluster(demo_db, tmp_path):
    """Through the service: clusters (ids and members) before and after one unrelated need is reported.
    The need's similarity to every demo need is below the threshold (tests/matcher/test_clusters.py
    checks the probes), so by construction it can join nothing and move nothing."""
    before = json.loads(demo_db("demand", "clusters", "--json"))
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "n99", "text": "Vi trenger kurs i keramikk og dreiing", "company": "Leirverkstaden",
                                 "municipality": "Tolga"}, ensure_ascii=False) + "\n", encoding="utf-8")
    demo_db("ingest", str(extra))
    after = json.loads(demo_db("demand", "clusters", "--json"))
    assert [(c["cluster_id"], c["need_ids"]) for c in after] == [(c["cluster_id"], c["need_ids"]) for c in before]
    rows = {r["need_id"]: r for r in json.loads(demo_db("demand", "coverage", "--json"))}
    assert "n99" in rows  # the need is there, and counted as a need of its own
