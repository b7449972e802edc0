"""Flushing is exact: a drained batch is stored once, whether its worker failed before or after
the commit, in process and across workers sharing Redis."""

from __future__ import annotations

import asyncio

import pytest

from app.main import create_app
from app.popularity import repository
from app.popularity.counter import COUNTS_BUCKET
from app.popularity.flusher import merge_batches
from app.popularity.ranking import current_hour
from tests import conftest
from tests.articles.factories import make_site


def totals(store) -> list[tuple[int, int]]:
    return [
        tuple(row)
        for row in store.rows(
            "SELECT article_id, views_all FROM popularity_total ORDER BY article_id"
        )
    ]


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "memory":
        return {}
    return {"redis_url": request.getfixturevalue("redis_url")}


async def test_a_batch_left_by_a_failed_write_is_stored_by_the_next_flush(store, backend):
    article = make_site(store).article()
    settings = conftest.test_settings(
        store, views_stale_batch_seconds=0, background_workers=False, **backend
    )
    app = create_app(settings)
    async with conftest.running(app):
        state = app.state.shared_state
        await state.add_counts(COUNTS_BUCKET, {f"{article}:{current_hour()}": 3})
        taken = await state.drain_counts(COUNTS_BUCKET)  # a flush that died before writing
        assert [sum(b.counts.values()) for b in taken] == [3]
        await state.add_counts(COUNTS_BUCKET, {f"{article}:{current_hour()}": 2})
        assert await state.pending_counts(COUNTS_BUCKET) == 5
        assert await app.state.view_flusher.flush() == 5
        assert await state.pending_counts(COUNTS_BUCKET) == 0
        assert await app.state.view_flusher.flush() == 0
    assert totals(store) == [(article, 5)]


async def test_a_batch_stored_but_not_acknowledged_is_not_counted_twice(store, backend):
    article = make_site(store).article()
    settings = conftest.test_settings(
        store, views_stale_batch_seconds=0, background_workers=False, **backend
    )
    app = create_app(settings)
    async with conftest.running(app):
        state = app.state.shared_state
        await state.add_counts(COUNTS_BUCKET, {f"{article}:{current_hour()}": 7})
        batches = await state.drain_counts(COUNTS_BUCKET)
        async with app.state.database.writer() as session:  # stored, then the worker died
            await repository.apply_counts(
                session, merge_batches(batches), [b.token for b in batches], current_hour()
            )
            await session.commit()
        assert await state.pending_counts(COUNTS_BUCKET) == 7  # not acknowledged yet
        assert await app.state.view_flusher.flush() == 0
        assert await state.pending_counts(COUNTS_BUCKET) == 0
    assert totals(store) == [(article, 7)]
    assert store.scalar("SELECT SUM(views) FROM popularity_bucket") == 7


async def test_with_redis_another_worker_recovers_a_dead_workers_batch(store, redis_url):
    article = make_site(store).article()
    prefix = conftest.test_settings(store).redis_prefix
    common = {"redis_url": redis_url, "redis_prefix": prefix, "background_workers": False}
    dead = create_app(conftest.test_settings(store, **common))
    alive = create_app(conftest.test_settings(store, views_stale_batch_seconds=0.5, **common))
    async with conftest.running(dead), conftest.running(alive):
        await dead.state.shared_state.add_counts(COUNTS_BUCKET, {f"{article}:{current_hour()}": 4})
        await dead.state.shared_state.drain_counts(COUNTS_BUCKET)  # ...and never writes it
        await alive.state.shared_state.add_counts(COUNTS_BUCKET, {f"{article}:{current_hour()}": 1})
        assert (
            await alive.state.view_flusher.flush() == 1
        )  # the dead batch is still fresh: not taken
        await asyncio.sleep(0.6)
        assert await alive.state.view_flusher.flush() == 4
        assert await alive.state.shared_state.pending_counts(COUNTS_BUCKET) == 0
    assert totals(store) == [(article, 5)]


async def test_counts_for_an_article_deleted_before_the_flush_are_dropped(store, app):
    site = make_site(store)
    kept, gone = site.article(), site.article()
    await app.state.shared_state.add_counts(
        COUNTS_BUCKET, {f"{kept}:{current_hour()}": 2, f"{gone}:{current_hour()}": 3}
    )
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM article_tag WHERE article_id = {gone}")
        conn.exec_driver_sql(f"DELETE FROM article WHERE id = {gone}")
    assert await app.state.view_flusher.flush() == 2
    assert totals(store) == [(kept, 2)]
    assert await app.state.shared_state.pending_counts(COUNTS_BUCKET) == 0
