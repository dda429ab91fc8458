import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from matcher.demand import Cohort, DemandNeed, best_venue, cluster_vectors, cohorts, stable_id
from matcher.types import NeedQuery, OfferItem, Place
from tests.matcher.planted import planted_needs

LYNGEN = Place("5536", "Lyngen", 69.58, 20.22)
STORFJORD = Place("5538", "Storfjord", 69.27, 20.13)
TROMSO = Place("5501", "Tromsø", 69.65, 18.96)
OSLO = Place("0301", "Oslo", 59.97, 10.74)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_planted_clusters_are_recovered(encoder, seed):
    texts, labels = planted_needs(8, seed)
    groups = cluster_vectors(encoder.encode_queries(texts), threshold=0.1, min_size=1)
    predicted = np.arange(len(texts)) + 1000
    for ci, members in enumerate(groups):
        predicted[members] = ci
    assert adjusted_rand_score(labels, predicted) >= 0.9


def test_cluster_ids_are_stable_and_order_free():
    assert stable_id(["n2", "n1", "n3"]) == stable_id(["n3", "n1", "n2"]) != stable_id(["n1", "n2"])


def test_clustering_is_deterministic(encoder):
    texts, _ = planted_needs(6, 9)
    v = encoder.encode_queries(texts)
    assert cluster_vectors(v, threshold=0.1) == cluster_vectors(v.copy(), threshold=0.1)


def test_needs_that_resemble_nothing_are_not_forced_into_clusters():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((30, 384)).astype(np.float32)  # unrelated needs, embedding-sized
    assert cluster_vectors(v, threshold=0.1) == []


def _need(nid, place, participants, firm, km=None):
    return DemandNeed(NeedQuery("x", need_id=nid, place=place, participants=participants, max_distance_km=km),
                      company=firm)


def test_cohorts_pool_firms_within_range_hand_computed():
    offer = OfferItem("o", "Kurs", delivery=("campus",))
    needs = [_need("a", LYNGEN, 5, "A"), _need("b", STORFJORD, 4, "B"), _need("c", TROMSO, 4, "C"),
             _need("d", OSLO, 3, "D")]
    groups = cohorts(offer, needs, min_size=12, max_km=150)
    # Lyngen–Storfjord ≈ 46 km, Lyngen–Tromsø ≈ 64 km, Storfjord–Tromsø ≈ 80 km (× 1.3 road factor): all within 150
    assert groups[0] == Cohort("Lyngen", ["a", "b", "c"], 3, 13, True, pytest.approx(64.4, abs=1))
    assert groups[1].needs == ["d"] and not groups[1].viable
    # a firm's own distance limit is respected: with Tromsø limited to 20 km the class meets in Tromsø
    needs[2] = _need("c", TROMSO, 4, "C", km=20)
    assert (cohorts(offer, needs, min_size=12)[0].venue, cohorts(offer, needs, min_size=12)[0].needs) == \
        ("Tromsø", ["a", "b", "c"])
    # ... and with Lyngen limited too, Lyngen and Tromsø cannot share a class
    needs[0] = _need("a", LYNGEN, 5, "A", km=20)
    assert [g.needs for g in cohorts(offer, needs, min_size=12)] == [["a", "b"], ["c"], ["d"]]


def test_online_offers_pool_everyone():
    offer = OfferItem("o", "Kurs", delivery=("online",))
    [group] = cohorts(offer, [_need("a", LYNGEN, 5, "A"), _need("d", OSLO, 8, "D")], min_size=12)
    assert (group.venue, group.participants, group.viable) == ("nettbasert", 13, True)


def test_best_venue_minimises_weighted_travel():
    venue, mean_km = best_venue([(LYNGEN, 1), (STORFJORD, 1), (TROMSO, 10)])
    assert venue == TROMSO and mean_km < 20


def test_hnsw_neighbours_agree_with_exact_ones():
    pytest.importorskip("faiss")
    from matcher.demand import nearest_neighbours

    rng = np.random.default_rng(1)
    centres = rng.standard_normal((40, 384))
    v = (centres[rng.integers(0, 40, 3000)] + 1.1 * rng.standard_normal((3000, 384))).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    exact, _ = nearest_neighbours(v, 10, exact_limit=10**9)
    approx, sims = nearest_neighbours(v, 10, exact_limit=0)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)])
    assert recall >= 0.95
    assert np.all(approx != np.arange(3000)[:, None])  # never its own neighbour
    assert np.all(np.diff(sims, axis=1) <= 1e-6)  # best first


def test_large_runs_use_label_propagation_and_still_recover_topics():
    """Above the size switch (forced low here) the linear method recovers planted topics too."""
    rng = np.random.default_rng(2)
    centres = rng.standard_normal((30, 384))
    labels = rng.integers(0, 30, 600)
    v = (centres[labels] + 1.1 * rng.standard_normal((600, 384))).astype(np.float32)
    groups = cluster_vectors(v, threshold=0.1, min_size=1, large=100)
    predicted = np.arange(600) + 1000
    for ci, members in enumerate(groups):
        predicted[members] = ci
    assert adjusted_rand_score(labels, predicted) >= 0.9
