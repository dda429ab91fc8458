"""The hub correction's inner numbers, chosen by cross-validation: strength, k and skip per leg.

``benchmarks/quality.py`` cross-validates the hub correction as a whole (on / off) with the fusion
weights; this script does the same for the numbers inside it — a strength, a k (nearest bank needs
averaged) and a skip (nearest bank needs left out) for each of the two legs — with every other setting as
shipped (``MEGLER_HUB_DENSE_ALPHA``, ``_DENSE_K``, ``_DENSE_SKIP``, ``_LEXICAL_ALPHA``, ``_LEXICAL_K``,
``_LEXICAL_SKIP``). A family table then asks which of them earn their keep. The correction applies to
the two sets whose queries are firms' needs (need→offer and no-overlap; MELO links labels and has none),
so the protocols are:

* **grouped 5-fold by need** within need→offer (the setting with the best mean (MRR + nDCG@10) / 2 on
  the other folds' needs, scored on the fold left out);
* **leave-one-set-out** between the two need sets (chosen on one, scored on the other).

Each row is held out; the shipped setting's own (fixed, so in-sample) numbers and the correction
switched off are the comparison rows. The legs are computed once; each setting is array arithmetic
(the same formula as ``matcher.rank.TextRelevance``), so the 1,440 settings take a few minutes.

    python benchmarks/hub_cv.py
"""
from __future__ import annotations

import dataclasses
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cv import Config, config_scores, grouped_kfold, leave_one_set_out, per_query  # noqa: E402,I001
from _eval import cached_encoder  # noqa: E402
from quality import load_dev, load_no_overlap, settings_config, shipped_settings  # noqa: E402

from catalog.reference import builtin_register  # noqa: E402
from matcher.hubness import HubCorrection, bank_vectors, top_k_mean  # noqa: E402
from matcher.rank import TextRelevance, Weights, corrected_z, lexical_evidence  # noqa: E402

GRID = {"dense_alpha": (0.0, 0.5, 1.0, 1.5, 2.0), "dense_k": (5, 10, 20, 40), "dense_skip": (0, 1, 2),
        "lexical_alpha": (0.0, 0.25, 0.5, 1.0), "lexical_k": (5, 10, 20), "lexical_skip": (0, 1)}


FAMILIES = {  # name → which settings it allows
    "all six knobs free": lambda h: True,
    "no skip (both 0)": lambda h: h["dense_skip"] == 0 and h["lexical_skip"] == 0,
    "strengths only, one k for both legs (20), no skip": lambda h: h["dense_k"] == h["lexical_k"] == 20
    and h["dense_skip"] == h["lexical_skip"] == 0,
    "strengths only, k 20 / 10 and skip 1 / 0 (as shipped)":
        lambda h: (h["dense_k"], h["lexical_k"], h["dense_skip"], h["lexical_skip"]) == (20, 10, 1, 0),
    "embeddings only (no n-gram correction)": lambda h: h["lexical_alpha"] == 0,
    "n-grams only (no embedding correction)": lambda h: h["dense_alpha"] == 0,
    "off": lambda h: h["dense_alpha"] == 0 and h["lexical_alpha"] == 0,
}


def bank_similarities(es, encoder, weights: Weights, hubs: HubCorrection) -> None:
    """Plain components of every leg, and each document's similarities to the bank (dense, lexical)."""
    es.vectors = encoder.encode_passages(es.docs)
    es.query_vectors = encoder.encode_queries(es.queries)
    every_leg = dataclasses.replace(weights, dense=1, lexical=1, title=1, fuzzy=1, phrase=1, dense_title=1)
    rel = TextRelevance(encoder, every_leg).fit(es.docs, es.titles, es.vectors)
    es.context_has = rel.context_has_
    es.titled = rel.titled_
    es.plain = rel.components_batch(es.queries, es.query_vectors)
    bank = bank_vectors(encoder, hubs.texts)
    es.bank_dense = es.vectors @ bank.T
    es.bank_dense_title = None if rel.title_vectors_ is None else rel.title_vectors_ @ bank.T
    es.bank_lexical = rel.lexical_.score(rel.lexical_queries(hubs.texts)).T  # read as the leg reads needs


def corrected(es, h: dict) -> dict[str, np.ndarray]:
    """The components with the hub correction ``h`` (as ``TextRelevance.components_batch`` computes them)."""
    comps = dict(es.plain)
    for leg, sims in (("dense", es.bank_dense), ("lexical", es.bank_lexical), ("dense_title", es.bank_dense_title)):
        if sims is None:
            continue
        raw = es.plain[f"raw_{leg}"]
        knob = "dense" if leg == "dense_title" else leg  # the title vectors are corrected as the dense leg is
        alpha = h[f"{knob}_alpha"]
        offset = alpha * top_k_mean(sims, h[f"{knob}_k"], skip=h[f"{knob}_skip"]) if alpha else None
        z = corrected_z(raw, offset)
        comps[leg] = lexical_evidence(z) if leg == "lexical" else z
    return comps


def main() -> None:
    sh = shipped_settings()
    st, weights = sh.settings, sh.weights
    hubs = sh.hubs or HubCorrection.builtin()
    shipped = {k: getattr(st, f"hub_{k}") for k in GRID}
    cfg: Config = settings_config(weights, sh.calibration, hubs)
    encoder = cached_encoder(st)
    sets = [load_dev(builtin_register()), load_no_overlap()]
    for es in sets:
        bank_similarities(es, encoder, weights, hubs)
    settings = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    settings = [shipped] + [s for s in settings if s != shipped]  # the shipped setting wins ties
    off = next(i for i, s in enumerate(settings) if not s["dense_alpha"] and not s["lexical_alpha"])
    t = time.perf_counter()
    table = {}
    for es in sets:
        rows = []
        for h in settings:
            es.comps, es.comps_plain = corrected(es, h), None
            rows.append(per_query(es, config_scores(es, cfg, weights)))
        table[es.name] = np.stack(rows)
    print(f"{len(settings)} hub settings × {len(sets)} sets in {time.perf_counter() - t:.0f} s; "
          f"fusion as shipped: {cfg.short()}\n")
    dev, other = sets[0].name, sets[1].name
    kf = grouped_kfold(table[dev])
    loso = leave_one_set_out(table)

    def cell(m: np.ndarray) -> str:
        mean = m.mean(axis=0)
        return f"{mean[0]:.3f} / {mean[1]:.3f}"

    print("| hub setting | need→offer, 5-fold by need | need→offer, chosen on no-overlap "
          "| no-overlap, chosen on need→offer |\n|---|---|---|---|")
    print(f"| chosen by cross-validation (held out) | {kf['nDCG@10']:.3f} / {kf['MRR']:.3f} | "
          f"{loso[dev]['nDCG@10']:.3f} / {loso[dev]['MRR']:.3f} | {loso[other]['nDCG@10']:.3f} / "
          f"{loso[other]['MRR']:.3f} |")
    print(f"| shipped {shipped} (fixed) | {cell(table[dev][0])} | {cell(table[dev][0])} "
          f"| {cell(table[other][0])} |")
    print(f"| off (fixed) | {cell(table[dev][off])} | {cell(table[dev][off])} | {cell(table[other][off])} |")
    print("\n(cells: nDCG@10 / MRR)\n")
    print("chosen in the 5 folds:", [settings[i] for i in kf["chosen"]])
    print("chosen on no-overlap (for need→offer):", settings[loso[dev]["config"]])
    print("chosen on need→offer (for no-overlap):", settings[loso[other]["config"]])
    both = np.mean([t_.mean(axis=1).mean(axis=1) for t_ in table.values()], axis=0)
    best = int(np.argmax(both))
    print(f"best on both sets together (in-sample): {settings[best]} {both[best]:.4f} "
          f"vs shipped {both[0]:.4f}")
    print("\nWhich inner knobs earn their keep: the same cross-validation over a smaller family of settings "
          "(mean of the three held-out cells, (nDCG@10 + MRR) / 2)\n")
    print("| family | settings | held out |\n|---|---|---|")
    for name, keep in FAMILIES.items():
        allowed = np.array([keep(h) for h in settings])
        kf_ = grouped_kfold(table[dev], allowed=allowed)
        lo = leave_one_set_out(table, allowed)
        cells = [(kf_["nDCG@10"] + kf_["MRR"]) / 2]
        cells += [(lo[n]["nDCG@10"] + lo[n]["MRR"]) / 2 for n in (dev, other)]
        print(f"| {name} | {int(allowed.sum())} | {np.mean(cells):.4f} |")


if __name__ == "__main__":
    main()
