"""One organisation never sees another's needs: every endpoint of the OpenAPI schema × every role.

Organisation «alfa» registers needs with a firm name and words no one else uses; organisation «beta»
registers a need under the same id as one of alfa's. Then every operation in ``/openapi.json`` is called
as the public, a reader, beta's broker, alfa's broker and an admin: the status must be the expected one,
and no response to anyone but alfa and the admin may contain alfa's firm name, text or own need id.
An endpoint missing from ``EXPECTED`` fails the test, so a new endpoint cannot be forgotten.
"""
from __future__ import annotations

import io
import json
import uuid

import httpx
import pytest

from tests.api.conftest import start_server

ALFA_FIRM, ALFA_WORD, ALFA_ONLY_ID = "Alfa Fiskeoppdrett AS", "Kvitbjørnholmen", "A-need-2"
ROLES = ("public", "reader", "other", "own", "admin")
OK, CREATED = {200}, {201}
ADMIN_ONLY = {"public": {401}, "reader": {403}, "other": {403}, "own": {403}}
BROKER_ONLY = {"public": {401}, "reader": {403}}

# (method, path) → role → the statuses allowed
EXPECTED: dict[tuple[str, str], dict[str, set[int]]] = {
    ("GET", "/api/health"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/version"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/offers"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/offers/{offer_id}"): dict.fromkeys(ROLES, OK),
    ("POST", "/api/match"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/demand/clusters"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/stats"): dict.fromkeys(ROLES, OK),
    ("POST", "/api/demand/simulate"): {"public": {401}, "reader": OK, "other": OK, "own": OK, "admin": OK},
    ("POST", "/api/needs"): {**BROKER_ONLY, "other": {201, 409}, "own": {201, 409}, "admin": {201, 409}},
    ("GET", "/api/needs"): {**BROKER_ONLY, "other": OK, "own": OK, "admin": OK},
    ("POST", "/api/needs/upload"): {**BROKER_ONLY, "other": OK, "own": OK, "admin": OK},
    ("GET", "/api/needs/{need_id}"): {**BROKER_ONLY, "other": {404}, "own": OK, "admin": OK},
    ("PATCH", "/api/needs/{need_id}"): {**BROKER_ONLY, "other": {404}, "own": OK, "admin": OK},
    ("GET", "/api/needs/{need_id}/matches"): {**BROKER_ONLY, "other": {404}, "own": OK, "admin": OK},
    ("POST", "/api/feedback"): {**BROKER_ONLY, "other": {404}, "own": CREATED, "admin": CREATED},
    ("GET", "/api/demand/coverage"): {**BROKER_ONLY, "other": OK, "own": OK, "admin": OK},
    ("GET", "/api/demand/cohorts"): {**BROKER_ONLY, "other": OK, "own": OK, "admin": OK},
    ("POST", "/api/catalog/ingest"): {**ADMIN_ONLY, "admin": {202}},
    ("GET", "/api/catalog/jobs/{job_id}"): {**ADMIN_ONLY, "admin": {404}},
    ("GET", "/api/catalog/quarantine"): {**ADMIN_ONLY, "admin": OK},
    ("POST", "/api/keys"): {**ADMIN_ONLY, "admin": CREATED},
    ("GET", "/api/keys"): {**ADMIN_ONLY, "admin": OK},
    ("DELETE", "/api/keys/{prefix}"): {**ADMIN_ONLY, "admin": {404}},
    ("GET", "/api/ranker"): {**ADMIN_ONLY, "admin": OK},
    ("POST", "/api/ranker/train"): {**ADMIN_ONLY, "admin": {422}},  # too few judged needs in this database
    ("GET", "/api/codes"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/codes/{scheme}"): dict.fromkeys(ROLES, OK),
    ("GET", "/api/codes/{scheme}/{code}"): dict.fromkeys(ROLES, OK),
    ("POST", "/api/codes/suggest"): {"public": {401}, "reader": OK, "other": OK, "own": OK, "admin": OK},
    ("POST", "/api/needs/{need_id}/codes"): {**BROKER_ONLY, "other": {404}, "own": OK, "admin": OK},
}

ALFA_NEEDS = [
    {"id": "A-need-1", "text": f"Vi trenger droneoperatører til inspeksjon av merdene ved {ALFA_WORD}",
     "company": ALFA_FIRM, "municipality": "Lyngen", "participants": 4},
    {"id": ALFA_ONLY_ID, "text": f"Dronesertifikat for røktere som inspiserer anlegget ved {ALFA_WORD}",
     "company": ALFA_FIRM, "municipality": "Lyngen", "participants": 3},
]
BETA_NEED = {"id": "A-need-1", "text": "Tømrerne våre trenger kurs i energieffektiv rehabilitering",
             "company": "Beta Bygg AS", "municipality": "Gol", "participants": 5}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('isolation') / 'megler.db'}"
    server, thread, info = start_server(db, rate_limit_public=0, rate_limit_key=0)
    admin = info.client(info.admin)
    keys = {"admin": info.admin, "reader": info.reader}
    for role, org in (("own", "alfa"), ("other", "beta")):
        r = admin.post("/api/keys", json={"name": f"megler {org}", "role": "broker", "organisation": org})
        assert r.status_code == 201, r.text
        keys[role] = r.json()["key"]
    for need in ALFA_NEEDS:
        assert info.client(keys["own"]).post("/api/needs", json=need).status_code == 201
    assert info.client(keys["other"]).post("/api/needs", json=BETA_NEED).status_code == 201
    try:
        yield info, keys
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _request(info, keys, method: str, path: str, op: dict, role: str) -> httpx.Response:
    offer_id = "he-01"
    values = {"need_id": ALFA_ONLY_ID, "offer_id": offer_id, "job_id": "no-such-job", "prefix": "nosuchprefix",
              "scheme": "styrk", "code": "5321"}
    url = path.format(**{k: v for k, v in values.items() if "{" + k + "}" in path})
    params: dict = {}
    body = None
    files = None
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema_ref = content["application/json"]["schema"].get("$ref", "")
        examples = info.spec["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]].get("examples") or [{}]
        body = dict(examples[0])
    if path == "/api/feedback":
        body = {"need_id": ALFA_ONLY_ID, "offer_id": offer_id, "status": "shortlisted"}
    if path == "/api/needs/{need_id}":
        body = {"status": "open"} if method == "PATCH" else None
    if path == "/api/needs/upload":
        files = {"file": ("needs.jsonl", io.BytesIO(json.dumps(
            {"id": f"up-{role}", "text": "Kurs i regnskap for små bedrifter"}).encode()), "application/json")}
    if path == "/api/catalog/ingest":
        files = {"file": ("offers.jsonl", io.BytesIO(json.dumps(
            {"id": "iso-1", "title": "Regnskap for små bedrifter"}).encode()), "application/json")}
    if path == "/api/keys" and method == "POST":
        body = {"name": "iso test", "role": "reader"}
    if path == "/api/demand/cohorts":
        params = {"cluster_id": info.alfa_cluster}
    if path == "/api/demand/clusters":
        params = {"all_needs": "true", "explain": "true"}
    c = info.client(keys.get(role))
    return c.request(method, url, params=params, json=body if files is None else None, files=files)


def test_every_endpoint_every_role_sees_only_its_own_organisation(site):
    info, keys = site
    info.spec = httpx.get(f"{info.url}/openapi.json").json()
    clusters = info.client(keys["admin"]).get("/api/demand/clusters", params={"all_needs": "true"}).json()
    info.alfa_cluster = next(c["cluster_id"] for c in clusters if ALFA_ONLY_ID in c["need_ids"])
    operations = [(m.upper(), p, op) for p, ops in info.spec["paths"].items() for m, op in ops.items()]
    missing = sorted({(m, p) for m, p, _ in operations} - set(EXPECTED))
    assert not missing, f"endpoints without an isolation expectation: {missing}"
    seen_by_own = []
    for method, path, op in operations:
        for role in ROLES:
            resp = _request(info, keys, method, path, op, role)
            allowed = EXPECTED[(method, path)][role]
            assert resp.status_code in allowed, (method, path, role, resp.status_code, resp.text[:300])
            if role in ("public", "reader", "other"):
                text = resp.text
                if resp.status_code >= 400:  # an error may repeat the id the caller sent, nothing more
                    text = text.replace(f"need {ALFA_ONLY_ID!r} not found", "")
                for secret in (ALFA_FIRM, ALFA_WORD, ALFA_ONLY_ID):
                    assert secret not in text, (method, path, role, secret, resp.text[:300])
            elif role == "own":
                seen_by_own.append(resp.text)
    # the test can fail: alfa itself does see its own needs through the same endpoints
    assert any(ALFA_ONLY_ID in t for t in seen_by_own) and any(ALFA_FIRM in t for t in seen_by_own)


def test_the_same_need_id_in_two_organisations_stays_apart(site):
    info, keys = site
    own, other, admin = (info.client(keys[r]) for r in ("own", "other", "admin"))
    assert own.get("/api/needs/A-need-1").json()["company"] == ALFA_FIRM
    assert other.get("/api/needs/A-need-1").json()["company"] == "Beta Bygg AS"
    r = admin.get("/api/needs/A-need-1")
    assert r.status_code == 409 and "alfa, beta" in r.json()["error"] and "?organisation=" in r.json()["error"]
    assert admin.get("/api/needs/A-need-1", params={"organisation": "beta"}).json()["company"] == "Beta Bygg AS"
    cov = {(c["organisation"], c["need_id"]) for c in other.get("/api/demand/coverage").json()}
    assert ("beta", "A-need-1") in cov and all(org == "beta" for org, _ in cov)


def test_need_text_length_nul_and_date_window_are_refused_with_field_errors(site):
    info, keys = site
    public = info.client()
    long = public.post("/api/match", json={"text": "sveis " * 2000})
    assert long.status_code == 422 and "5000" in long.text and "text" in long.text
    nul = info.client(keys["own"]).post("/api/needs", json={"id": "nul-1", "text": "kurs\x00i sveising"})
    assert nul.status_code == 422 and "NUL" in nul.text and "text" in nul.text
    window = public.post("/api/match", json={"text": "sveisekurs", "start_after": "2026-09-01",
                                             "start_before": "2026-08-01"})
    assert window.status_code == 422 and "start_before" in window.text and "start_after" in window.text


def test_uploads_report_no_server_paths_and_public_stats_name_no_small_group(site):
    info, keys = site
    up = info.client(keys["own"]).post("/api/needs/upload", files={"file": ("mine.jsonl", io.BytesIO(
        json.dumps({"id": "up-path", "text": "Kurs i HMS"}).encode()), "application/json")})
    assert up.status_code == 200 and up.json()["path"] == "mine.jsonl" and "/tmp" not in up.text
    rows = info.client().get("/api/stats", params={"by": "municipality", "period": "all"}).json()
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden and all(r["group"] == "skjult" for r in hidden)
    assert not any(r["group"] == "Gol" for r in rows)  # beta's lone firm in Gol is not named


def test_rate_limits_answer_429_with_retry_after(tmp_path):
    server, thread, info = start_server(f"sqlite:///{tmp_path / 'megler.db'}", rate_limit_public=5, rate_limit_key=8)
    try:
        public, reader = info.client(), info.client(info.reader)
        codes = [public.get("/api/version").status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        last = public.get("/api/version")
        assert last.json()["status"] == 429 and int(last.headers["Retry-After"]) >= 1
        assert [reader.get("/api/version").status_code for _ in range(9)] == [200] * 8 + [429]
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_a_request_over_its_time_budget_is_answered_503(tmp_path):
    """A match encodes a new query (≥ 20 ms measured); a 1 ms budget cannot be met. The text carries a fresh
    token, so no embedding cache (the run shares one) can hold it already."""
    server, thread, info = start_server(f"sqlite:///{tmp_path / 'megler.db'}", request_budget_seconds=0.001)
    text = f"Vi trenger kurs i hydraulikk for anleggsmaskiner (sak {uuid.uuid4().hex[:12]})"
    try:
        r = info.client().post("/api/match", json={"text": text})
        assert r.status_code == 503 and "time budget" in r.json()["error"] and r.json()["status"] == 503
    finally:
        server.should_exit = True
        thread.join(timeout=30)
