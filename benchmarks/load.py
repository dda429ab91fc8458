"""Load test: the running server driven from another process by 20 concurrent clients for 30 s.

Builds (once, cached in benchmarks/results/load.db) a database with the demo data plus 10,000
synthetic offers and their embeddings, starts `megler serve` as a separate process on 127.0.0.1,
and runs a closed loop of mixed calls: 50 % ad-hoc match, 30 % text search, 20 % public statistics.
Reports throughput, p50/p99 latency per call type and errors. Goal: 0 errors, match p99 ≤ 300 ms.

    python benchmarks/load.py [--clients 20] [--seconds 30] [--offers 10000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
DEMO = ROOT / "catalog" / "demo"
WORDS = ("sveising ledelse demensomsorg byggeledelse fiskehelse regnskap excel beredskap reiseliv automatisering "
         "lean velferdsteknologi palliasjon bim guiding vertskap helsefag tømrer elektriker akvakultur havbruk "
         "prosjektledelse økonomi salg service markedsføring digital sikkerhet kommunikasjon psykisk helse rus "
         "barnehage språk veiledning HMS kran truck anlegg maskin hydraulikk energi solcelle klima miljø").split()
PLACES = ["Lyngen", "Gol", "Kongsvinger", "Sør-Varanger", "Bodø", "Tromsø", "Frøya", "Gjøvik", "Bergen", "Senja",
          "Alta", "Tynset", "Førde", "Stavanger", "Hamar", "Harstad"]


def build_db(path: Path, n_offers: int) -> None:
    from api.service import Broker
    from catalog.config import Settings

    rnd = random.Random(5)
    feed = path.with_suffix(".offers.jsonl")
    with open(feed, "w", encoding="utf-8") as fh:
        for i in range(n_offers):
            topic = " ".join(rnd.sample(WORDS, 3))
            fh.write(json.dumps({
                "id": f"syn-{i}", "title": f"{topic.capitalize()} – modul {i % 50 + 1}",
                "description": f"Kurs i {topic} for voksne i arbeid. " + " ".join(rnd.sample(WORDS, 10)),
                "provider": rnd.choice(["Fagskolen Innlandet", "Nord universitet", "Nord-Troms studiesenter"]),
                "level": rnd.choice(["4", "5.1", "6"]), "credits": rnd.choice([5, 7.5, 10, 15, 30]),
                "credit_unit": "studiepoeng", "delivery": [rnd.choice(["campus", "online", "samlingsbasert"])],
                "locations": [rnd.choice(PLACES)], "language": "nb"}, ensure_ascii=False) + "\n")
    broker = Broker(Settings(database_url=f"sqlite:///{path}"))
    broker.ingest(DEMO / "offers.jsonl", source="demo")
    broker.ingest(DEMO / "needs.jsonl", source="demo")
    broker.ingest(feed, source="syn")
    t = time.perf_counter()
    broker.ranker()
    print(f"# encoded {n_offers:,} offers in {time.perf_counter() - t:.0f} s (cached for later runs)", file=sys.stderr)
    broker.engine.dispose()


def server_command(db: Path, port: int) -> list[str]:
    """`megler --db DB serve --port PORT` from the project's virtual environment (or this Python)."""
    exe = ROOT / ".venv" / "bin" / "megler"
    return [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "api.cli"]),
            "--db", str(db), "serve", "--port", str(port)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def client(base: str, texts: list[str], until: float, log: dict[str, list[float]], errors: list[str],
                 seed: int) -> None:
    rnd = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        while time.perf_counter() < until:
            r = rnd.random()
            t = time.perf_counter()
            try:
                if r < 0.5:
                    kind = "match"
                    resp = await c.post("/api/match", json={"text": rnd.choice(texts),
                                                            "municipality": rnd.choice(PLACES), "top": 10})
                elif r < 0.8:
                    kind = "search"
                    resp = await c.get("/api/offers", params={"q": " ".join(rnd.sample(WORDS, 2)), "page_size": 10})
                else:
                    kind = "stats"
                    resp = await c.get("/api/stats", params={"by": rnd.choice(["county", "centrality"])})
                if resp.status_code >= 400:
                    errors.append(f"{kind}: {resp.status_code} {resp.text[:120]}")
            except httpx.HTTPError as exc:
                errors.append(f"{kind}: {type(exc).__name__}")
            log[kind].append(time.perf_counter() - t)


async def drive(base: str, clients: int, seconds: float, texts: list[str]) -> tuple[dict, list[str], float]:
    log: dict[str, list[float]] = {"match": [], "search": [], "stats": []}
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(*(client(base, texts, start + seconds, log, errors, i) for i in range(clients)))
    return log, errors, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--offers", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (one per core)")
    args = ap.parse_args()
    RESULTS.mkdir(exist_ok=True)
    db = RESULTS / f"load-{args.offers}.db"
    if not db.exists():
        build_db(db, args.offers)
    texts = [json.loads(line)["text"] for line in open(DEMO / "needs.jsonl", encoding="utf-8")]
    port = free_port()
    cmd = server_command(db, port)
    log_path = RESULTS / "load-server.log"
    server_log = open(log_path, "w")
    server = subprocess.Popen(cmd + ["--workers", str(args.workers), "--no-access-log"], stdout=server_log,
                              stderr=subprocess.STDOUT,
                              env={**os.environ, "MEGLER_RATE_LIMIT_PUBLIC": "0", "MEGLER_RATE_LIMIT_KEY": "0"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        for _ in range(2 * args.workers):  # warm-up: each worker loads the model, fits the ranker, computes coverage
            for text in texts:
                httpx.post(f"{base}/api/match", json={"text": text}, timeout=300)
            httpx.get(f"{base}/api/stats", timeout=300)
        import resource

        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        log, errors, elapsed = asyncio.run(drive(base, args.clients, args.seconds, texts))
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    total = sum(len(v) for v in log.values())
    print(f"{args.clients} clients × {elapsed:.0f} s against {args.offers:,} offers: {total:,} requests, "
          f"{total / elapsed:.1f} req/s, {len(errors)} errors; the load generator itself used "
          f"{client_cpu / elapsed:.2f} of the machine's {os.cpu_count()} cores")
    print("| call | count | p50 ms | p99 ms |\n|---|---|---|---|")
    for kind, values in log.items():
        if values:
            ms = np.asarray(values) * 1000
            print(f"| {kind} | {len(values):,} | {np.percentile(ms, 50):.0f} | {np.percentile(ms, 99):.0f} |")
    for e in errors[:5]:
        print("error:", e)
    if errors:
        print(f"server log: {log_path}")


if __name__ == "__main__":
    main()
