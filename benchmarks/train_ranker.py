"""Train and validate the learned re-ranker on the shared judged sets, through the `megler match` path.

Each set is ranked by the hand-built ``Ranker`` (offers with a title only where the set has no more:
MELO labels, the no-overlap course texts); the top 100 of each need become feature rows. Reported held
out, per set: the hand-built order, the learned order under grouped 5-fold by need (fit on the other
folds of every set; a need is never on both sides), and under leave-one-set-out (fit on the other sets).

    python benchmarks/train_ranker.py [--sets dev,no_overlap,melo_sv,melo_da] [--cap 100] [--out PATH]

``--out`` fits the final model on every set (at most ``--cap`` needs per set) and writes it with its
cross-validation report (the shipped model is catalog/reference/data/ranker.txt). ``--shuffle`` trains on
labels shuffled within each need: a leakage check (its held-out numbers must fall to chance).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval import SHARED, cached_encoder, read_qrels  # noqa: E402

from catalog.config import get_settings  # noqa: E402
from catalog.reference import builtin_register  # noqa: E402
from matcher.convert import need_from_dict, offers_from_jsonl, read_jsonl  # noqa: E402
from matcher.hubness import HubCorrection  # noqa: E402
from matcher.learned import LearnedRanker  # noqa: E402
from matcher.rank import Calibration, Ranker, Weights  # noqa: E402
from matcher.training import build_pools, concat, cross_validate, fit_all, held_out_score  # noqa: E402
from matcher.types import NeedQuery, OfferItem  # noqa: E402


def judged_sets(register) -> dict:
    """name → (offers, needs, qrels, min_grade)."""
    def dev():
        offers = offers_from_jsonl(SHARED / "catalogs/offers.jsonl", register)
        needs = [need_from_dict(r, register) for r in read_jsonl(SHARED / "eval/dev_needs.jsonl")]
        return offers, needs, read_qrels(SHARED / "eval/dev_qrels.tsv"), 2

    def no_overlap():
        d = json.loads((SHARED / "eval/no_overlap_30.json").read_text(encoding="utf-8"))
        parts = [c["text"].split(". ", 1) for c in d["courses"]]  # written "Title. Description."
        offers = [OfferItem(c["id"], p[0], description=p[1] if len(p) > 1 else None)
                  for c, p in zip(d["courses"], parts, strict=True)]
        needs = [NeedQuery(n["text"], need_id=n["id"]) for n in d["needs"]]
        return offers, needs, {n["id"]: {n["id"]: 1} for n in d["needs"]}, 1

    def melo(sub):
        def load():
            base = SHARED / "eval/melo" / sub
            tsv = [line.split("\t") for line in (base / "corpus_elements.tsv").read_text(encoding="utf-8").splitlines() if line]
            qs = [line.split("\t") for line in (base / "queries.tsv").read_text(encoding="utf-8").splitlines() if line]
            return ([OfferItem(c[0], c[1]) for c in tsv], [NeedQuery(q[1], need_id=q[0]) for q in qs],
                    read_qrels(base / "annotations.tsv"), 1)
        return load

    return {"dev": dev, "no_overlap": no_overlap, "melo_sv": melo("swe_q_sv_c_sv"), "melo_da": melo("dnk_q_da_c_da")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="dev,no_overlap,melo_sv,melo_da")
    ap.add_argument("--cap", type=int, default=100, help="At most this many needs per set in one fit")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--shuffle", action="store_true", help="Shuffle labels within each need (leakage check)")
    args = ap.parse_args()
    st = get_settings()
    encoder = cached_encoder(st)
    loaders = judged_sets(builtin_register())
    parts = []
    for key in args.sets.split(","):
        t = time.perf_counter()
        offers, needs, qrels, min_grade = loaders[key]()
        ranker = Ranker(encoder, Weights.from_settings(st), Calibration.from_settings(st), road_factor=st.road_factor,
                        distance_scale_km=st.distance_scale_km, hubs=HubCorrection.from_settings(st) or False)
        ranker.fit(offers, encoder.encode_passages([o.passage() for o in offers]))
        parts.append(build_pools(ranker, needs, qrels, set_name=key, min_grade=min_grade,
                                 query_vectors=encoder.encode_queries([n.text for n in needs])))
        print(f"# {key}: {len(needs)} needs × {len(offers)} offers, pools in {time.perf_counter() - t:.0f} s",
              file=sys.stderr, flush=True)
    pools = concat(parts)
    if args.shuffle:
        rng = np.random.default_rng(0)
        for q in np.unique(pools.query):
            rows = np.flatnonzero(pools.query == q)
            pools.y[rows] = rng.permutation(pools.y[rows])
    t = time.perf_counter()
    report = cross_validate(pools, LearnedRanker, cap=args.cap)
    print(f"\ncross-validation: {time.perf_counter() - t:.0f} s, cap {args.cap} needs per set per fit"
          f"{', labels shuffled' if args.shuffle else ''}\n")
    print("| set | needs | hand-built | learned, 5-fold by need | learned, leave-one-set-out |\n|---|---|---|---|---|")
    for name, r in report["sets"].items():
        cells = [f"{r[k][0]:.3f} / {r[k][1]:.3f}" if k in r else "–" for k in ("hand_built", "learned_kfold",
                                                                             "learned_loso")]
        print(f"| {name} | {r['needs']} | " + " | ".join(cells) + " |")
    print(f"\nmean (nDCG@10 + MRR) / 2 over sets: hand-built {held_out_score(report, 'hand_built'):.3f}, "
          f"learned 5-fold {held_out_score(report, 'learned_kfold'):.3f}, "
          f"leave-one-set-out {held_out_score(report, 'learned_loso'):.3f}")
    if args.out:
        model = fit_all(pools, LearnedRanker, cap=args.cap, report={"cross_validation": report,
                                                                    "sets": sorted(set(pools.sets))})
        print(f"wrote {model.save(args.out)}")


if __name__ == "__main__":
    main()
