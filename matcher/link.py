"""Text-only linking of one corpus to another (job titles → occupation labels, needs → course titles).

The fused ``TextRelevance`` without rules, places or the database: read two tab-separated files
(``id<TAB>text``, as the MELO benchmark ships them), rank every document for every query, top-k.
Optionally a third file gives documents a context text (``doc_id<TAB>text``: a concept's
description), fused as the context leg. A line that cannot be read is reported (file, line, what
was found) and skipped; the rest of the file is used.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matcher.order import top_k
from matcher.rank import Calibration, TextRelevance, Weights


@dataclass(frozen=True)
class TsvProblem:
    path: str
    line: int
    found: str
    allowed: str = "id<TAB>text, both non-empty, each id once"

    def message(self) -> str:
        return f"{self.path}, line {self.line}: found {self.found}; allowed: {self.allowed}"


def read_tsv(path: str | Path) -> tuple[list[str], list[str], list[TsvProblem]]:
    """(ids, texts, problems) from an ``id<TAB>text`` file; blank lines are skipped silently."""
    p = Path(path)
    ids: list[str] = []
    texts: list[str] = []
    problems: list[TsvProblem] = []
    seen: set[str] = set()
    with p.open(encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if "\t" not in line:
                problems.append(TsvProblem(str(p), no, f"no tab in {line[:60]!r}"))
                continue
            key, text = (s.strip() for s in line.split("\t", 1))
            if not key or not text:
                problems.append(TsvProblem(str(p), no, "an empty id" if not key else f"an empty text for id {key!r}"))
                continue
            if key in seen:
                problems.append(TsvProblem(str(p), no, f"id {key!r} a second time (the first is kept)"))
                continue
            seen.add(key)
            ids.append(key)
            texts.append(text)
    return ids, texts, problems


@dataclass(frozen=True)
class Link:
    query_id: str
    results: list[tuple[str, float]]  # (document id, relevance in [0, 1]), best first


def link(query_ids: list[str], queries: list[str], doc_ids: list[str], docs: list[str], encoder, *,
         k: int = 100, symmetric: bool = True, contexts: list[str | None] | None = None,
         weights: Weights | None = None, calibration: Calibration | None = None,
         batch: int = 256) -> Iterator[Link]:
    """Rank ``docs`` for each query; yields one ``Link`` per query, in the queries' order.

    ``symmetric`` (default) encodes the documents on the query side as well: label-to-label linking.
    Queries go in batches of ``batch`` so memory stays at batch × documents per leg.
    """
    if not docs:
        raise ValueError("link: found 0 documents; allowed: at least 1")
    rel = TextRelevance(encoder, weights, calibration, symmetric=symmetric).fit(docs, contexts=contexts)
    for start in range(0, len(queries), batch):
        part = queries[start:start + batch]
        qv = encoder.encode_queries(part) if encoder is not None else None
        idx, vals = top_k(rel.score_batch(part, qv), k)
        for row, qid in enumerate(query_ids[start:start + batch]):
            yield Link(qid, [(doc_ids[j], float(v)) for j, v in zip(idx[row], vals[row], strict=True)])
