"""The calibration constants, cross-validated: how fused evidence becomes a relevance in [0, 1].

``matcher.rank.Calibration`` maps the fused z-score to a relative part, sigmoid((z - z_mid) / z_scale),
and the raw similarities to an absolute part, max(sigmoid((cos - dense_mid) / dense_scale),
1 - exp(-lexical_cos / lexical_scale)); relevance = relative^0.7 × absolute^0.3. ``benchmarks/quality.py``
cross-validates the absolute weight (0.3 or 0); this script varies the constants inside the two parts,
with every other setting as shipped, on the five sets of ``quality.py`` (session 11: NAV's job titles
under STYRK-08 added):

* **leave-one-set-out**: the constants with the best mean (MRR + nDCG@10) / 2 on the other four sets,
  scored on the one left out;
* **grouped 5-fold by need** within need→offer.

The constants also give the coverage thresholds their meaning (covered at 0.60, partly at 0.45), so a
change would have to win clearly here before it is worth moving those.

    python benchmarks/calibration_cv.py
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

from _cv import choice_report, config_scores, per_query  # noqa: E402,I001
from _eval import cached_encoder  # noqa: E402
from quality import SET_KEYS, load_sets, shipped_settings  # noqa: E402


GRID = {"z_mid": (1.5, 2.5, 3.5), "z_scale": (0.5, 1.0, 2.0), "dense_scale": (0.01, 0.02, 0.04),
        "lexical_scale": (0.15, 0.3, 0.6)}


def main() -> None:
    sh = shipped_settings()
    weights, shipped, cfg = sh.weights, sh.calibration, sh.config
    sets = load_sets(SET_KEYS, cached_encoder(sh.settings), weights, sh.hubs)
    base = {k: getattr(shipped, k) if getattr(shipped, k) is not None else 0.02 for k in GRID}
    grid = [dict(zip(GRID, v, strict=True)) for v in itertools.product(*GRID.values())]
    grid = [base] + [g for g in grid if g != base]  # the shipped constants win ties
    t = time.perf_counter()
    calibrations = [dataclasses.replace(shipped, **g) for g in grid]
    table = {es.name: np.stack([per_query(es, config_scores(es, cfg, weights, c)) for c in calibrations])
             for es in sets}
    print(f"{len(grid)} calibrations × {len(sets)} sets in {time.perf_counter() - t:.0f} s; shipped {base}\n")
    choice_report(table, [" ".join(f"{k}={v:g}" for k, v in g.items()) for g in grid], sets[0].name)


if __name__ == "__main__":
    main()
