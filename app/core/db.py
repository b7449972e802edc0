"""Engines and sessions for both stores: SQLite (default) and PostgreSQL.

Users write plain URLs (`sqlite:///file.db`, `postgresql://…`); the drivers are our choice:
aiosqlite/sqlite3 for SQLite, psycopg 3 (async and sync) for PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, Result, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Inline reads run on the event loop's thread: in WAL mode a reader never waits for a writer, so
# this only bounds the rare wait for WAL recovery, and it must stay short.
SQLITE_INLINE_READ_BUSY_TIMEOUT_MS = 2_000
SQLITE_INLINE_CACHE_KIB = 512


def _normalise(url: str) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
    return parsed


def async_url(url: str) -> URL:
    parsed = _normalise(url)
    driver = "aiosqlite" if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def sync_url(url: str) -> URL:
    parsed = _normalise(url)
    driver = "pysqlite" if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def is_sqlite(url: str) -> bool:
    return _normalise(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate_on_write(engine: Engine) -> None:
    """Make pysqlite leave transaction control to SQLAlchemy, and start each one IMMEDIATE.

    A deferred transaction that reads and then writes can fail with "database is locked" without
    waiting for the busy timeout; taking the write lock up front makes writers queue politely.
    Reads in WAL mode never wait for writers, so the cost is only on writes, which serialise anyway.
    """

    @event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_async_engine(url: str, *, pool_size: int = 10, for_writes: bool = False) -> AsyncEngine:
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(
            target, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if for_writes:
            _sqlite_begin_immediate_on_write(engine.sync_engine)
        return engine
    return create_async_engine(
        target, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


class InlineSession(AsyncSession):
    """An AsyncSession whose statements run on the calling thread, over a sync SQLite connection.

    aiosqlite hands every statement to a thread and back: about 450 µs each, against 3–30 µs of
    SQL for the short indexed reads of a public answer (issue 7). In WAL mode a read never waits
    for a writer, so reads can run where the request is. `execute`, `scalar`, `scalars` and `get`
    call the sync session directly; anything else goes through AsyncSession's greenlet bridge,
    which works unchanged over a sync driver. The connections are `query_only`: a write through a
    read session fails at once instead of blocking the loop on the write lock.
    """

    def __init__(self, sync_session: Session) -> None:  # no super().__init__: no async engine
        self._async_bind = None
        self._async_binds: dict[Any, Any] = {}
        self.sync_session = self._proxied = self._assign_proxied(sync_session)

    async def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.sync_session.execute(statement, params, **kw)

    async def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.sync_session.scalar(statement, params, **kw)

    async def scalars(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.sync_session.scalars(statement, params, **kw)

    async def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        return self.sync_session.get(entity, ident, **kw)

    async def close(self) -> None:
        self.sync_session.close()


async def run_select(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[Any]:
    """Run a column select through SQLAlchemy Core, without the ORM layer: for a prebuilt
    statement (bind parameters, built once) that is about a third of its cost on SQLite."""
    if isinstance(session, InlineSession):
        return session.sync_session.connection().execute(statement, params)
    connection = await session.connection()
    return await connection.execute(statement, params)


def _sqlite_inline_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    # Each concurrent request holds its own connection until its answer is sent; keep their
    # page caches small (the OS page cache holds the file anyway) so RSS stays bounded.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_INLINE_CACHE_KIB}")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_INLINE_READ_BUSY_TIMEOUT_MS}")
    cursor.close()


class InlineSessionmaker:
    """`database.reader()` on SQLite: an InlineSession over a pool of sync, read-only connections."""

    def __init__(self, url: str, info: dict[str, Any]) -> None:
        target = sync_url(url)
        # A checkout must never wait: it would block the loop that the holders need to finish.
        # (An in-memory database keeps SQLAlchemy's one-connection pool: there is one database.)
        in_memory = target.database in (None, "", ":memory:")
        pool: dict[str, Any] = {} if in_memory else {"pool_size": 4, "max_overflow": -1}
        self.engine = create_engine(target, connect_args={"check_same_thread": False}, **pool)
        event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "connect", _sqlite_inline_pragmas)
        self._sessions = sessionmaker(
            self.engine, expire_on_commit=False, autoflush=False, info=info
        )

    def __call__(self) -> InlineSession:
        return InlineSession(self._sessions())


class Database:
    """The engines of one app: reads (deferred) and writes (IMMEDIATE on SQLite; shared on PG).
    On SQLite, read sessions run inline on the loop's thread (`InlineSession`)."""

    def __init__(self, url: str, session_info: dict[str, Any] | None = None) -> None:
        self.url = url
        self.session_info: dict[str, Any] = session_info if session_info is not None else {}
        self.is_sqlite = is_sqlite(url)
        self.read_engine = make_async_engine(url)
        self.write_engine = (
            make_async_engine(url, pool_size=4, for_writes=True)
            if self.is_sqlite
            else self.read_engine
        )
        # The same dict object for both: services registered later (tracker, outbox) are seen.
        self.inline: InlineSessionmaker | None = (
            InlineSessionmaker(url, self.session_info) if self.is_sqlite else None
        )
        self.reader: Callable[[], AsyncSession] = self.inline or make_sessionmaker(
            self.read_engine, self.session_info
        )
        self.writer = make_sessionmaker(self.write_engine, self.session_info)

    @property
    def read_sync_engine(self) -> Engine:
        """The engine whose connections run read sessions' statements (for event hooks)."""
        return self.inline.engine if self.inline is not None else self.read_engine.sync_engine

    async def dispose(self) -> None:
        if self.inline is not None:
            self.inline.engine.dispose()
        await self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            await self.write_engine.dispose()


def make_sync_engine(url: str) -> Engine:
    target = sync_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_engine(target, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(target, pool_pre_ping=True)


def make_sessionmaker(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, info=info if info is not None else {}
    )


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for reads."""
    database: Database = request.app.state.database
    async with database.reader() as session:
        yield session


async def get_write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for writes. The route commits once, explicitly, before it answers."""
    database: Database = request.app.state.database
    async with database.writer() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
WriteSessionDep = Annotated[AsyncSession, Depends(get_write_session)]
