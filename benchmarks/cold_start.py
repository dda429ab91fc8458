"""Cold start: how long `megler serve` takes to become ready, and the first requests against steady state.

Builds (once, cached in benchmarks/results/cold-<catalog>.db) a database with a catalog and the demo
needs and their embeddings, then starts `megler serve` as a separate process and measures, in one run:
start-up until `/api/health` answers with ready=true, the first `POST /api/match`, the first
`GET /api/demand/clusters` and the first `GET /api/stats`, then the p50 of 20 more of each (steady state).

    python benchmarks/cold_start.py                      # the built-in demo catalog (151 offers)
    python benchmarks/cold_start.py --catalog shared     # ../shared/data/catalogs/offers.jsonl (5,829 offers)
    python benchmarks/cold_start.py --no-warm            # the server without its warm-up (for comparison)

Goal: each first request ≤ 1 s after health is ready.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load import free_port, server_command  # noqa: E402  (benchmarks/load.py)

RESULTS = ROOT / "benchmarks" / "results"
DEMO = ROOT / "catalog" / "demo"


def build_db(path: Path, catalog: Path) -> None:
    from api.service import Broker
    from catalog.config import Settings

    broker = Broker(Settings(database_url=f"sqlite:///{path}"))
    broker.ingest(catalog, source="catalog")
    broker.ingest(DEMO / "needs.jsonl", source="demo")
    t = time.perf_counter()
    broker.ranker()
    print(f"# encoded the catalog in {time.perf_counter() - t:.0f} s (cached for later runs)", file=sys.stderr)
    broker.engine.dispose()


def timed(fn) -> float:
    t = time.perf_counter()
    resp = fn()
    if resp.status_code >= 400:
        raise SystemExit(f"request failed: {resp.status_code} {resp.text[:200]}")
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", default="demo", help="demo, shared, or a path to an offers file")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-warm", action="store_true", help="start the server with MEGLER_WARM_START=false")
    args = ap.parse_args()
    if args.catalog == "demo":
        catalog, name = DEMO / "offers.jsonl", "demo"
    elif args.catalog == "shared":
        from _eval import SHARED

        catalog, name = SHARED / "catalogs" / "offers.jsonl", "shared"
    else:
        catalog = Path(args.catalog)
        name = catalog.stem
    if not catalog.is_file():
        raise SystemExit(f"catalog not found: {catalog}")
    RESULTS.mkdir(exist_ok=True)
    db = RESULTS / f"cold-{name}.db"
    if not db.exists():
        build_db(db, catalog)
    texts = [json.loads(line)["text"] for line in open(DEMO / "needs.jsonl", encoding="utf-8")]
    port = free_port()
    cmd = server_command(db, port) + ["--no-access-log"]
    env = dict(os.environ, MEGLER_WARM_START="false" if args.no_warm else "true")
    log_path = RESULTS / f"cold-{name}-server.log"
    with open(log_path, "w") as log:
        t0 = time.perf_counter()
        server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            health = None
            while time.perf_counter() - t0 < 1800:
                try:
                    r = httpx.get(f"{base}/api/health", timeout=5)
                    if r.status_code == 200 and (args.no_warm or r.json().get("ready")):
                        health = r.json()
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None:
                    raise SystemExit(f"the server stopped; see {log_path}")
                time.sleep(0.05)
            startup = time.perf_counter() - t0
            c = httpx.Client(base_url=base, timeout=600)
            calls = {
                "match": lambda i: c.post("/api/match", json={"text": texts[i % len(texts)], "top": 10}),
                "clusters": lambda i: c.get("/api/demand/clusters"),
                "stats": lambda i: c.get("/api/stats", params={"by": "centrality"}),
            }
            first = {k: timed(lambda f=f: f(0)) for k, f in calls.items()}
            steady = {k: [timed(lambda f=f, i=i: f(i)) for i in range(1, args.repeat + 1)] for k, f in calls.items()}
        finally:
            server.terminate()
            server.wait(timeout=30)
    offers = health.get("offers") if health else "?"
    print(f"catalog {name} ({offers} offers), warm-up {'off' if args.no_warm else 'on'}: "
          f"start-up to ready {startup:.2f} s; server's own steps: {health.get('startup_seconds') if health else {}}")
    print("| call | first request ms | steady p50 ms | first / p50 |\n|---|---|---|---|")
    for k in calls:
        p50 = float(np.percentile(np.asarray(steady[k]) * 1000, 50))
        print(f"| {k} | {first[k] * 1000:.0f} | {p50:.0f} | {first[k] * 1000 / max(p50, 1e-3):.1f}× |")


if __name__ == "__main__":
    main()
