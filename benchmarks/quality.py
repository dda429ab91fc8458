"""Matching quality on the development sets in ../shared/data/eval: held-out numbers first.

Sets: the need→offer set (graded judgments over the real catalog, with the broker's rules), the
30-pair Norwegian set with little word overlap, the MELO Swedish and Danish occupation-label linking
sets (text only), and a Norwegian set in MELO's shape built from NAV's job titles under their STYRK-08
codes (``load_nav_styrk``). The label sets are also run through the `megler match` path.

The headline table is **held out** (``benchmarks/_cv.py``): every score-changing setting (fusion weights,
hub correction, absolute weight, phrase weight, rule factors) is chosen on the other sets
(leave-one-set-out) or, within the need→offer set, on the other needs (grouped 5-fold by need), and
scored on what was left out. Beside it: the in-sample numbers of the current settings and every single
leg. Then the ablation: the same cross-validation with each knob fixed at its simple value. Last, the
detailed in-sample table (word BM25 and reciprocal-rank fusion for comparison).

    python benchmarks/quality.py [--sets dev,no_overlap,melo_sv,melo_da,nav_styrk]
    python benchmarks/quality.py --sets melo:PATH/TO/ANOTHER/MELO/SUBSET

On the MELO sets each corpus element gets its ESCO concept's English description (through the
subset's concept_mapping.tsv and ../shared/data/taxonomies/esco_occupations_en.csv) as a context
leg; the table also shows the fusion on the labels alone.

Embeddings are cached in benchmarks/results/embeddings.db (by model and text hash), so only the
first run encodes.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cv import (  # noqa: E402,I001
    OBJECTIVE, Config, ablation, config_scores, grid, grouped_kfold, leave_one_set_out, metric_table, per_query,
    shippable,
)
from _eval import SHARED, cached_encoder, concept_descriptions, evaluate, judged_set, read_qrels  # noqa: E402

from catalog.config import get_settings  # noqa: E402
from catalog.reference import builtin_register, codes  # noqa: E402
from matcher.convert import need_from_dict, offers_from_jsonl, read_jsonl  # noqa: E402
from matcher.hints import read_hints  # noqa: E402
from matcher.hubness import HubCorrection  # noqa: E402
from matcher.link import top_k  # noqa: E402
from matcher.rank import Calibration, Ranker, TextRelevance, Weights  # noqa: E402
from matcher.types import NeedQuery, OfferItem  # noqa: E402
from matcher.rules import RuleContext, apply_rules  # noqa: E402


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
    titled: np.ndarray | None = None  # documents whose text is more than their title (the title-vector leg)
    vectors: np.ndarray | None = None
    query_vectors: np.ndarray | None = None


def dev_items(register) -> tuple[list[OfferItem], list[NeedQuery]]:
    """The shared catalog's offers and the dev needs, as the matcher reads them."""
    offers = offers_from_jsonl(SHARED / "catalogs/offers.jsonl", register)
    return offers, [need_from_dict(r, register) for r in read_jsonl(SHARED / "eval/dev_needs.jsonl")]


def rule_factors(needs: list[NeedQuery], offers: list[OfferItem], **constants) -> np.ndarray:
    """(needs × offers) products of the rule factors, with ``RuleContext`` constants other than the
    shipped ones where given."""
    out = np.ones((len(needs), len(offers)))
    for qi, need in enumerate(needs):
        ctx = RuleContext(read_hints(need.text), **constants)
        out[qi] = [apply_rules(need, o, ctx)[0] for o in offers]
    return out


def load_dev(register, items: tuple[list[OfferItem], list[NeedQuery]] | None = None) -> EvalSet:
    """The need→offer set; ``items``: ``dev_items`` already read."""
    offers, needs = items or dev_items(register)
    factors = rule_factors(needs, offers).astype(np.float32)
    return EvalSet("need→offer (dev)", [n.need_id for n in needs], [n.text for n in needs],
                   [o.offer_id for o in offers], [o.passage() for o in offers], [o.title for o in offers],
                   read_qrels(SHARED / "eval/dev_qrels.tsv"), min_grade=2, rule_factors=factors, needs=True)


def load_no_overlap() -> EvalSet:
    d = json.loads((SHARED / "eval/no_overlap_30.json").read_text(encoding="utf-8"))
    docs = d["courses"]
    return EvalSet("no-overlap 30 (nb)", [n["id"] for n in d["needs"]], [n["text"] for n in d["needs"]],
                   [c["id"] for c in docs], [c["text"] for c in docs], [course_title(c["text"]) for c in docs],
                   {n["id"]: {n["id"]: 1} for n in d["needs"]}, needs=True)


def course_title(text: str) -> str:
    """The no-overlap courses are written "Title. Description."; the first sentence is the title."""
    return text.split(". ", 1)[0]


def load_nav_styrk() -> EvalSet:
    """A Norwegian occupation-linking set in MELO's shape, from the shared data: each job title NAV lists
    under a STYRK-08 code (``demand/nav_arbeidssokere_yrke_2002plus.csv``, ISCO-08 coding, as the tagger
    benchmark reads it) is a query, the 4-digit STYRK-08 names (``taxonomies/styrk08.csv``) are the
    documents, and a title's own code(s) are relevant. Text only, no context leg."""
    entries, _ = codes.read_klass(SHARED / "taxonomies/styrk08.csv", codes.STYRK)
    units = [e for e in entries if len(e.code) == 4]
    gold = judged_set()
    titles = list(gold)
    ids = [f"nav{i:04d}" for i in range(len(titles))]
    return EvalSet("NAV titles → STYRK (nb)", ids, titles, [e.code for e in units], [e.name for e in units],
                   [e.name for e in units],
                   {q: dict.fromkeys(gold[t], 1) for q, t in zip(ids, titles, strict=True)}, symmetric=True)


def load_melo(base: Path, label: str) -> EvalSet:
    """Any MELO-format subset folder (queries.tsv, corpus_elements.tsv, annotations.tsv, and
    concept_mapping.tsv for the ESCO descriptions used as context)."""

    def tsv(name):
        return [line.split("\t") for line in (base / name).read_text(encoding="utf-8").splitlines() if line]

    queries, corpus = tsv("queries.tsv"), tsv("corpus_elements.tsv")
    return EvalSet(label, [q[0] for q in queries], [q[1] for q in queries], [c[0] for c in corpus],
                   [c[1] for c in corpus], [c[1] for c in corpus], read_qrels(base / "annotations.tsv"),
                   symmetric=True, contexts=concept_descriptions(base, [c[0] for c in corpus]))


SET_KEYS = ("dev", "no_overlap", "melo_sv", "melo_da", "nav_styrk")  # the default sets, in report order


def load_sets(keys, encoder, weights: Weights, hubs: HubCorrection | None) -> list[EvalSet]:
    """The sets named by ``keys`` (``SET_KEYS``, or ``melo:PATH`` for any other MELO subset), each with
    its legs computed; a line per set on stderr."""
    register = builtin_register()
    loaders = {"dev": lambda: load_dev(register), "no_overlap": load_no_overlap,
               "melo_sv": lambda: load_melo(SHARED / "eval/melo/swe_q_sv_c_sv", "MELO Swedish"),
               "melo_da": lambda: load_melo(SHARED / "eval/melo/dnk_q_da_c_da", "MELO Danish"),
               "nav_styrk": load_nav_styrk}
    sets = []
    for key in keys:
        t = time.perf_counter()
        if key.startswith("melo:"):
            path = Path(key.removeprefix("melo:"))
            es = load_melo(path, f"MELO {path.name}")
        else:
            es = loaders[key]()
        compute_components(es, encoder, weights, hubs)
        sets.append(es)
        print(f"# {es.name}: {len(es.queries)} queries × {len(es.docs)} documents "
              f"({time.perf_counter() - t:.1f} s, {encoder.computed} texts encoded so far)", file=sys.stderr)
    return sets


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
    every_leg = dataclasses.replace(weights, dense=1, lexical=1, title=1, fuzzy=1, phrase=1, dense_title=1)
    set_hubs = hubs if es.needs else None
    rel = TextRelevance(encoder, every_leg, hubs=set_hubs).fit(es.docs, es.titles, es.vectors, contexts=es.contexts)
    es.context_has = rel.context_has_
    es.titled = rel.titled_
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


def settings_config(weights: Weights, calibration: Calibration, hubs: HubCorrection | None) -> Config:
    return Config(weights.dense, weights.lexical, weights.dense_long, weights.lexical_long, hubs is not None,
                  calibration.absolute_weight, True, weights.phrase, weights.dense_title, weights.fuzzy, weights.title)


@dataclass(frozen=True)
class Shipped:
    """The settings as shipped (``MEGLER_*``), in the forms the benchmarks use."""

    settings: object
    weights: Weights
    calibration: Calibration
    hubs: HubCorrection | None

    @property
    def config(self) -> Config:
        return settings_config(self.weights, self.calibration, self.hubs)


def shipped_settings() -> Shipped:
    """Where every cross-validation script starts: the shared data checked (exits without it) and the
    shipped settings read."""
    if not SHARED.is_dir():
        sys.exit(f"needs the shared data at {SHARED}")
    st = get_settings()
    return Shipped(st, Weights.from_settings(st), Calibration.from_settings(st), HubCorrection.from_settings(st))


def fused(es: EvalSet, w: Weights, cfg: Config, *, plain: bool = False) -> np.ndarray:
    return config_scores(es, dataclasses.replace(cfg, hub=cfg.hub and not plain), w)


def methods(es: EvalSet, w: Weights, cfg: Config) -> dict[str, np.ndarray]:
    c = es.comps
    out = {
        "lexical only (char TF-IDF)": c["raw_lexical"], "dense only (e5-small)": c["raw_dense"],
        "fuzzy only (rapidfuzz)": c["raw_fuzzy"], "word BM25 (comparison)": c["bm25"],
        "RRF dense+lexical (comparison)": rrf(c["raw_dense"], c["raw_lexical"]),
    }
    if "raw_context" in c:
        out["descriptions only (e5, English ESCO)"] = c["raw_context"]
        out["fused, labels only (comparison)"] = fused(es, dataclasses.replace(w, context=0.0), cfg)
    if es.comps_plain is not None:
        out["fused, no hub correction (comparison)"] = fused(es, w, cfg, plain=True)
    out["fused ranker"] = fused(es, w, cfg)
    return out


def match_path_run(es: EvalSet, encoder, settings, k: int = 100) -> dict[str, list[str]]:
    """Rank a label-linking set as `megler match` would after ingesting the labels as offers with a title
    only: the `Ranker` with the settings (passage-side offers, hub correction, rules), no context leg."""
    offers = [OfferItem(d, t) for d, t in zip(es.doc_ids, es.docs, strict=True)]
    ranker = Ranker(encoder, Weights.from_settings(settings), Calibration.from_settings(settings),
                    hubs=HubCorrection.from_settings(settings) or False)
    ranker.fit(offers, encoder.encode_passages(es.docs))
    needs = [NeedQuery(t, need_id=q) for q, t in zip(es.query_ids, es.queries, strict=True)]
    rankings = ranker.rank_many(needs, k, query_vectors=es.query_vectors)
    return {r.need.need_id: [x.offer.offer_id for x in r.results] for r in rankings}


SINGLE_LEGS = ("lexical only (char TF-IDF)", "dense only (e5-small)", "fuzzy only (rapidfuzz)")


def held_out_report(sets: list[EvalSet], weights: Weights, current: Config, save: Path | None = None) -> None:
    """The headline: held-out numbers of the fused ranker beside in-sample ones and every single leg."""
    configs = grid(current)
    t = time.perf_counter()
    table = metric_table(sets, configs, weights)
    if save is not None:  # for analysing other selections without recomputing (np.load(..., allow_pickle=False))
        legs = {f"leg:{es.name}:{name}": per_query(es, scores) for es in sets
                for name, scores in methods(es, weights, current).items() if name in SINGLE_LEGS}
        np.savez_compressed(save, configs=np.array([json.dumps(dataclasses.asdict(c)) for c in configs]),
                            **{f"set:{k}": v for k, v in table.items()}, **legs)
    print(f"\n## Held out ({len(configs)} configurations, {time.perf_counter() - t:.0f} s; chosen by {OBJECTIVE})\n")
    allowed = shippable(configs, current)
    loso = leave_one_set_out(table, allowed)
    dev = next((es.name for es in sets if es.name.startswith("need→offer")), None)
    cur = configs.index(current)
    print("| set | fused, held out (leave-one-set-out) | fused, held out (5-fold by need) | fused, in-sample "
          "(settings) | best single leg | chosen when held out |\n|---|---|---|---|---|---|")
    for es in sets:
        m = table[es.name][cur].mean(axis=0)
        legs = {name: evaluate(ranked_ids(es, scores), es.qrels, es.min_grade) for name, scores in
                methods(es, weights, current).items() if name in SINGLE_LEGS}
        best_leg = max(legs, key=lambda k: legs[k]["MRR"])
        lo = loso.get(es.name)
        lo_cell = f"{lo['nDCG@10']:.3f} / {lo['MRR']:.3f}" if lo else "–"
        kf_cell = "–"
        if es.name == dev:
            kf = grouped_kfold(table[es.name], allowed=allowed)
            kf_cell = f"{kf['nDCG@10']:.3f} / {kf['MRR']:.3f}"
        print(f"| {es.name} | {lo_cell} | {kf_cell} | {m[0]:.3f} / {m[1]:.3f} | {best_leg.split(' (')[0]} "
              f"{legs[best_leg]['nDCG@10']:.3f} / {legs[best_leg]['MRR']:.3f} | "
              f"{configs[lo['config']].short() if lo else '–'} |")
    print("\n(cells: nDCG@10 / MRR)\n\n## Which knobs earn their keep (held out, mean over sets / dev folds)\n")
    print("| variant | leave-one-set-out MRR | nDCG@10 | dev 5-fold MRR | nDCG@10 |\n|---|---|---|---|---|")
    for r in ablation(table, configs, dev, allowed, current):
        print(f"| {r['variant']} | {r['loso_MRR']:.3f} | {r['loso_nDCG']:.3f} | {r.get('kfold_MRR', float('nan')):.3f} "
              f"| {r.get('kfold_nDCG', float('nan')):.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=",".join(SET_KEYS))
    ap.add_argument("--save", type=Path, help="Write the per-query metric table of every configuration (.npz)")
    args = ap.parse_args()
    sh = shipped_settings()
    settings, weights, hubs, current = sh.settings, sh.weights, sh.hubs, sh.config
    encoder = cached_encoder(settings)
    sets = load_sets(args.sets.split(","), encoder, weights, hubs)
    print(f"\nsettings: {current.short()}; hub bank {len(hubs.texts) if hubs else 0} needs")
    held_out_report(sets, weights, current, args.save)
    print("\n## In-sample, current settings\n\n| set | method | nDCG@10 | MRR | Recall@20 |\n|---|---|---|---|---|")
    for es in sets:
        for name, scores in methods(es, weights, current).items():
            m = evaluate(ranked_ids(es, scores), es.qrels, es.min_grade)
            print(f"| {es.name} | {name} | {m['nDCG@10']:.3f} | {m['MRR']:.3f} | {m['Recall@20']:.3f} |")
        if es.symmetric:  # label linking: the same set through the `megler match` path as well
            m = evaluate(match_path_run(es, encoder, settings), es.qrels, es.min_grade)
            print(f"| {es.name} | through `megler match` (labels as title-only offers, no context) | "
                  f"{m['nDCG@10']:.3f} | {m['MRR']:.3f} | {m['Recall@20']:.3f} |")


if __name__ == "__main__":
    main()
