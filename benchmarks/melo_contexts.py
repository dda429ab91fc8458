"""Write a `megler link --contexts` file for a MELO subset: element id <TAB> its ESCO concept's description.

    python benchmarks/melo_contexts.py ../shared/data/eval/melo/dnk_q_da_c_da [--esco FILE.csv] > contexts.tsv

The descriptions come from an ESCO occupations CSV (``id,description``; default
../shared/data/taxonomies/esco_occupations_en.csv), joined through the subset's concept_mapping.tsv.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _eval import concept_descriptions  # noqa: E402

from matcher.link import read_tsv  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("subset", type=Path)
    ap.add_argument("--esco", type=Path, default=None)
    args = ap.parse_args()
    ids, _, _ = read_tsv(args.subset / "corpus_elements.tsv")
    contexts = concept_descriptions(args.subset, ids, args.esco)
    if contexts is None:
        sys.exit(f"{args.subset}: needs concept_mapping.tsv and an ESCO occupations CSV")
    for element, text in zip(ids, contexts, strict=True):
        if text:
            print(f"{element}\t{text}")


if __name__ == "__main__":
    main()
