"""STYRK-08 suggestions for firms' needs (not job titles): two small judged sets of needs.

* **demo**: the demo needs that carry the broker's own STYRK code (``catalog/demo/needs.jsonl``, 18);
* **dev**: the 30 shared dev needs (``../shared/data/eval/dev_needs.jsonl``), judged for this project in
  ``benchmarks/judged/dev_needs_styrk.tsv`` (the occupations of the people to be trained; several codes
  where the text allows more than one reading, any of them right).

Neither set is used by the tagger. It compares what the tagger reads — the whole need text, or its
subject (``matcher.topic.topic_or_text``: constraint and request words out, occupation words kept) — with
the vocabulary of a fresh install (the STYRK names) and after ``megler reference import --job-titles``
(plus all of NAV's job titles), beside a char TF-IDF baseline. Reports top-1 / top-5 at 4 and 2 digits.

    python benchmarks/need_tagging.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _eval import SHARED, cached_encoder, judged_set  # noqa: E402
from tagger_quality import hits, register_with, tagger_ranked, tfidf_ranked  # noqa: E402

from api.code_service import tagger_labels  # noqa: E402
from catalog.config import get_settings  # noqa: E402
from catalog.reference import codes as C  # noqa: E402
from matcher.tagging import CodeTagger  # noqa: E402
from matcher.topic import topic_or_text  # noqa: E402

JUDGED = ROOT / "benchmarks" / "judged" / "dev_needs_styrk.tsv"


def demo_set() -> list[tuple[str, set[str]]]:
    lines = (ROOT / "catalog/demo/needs.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [(r["text"], set(C.split_codes(str(r["styrk"])))) for r in rows if r.get("styrk")]


def dev_set() -> list[tuple[str, set[str]]]:
    texts = {r["id"]: r["text"] for r in map(json.loads, (SHARED / "eval/dev_needs.jsonl").read_text(
        encoding="utf-8").splitlines()) if r}
    out = []
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            need_id, codes, _ = line.split("\t")
            out.append((texts[need_id], set(codes.split(","))))
    return out


def scores(ranked: dict[int, list[list[str]]], gold: list[set[str]]) -> str:
    g2 = [{c[:2] for c in g} for g in gold]
    (a, b), (c, d) = hits(ranked[4], gold), hits(ranked[2], g2)
    n = len(gold)
    return f"{a / n:.2f} | {b / n:.2f} | {c / n:.2f} | {d / n:.2f}"


def main() -> None:
    st = get_settings()
    encoder = cached_encoder(st)
    styrk = SHARED / "taxonomies/styrk08.csv"
    titles = judged_set()
    aliases = [(c, t) for t, cs in titles.items() for c in cs]
    vocabularies = {"names": register_with(styrk, []),
                    "names + NAV job titles": register_with(styrk, aliases)}
    sets = {"demo": demo_set(), "dev": dev_set()}
    print("| set | system | vocabulary | reads | top-1@4 | top-5@4 | top-1@2 | top-5@2 |\n"
          "|---|---|---|---|---|---|---|---|")
    for vocab, register in vocabularies.items():
        labels = tagger_labels(register, C.STYRK)
        tagger = CodeTagger(encoder).fit(labels)
        for name, rows in sets.items():
            gold = [g for _, g in rows]
            whole = [t for t, _ in rows]
            for reads, texts in (("whole text", whole), ("subject", [topic_or_text(t) for t in whole])):
                ranked = tagger_ranked(tagger, texts, None)
                print(f"| {name} ({len(rows)}) | tagger | {vocab} | {reads} | {scores(ranked, gold)} |",
                      flush=True)
            print(f"| {name} ({len(rows)}) | char TF-IDF | {vocab} | whole text | "
                  f"{scores(tfidf_ranked(labels, [t for t, _ in rows]), gold)} |", flush=True)


if __name__ == "__main__":
    main()
