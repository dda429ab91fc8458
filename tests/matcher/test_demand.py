import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from catalog.config import Settings
from matcher.demand import (
    Cohort,
    DemandNeed,
    best_venue,
    cluster_vectors,
    cohorts,
    stable_id,
    subject_reference,
)
from matcher.neighbours import nearest_neighbours
from matcher.topic import subject_text
from matcher.types import NeedQuery, OfferItem, Place
from tests.matcher.planted import planted_needs

LYNGEN = Place("5536", "Lyngen", 69.58, 20.22)
STORFJORD = Place("5538", "Storfjord", 69.27, 20.13)
TROMSO = Place("5501", "Tromsø", 69.65, 18.96)
OSLO = Place("0301", "Oslo", 59.97, 10.74)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_planted_clusters_are_recovered(encoder, seed):
    texts, labels = planted_needs(8, seed)
    groups = cluster_vectors(encoder.encode_queries([subject_text(t) for t in texts]), min_size=1,
                             threshold=Settings().cluster_similarity, reference=subject_reference(encoder))
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
    assert cluster_vectors(v, threshold=Settings().cluster_similarity) == []  # random pairs: cosine sd 0.05


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
    venue, mean_km, _ = best_venue([(LYNGEN, 1), (STORFJORD, 1), (TROMSO, 10)])
    assert venue == TROMSO and mean_km < 20


def _topics(n: int, topics: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, 384))
    v = (centres[rng.integers(0, topics, n)] + 1.1 * rng.standard_normal((n, 384))).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_forest_neighbours_agree_with_exact_ones():
    v = _topics(3000, 40, 1)
    exact, exact_sims = nearest_neighbours(v, 10, exact_limit=10**9)
    approx, sims = nearest_neighbours(v, 10, exact_limit=0)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)])
    assert recall >= 0.95
    assert np.all(approx != np.arange(3000)[:, None])  # never its own neighbour
    assert all(len(set(row)) == 10 for row in approx)  # no neighbour twice
    np.testing.assert_allclose(sims, np.einsum("ij,ikj->ik", v, v[approx]), atol=1e-5)  # true similarities
    assert np.all(np.sort(sims, axis=1)[:, ::-1][:, 0] <= exact_sims.max(axis=1) + 1e-6)


def test_forest_is_deterministic_and_covers_every_vector_once():
    from matcher.neighbours import kmeans_leaves

    v = _topics(2000, 20, 3)
    a = nearest_neighbours(v, 8, exact_limit=0, seed=7)
    b = nearest_neighbours(v.copy(), 8, exact_limit=0, seed=7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    leaves = kmeans_leaves(v, leaf=128, branching=16, rng=np.random.default_rng(0))
    assert sorted(np.concatenate(leaves).tolist()) == list(range(2000))
    assert max(len(x) for x in leaves) <= 128


def test_prune_matches_the_plain_definition():
    """Incremental pruning equals recomputing every member's mean similarity after each removal."""
    from matcher.demand import prune

    v = _topics(60, 3, 5)

    def slow(members, cohesion):
        members = list(members)
        while len(members) > 1:
            s = v[members] @ v[members].T
            mean = (s.sum(axis=1) - np.diag(s)) / (len(members) - 1)
            worst = int(np.argmin(mean))
            if mean[worst] >= cohesion:
                break
            members.pop(worst)
        return members

    for cohesion in (0.0, 0.2, 0.35, 0.5, 0.9):
        assert prune(list(range(60)), v, cohesion) == slow(range(60), cohesion)


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
