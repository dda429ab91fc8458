"""The held-out protocol behind the quality headline (benchmarks/_cv.py), against brute-force oracles on
planted tables: leave-one-set-out chooses on the other sets only, grouped K-fold never scores a need on a
configuration chosen with it, and the fixed settings (``FIXED``) bound the headline's choice."""
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import _cv  # noqa: E402

CURRENT = _cv.Config(dense=1.5, lexical=0.5, phrase=0.0, dense_title=0.2)


def _table(n_configs: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = {"a": 30, "b": 40, "c": 25}
    return {name: rng.random((n_configs, n_queries, 2)) for name, n_queries in sizes.items()}


def _objective(m: np.ndarray) -> np.ndarray:
    return np.array([np.mean([(q[0] + q[1]) / 2 for q in cfg]) for cfg in m])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_leave_one_set_out_chooses_on_the_other_sets_only(seed):
    table = _table(12, seed)
    allowed = np.arange(12) % 3 != 1
    got = _cv.leave_one_set_out(table, allowed)
    for held in table:
        score = np.mean([_objective(table[o]) for o in table if o != held], axis=0)
        best = max((i for i in range(12) if allowed[i]), key=lambda i: (score[i], -i))  # first best
        assert got[held]["config"] == best
        assert got[held]["nDCG@10"] == pytest.approx(table[held][best][:, 0].mean())
        assert got[held]["MRR"] == pytest.approx(table[held][best][:, 1].mean())


def test_changing_the_held_out_set_never_changes_what_is_chosen_for_it():
    table = _table(10)
    before = _cv.leave_one_set_out(table)["a"]["config"]
    table["a"] = np.random.default_rng(9).random(table["a"].shape)  # only the held-out set's scores change
    assert _cv.leave_one_set_out(table)["a"]["config"] == before


def test_grouped_kfold_scores_each_need_once_with_a_configuration_chosen_without_it():
    m = _table(8)["b"]
    out = _cv.grouped_kfold(m, folds=5, seed=3)
    fold = out["fold"]
    assert sorted(set(fold)) == list(range(5)) and len(fold) == m.shape[1]
    held = np.empty((m.shape[1], 2))
    for f, chosen in enumerate(out["chosen"]):
        train = fold != f
        assert chosen == int(np.argmax(_objective(m[:, train])))
        held[fold == f] = m[chosen][fold == f]
    assert out["nDCG@10"] == pytest.approx(held[:, 0].mean())
    assert out["MRR"] == pytest.approx(held[:, 1].mean())


def test_the_headline_keeps_the_fixed_settings_and_the_knob_table_lifts_each():
    configs = _cv.grid(CURRENT)
    ship = _cv.shippable(configs, CURRENT)
    assert ship.any() and not ship.all()
    keeps = np.array([c.absolute == CURRENT.absolute and c.phrase == CURRENT.phrase and c.fuzzy == CURRENT.fuzzy
                      and c.title == CURRENT.title for c in configs])
    assert (ship == keeps).all()
    table = _table(len(configs))
    rows = {r["variant"]: r for r in _cv.ablation(table, configs, "a", ship, CURRENT)}
    for name in _cv.FIXED:
        assert f"{name} free as well" in rows
    phrase_free = np.array([c.absolute == CURRENT.absolute and c.fuzzy == c.title == 0 for c in configs])
    loso = _cv.leave_one_set_out(table, phrase_free)
    expected = np.mean([v["MRR"] for v in loso.values()])
    assert rows["phrase leg free as well"]["loso_MRR"] == pytest.approx(expected)


def test_the_current_settings_come_first_and_win_ties():
    configs = _cv.grid(CURRENT)
    assert configs[0] == CURRENT and len(set(configs)) == len(configs)
    tied = {name: np.ones((len(configs), 5, 2)) for name in ("a", "b")}
    assert all(v["config"] == 0 for v in _cv.leave_one_set_out(tied).values())
    assert dataclasses.replace(CURRENT, hub=False) in configs  # each flag switched off is in the grid
