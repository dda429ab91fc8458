"""Hubness correction: an offer that reads like every need should not top every ranking.

Some offers sit close to the *typical* need rather than to any one of them ("Nettkurs i digitale
arbeidsmetodar", a general language course): in embedding space and in character n-grams they
are hubs, and they crowd the top of unrelated rankings. Following query-bank normalisation
(Bogolin et al., CVPR 2022) and CSLS (Conneau et al., ICLR 2018), each offer's similarity to a
need is reduced by ``alpha`` × its mean similarity to its ``k`` most similar needs in a fixed
bank of need texts (after the ``skip`` most similar, so that an offer whose own topic is in the
bank is not penalised for that), before the per-query z-scores are taken:

    corrected(q, d) = sim(q, d) - alpha * mean(ranks skip+1 .. skip+k over b in bank of sim(b, d))
    z(q, d) = (corrected(q, d) - mean over d of corrected(q, d)) / std over d of sim(q, d)

Dividing by the plain similarities' spread keeps the z-scores on their old scale, so the
calibrated relevance and the coverage thresholds built on it keep their meaning (a one-off check,
script not kept: the mean top relevance on the need→offer set stayed at 0.60; with the corrected
values' own spread it rose to 0.69, and demo needs no offer covers were reported covered).

The bank ships with the project (``catalog/reference/data/need_bank.txt``: ~130 needs across
sectors, bokmål, nynorsk and English; none of them an evaluation need) and can be replaced
(setting ``MEGLER_NEED_BANK``). Only the relative (z-score) part of relevance uses the
corrected values; the raw cosines shown to users and used for absolute similarity are unchanged.
Measured in ``benchmarks/quality.py`` (the README has the table).
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BUILTIN_BANK = Path(__file__).resolve().parents[1] / "catalog" / "reference" / "data" / "need_bank.txt"


def read_bank(path: str | Path | None = None) -> tuple[str, ...]:
    """Need texts, one per line (``#`` starts a comment line); the built-in bank when ``path`` is None."""
    p = Path(path) if path else BUILTIN_BANK
    lines = p.read_text(encoding="utf-8").splitlines()
    texts = tuple(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))
    if not texts:
        raise ValueError(f"need bank {p}: found 0 need texts; allowed: at least 1 non-comment line")
    return texts


_BANK_VECTORS: dict[tuple[str, str, str], np.ndarray] = {}
_BANK_LOCK = threading.Lock()


def bank_vectors(encoder, texts: tuple[str, ...]) -> np.ndarray:
    """The bank encoded on the query side, kept per encoder model and bank for the process's life
    (a ``CachedEncoder`` would keep it in the database too; the bank is small and never changes)."""
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    key = (type(encoder).__name__, str(getattr(encoder, "name", "")), digest)
    with _BANK_LOCK:
        cached = _BANK_VECTORS.get(key)
    if cached is None:
        cached = np.asarray(encoder.encode_queries(list(texts)), np.float32)
        with _BANK_LOCK:
            _BANK_VECTORS[key] = cached
    return cached


def top_k_mean(sims: np.ndarray, k: int, *, skip: int = 0, block: int = 8192) -> np.ndarray:
    """Mean of each row's values ranked ``skip + 1`` to ``skip + k`` (rows: documents, columns: bank
    needs); pure. ``skip`` leaves out the nearest bank needs, so that an offer whose own topic happens
    to be in the bank is not penalised for it. Fewer columns than ``skip + k`` means the mean of those
    after the skipped ones (of all, if nothing would be left). Computed in row blocks to bound memory.
    """
    sims = np.asarray(sims, np.float32)
    if sims.ndim != 2:
        raise ValueError(f"top_k_mean: found an array with {sims.ndim} axes; allowed: 2 (documents × bank)")
    n, m = sims.shape
    if m == 0:
        return np.zeros(n, np.float32)
    skip = max(0, min(int(skip), m - 1))
    k = max(1, min(int(k), m - skip))
    out = np.empty(n, np.float32)
    for start in range(0, n, block):
        part = sims[start:start + block]
        top = part if skip + k == m else np.partition(part, m - skip - k, axis=1)[:, m - skip - k:]
        if skip:
            top = np.sort(top, axis=1)[:, :k]  # drop the ``skip`` largest
        out[start:start + block] = top.mean(axis=1)
    return out


@dataclass(frozen=True)
class HubCorrection:
    """The bank and how strongly each leg is corrected (``alpha`` 0 turns a leg's correction off)."""

    texts: tuple[str, ...]
    dense_alpha: float = 1.0
    dense_k: int = 20
    lexical_alpha: float = 0.5
    lexical_k: int = 10
    dense_skip: int = 1
    lexical_skip: int = 0

    @classmethod
    def builtin(cls) -> HubCorrection:
        return cls(read_bank())

    @classmethod
    def from_settings(cls, st) -> HubCorrection | None:
        """From the ``MEGLER_HUB_*`` / ``MEGLER_NEED_BANK`` settings; None when switched off."""
        if not st.hub_correction:
            return None
        return cls(read_bank(st.need_bank), dense_alpha=st.hub_dense_alpha, dense_k=st.hub_dense_k,
                   lexical_alpha=st.hub_lexical_alpha, lexical_k=st.hub_lexical_k,
                   dense_skip=st.hub_dense_skip, lexical_skip=st.hub_lexical_skip)
