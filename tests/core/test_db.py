"""Read and write sessions on both stores; on SQLite, reads run inline on the loop's thread."""

import shutil
import threading
import time

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from app.core.db import Database
from app.core.models import ContentVersion


async def test_a_read_session_sees_a_commit_at_once_with_aware_timestamps(store):
    database = Database(store.url)
    try:
        async with database.reader() as session:
            before = await session.scalar(select(ContentVersion.version))
        async with database.writer() as session:
            await session.execute(text("UPDATE content_version SET version = version + 1"))
            await session.commit()
        async with database.reader() as session:
            row = (await session.execute(select(ContentVersion))).scalar_one()
        assert row.version == before + 1
        assert row.changed_at.tzinfo is not None
    finally:
        await database.dispose()


@pytest.fixture
def sqlite_database(sqlite_template, tmp_path):
    path = tmp_path / "inline.db"
    shutil.copy(sqlite_template, path)
    return Database(f"sqlite:///{path}")


async def test_sqlite_reads_run_on_the_calling_thread(sqlite_database):
    threads: list[int] = []
    hook = lambda *_args: threads.append(threading.get_ident())  # noqa: E731
    event.listen(sqlite_database.read_sync_engine, "before_cursor_execute", hook)
    try:
        async with sqlite_database.reader() as session:
            assert await session.scalar(select(ContentVersion.version)) == 1
            assert (await session.scalars(select(ContentVersion.id))).all() == [1]
            assert (await session.get(ContentVersion, 1)) is not None
    finally:
        event.remove(sqlite_database.read_sync_engine, "before_cursor_execute", hook)
        await sqlite_database.dispose()
    assert threads and set(threads) == {threading.get_ident()}


async def test_a_write_through_a_sqlite_read_session_fails_at_once(sqlite_database):
    started = time.monotonic()
    try:
        async with sqlite_database.reader() as session:
            with pytest.raises(OperationalError, match="readonly"):
                await session.execute(text("UPDATE content_version SET version = 99"))
    finally:
        await sqlite_database.dispose()
    assert time.monotonic() - started < 1.0  # never waits for the write lock on the loop
