"""The project's domain errors, in one module.

Every message names what was found, what is allowed and, where possible, the fix.
The API maps these to one JSON error shape (see ``api.errors``).
"""
from __future__ import annotations

from dataclasses import dataclass, field


class MeglerError(Exception):
    """Base class for all expected (user-facing) errors."""

    status = 400


class CatalogFormatError(MeglerError, ValueError):
    """A whole file cannot be read (wrong encoding, broken or hostile XML, unknown format).

    Such a file is rejected whole and the database is left untouched.
    """


class UnknownSourceError(MeglerError, ValueError):
    pass


class NotFoundError(MeglerError, LookupError):
    status = 404


class ConflictError(MeglerError):
    """The thing exists already (e.g. a need with the same id from the same source)."""

    status = 409


class SettingsError(MeglerError, ValueError):
    """A ``MEGLER_*`` setting (environment or ``.env``) has a value it cannot take."""


class NotFittedError(MeglerError, ValueError, AttributeError):
    """A learned component was used before ``fit``."""


class InvalidNeedError(MeglerError, ValueError):
    """A need cannot be ranked as given (e.g. empty text and no usable constraint)."""

    status = 422


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field of one record."""

    field: str
    found: object
    allowed: str
    severity: str = "error"  # "error" quarantines the record, "warning" keeps it

    def message(self) -> str:
        found = repr(self.found)
        if len(found) > 80:
            found = found[:77] + "..."
        return f"{self.field}: found {found}; allowed: {self.allowed}"

    def as_dict(self) -> dict:
        return {"field": self.field, "found": _jsonable(self.found), "allowed": self.allowed,
                "severity": self.severity, "message": self.message()}


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        if isinstance(value, str) and len(value) > 200:
            return value[:200] + "..."
        return value
    return repr(value)[:200]


@dataclass
class RecordIssues:
    """Collected problems of one record; errors quarantine it, warnings do not."""

    issues: list[FieldIssue] = field(default_factory=list)

    def error(self, field_name: str, found: object, allowed: str) -> None:
        self.issues.append(FieldIssue(field_name, found, allowed, "error"))

    def warn(self, field_name: str, found: object, allowed: str) -> None:
        self.issues.append(FieldIssue(field_name, found, allowed, "warning"))

    @property
    def errors(self) -> list[FieldIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[FieldIssue]:
        return [i for i in self.issues if i.severity == "warning"]
