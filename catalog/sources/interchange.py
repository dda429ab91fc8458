"""Interchange format v1: JSON Lines, a JSON array, or CSV with the same column names (UTF-8)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from catalog.errors import CatalogFormatError, FieldIssue
from catalog.sources.base import MAX_RECORD_BYTES, RawRecord, check_text_encoding, decode_utf8

_CHUNK = 1 << 20


def _too_large(record_no: int, size: int) -> RawRecord:
    return RawRecord(record_no, None, {"size_bytes": size},
                     FieldIssue("record", f"{size} bytes", f"at most {MAX_RECORD_BYTES} bytes per record"))


class InterchangeSource:
    name: ClassVar[str] = "interchange"
    kind: ClassVar[str | None] = None

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in (".jsonl", ".ndjson", ".json", ".csv", ".tsv")

    def read(self, path: Path) -> Iterator[RawRecord]:
        path = Path(path)
        with open(path, "rb") as fh:
            head = fh.read(4096)
        check_text_encoding(path, head)
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if path.suffix.lower() in (".csv", ".tsv"):
            yield from self._read_csv(path)
        elif stripped.startswith(b"[") and path.suffix.lower() == ".json":
            yield from self._read_array(path)
        else:
            yield from self._read_jsonl(path)

    def _read_jsonl(self, path: Path) -> Iterator[RawRecord]:
        with open(path, "rb") as fh:
            record_no = 0
            while True:
                line = fh.readline(MAX_RECORD_BYTES + 1)
                if not line:
                    break
                if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                    size = len(line)
                    while True:  # skip the rest of this huge line without keeping it
                        rest = fh.readline(_CHUNK)
                        size += len(rest)
                        if not rest or rest.endswith(b"\n"):
                            break
                    record_no += 1
                    yield _too_large(record_no, size)
                    continue
                if not line.strip():
                    continue
                record_no += 1
                yield self._parse_line(record_no, line)

    @staticmethod
    def _parse_line(record_no: int, line: bytes) -> RawRecord:
        try:
            text = line.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            shown = line.decode("latin-1").strip()[:500]
            return RawRecord(record_no, None, {"line": shown}, FieldIssue(
                "record", f"byte 0x{line[exc.start:exc.start + 1].hex()} at offset {exc.start}",
                "UTF-8 text (this line looks like Latin-1/Windows-1252)"))
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            return RawRecord(record_no, None, {"line": text.strip()[:2000]},
                             FieldIssue("record", text.strip()[:80], f"one JSON object per line ({exc.msg})"))
        if not isinstance(obj, dict):
            return RawRecord(record_no, None, {"line": text.strip()[:2000]},
                             FieldIssue("record", type(obj).__name__, "a JSON object"))
        return RawRecord(record_no, obj, obj)

    def _read_array(self, path: Path) -> Iterator[RawRecord]:
        text = decode_utf8(path.read_bytes(), str(path))
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogFormatError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})") \
                from None
        for no, obj in enumerate(items, 1):
            if isinstance(obj, dict):
                yield RawRecord(no, obj, obj)
            else:
                yield RawRecord(no, None, {"value": repr(obj)[:2000]},
                                FieldIssue("record", type(obj).__name__, "a JSON object"))

    def _read_csv(self, path: Path) -> Iterator[RawRecord]:
        text = decode_utf8(path.read_bytes(), str(path))
        first = text.split("\n", 1)[0]
        delimiter = "\t" if path.suffix.lower() == ".tsv" else (";" if first.count(";") > first.count(",") else ",")
        csv.field_size_limit(MAX_RECORD_BYTES)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        if "id" not in header:
            raise CatalogFormatError(f"{path}: the CSV header has no 'id' column (found: {', '.join(header)})")
        no = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                no += 1
                yield RawRecord(no, None, {"line": reader.line_num},
                                FieldIssue("record", str(exc)[:80], f"a CSV row of at most {MAX_RECORD_BYTES} bytes"))
                continue
            if not any(cell.strip() for cell in row):
                continue
            no += 1
            if len(row) != len(header):
                yield RawRecord(no, None, {"cells": row[:50]}, FieldIssue(
                    "record", f"{len(row)} cells", f"{len(header)} cells, as in the header"))
                continue
            data = {k: (v if v.strip() else None) for k, v in zip(header, row, strict=True)}
            yield RawRecord(no, data, data)
