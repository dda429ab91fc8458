"""Do shared ESCO skills help the ranker? Measured held out before anything is adopted.

Needs and offers of the need→offer dev set and of the no-overlap set are tagged with ESCO skills by the
product's tagger (``matcher.tagging.CodeTagger`` over ``tagger_labels``: the 13,939 English skill labels of
``../shared/data/taxonomies/esco_skills_en.csv``; needs on the query side, offers by their passage
vectors and titles, as ``megler`` tags them). A need's and an offer's skill votes (top 20, shares) give
an evidence value E = Σ_skill share_need × share_offer in [0, 1]. The ranker's score (current settings,
rules included) becomes score + w × E. The weight w is chosen

* by grouped 5-fold on the dev set's needs (w chosen on the other folds, scored on the held-out fold);
* leave-one-set-out between the two sets (chosen on one, scored on the other);

and w = 0 (no evidence) is the baseline. The knob is adopted only if it wins held out.

    python benchmarks/code_evidence.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _cv import config_scores, per_query  # noqa: E402
from _eval import SHARED, cached_encoder  # noqa: E402
from quality import compute_components, load_dev, load_no_overlap, settings_config  # noqa: E402

from api.code_service import tagger_labels  # noqa: E402
from catalog.config import get_settings  # noqa: E402
from catalog.reference import builtin_register  # noqa: E402
from catalog.reference import codes as C  # noqa: E402
from matcher.hubness import HubCorrection  # noqa: E402
from matcher.rank import Calibration, Weights  # noqa: E402
from matcher.tagging import CodeTagger  # noqa: E402

WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8)
TOP = 20


def votes(tagger: CodeTagger, texts: list[str], vectors: np.ndarray, index: dict[str, int], batch: int = 500):
    rows, cols, vals = [], [], []
    for start in range(0, len(texts), batch):
        part = tagger.suggest(texts[start:start + batch], query_vectors=vectors[start:start + batch], top=TOP)
        for i, row in enumerate(part, start=start):
            for s in row:
                rows.append(i)
                cols.append(index[s.code])
                vals.append(s.confidence)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), len(index)))


def main() -> None:
    t0 = time.perf_counter()
    settings = get_settings()
    weights, calibration, hubs = (Weights.from_settings(settings), Calibration.from_settings(settings),
                                  HubCorrection.from_settings(settings))
    encoder = cached_encoder(settings)
    reg = C.CodeRegister()
    entries, digest = C.read_esco(SHARED / "taxonomies/esco_skills_en.csv", C.ESCO_SKILL)
    reg.add_version(C.ESCO_SKILL, "1", entries, digest)
    labels = tagger_labels(reg, C.ESCO_SKILL)
    tagger = CodeTagger(encoder).fit(labels)
    index = {c: i for i, c in enumerate(sorted({c for c, _ in labels}))}
    print(f"ESCO skills: {len(labels)} labels ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    current = settings_config(weights, calibration, hubs)
    table = {}
    for es in (load_dev(builtin_register()), load_no_overlap()):
        compute_components(es, encoder, weights, hubs)
        base = config_scores(es, current, weights)
        pq = votes(tagger, es.queries, encoder.encode_queries(es.queries), index)
        pd = votes(tagger, es.titles, encoder.encode_passages(es.docs), index)
        evidence = (pq @ pd.T).toarray().astype(np.float32)
        table[es.name] = np.stack([per_query(es, base + w * evidence) for w in WEIGHTS])
        print(f"{es.name}: evidence mean {evidence.mean():.4f}, max {evidence.max():.3f} "
              f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    def objective(m):  # (weights, queries, 2) → (weights,)
        return m.mean(axis=1).mean(axis=1)

    print("\n| set | w | nDCG@10 | MRR |  (in-sample, every w)\n|---|---|---|---|")
    for name, m in table.items():
        for wi, w in enumerate(WEIGHTS):
            print(f"| {name} | {w} | {m[wi, :, 0].mean():.3f} | {m[wi, :, 1].mean():.3f} |")
    dev_name, other = list(table)
    m = table[dev_name]
    fold = np.random.default_rng(0).permutation(m.shape[1]) % 5
    held = np.empty((m.shape[1], 2))
    chosen = []
    for f in range(5):
        best = int(np.argmax(objective(m[:, fold != f])))
        chosen.append(WEIGHTS[best])
        held[fold == f] = m[best][fold == f]
    print(f"\nheld out, 5-fold by need on {dev_name}: w chosen {chosen}: nDCG@10 {held[:, 0].mean():.3f}, "
          f"MRR {held[:, 1].mean():.3f} (w = 0: {m[0, :, 0].mean():.3f} / {m[0, :, 1].mean():.3f})")
    for a, b in ((dev_name, other), (other, dev_name)):
        best = int(np.argmax(objective(table[a])))
        got, base = table[b][best].mean(axis=0), table[b][0].mean(axis=0)
        print(f"leave-one-set-out: w = {WEIGHTS[best]} chosen on {a}; on {b}: nDCG@10 {got[0]:.3f}, MRR {got[1]:.3f} "
              f"(w = 0: {base[0]:.3f} / {base[1]:.3f})")
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
