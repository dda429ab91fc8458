"""The FastAPI application, built by a factory: ``create_app(settings)``.

The engine, the place register and the embedding model live on ``app.state.broker`` and are created
in the lifespan (the model itself loads on first use), so importing this module does nothing heavy.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from api import errors
from api.service import Broker
from catalog.config import Settings, get_settings

API_DESCRIPTION = """Kompetansemegler links firms' competence needs to education offers.

Without a key only public reads work (offers, public statistics, public clusters). Send a key in the
`X-API-Key` header: **reader** (offers, statistics), **broker** (needs and matches of its own
organisation, feedback), **admin** (catalog imports, keys, everything). Every error has one shape:
`{"ok": false, "error": "...", "errors": [...], "status": 4xx}`.
"""


class BodyLimit:
    """Reject request bodies larger than ``limit`` bytes with 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        response = errors.error_response(413, f"request body too large; allowed: at most {self.limit} bytes")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(k.encode(), v.encode()) for k, v in response.headers.items()]})
        await send({"type": "http.response.body", "body": response.body})


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio.to_thread
        from threadpoolctl import threadpool_limits

        # CPU-bound handlers: a few threads per process beat forty threads fighting over the GIL, and
        # one BLAS thread per request thread beats BLAS pools multiplying on two cores (load: 110 → 198 req/s)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        threadpool_limits(limits=settings.blas_threads, user_api="blas")
        app.state.broker = broker = Broker(settings)
        if settings.warm_start:  # the first request must be as fast as the hundredth
            await anyio.to_thread.run_sync(broker.warm)
        app.state.jobs = {}
        app.state.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="megler-job")
        yield
        app.state.executor.shutdown(wait=True, cancel_futures=True)
        app.state.broker.engine.dispose()

    from importlib.metadata import PackageNotFoundError, version

    try:
        app_version = version("kompetansemegler")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        app_version = "0.0.0"
    from fastapi import Depends

    from api.deps import get_principal

    # every request's key is checked (a revoked or malformed key is refused even on public reads)
    app = FastAPI(title="Kompetansemegler", version=app_version, description=API_DESCRIPTION, lifespan=lifespan,
                  dependencies=[Depends(get_principal)],
                  responses={400: {"model": errors_model()}, 401: {"model": errors_model()},
                             403: {"model": errors_model()}, 404: {"model": errors_model()},
                             413: {"model": errors_model()}, 422: {"model": errors_model()},
                             429: {"model": errors_model(), "description": "Too many requests (see Retry-After)"},
                             503: {"model": errors_model(), "description": "Over the request time budget"}})
    app.state.settings = settings
    errors.install(app)
    from api.routes import catalog, codes, demand, keys, matches, needs, offers, ranker, system

    for module in (system, offers, needs, matches, demand, catalog, keys, ranker, codes):
        app.include_router(module.router)
    from api import web

    app.include_router(web.router)
    web.mount_static(app)
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    from api.limits import RateLimit, RateLimiter, TimeBudget

    app.add_middleware(TimeBudget, seconds=settings.request_budget_seconds)
    app.add_middleware(RateLimit, limiter=RateLimiter(settings.rate_limit_key, settings.rate_limit_public))
    return app


def errors_model():
    from api.schemas import ErrorOut

    return ErrorOut
