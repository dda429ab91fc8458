"""How well does the tagger suggest STYRK-08 occupations? Judged set: NAV's job titles under their codes.

The judged set is every job title (``yrkesbetegnelse``) NAV lists under a STYRK-08 code in
``../shared/data/demand/nav_arbeidssokere_yrke_2002plus.csv`` (years 2012–2017, ISCO-08 coding;
code 0000 "uoppgitt" left out): about 4,700 distinct titles. The titles are split into five folds
**grouped by head word** (the first word without its bracket: "Sykepleier (operasjon)" and
"Sykepleier" fall in one fold), so a title is never judged while a near copy of it is in the
tagger's vocabulary. Two vocabularies:

* ``names``: the STYRK-08 names only (what a fresh install has);
* ``names + job titles``: plus the job titles of the *other* four folds as aliases (what an install
  has after ``megler reference import --job-titles``), held out fold by fold.

Systems: the tagger (``matcher.tagging.CodeTagger``: the ranker's text legs, label voting) and a plain
char TF-IDF baseline (char_wb 2–5, cosine, best label per code). The tagger's vote size ``k`` and
temperature ``tau`` are chosen by nested cross-validation (inner folds inside the four training folds)
and every figure is reported on the held-out fold. Reports top-1 / top-5 accuracy at the 4-digit and
2-digit levels (a 2-digit suggestion pools the votes of its occupations).

    python benchmarks/tagger_quality.py [--save] [--split title]
    python benchmarks/tagger_quality.py --speed     # suggestion speed only (names; names + all job titles)
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _eval import RESULTS, SHARED, cached_encoder, judged_set  # noqa: E402

from api.code_service import tagger_labels  # noqa: E402
from catalog.config import get_settings  # noqa: E402
from catalog.reference import codes as C  # noqa: E402
from matcher.lexical import CharTfidf  # noqa: E402
from matcher.tagging import VOTE_K, VOTE_TAU, CodeTagger  # noqa: E402

FOLDS = 5
GRID = [{"k": k, "tau": t} for k, t in itertools.product((1, 10, 20, 40, 80, 160), (0.05, 0.1, 0.2))]
LEVELS = (4, 2)


def head(title: str) -> str:
    return re.sub(r"\(.*", "", title).strip().lower().split(" ")[0]


def fold_of(title: str, split: str = "head") -> int:
    key = head(title) if split == "head" else title
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % FOLDS


def register_with(styrk: Path, aliases: list[tuple[str, str]]) -> C.CodeRegister:
    reg = C.CodeRegister()
    entries, digest = C.read_klass(styrk, C.STYRK)
    reg.add_version(C.STYRK, "2008", entries, digest)
    reg.add_aliases(C.STYRK, aliases)
    return reg


def hits(ranked: list[list[str]], gold: list[set[str]]) -> tuple[int, int]:
    top1 = sum(bool(r) and r[0] in g for r, g in zip(ranked, gold, strict=True))
    top5 = sum(bool(g & set(r[:5])) for r, g in zip(ranked, gold, strict=True))
    return top1, top5


def tagger_suggestions(tagger: CodeTagger, titles: list[str], vectors: np.ndarray | None,
                       scores: np.ndarray | None = None) -> dict[int, list]:
    s = tagger.scores(titles, vectors) if scores is None else scores
    return {lvl: tagger.suggest(titles, scores=s, top=5, group=None if lvl == 4 else (lambda c: c[:2]))
            for lvl in LEVELS}


def tagger_ranked(tagger: CodeTagger, titles: list[str], vectors: np.ndarray | None,
                  scores: np.ndarray | None = None) -> dict[int, list[list[str]]]:
    return {lvl: [[x.code for x in row] for row in rows]
            for lvl, rows in tagger_suggestions(tagger, titles, vectors, scores).items()}


def tfidf_ranked(labels: list[tuple[str, str]], titles: list[str]) -> dict[int, list[list[str]]]:
    sims = CharTfidf().fit([t for _, t in labels]).score(titles)
    out = {}
    for lvl in LEVELS:
        keys = sorted({c[:lvl] for c, _ in labels})
        index = {k: i for i, k in enumerate(keys)}
        best = np.full((len(titles), len(keys)), -1.0)
        for j, (c, _) in enumerate(labels):
            col = index[c[:lvl]]
            best[:, col] = np.maximum(best[:, col], sims[:, j])
        order = np.lexsort((np.broadcast_to(np.arange(len(keys)), best.shape), -best), axis=1)[:, :5]
        out[lvl] = [[keys[j] for j in row] for row in order]
    return out


def suggestion_speed(tagger: CodeTagger, titles: list[str], vec_of: dict) -> dict:
    """Wall time of suggestions with the query vectors given (the cache's case): one title, and 1,000."""
    one = []
    for t in titles[:50]:
        start = time.perf_counter()
        tagger.suggest([t], query_vectors=vec_of[t][None, :])
        one.append(time.perf_counter() - start)
    batch = titles[:1000]
    start = time.perf_counter()
    tagger.suggest(batch, query_vectors=np.stack([vec_of[t] for t in batch]))
    return {"labels": len(tagger.codes_), "one_ms": 1000 * float(np.median(one)),
            "batch_s": time.perf_counter() - start}


def objective(ranked: dict[int, list[list[str]]], gold: list[set[str]]) -> float:
    """Mean of the two goal figures: top-5 at 4 digits and top-1 at 2 digits."""
    g2 = [{c[:2] for c in g} for g in gold]
    return (hits(ranked[4], gold)[1] + hits(ranked[2], g2)[0]) / (2 * max(len(gold), 1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--save", action="store_true", help="write benchmarks/results/tagger_quality_<split>.json")
    ap.add_argument("--split", choices=("head", "title"), default="head",
                    help="folds grouped by head word (default) or by title alone (near copies may share a fold "
                         "boundary: an easier protocol)")
    ap.add_argument("--speed", action="store_true", help="only the suggestion speed, for both vocabularies")
    args = ap.parse_args()
    titles_csv = SHARED / "demand/nav_arbeidssokere_yrke_2002plus.csv"
    styrk = SHARED / "taxonomies/styrk08.csv"
    if not titles_csv.exists():
        sys.exit(f"needs the shared data at {SHARED}")
    t0 = time.perf_counter()
    judged = judged_set(titles_csv)
    titles = list(judged)
    fold = np.array([fold_of(t, args.split) for t in titles])
    settings = get_settings()
    encoder = cached_encoder(settings)
    title_vectors = encoder.encode_queries(titles)
    vec_of = dict(zip(titles, title_vectors, strict=True))
    print(f"judged set: {len(titles)} job titles under {len({c for g in judged.values() for c in g})} STYRK codes, "
          f"{FOLDS} folds by {'head word' if args.split == 'head' else 'title'} "
          f"({time.perf_counter() - t0:.0f} s to load and encode)")

    def labels_for(train: list[str], with_titles: bool) -> list[tuple[str, str]]:
        aliases = [(c, t) for t in train for c in sorted(judged[t])] if with_titles else []
        return tagger_labels(register_with(styrk, aliases), C.STYRK)

    def fitted(labels: list[tuple[str, str]]) -> CodeTagger:
        return CodeTagger(encoder).fit(labels)

    if args.speed:
        for with_titles in (False, True):
            speed = suggestion_speed(fitted(labels_for(titles, with_titles)), titles, vec_of)
            print(f"speed, {speed['labels']} labels: one title p50 {speed['one_ms']:.1f} ms (text vector cached), "
                  f"1,000 titles {speed['batch_s']:.2f} s")
        return

    def best_knobs(train_idx: np.ndarray, with_titles: bool) -> dict:
        """Choose k and tau on the training folds alone (inner folds)."""
        inner = sorted(set(fold[train_idx]))
        totals = np.zeros(len(GRID))
        for f in inner:
            tr = [titles[i] for i in train_idx if fold[i] != f]
            te = [titles[i] for i in train_idx if fold[i] == f]
            tagger = fitted(labels_for(tr, with_titles))
            scores = tagger.scores(te, np.stack([vec_of[t] for t in te]))
            for gi, knobs in enumerate(GRID):
                tagger.k, tagger.tau = knobs["k"], knobs["tau"]
                totals[gi] += objective(tagger_ranked(tagger, te, None, scores), [judged[t] for t in te]) * len(te)
        return GRID[int(np.argmax(totals))]

    report: dict[str, dict] = {}
    for with_titles in (False, True):
        vocab = "names + job titles" if with_titles else "names"
        counts = {name: defaultdict(int) for name in ("tagger", "tagger, defaults", "tf-idf")}
        sure = defaultdict(int)  # the tagger's first suggestions at or above the statistics threshold
        chosen = []
        for f in range(FOLDS):
            train_idx = np.flatnonzero(fold != f)
            test = [titles[i] for i in np.flatnonzero(fold == f)]
            train = [titles[i] for i in train_idx]
            gold = [judged[t] for t in test]
            knobs = best_knobs(train_idx, with_titles)
            chosen.append(knobs)
            labels = labels_for(train, with_titles)
            tagger = fitted(labels)
            tagger.k, tagger.tau = knobs["k"], knobs["tau"]
            found = tagger_suggestions(tagger, test, np.stack([vec_of[t] for t in test]))
            for lvl in LEVELS:
                for row, g in zip(found[lvl], gold, strict=True):
                    if row and row[0].confidence >= settings.code_min_confidence:
                        sure[f"n@{lvl}"] += 1
                        sure[f"right@{lvl}"] += row[0].code in {c[:lvl] for c in g}
            tagged = {lvl: [[x.code for x in row] for row in rows] for lvl, rows in found.items()}
            tagger.k, tagger.tau = VOTE_K, VOTE_TAU  # the shipped knobs, for the record
            defaults = tagger_ranked(tagger, test, np.stack([vec_of[t] for t in test]))
            for name, ranked in (("tagger", tagged), ("tagger, defaults", defaults),
                                 ("tf-idf", tfidf_ranked(labels, test))):
                for lvl in LEVELS:
                    g = gold if lvl == 4 else [{c[:2] for c in x} for x in gold]
                    t1, t5 = hits(ranked[lvl], g)
                    counts[name][f"top1@{lvl}"] += t1
                    counts[name][f"top5@{lvl}"] += t5
        for name, c in counts.items():
            row = {k: round(v / len(titles), 3) for k, v in sorted(c.items())}
            if name == "tagger":
                row["knobs per fold"] = chosen
                for lvl in LEVELS:  # what statistics count: suggestions at or above MEGLER_CODE_MIN_CONFIDENCE
                    row[f"confident share@{lvl}"] = round(sure[f"n@{lvl}"] / len(titles), 3)
                    row[f"confident precision@{lvl}"] = round(sure[f"right@{lvl}"] / max(sure[f"n@{lvl}"], 1), 3)
            report[f"{name} | {vocab}"] = row
    print(f"\nheld-out accuracy ({FOLDS} folds by {args.split}; knobs chosen inside the training folds)")
    print(f"('tagger, defaults': k={VOTE_K}, tau={VOTE_TAU} as shipped, not chosen per fold)")
    print(f"{'system | vocabulary':<40}{'top-1@4':>9}{'top-5@4':>9}{'top-1@2':>9}{'top-5@2':>9}")
    for key, row in report.items():
        print(f"{key:<40}{row['top1@4']:>9.3f}{row['top5@4']:>9.3f}{row['top1@2']:>9.3f}{row['top5@2']:>9.3f}")
    for key, row in report.items():
        if "knobs per fold" in row:
            print(f"{key}: k, tau per fold: {[(k['k'], k['tau']) for k in row['knobs per fold']]}")
            print(f"  first suggestion with confidence >= {settings.code_min_confidence} (counted in statistics): "
                  + ", ".join(f"{lvl} digits: {row[f'confident share@{lvl}']:.0%} of titles, "
                              f"{row[f'confident precision@{lvl}']:.0%} right" for lvl in LEVELS))
    print(f"\n{time.perf_counter() - t0:.0f} s")
    if args.save:
        (RESULTS / f"tagger_quality_{args.split}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
