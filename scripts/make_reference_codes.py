"""Writes the built-in classification files in catalog/reference/data from SSB Klass exports.

    python scripts/make_reference_codes.py ../shared/data/taxonomies

* ``styrk08.csv``: STYRK-08, all 582 codes (SSB Klass 7, CC BY 4.0);
* ``sn2007_divisions.csv``: SN2007 sections and divisions (levels 1–2, 108 codes) with their notes;
* ``nus2000_groups.csv``: NUS2000 levels 1–4 (education level, field, group, subgroup).

Anything deeper (SN2007 groups to subclasses, NUS programmes, ESCO) is imported with
``megler reference import``.
"""
import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "catalog" / "reference" / "data"


def copy(src: Path, dst: str, max_level: int, columns: list[str]) -> int:
    with open(src, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["level"]) <= max_level]
    with open(OUT / dst, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/taxonomies")
    print("styrk08", copy(src / "styrk08.csv", "styrk08.csv", 4, ["code", "parentCode", "level", "name"]))
    print("sn2007", copy(src / "sn2007.csv", "sn2007_divisions.csv", 2,
                         ["code", "parentCode", "level", "name", "shortName", "notes"]))
    print("nus2000", copy(src / "nus2000.csv", "nus2000_groups.csv", 4, ["code", "parentCode", "level", "name"]))


if __name__ == "__main__":
    main()
