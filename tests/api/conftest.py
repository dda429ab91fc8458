"""A real HTTP server (uvicorn in a thread) over the app, on SQLite and on PostgreSQL, with demo data."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.auth import create_key
from api.service import Broker
from catalog.config import Settings
from tests.conftest import DEMO


@dataclass
class LiveServer:
    url: str
    admin: str
    broker: str
    other_broker: str
    reader: str
    settings: Settings

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"X-API-Key": key} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, **overrides):
    settings = Settings(database_url=db_url, **overrides)
    seed = Broker(settings)
    seed.ingest(DEMO / "offers.jsonl", source="demo")
    seed.ingest(DEMO / "needs.jsonl", source="demo")
    with seed.sessions.begin() as s:
        keys = {
            "admin": create_key(s, name="test admin", role="admin"),
            "broker": create_key(s, name="demo broker", role="broker", organisation="demo-studiesenter"),
            "other_broker": create_key(s, name="other broker", role="broker", organisation="annen-org"),
            "reader": create_key(s, name="county analyst", role="reader"),
        }
    seed.ranker()  # warm the embedding cache in the database
    seed.engine.dispose()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:  # pragma: no cover
        raise RuntimeError("server did not start")
    return server, thread, LiveServer(url=url, settings=settings, **keys)


@contextmanager
def running_server(db_url: str):
    server, thread, info = start_server(db_url)
    try:
        yield info
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path_factory):
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'megler.db'}"
    else:
        db_url = request.getfixturevalue("postgres").new_database()
    with running_server(db_url) as info:
        yield info
