"""How strongly should the broker's rules count? The rule factors' strength, chosen by cross-validation.

Each rule (level, size, distance, delivery, start, language) multiplies an offer's score by a factor
(``matcher.rules``: 1 passes, below 1 a penalty, ``FAIL_FACTOR`` a fail). Their numbers were set by
hand. Rather than tune each one on 30 needs, this asks one question of them all: raised to a power
``gamma`` (0 = rules off, 1 = as shipped, 2 = twice as strong in log terms), which strength ranks best?
Only the need→offer set has rules, so the protocol is **grouped 5-fold by need**: gamma is chosen on
the other folds' needs and scored on the fold left out. Every other setting is as shipped.

Then each soft penalty (``matcher.rules.SOFT``: a constraint read from the text, a whole degree, the
distance decay, ...) on its own: the set with that penalty switched off (factor 1) in-sample, and held
out, where the 5-fold choice between on and off is made on the other folds' needs. The hard fails on
constraints the need states in its fields are not in question: the judges cap such offers too.

Then the distance decay (the penalty most pairs meet): its floor swept, the needs it moves, and its
distance scale swept at the shipped floor. Last, the rules' other constants (``RuleContext``: the road
factor, the local radius, the share of the km that counts for samlingsbasert and hybrid offers, and the
factor of a constraint the offer's record cannot be checked against), each swept with the others as
shipped, the same way.

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
from _eval import cached_encoder, scored_queries  # noqa: E402
from quality import compute_components, dev_items, load_dev, rule_factors, shipped_settings  # noqa: E402

from catalog.reference import builtin_register  # noqa: E402
from matcher.hints import read_hints  # noqa: E402
from matcher.rules import SOFT, RuleContext, apply_rules  # noqa: E402

GAMMAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FLOORS = (0.3, 0.45, 0.6, 0.75, 0.9, 1.0)
SCALES = (50.0, 100.0, 150.0, 250.0, 400.0)
CONTEXT_CONSTANTS = {"road_factor": (1.0, 1.15, 1.3, 1.5), "local_km": (0.0, 20.0, 40.0, 60.0, 100.0),
                     "gatherings_share": (0.2, 0.35, 0.5, 0.75, 1.0), "unknown_factor": (0.8, 0.9, 0.97, 1.0)}


def soft_factors(needs, offers) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The dev set's rule factors split in two: (needs × offers) of everything but the soft penalties, and
    per ``SOFT`` name the product of that penalty's factors (1 where it does not apply)."""
    rest = np.ones((len(needs), len(offers)))
    soft = {name: np.ones_like(rest) for name in SOFT}
    for qi, need in enumerate(needs):
        ctx = RuleContext(read_hints(need.text))
        for di, offer in enumerate(offers):
            for r in apply_rules(need, offer, ctx)[1]:
                if r.penalty is None:
                    rest[qi, di] *= r.factor
                else:
                    soft[r.penalty][qi, di] *= r.factor
    return rest, soft


def soft_report(es, text: np.ndarray, rest: np.ndarray, soft: dict[str, np.ndarray]) -> None:
    if not np.allclose(rest * np.prod(list(soft.values()), axis=0), es.rule_factors, atol=1e-5):
        raise SystemExit("the split rule factors do not multiply back to the set's factors")

    def without(*names: str) -> np.ndarray:
        f = rest * np.prod([v for k, v in soft.items() if k not in names], axis=0)
        return per_query(es, (text * f).astype(np.float32))

    shipped = without()
    print("\n| soft penalty (factor) | pairs / needs it applies to | off, in-sample | on or off by 5-fold "
          "(held out) | folds choosing off |\n|---|---|---|---|---|")
    s = shipped.mean(axis=0)
    print(f"| none off (shipped) | – | {s[0]:.3f} / {s[1]:.3f} | – | – |")
    for name, value in SOFT.items():
        hit = soft[name] < 1
        off = without(name)
        kf = grouped_kfold(np.stack([shipped, off]))
        m = off.mean(axis=0)
        print(f"| {name} ({value:g}) | {int(hit.sum())} / {int(hit.any(axis=1).sum())} | "
              f"{m[0]:.3f} / {m[1]:.3f} | {kf['nDCG@10']:.3f} / {kf['MRR']:.3f} | {sum(kf['chosen'])} of 5 |")
    m = without(*SOFT).mean(axis=0)
    print(f"| all soft penalties off | – | {m[0]:.3f} / {m[1]:.3f} | – | – |")


def sweep_report(label: str, plural: str, values: list[float], table: np.ndarray, notes: dict[float, str]) -> None:
    """In-sample nDCG@10 / MRR of each value (``table``: values × queries × 2, the shipped value first, so it
    wins ties), then the value chosen by 5-fold by need over five fold seeds, held out (the range)."""
    runs = [grouped_kfold(table, seed=seed) for seed in range(5)]
    print(f"\n| {label} | nDCG@10 | MRR |\n|---|---|---|")
    for i in np.argsort(values):
        m = table[i].mean(axis=0)
        print(f"| {values[i]:g}{notes.get(values[i], '')} | {m[0]:.3f} | {m[1]:.3f} |")
    n, r = [k["nDCG@10"] for k in runs], [k["MRR"] for k in runs]
    print(f"| **chosen by 5-fold by need, five fold seeds (held out)** | {min(n):.3f}–{max(n):.3f} | "
          f"{min(r):.3f}–{max(r):.3f} |")
    print(f"\n{plural} chosen: {sorted({values[i] for k in runs for i in k['chosen']})}")


def distance_report(es, text: np.ndarray, rest: np.ndarray, soft: dict[str, np.ndarray]) -> None:
    """The far end of the distance decay, factor = floor + (1 − floor) · exp(−km / scale): each floor in
    ``FLOORS`` (1 = no decay) in-sample and chosen by 5-fold by need over five fold seeds; then the needs
    whose nDCG@10 moves by 0.05 or more when the decay is off; then each distance scale in ``SCALES`` at the
    shipped floor, the same way."""
    shipped = SOFT["distance_floor"]
    decay = (soft["distance_floor"] - shipped) / (1 - shipped)  # exp(−km / scale); 1 where no decay applies
    others = rest * np.prod([v for k, v in soft.items() if k != "distance_floor"], axis=0)

    def scores(factor: np.ndarray) -> np.ndarray:
        return per_query(es, (text * others * factor).astype(np.float32))

    floors = [shipped, *(f for f in FLOORS if f != shipped)]  # the shipped floor first: it wins ties
    table = np.stack([scores(f + (1 - f) * decay) for f in floors])
    sweep_report("distance floor", "floors", floors, table, {shipped: " (shipped)", 1.0: " (no decay)"})
    scored = set(scored_queries(es.qrels, es.min_grade))
    delta = table[floors.index(1.0), :, 0] - table[0, :, 0]
    moved = sorted((d, q) for q, d in zip([q for q in es.query_ids if q in scored], delta, strict=True)
                   if abs(d) >= 0.05)
    print("nDCG@10 per need with the decay off (floor 1) against shipped: "
          + ", ".join(f"{q} {d:+.2f}" for d, q in moved))
    # the distance scale at the shipped floor: exp(−km / h) = decay^(scale / h); pairs within 40 km stay at 1
    scale = RuleContext.distance_scale_km
    scales = [scale, *(h for h in SCALES if h != scale)]
    table = np.stack([scores(shipped + (1 - shipped) * decay ** (scale / h)) for h in scales])
    sweep_report("distance scale km (floor as shipped)", "distance scales", scales, table, {scale: " (shipped)"})


def context_constants_report(es, text: np.ndarray, needs, offers) -> None:
    """Each ``RuleContext`` constant swept with the rest as shipped (the shipped value first)."""
    for name, values in CONTEXT_CONSTANTS.items():
        shipped = getattr(RuleContext, name)
        order = [shipped, *(v for v in values if v != shipped)]
        table = np.stack([per_query(es, (text * rule_factors(needs, offers, **{name: v})).astype(np.float32))
                          for v in order])
        sweep_report(f"{name} (the other constants as shipped)", f"{name} values", order, table,
                     {shipped: " (shipped)"})


def main() -> None:
    sh = shipped_settings()
    weights, cfg = sh.weights, dataclasses.replace(sh.config, rules=False)
    register = builtin_register()
    offers, needs = dev_items(register)
    es = load_dev(register, (offers, needs))
    compute_components(es, cached_encoder(sh.settings), weights, sh.hubs)
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
    rest, soft = soft_factors(needs, offers)
    soft_report(es, text, rest, soft)
    distance_report(es, text, rest, soft)
    context_constants_report(es, text, needs, offers)


if __name__ == "__main__":
    main()
