"""Constants of the fusion, cross-validated: the context weight, the long-text threshold, the character
n-gram leg's own (n-gram range, sublinear term frequency, how it reads a need, its evidence) and the
description window.

* ``Weights.context`` (setting ``MEGLER_WEIGHT_CONTEXT``, 3.0): how much a document's context text counts
  in `megler link --context` (an ESCO concept's description beside a MELO label). Of the five sets of
  ``quality.py`` only the two MELO sets carry contexts, so leave-one-set-out chooses it on the one and
  scores it on the other.
* ``Weights.long_words`` (8): from how many words a document counts as having a description and gets the
  long-text weights (``dense_long`` / ``lexical_long``). It changes documents of the two need→offer sets.
* ``CharTfidf``'s ``ngram_range`` ((2, 5)) and ``sublinear_tf`` (True): how the n-gram leg (and its hub
  correction) reads texts. They change every set; each value refits the leg, the other legs stay.
* how the n-gram leg reads a need: without its constraint phrases (``matcher.topic.without_constraints``,
  shipped) or as written; it changes the two need sets (labels are read as written either way).
* the n-gram leg's evidence (``matcher.rank.lexical_evidence``): only overlap counts (max(z, 0), shipped)
  or the signed z-score, where sharing fewer n-grams than average pushes an offer down.
* the description window (``matcher.types.DESCRIPTION_WINDOW``, 600 characters): how much of an offer's description is
  embedded and read by the n-gram leg with its title. Only the shared catalog's offers have descriptions
  longer than the shortest value, so only need→offer changes: chosen by grouped 5-fold by need. Each value
  re-embeds the descriptions it cuts differently (about 1,100 texts; cached by text hash, so only the first
  run pays: about 11 min here for all values).

Per constant: every set's numbers at the shipped value against the value chosen on the other sets and
scored on the one left out (and grouped 5-fold by need on need→offer, over five fold seeds), then the
in-sample numbers of every value on the sets it changes. Every other setting is as shipped.

    python benchmarks/constants_cv.py
"""
from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cv import choice_report, config_scores, per_query  # noqa: E402,I001
from _eval import cached_encoder  # noqa: E402
from quality import SET_KEYS, compute_components, dev_items, load_sets, shipped_settings  # noqa: E402

from catalog.reference import builtin_register  # noqa: E402
from matcher.lexical import CharTfidf  # noqa: E402
from matcher.rank import BY_KIND, TextRelevance, Weights, corrected_z  # noqa: E402
from matcher.types import DESCRIPTION_WINDOW, passage_text  # noqa: E402


VALUES = {"context": (0.0, 1.0, 2.0, 3.0, 4.0, 6.0), "long_words": (4, 8, 12, 16, 24)}
LEXICAL = {"ngram_range": ((2, 5), (1, 5), (2, 4), (3, 5), (2, 6), (3, 6)), "sublinear_tf": (True, False)}
WINDOWS = (300, 450, 600, 900, 1200, 10**6)  # characters of the description; 10**6: the whole of it


def sweep(sets, shipped, values, scores: Callable) -> tuple[list, dict[str, np.ndarray]]:
    """The values with the shipped one first (it wins ties), and per set that a value changes, the
    (values, queries, 2) per-query table; ``scores(es, value)`` is a set's final scores at a value."""
    order = [shipped, *(v for v in values if v != shipped)]
    table = {}
    for es in sets:
        m = np.stack([per_query(es, scores(es, v)) for v in order])
        if not np.allclose(m, m[0]):
            table[es.name] = m
    return order, table


def weight_scores(cfg, weights: Weights, name: str) -> Callable:
    """Scores with the ``Weights`` field ``name`` at a value."""
    return lambda es, v: config_scores(es, cfg, dataclasses.replace(weights, **{name: v}))


def refit_lexical(es, cfg, weights: Weights, hubs, *, signed: bool = False, **relevance) -> np.ndarray:
    """A set's final scores with the n-gram leg refitted (its hub offsets on need sets too) with
    ``TextRelevance`` keyword arguments ``relevance`` and put in place of the shipped one; ``signed``: the
    leg's signed z-score as evidence instead of ``lexical_evidence`` (overlap only)."""
    lexical_only = dataclasses.replace(weights, dense=0, dense_long=0, title=0, fuzzy=0, phrase=0, context=0)
    rel = TextRelevance(None, lexical_only, symmetric=es.symmetric, hubs=hubs if es.needs else None,
                        **relevance).fit(es.docs, es.titles)
    leg = rel.components_batch(es.queries)
    if signed:
        leg["lexical"] = corrected_z(leg["raw_lexical"], rel.hub_offsets_.get("lexical"))
    varied = dataclasses.replace(es, comps={**es.comps, "lexical": leg["lexical"], "raw_lexical": leg["raw_lexical"]})
    return config_scores(varied, cfg, weights)


def lexical_scores(cfg, weights: Weights, hubs, name: str) -> Callable:
    """Scores with the ``CharTfidf`` option ``name`` at a value."""
    return lambda es, v: refit_lexical(es, cfg, weights, hubs, lexical_options={name: v})


def reading_scores(cfg, weights: Weights, hubs) -> Callable:
    """Scores with needs read without their constraint phrases (True, shipped) or as written (False)."""
    return lambda es, v: refit_lexical(es, cfg, weights, hubs, lexical_query=BY_KIND if v else None)


def evidence_scores(cfg, weights: Weights, hubs) -> Callable:
    """Scores with the n-gram leg's evidence: overlap only (False, shipped) or the signed z-score (True)."""
    return lambda es, v: refit_lexical(es, cfg, weights, hubs, signed=v)


def window_scores(cfg, weights: Weights, hubs, encoder, dev: str) -> Callable:
    """Scores with the description cut at a window: on need→offer, every offer's passage rebuilt and every
    leg recomputed (the embeddings, the n-gram leg and their hub corrections); other sets as they are."""
    offers = {o.offer_id: o for o in dev_items(builtin_register())[0]}

    def scores(es, v):
        if es.name != dev:
            return config_scores(es, cfg, weights)
        docs = [passage_text(offers[d].title, offers[d].description, v) for d in es.doc_ids]
        varied = dataclasses.replace(es, docs=docs)
        compute_components(varied, encoder, weights, hubs)
        return config_scores(varied, cfg, weights)
    return scores


def label(v) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if v == WINDOWS[-1]:
        return "whole"
    return "–".join(map(str, v)) if isinstance(v, tuple) else f"{v:g}"


def main() -> None:
    sh = shipped_settings()
    weights, cfg = sh.weights, sh.config
    encoder = cached_encoder(sh.settings)
    sets = load_sets(SET_KEYS, encoder, weights, sh.hubs)
    dev = sets[0].name
    sweeps = [(name, getattr(weights, name), values, weight_scores(cfg, weights, name))
              for name, values in VALUES.items()]
    sweeps += [(name, getattr(CharTfidf(), name), values, lexical_scores(cfg, weights, sh.hubs, name))
               for name, values in LEXICAL.items()]
    sweeps += [
        ("needs read without constraint phrases", True, (True, False), reading_scores(cfg, weights, sh.hubs)),
        ("signed n-gram evidence", False, (False, True), evidence_scores(cfg, weights, sh.hubs)),
        ("description window", DESCRIPTION_WINDOW, WINDOWS, window_scores(cfg, weights, sh.hubs, encoder, dev)),
    ]
    for name, shipped, values, scores in sweeps:
        order, table = sweep(sets, shipped, values, scores)
        unchanged = [es.name for es in sets if es.name not in table]
        print(f"\n## {name} (shipped {label(order[0])}); unchanged on: {', '.join(unchanged) or 'none'}\n")
        if len(table) < 2 and dev not in table:
            print("fewer than two sets change with it: no leave-one-set-out")
        else:
            choice_report(table, [label(v) for v in order], dev, seeds=5)
        print(f"\n| {name} | " + " | ".join(table) + " |\n|---|" + "---|" * len(table))
        for i in sorted(range(len(order)), key=lambda i: order[i]):
            cells = [f"{m[i].mean(axis=0)[0]:.3f} / {m[i].mean(axis=0)[1]:.3f}" for m in table.values()]
            print(f"| {label(order[i])}{' (shipped)' if i == 0 else ''} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
