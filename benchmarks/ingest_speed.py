"""Ingest throughput on a synthetic 50,000-offer catalog (no embeddings).

Reports (1) parse + validate + normalise throughput (no database), (2) a first full ingest into
SQLite, and (3) a no-change re-ingest relative to the first. Goals: ≥ 2,000 offers/s for (1);
(3) ≤ 10 % of (2).

    python benchmarks/ingest_speed.py [--n 50000]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog.ingest import ingest_file  # noqa: E402
from catalog.reference import builtin_register  # noqa: E402
from catalog.schema import validate_offer  # noqa: E402
from catalog.sources.interchange import InterchangeSource  # noqa: E402
from catalog.store.db import make_engine, session_factory, upgrade  # noqa: E402
from catalog.store.repo import ensure_register  # noqa: E402

TOPICS = ["Sveiseteknikk", "Demensomsorg", "Byggeledelse", "Fiskehelse", "Ledelse i praksis", "Regnskap", "Excel",
          "Beredskap", "Reiselivsledelse", "Automatisering", "Lean", "Velferdsteknologi", "Palliasjon", "BIM"]
PLACES = ["Lyngen", "Gol", "Kongsvinger", "Sør-Varanger", "Bodø", "Tromsø", "Frøya", "Gjøvik", "Bergen", "9060",
          "Trondheim - Tråante", "Herøy (Nordland)", "Senja", "Aalesund"]


def make_catalog(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            topic = rnd.choice(TOPICS)
            rec = {
                "id": f"syn-{i}", "title": f"{topic} {i % 97}", "description": f"Kurs i {topic.lower()} for voksne "
                f"i arbeid. Modul {i}.", "provider": rnd.choice(["Fagskolen Innlandet", "Nord universitet",
                                                                  "Nord-Troms studiesenter"]),
                "level": rnd.choice(["4", "5.1", "6", "fagskole", "bachelor", "EQF 5", None]),
                "credits": rnd.choice([7.5, 10, 15, 30, "7,5", 40]), "credit_unit": rnd.choice(
                    ["studiepoeng", "fagskolepoeng", "sp", "hours"]),
                "delivery": rnd.choice(["online", "campus", "samlingsbasert,online", "nettbasert"]),
                "locations": [rnd.choice(PLACES)], "language": rnd.choice(["nb", "nn", "en"]),
                "start_date": f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="megler-bench-"))
    path = tmp / "catalog.jsonl"
    make_catalog(path, args.n)
    register = builtin_register()

    t = time.perf_counter()
    ok = sum(validate_offer(r.data, register)[0] is not None for r in InterchangeSource().read(path))
    parse_s = time.perf_counter() - t

    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    times, reports = [], []
    for _ in range(2):
        t = time.perf_counter()
        with sessions.begin() as s:
            reports.append(ingest_file(s, path, register=ensure_register(s)).as_dict())
        times.append(time.perf_counter() - t)
    print(f"offers: {args.n:,} ({ok:,} valid)")
    print(f"parse + validate + normalise: {parse_s:6.2f} s  {args.n / parse_s:8,.0f} offers/s   (goal ≥ 2,000)")
    print(f"first ingest into SQLite:     {times[0]:6.2f} s  {args.n / times[0]:8,.0f} offers/s   "
          f"created={reports[0]['created']:,}")
    print(f"no-change re-ingest:          {times[1]:6.2f} s  = {100 * times[1] / times[0]:4.1f} % of the first "
          f"(goal ≤ 10 %)  unchanged={reports[1]['unchanged']:,} updated={reports[1]['updated']}")


if __name__ == "__main__":
    main()
