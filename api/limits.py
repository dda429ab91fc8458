"""Rate limits: requests per minute per API key, and per client address for requests without a key.

A fixed one-minute window per caller, in process memory (each server process counts its own requests).
Over the limit the answer is 429 in the one error shape, with ``Retry-After``. A limit of 0 turns it off.
"""
from __future__ import annotations

import math
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from api import errors


class RateLimiter:
    def __init__(self, per_key: int, per_client: int, *, window: float = 60.0, clock=time.monotonic):
        self.per_key, self.per_client, self.window, self.clock = per_key, per_client, window, clock
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}  # caller → (window number, requests)
        self._lock = threading.Lock()

    def limit_for(self, caller: tuple[str, str]) -> int:
        return self.per_key if caller[0] == "key" else self.per_client

    def hit(self, caller: tuple[str, str]) -> float | None:
        """Count one request; None if allowed, else the seconds until the caller's window ends."""
        limit = self.limit_for(caller)
        if limit <= 0:
            return None
        now = self.clock()
        slot = int(now // self.window)
        with self._lock:
            if len(self._counts) > 100_000:  # forget callers from earlier windows
                self._counts = {c: v for c, v in self._counts.items() if v[0] == slot}
            seen_slot, n = self._counts.get(caller, (slot, 0))
            n = n + 1 if seen_slot == slot else 1
            self._counts[caller] = (slot, n)
        return None if n <= limit else (slot + 1) * self.window - now


def caller_of(scope: Scope) -> tuple[str, str]:
    """The key's public prefix (``km_<prefix>_…``) if a key is sent, else the client's address."""
    for name, value in scope.get("headers") or []:
        if name == b"x-api-key":
            parts = value.decode("latin-1").split("_")
            return ("key", parts[1] if len(parts) >= 3 else value.decode("latin-1")[:40])
    client = scope.get("client")
    return ("client", client[0] if client else "unknown")


class RateLimit:
    """ASGI middleware applying a ``RateLimiter`` to every HTTP request under ``/api`` but the health probe."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter):
        self.app, self.limiter = app, limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/api") and path != "/api/health":  # probes stay free
            caller = caller_of(scope)
            wait = self.limiter.hit(caller)
            if wait is not None:
                retry = str(max(1, math.ceil(wait)))
                message = (f"too many requests; allowed: {self.limiter.limit_for(caller)} a minute; "
                           f"try again in {retry} s")
                response = errors.error_response(429, message, headers={"Retry-After": retry})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class TimeBudget:
    """ASGI middleware: a request under ``/api`` that has not started its answer within ``seconds`` gets 503.

    The client is released at the budget; a handler already running in a worker thread finishes in the
    background (Python cannot stop a thread), so text length caps and rate limits bound that work too.
    """

    def __init__(self, app: ASGIApp, seconds: float):
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or self.seconds <= 0 or not path.startswith("/api") or path == "/api/health":
            await self.app(scope, receive, send)
            return
        import anyio

        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            started = True
            await send(message)

        with anyio.move_on_after(self.seconds) as cancel:
            await self.app(scope, receive, tracking_send)
        if cancel.cancelled_caught and not started:
            response = errors.error_response(503, f"the request took longer than its time budget; allowed: "
                                                  f"{self.seconds:g} s (MEGLER_REQUEST_BUDGET_SECONDS)")
            await response(scope, receive, send)
