"""One JSON error shape for every error the API returns.

    {"ok": false, "error": "<message>", "errors": [<details>], "status": <http status>}
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.errors import CatalogFormatError, MeglerError


def error_body(status: int, message: str, errors: list[Any] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": message, "errors": errors or [], "status": status}


def error_response(status: int, message: str, errors: list[Any] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, errors), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        errors = exc.detail if isinstance(exc.detail, list) else []
        return error_response(exc.status_code, detail, errors, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg"),
                   "type": e.get("type")} for e in exc.errors()]
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]) or "invalid request"
        return error_response(422, message, errors)

    @app.exception_handler(MeglerError)
    async def domain_error(_: Request, exc: MeglerError) -> JSONResponse:
        status = 400 if isinstance(exc, CatalogFormatError) else exc.status
        return error_response(status, str(exc))
