"""Fuzzy title relevance with rapidfuzz: how well an offer's title is contained in the need text.

``processor`` is explicit (default: rapidfuzz's ``default_process``: lower-case, strip
punctuation); scores are in [0, 1].
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rapidfuzz import fuzz, process, utils


def title_scores(query: str, titles: list[str], *, processor: Callable[[str], str] | None = utils.default_process,
                 scorer=fuzz.token_set_ratio) -> np.ndarray:
    """Scores (len(titles),) in [0, 1]; an empty query scores 0 everywhere."""
    if not titles:
        return np.zeros(0, np.float32)
    if not query.strip():
        return np.zeros(len(titles), np.float32)
    scores = process.cdist([query], titles, scorer=scorer, processor=processor, dtype=np.float32, workers=1)[0]
    return (scores / 100.0).astype(np.float32)
