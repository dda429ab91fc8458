"""Is a catalog's recorded language the teaching language? The evidence behind the ``norwegian_recorded``
penalty (``matcher.rules.language_rule``), from the shared data.

* UiB's own course pages (``catalogs/raw/uib_courses_detailed.json``) state the teaching language
  ("Engelsk. Norsk om kun norskspråklege deltek"); read with the project's own ``normalise_language``,
  how many are taught in English, and how many of those the shared ``offers.jsonl`` records as Norwegian.
* The dev needs that name a language in their fields: how many offers the judges graded relevant
  (grade 2 or more) are recorded in Norwegian, that is, how many the old hard fail would have dropped.

    python benchmarks/recorded_language.py
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval import SHARED, read_qrels  # noqa: E402,I001

from catalog.normalise import is_norwegian, normalise_language  # noqa: E402
from matcher.convert import read_jsonl  # noqa: E402

def main() -> None:
    if not SHARED.is_dir():
        sys.exit(f"needs the shared data at {SHARED}")
    recorded = {r["id"]: r.get("language") for r in read_jsonl(SHARED / "catalogs/offers.jsonl")}
    pages = json.loads((SHARED / "catalogs/raw/uib_courses_detailed.json").read_text(encoding="utf-8"))
    stated = {f"uib:{p['code'].upper()}": normalise_language(p.get("language")) for p in pages}
    stated = {k: v for k, v in stated.items() if v}
    english = [k for k, v in stated.items() if v == "en"]
    as_recorded = Counter(recorded.get(k) for k in english)
    print(f"UiB pages: {len(pages)}; stating a teaching language: {len(stated)}; taught in English: {len(english)}")
    print(f"those {len(english)} as offers.jsonl records them: {dict(as_recorded.most_common())}; "
          f"Norwegian: {sum(n for lang, n in as_recorded.items() if is_norwegian(lang))}")

    qrels = read_qrels(SHARED / "eval/dev_qrels.tsv")
    for need in read_jsonl(SHARED / "eval/dev_needs.jsonl"):
        if not need.get("language"):
            continue
        relevant = [d for d, g in qrels.get(need["id"], {}).items() if g >= 2]
        norwegian = sorted(d for d in relevant if is_norwegian(recorded.get(d)))
        print(f"{need['id']} names {need['language']}: {len(relevant)} offers graded 2+, "
              f"{len(norwegian)} recorded Norwegian {norwegian}")


if __name__ == "__main__":
    main()
