"""Fixtures shared by every domain's tests (DESIGN §6).

`store` gives each test a fresh, migrated database, once on SQLite and once on PostgreSQL.
`client` is httpx against the real ASGI app (lifespan running); `live_server` starts a real
`inkwell serve` process for tests that need real HTTP, concurrency or a kill.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, text

from app.core.config import Settings
from app.core.db import make_sync_engine
from app.core.migrations import upgrade_to_head
from app.main import create_app
from tests.services import PG_ADMIN_URL, REDIS_URL, require

STORES = ["sqlite", "postgresql"]
TABLES_KEPT = {"alembic_version"}


@dataclass
class Store:
    kind: str
    url: str
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """A sync engine for arranging rows and checking what was stored."""
        if self._engine is None:
            self._engine = make_sync_engine(self.url)
        return self._engine

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One migrated database per test process (xdist worker); tables are emptied between tests."""
    require("PostgreSQL", "127.0.0.1", 5432)
    name = f"inkwell_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade_to_head(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = make_sync_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if row[0] not in TABLES_KEPT
        ]
        conn.execute(
            text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
        conn.execute(
            text("INSERT INTO content_version (id, version, changed_at) VALUES (1, 1, now())")
        )
    engine.dispose()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        path = tmp_path / "inkwell.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        found = Store("sqlite", f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("postgres_database")
        _empty_postgres(url)
        found = Store("postgresql", url)
    yield found
    found.dispose()


@pytest.fixture
def redis_url() -> Iterator[str]:
    require("Redis", "127.0.0.1", 6379)
    yield REDIS_URL


def test_settings(store: Store, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": store.url,
        "env": "test",
        "public_url": "http://testserver",
        "log_json": False,
        "version_poll_seconds": 0.05,
        "outbox_poll_seconds": 0.05,
        "redis_prefix": f"inkwell-test-{uuid.uuid4().hex[:8]}",
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
def settings(store: Store) -> Settings:
    return test_settings(store)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    port: int
    log_path: Path

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    store: Store, tmp_path: Path, *, workers: int = 1, port: int | None = None, **env_overrides: str
) -> LiveServer:
    """Start `inkwell serve` as a user would, and wait until it answers."""
    port = port or free_port()
    env = {
        **os.environ,
        "INKWELL_DATABASE_URL": store.url,
        "INKWELL_ENV": "test",
        "INKWELL_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "INKWELL_LOG_LEVEL": "WARNING",
        # This checkout's code, even when the venv's editable install points at another one.
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        **env_overrides,
    }
    log_path = tmp_path / f"server-{port}.log"
    inkwell = Path(sys.executable).with_name("inkwell")
    process = subprocess.Popen(
        [str(inkwell), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"inkwell serve exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return LiveServer(url, process, env, port, log_path)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"inkwell serve did not become ready:\n{log_path.read_text()}")


@pytest.fixture
def live_server_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    started: list[LiveServer] = []

    def factory(store: Store, **kwargs: Any) -> LiveServer:
        server = start_server(store, tmp_path, **kwargs)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop(signal.SIGKILL)


test_settings.__test__ = False  # a helper, not a test
