"""How strongly should the broker's rules count? The rule factors' strength, chosen by cross-validation.

Each rule (level, size, distance, delivery, start, language) multiplies an offer's score by a factor
(``matcher.rules``: 1 passes, below 1 a penalty, ``FAIL_FACTOR`` a fail). Their numbers were set by
hand. Rather than tune each one on 30 needs, this asks one question of them all: raised to a power
``gamma`` (0 = rules off, 1 = as shipped, 2 = twice as strong in log terms), which strength ranks best?
Only the need→offer set has rules, so the protocol is **grouped 5-fold by need**: gamma is chosen on
the other folds' needs and scored on the fold left out. Every other setting is as shipped.

    python benchmarks/rules_cv.py
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _cv import config_scores, grouped_kfold, per_query  # noqa: E402,I001
from _eval import SHARED, cached_encoder  # noqa: E402
from quality import compute_components, load_dev, settings_config  # noqa: E402

from catalog.config import get_settings  # noqa: E402
from catalog.reference import builtin_register  # noqa: E402
from matcher.hubness import HubCorrection  # noqa: E402
from matcher.rank import Calibration, Weights  # noqa: E402

GAMMAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


def main() -> None:
    if not SHARED.is_dir():
        sys.exit(f"needs the shared data at {SHARED}")
    st = get_settings()
    weights, calibration = Weights.from_settings(st), Calibration.from_settings(st)
    hubs = HubCorrection.from_settings(st)
    cfg = dataclasses.replace(settings_config(weights, calibration, hubs), rules=False)
    encoder = cached_encoder(st)
    es = load_dev(builtin_register())
    compute_components(es, encoder, weights, hubs)
    text = config_scores(es, cfg, weights)
    factors = es.rule_factors.astype(np.float64)
    table = np.stack([per_query(es, (text * factors ** g).astype(np.float32)) for g in GAMMAS])
    kf = grouped_kfold(table)
    print(f"{es.name}: {len(es.queries)} needs; rule factors below 1 in {np.mean(factors < 1):.0%} "
          "of pairs\n")
    print("| rule strength gamma | nDCG@10 | MRR |\n|---|---|---|")
    for g, m in zip(GAMMAS, table.mean(axis=1), strict=True):
        note = " (shipped)" if g == 1.0 else " (rules off)" if g == 0 else ""
        print(f"| {g:g}{note} | {m[0]:.3f} | {m[1]:.3f} |")
    print(f"| **chosen by 5-fold by need (held out)** | {kf['nDCG@10']:.3f} | {kf['MRR']:.3f} |")
    print(f"\ngamma chosen per fold: {[GAMMAS[i] for i in kf['chosen']]}")


if __name__ == "__main__":
    main()
