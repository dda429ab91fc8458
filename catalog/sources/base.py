"""The record type sources produce, and the shared reading helpers."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from catalog.errors import CatalogFormatError, FieldIssue

MAX_RECORD_BYTES = 1_000_000  # one record (a JSON line, a CSV row) may be at most 1 MB


@dataclass
class RawRecord:
    record_no: int
    data: dict[str, Any] | None  # interchange-v1 field names; None when the record could not be read
    raw: dict[str, Any] = field(default_factory=dict)  # what the file said, kept for the quarantine
    read_issue: FieldIssue | None = None


class Source(Protocol):
    name: ClassVar[str]
    kind: ClassVar[str | None]  # "offers", "needs" or None (decided per record)

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> Iterator[RawRecord]: ...


def check_text_encoding(path: Path, head: bytes) -> None:
    """Reject files that are clearly not UTF-8 text (UTF-16/32 BOMs, NUL bytes)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CatalogFormatError(f"{path}: the file is UTF-16; allowed: UTF-8 (save it as UTF-8 and ingest again)")
    if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        raise CatalogFormatError(f"{path}: the file is UTF-32; allowed: UTF-8")
    if b"\x00" in head:
        raise CatalogFormatError(f"{path}: the file contains NUL bytes: binary, not text; allowed: UTF-8 text")


def decode_utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise CatalogFormatError(
            f"{where}: not valid UTF-8 (byte 0x{bad} at offset {exc.start}); allowed: UTF-8 "
            "(the file looks like Latin-1/Windows-1252: save it as UTF-8 and ingest again)"
        ) from None
