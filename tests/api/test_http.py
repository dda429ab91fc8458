"""The real app over real HTTP, on SQLite and PostgreSQL."""
import json
import time

import pytest

ERROR_KEYS = {"ok", "error", "errors", "status"}


def assert_error(resp, status: int, contains: str = ""):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == ERROR_KEYS and body["ok"] is False and body["status"] == status
    assert contains in body["error"]


def test_health_and_version(live):
    with live.client() as c:
        h = c.get("/api/health").json()
        assert h["ok"] and h["offers"] == 151 and h["needs"] == 63
        assert c.get("/api/version").json()["name"] == "kompetansemegler"


def test_offer_search_filters_and_paging(live):
    with live.client() as c:
        res = c.get("/api/offers", params={"q": "sveising MIG/MAG", "page_size": 3}).json()
        assert res["total"] == 151 and [o["offer_id"] for o in res["items"]][0] in {"sv-01", "sv-02"}
        scores = [o["score"] for o in res["items"]]
        assert scores == sorted(scores, reverse=True)
        online = c.get("/api/offers", params={"delivery": "online", "max_credits": 10, "page_size": 200}).json()
        assert online["total"] == len(online["items"]) > 0
        assert all("online" in o["delivery"] and o["credits_sp"] <= 10 for o in online["items"])
        troms = c.get("/api/offers", params={"county": "Troms", "page_size": 200}).json()["items"]
        assert troms and all(any(v["municipality_code"][:2] == "55" for v in o["venues"]) for o in troms)
        p1 = c.get("/api/offers", params={"page": 1, "page_size": 5}).json()["items"]
        p2 = c.get("/api/offers", params={"page": 2, "page_size": 5}).json()["items"]
        assert len(p1) == len(p2) == 5 and not {o["offer_id"] for o in p1} & {o["offer_id"] for o in p2}
        assert c.get("/api/offers/he-01").json()["title"] == "Demensomsorg"
        assert_error(c.get("/api/offers/nope"), 404, "offer 'nope' not found")
        assert_error(c.get("/api/offers", params={"page_size": 500}), 422, "page_size: Input should be less than or equal to 200")
        assert_error(c.get("/api/offers", params={"municipality": "Atlantis"}), 422, "Atlantis")
        assert_error(c.get("/api/offers", params={"page": 0}), 422, "page")


def test_needs_are_scoped_to_the_brokers_organisation(live):
    need = {"id": "http-1", "text": "Vi trenger kurs i fiskevelferd for røkterne", "municipality": "Frøya",
            "participants": 4}
    with live.client(live.broker) as c, live.client(live.other_broker) as other:
        created = c.post("/api/needs", json=need)
        assert created.status_code == 201, created.text
        assert created.json()["municipality_code"] == "5014" and created.json()["organisation"] == "demo-studiesenter"
        assert_error(c.post("/api/needs", json=need), 409, "already exists")
        assert c.get("/api/needs/http-1").json()["text"] == need["text"]
        assert_error(other.get("/api/needs/http-1"), 404, "not found")
        assert other.get("/api/needs").json()["total"] == 0
        assert c.get("/api/needs", params={"page_size": 100}).json()["total"] == 64
        assert c.patch("/api/needs/http-1", json={"status": "closed"}).json()["status"] == "closed"
        assert_error(c.post("/api/needs", json={"id": "x", "text": "t", "level_min": "banana"}), 422, "level_min")
        assert_error(c.post("/api/needs", json={"id": "x", "text": "t", "bogus": 1}), 422, "bogus")
        matches = c.get("/api/needs/n29/matches", params={"top": 3}).json()
        assert matches["need_id"] == "n29" and len(matches["results"]) == 3
        assert matches["results"][0]["reasons"]


def test_upload_needs_csv(live):
    csv = "id,text,municipality\nup-1,Kurs i Excel og regneark,Senja\nup-2,,Gol\n"
    with live.client(live.other_broker) as c:
        r = c.post("/api/needs/upload", files={"file": ("needs.csv", csv.encode(), "text/csv")})
        assert r.status_code == 200, r.text
        assert (r.json()["created"], r.json()["quarantined"]) == (1, 1)
        assert [n["need_id"] for n in c.get("/api/needs").json()["items"]] == ["up-1"]


def test_adhoc_match_and_feedback_feed_statistics(live):
    with live.client() as c:
        res = c.post("/api/match", json={"text": "Kurs i demensomsorg", "municipality": "Kongsvinger", "top": 2})
        assert res.status_code == 200 and res.json()["results"][0]["offer_id"] in {"he-01", "he-14"}
        before = {r["group"]: r for r in c.get("/api/stats", params={"period": "all"}).json()}
    with live.client(live.broker) as b:
        r = b.post("/api/feedback", json={"need_id": "n17", "offer_id": "he-01", "status": "enrolled"})
        assert r.status_code == 201, r.text
    with live.client(live.other_broker) as o:
        assert_error(o.post("/api/feedback", json={"need_id": "n17", "offer_id": "he-01", "status": "enrolled"}),
                     404, "need 'n17' not found")
    with live.client() as c:
        after = {r["group"]: r for r in c.get("/api/stats", params={"period": "all"}).json()}
        assert after["Innlandet"]["enrolled"] == (before["Innlandet"]["enrolled"] or 0) + 1
        rows = c.get("/api/stats", params={"by": "municipality", "period": "all"}).json()
        assert any(r["suppressed"] for r in rows) and all(r["firms"] is None or r["firms"] >= 3 for r in rows)


def test_demand_endpoints_respect_roles(live):
    with live.client() as c:
        public = c.get("/api/demand/clusters").json()
        assert public and all(p["need_ids"] is None and p["firm_names"] is None for p in public)
        assert_error(c.get("/api/demand/coverage"), 401, "broker role")
    with live.client(live.admin) as a:
        full = a.get("/api/demand/clusters").json()
        drones = next(cl for cl in full if "n49" in cl["need_ids"])
        cohorts = a.get("/api/demand/cohorts", params={"cluster_id": drones["cluster_id"]}).json()
        assert sum(ch["participants"] for ch in cohorts["cohorts"]) == 17
    with live.client(live.reader) as r:
        sim = r.post("/api/demand/simulate", json={"title": "Droneoperatør for inspeksjon", "venue": "Lyngen",
                                                   "learning_outcomes": "dronesertifikat og linjeinspeksjon"}).json()
        assert sim["participants"] >= 10 and all(s["need_id"] is None for s in sim["served"])
    with live.client(live.broker) as b:
        cov = b.get("/api/demand/coverage", params={"status": "unmet"}).json()
        assert {"n49", "n54"} <= {c["need_id"] for c in cov}


def test_catalog_upload_runs_in_the_background_and_reports(live):
    lines = [{"id": "bg-1", "title": "Kurs i kranføring", "credits": 30, "credit_unit": "timer"},
             {"id": "bg-2", "title": "", "credits": 5}]
    body = "".join(json.dumps(x) + "\n" for x in lines).encode()
    with live.client(live.admin) as a:
        r = a.post("/api/catalog/ingest", params={"source": "bg"}, files={"file": ("bg.jsonl", body)})
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        for _ in range(200):
            job = a.get(f"/api/catalog/jobs/{job_id}").json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        assert (job["report"]["created"], job["report"]["quarantined"]) == (1, 1)
        q = a.get("/api/catalog/quarantine", params={"source": "bg"}).json()
        assert q[0]["issues"][0]["field"] == "title"
        assert a.get("/api/offers/bg-1").json()["credits_sp"] == pytest.approx(30 / 27, abs=0.01)
        bad = a.post("/api/catalog/ingest", files={"file": ("x.exe", b"MZ")})
        assert_error(bad, 422, "allowed: .jsonl")


def test_keys_lifecycle_and_revocation(live):
    with live.client(live.admin) as a:
        created = a.post("/api/keys", json={"name": "temp", "role": "reader"}).json()
        key = created["key"]
        assert key.startswith("km_") and created["role"] == "reader"
        listed = a.get("/api/keys").json()
        assert all("key" not in k or k["key"] is None for k in listed)
        with live.client(key) as r:
            assert r.post("/api/demand/simulate", json={"title": "x"}).status_code == 200
        a.delete(f"/api/keys/{created['prefix']}")
        with live.client(key) as r:
            assert_error(r.get("/api/health"), 401, "unknown or revoked API key")
        with live.client("not-a-key") as r:
            assert_error(r.get("/api/health"), 401, "invalid API key format")


def test_request_size_is_limited(live):
    with live.client(live.broker) as c:
        big = b"x" * (live.settings.max_request_bytes + 1)
        assert_error(c.post("/api/needs/upload", files={"file": ("big.jsonl", big)}), 413, "request body too large")


WRITE_ROLES = {
    ("POST", "/api/needs"): "broker", ("POST", "/api/needs/upload"): "broker",
    ("PATCH", "/api/needs/{need_id}"): "broker", ("POST", "/api/feedback"): "broker",
    ("POST", "/api/catalog/ingest"): "admin", ("POST", "/api/keys"): "admin",
    ("DELETE", "/api/keys/{prefix}"): "admin", ("POST", "/api/ranker/train"): "admin",
    ("POST", "/api/needs/{need_id}/codes"): "broker",
}
READ_ONLY_POSTS = {("POST", "/api/match"), ("POST", "/api/demand/simulate"), ("POST", "/api/codes/suggest")}


def test_every_write_endpoint_rejects_the_wrong_role(live):
    with live.client() as c:
        spec = c.get("/openapi.json").json()
    writes = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if m in ("post", "put", "patch", "delete")}
    assert writes - READ_ONLY_POSTS == set(WRITE_ROLES), "a new write endpoint needs a role in WRITE_ROLES"
    lower = {"broker": ["reader"], "admin": ["reader", "broker"]}
    for (method, path), role in WRITE_ROLES.items():
        url = path.replace("{need_id}", "n01").replace("{prefix}", "deadbeef")
        with live.client() as c:
            assert_error(c.request(method, url, json={}), 401, f"the {role} role")
        for weaker in lower[role]:
            with live.client(getattr(live, weaker)) as c:
                assert_error(c.request(method, url, json={}), 403, f"the {weaker} role may not do this")


def test_every_endpoint_has_examples_in_the_openapi_schema(live):
    with live.client() as c:
        spec = c.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    def has_example(schema):
        if "$ref" in schema:
            return has_example(schemas[schema["$ref"].split("/")[-1]])
        if schema.get("type") == "array":
            return has_example(schema["items"])
        return bool(schema.get("examples"))

    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
            assert has_example(ok["content"]["application/json"]["schema"]), f"{method.upper()} {path}: response"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                assert has_example(body["schema"]), f"{method.upper()} {path}: request body"
