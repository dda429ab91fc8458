"""Score a run against TREC qrels (graded; MRR and Recall count grade ≥ ``--min-grade``, default 2).

The run is a `megler match --needs ... --json` output (JSON lines) or a TREC run such as
`megler link` prints (``query_id Q0 doc_id rank score tag``):

    megler --db eval.db ingest ../shared/data/catalogs/offers.jsonl
    megler --db eval.db match --needs ../shared/data/eval/dev_needs.jsonl --top 20 --json > run.jsonl
    python benchmarks/score_run.py run.jsonl ../shared/data/eval/dev_qrels.tsv
    python benchmarks/score_run.py run.jsonl ../shared/data/eval/dev_qrels.tsv --per-query   # each need too
    python benchmarks/score_run.py run.jsonl ../shared/data/eval/dev_qrels.tsv --condensed   # nDCG'@10, MRR', Judged@10

    M=../shared/data/eval/melo/dnk_q_da_c_da
    python benchmarks/melo_contexts.py $M > contexts.tsv
    megler --db melo.db link $M/queries.tsv $M/corpus_elements.tsv --contexts contexts.tsv > run.trec
    python benchmarks/score_run.py run.trec $M/annotations.tsv --min-grade 1
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval import evaluate, ranking_metrics, read_qrels, scored_queries  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("qrels", type=Path)
    ap.add_argument("--min-grade", type=int, default=2)
    ap.add_argument("--per-query", action="store_true", help="Also each scored query's nDCG@10 and MRR")
    ap.add_argument("--condensed", action="store_true",
                    help="Also the measures on the rankings without their unjudged documents (nDCG'@10, MRR') "
                         "and the share of each top 10 that was judged (Judged@10)")
    args = ap.parse_args()
    runs: dict[str, list[str]] = {}
    for line in args.run.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            d = json.loads(line)
            runs[d["need_id"]] = [r["offer_id"] for r in d["results"]]
        else:  # TREC: query_id Q0 doc_id rank score tag, in rank order
            qid, _, doc_id, *_ = line.split()
            runs.setdefault(qid, []).append(doc_id)
    qrels = read_qrels(args.qrels)
    if args.per_query:
        for qid in sorted(scored_queries(qrels, args.min_grade)):
            m = ranking_metrics(runs.get(qid, []), qrels[qid], args.min_grade, condensed_lists=args.condensed)
            print(qid + "".join(f"\t{k}={v:.1f}" if k == "Judged@10" else f"\t{k}={v:.3f}"
                                for k, v in m.items() if k != "Recall@20"))
    metrics = evaluate(runs, qrels, args.min_grade, condensed_lists=args.condensed)
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items()))


if __name__ == "__main__":
    main()
