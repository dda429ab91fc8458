"""Catalog sources are plugins in the entry-point group ``kompetansemegler.catalog_source``.

A source turns one file into ``RawRecord``s that carry interchange-v1 field names;
validation and normalisation are shared (``catalog.schema``). A county adds its own
source by publishing a class with ``name``, ``sniff(path, head)`` and ``read(path)``
under that group; the built-in ones register the same way.
"""
from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from catalog.errors import CatalogFormatError, UnknownSourceError
from catalog.sources.base import MAX_RECORD_BYTES, RawRecord, Source

GROUP = "kompetansemegler.catalog_source"
_BUILTIN = {
    "interchange": "catalog.sources.interchange:InterchangeSource",
    "xcri_cap": "catalog.sources.xcri:XcriCapSource",
    "elm": "catalog.sources.elm:ElmSource",
    "mapped": "catalog.sources.mapped:MappedSource",
}

__all__ = ["RawRecord", "Source", "MAX_RECORD_BYTES", "available_sources", "get_source", "pick_source"]


def _load(target: str) -> type:
    module, _, attr = target.partition(":")
    mod = __import__(module, fromlist=[attr])
    return getattr(mod, attr)


def available_sources() -> dict[str, type]:
    found = {name: target for name, target in _BUILTIN.items()}
    for ep in entry_points(group=GROUP):
        found[ep.name] = ep.value
    return {name: _load(target) if isinstance(target, str) else target for name, target in found.items()}


def get_source(name: str) -> type:
    sources = available_sources()
    if name not in sources:
        raise UnknownSourceError(f"unknown catalog source {name!r}; available: {', '.join(sorted(sources))}")
    return sources[name]


def pick_source(path: Path) -> type:
    """Choose the adapter for a file by asking each whether it recognises the file."""
    path = Path(path)
    if not path.is_file():
        raise CatalogFormatError(f"{path}: no such file")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    sources = available_sources()
    order = ["xcri_cap", "elm"] + [n for n in sources if n not in ("xcri_cap", "elm", "interchange", "mapped")]
    for name in order + ["interchange"]:
        cls = sources.get(name)
        if cls is not None and cls.sniff(path, head):
            return cls
    raise CatalogFormatError(
        f"{path}: format not recognised; allowed: interchange v1 (.jsonl, .json, .csv), XCRI-CAP 1.2 (.xml), "
        "Europass ELM (.jsonld), or a provider export with --mapping FILE"
    )
