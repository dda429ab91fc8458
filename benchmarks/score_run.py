"""Score a `megler match --needs ... --json` run against TREC qrels (graded; MRR and Recall count grade ≥ 2).

    megler --db eval.db ingest ../shared/data/catalogs/offers.jsonl
    megler --db eval.db match --needs ../shared/data/eval/dev_needs.jsonl --top 20 --json > run.jsonl
    python benchmarks/score_run.py run.jsonl ../shared/data/eval/dev_qrels.tsv
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval import evaluate, read_qrels  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("qrels", type=Path)
    ap.add_argument("--min-grade", type=int, default=2)
    args = ap.parse_args()
    runs = {}
    for line in args.run.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            runs[d["need_id"]] = [r["offer_id"] for r in d["results"]]
    metrics = evaluate(runs, read_qrels(args.qrels), args.min_grade)
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items()))


if __name__ == "__main__":
    main()
