"""The code tagger: label voting against a brute-force oracle, and suggestions with the real text model."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from api.code_service import tagger_labels
from catalog.reference import codes as C
from matcher.tagging import CodeTagger, vote


def brute_vote(scores, groups, n_groups, k, tau):
    out = []
    for row in scores:
        labels = sorted(range(len(row)), key=lambda j: (-row[j], j))[:k]
        totals = [0.0] * n_groups
        for j in labels:
            totals[groups[j]] += math.exp((row[j] - row[labels[0]]) / tau)
        share = [t / sum(totals) for t in totals]
        out.append(sorted(((g, s) for g, s in enumerate(share) if s > 0), key=lambda x: (-x[1], x[0])))
    return out


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 9)),
              elements=st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 2))),
       st.integers(1, 12), st.sampled_from([0.05, 0.1, 1.0]), st.randoms(use_true_random=False))
def test_vote_matches_a_brute_force_oracle(scores, k, tau, rnd):
    n_groups = 3
    groups = np.array([rnd.randrange(n_groups) for _ in range(scores.shape[1])])
    got = vote(scores, groups, n_groups, k=k, tau=tau, top=n_groups)
    want = brute_vote(scores, groups, n_groups, min(k, scores.shape[1]), tau)
    for g_row, w_row in zip(got, want, strict=True):
        assert [g for g, _ in g_row] == [g for g, _ in w_row]
        assert np.allclose([s for _, s in g_row], [s for _, s in w_row])
        assert math.isclose(sum(s for _, s in g_row), 1.0) and all(0 < s <= 1 for _, s in g_row)


def test_vote_rejects_bad_knobs_with_a_clear_error():
    with pytest.raises(ValueError, match="found k=0, tau=0.1; allowed: k ≥ 1 and tau > 0"):
        vote(np.zeros((1, 2)), np.array([0, 1]), 2, k=0)


def test_lexical_only_tagger_groups_votes_one_level_up():
    labels = [("7212", "Sveisere"), ("7212", "sveiser"), ("7213", "Platearbeidere"), ("5321", "Helsefagarbeidere"),
              ("5322", "Hjemmehjelpere")]
    tagger = CodeTagger(None).fit(labels)
    [row] = tagger.suggest(["sveiser på verksted"])
    assert row[0].code == "7212"
    [row2] = tagger.suggest(["helsefagarbeider i hjemmetjenesten"], group=lambda c: c[:2])
    assert row2[0].code == "53"


def test_real_model_suggests_the_right_occupation_for_plain_titles(encoder):
    """Titles written for this test (not from NAV's lists); each right code must be among the first five."""
    tagger = CodeTagger(encoder).fit(tagger_labels(C.builtin_code_register(), C.STYRK))
    cases = {"sykepleier på sykehjem": "2223", "tømrer": "7115", "lastebilsjåfør": "8332",
             "elektriker i boligbygg": "7411", "barnehagelærer": "2342", "regnskapsfører": "3313"}
    rows = tagger.suggest(list(cases))
    for (title, code), row in zip(cases.items(), rows, strict=True):
        assert code in [x.code for x in row], (title, row)
    again = tagger.suggest(list(cases))
    assert rows == again  # same input, same suggestions


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="abcæøå sveis-", max_size=20), max_size=12),
       st.lists(st.text(alphabet="abcæøåsveis", min_size=1, max_size=5), min_size=1, max_size=4))
def test_title_cover_matches_a_plain_substring_oracle(titles, terms):
    from catalog.normalise import fold
    from matcher.phrases import fold_titles, title_cover

    got = title_cover(terms, fold_titles(titles))
    want = np.array([sum(t in fold(title) for t in terms) / len(terms) for title in titles], np.float32)
    assert np.allclose(got, want)
