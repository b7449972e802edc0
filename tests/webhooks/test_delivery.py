"""Deliveries through the outbox to a real receiver on 127.0.0.1: signed, retried, recorded."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import orjson
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.sql import Executable

from app.articles.models import Article
from app.core.models import OutboxJob
from app.core.types import rfc3339, utcnow
from app.main import create_app
from tests.articles.factories import make_site
from tests.conftest import Store, running
from tests.conftest import test_settings as settings_for
from tests.keys.factories import bearer, issue_key
from tests.webhooks.helpers import (
    create_webhook,
    deliveries,
    emit_committed,
    verify_like_a_receiver,
)
from tests.webhooks.receiver import Receiver, eventually


def fast(store: Store, **overrides: object):
    values: dict[str, object] = {"webhooks_allow_private": True, "outbox_backoff_base_seconds": 0.1}
    values.update(overrides)
    return settings_for(store, **values)


async def write(app: FastAPI, statement: Executable) -> None:
    """Change rows while the app runs, through its own writer (a blocking sync write could
    deadlock with a transaction the app has open on the same event loop)."""
    async with app.state.database.writer() as session:
        await session.execute(statement)
        await session.commit()


def retry_scheduled(store: Store) -> bool:
    """The failed attempt is recorded and its lease released: the job waits for its retry."""
    sql = "SELECT count(*) FROM outbox_job WHERE kind = 'webhook.delivery' AND lease_until IS NULL"
    return bool(store.scalar(sql) == 1)


def job_statuses(store: Store, kind: str) -> list[str]:
    return [
        row[0]
        for row in store.rows("SELECT status FROM outbox_job WHERE kind = :k ORDER BY id", k=kind)
    ]


async def test_an_event_reaches_each_subscribed_webhook_once_and_signed(store, receiver: Receiver):
    settings = fast(store)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        hook = await create_webhook(client, key, receiver.url, ["comment.approved"])
        await create_webhook(client, key, receiver.url + "/other", ["article.deleted"])
        await emit_committed(app, "comment.approved", {"id": 77, "article_id": 5})
        await eventually(lambda: receiver.count == 1, what="the delivery")
        await asyncio.sleep(0.4)  # nothing more arrives: not a second copy, not the other webhook
        assert receiver.count == 1
        got = receiver.requests[0]
        assert got.path == "/hooks/inkwell"
        assert got.headers["content-type"] == "application/json"
        assert got.headers["inkwell-event"] == "comment.approved"
        delivery_id = int(got.headers["inkwell-delivery"])
        assert verify_like_a_receiver(hook["secret"], got.headers["inkwell-signature"], got.body)
        assert not verify_like_a_receiver(
            hook["secret"], got.headers["inkwell-signature"], got.body + b" "
        )
        stamp = int(got.headers["inkwell-signature"].split(",")[0].removeprefix("t="))
        assert abs(stamp - time.time()) < 5
        body = orjson.loads(got.body)
        assert body == {
            "id": delivery_id,
            "webhook_id": hook["id"],
            "event": "comment.approved",
            "occurred_at": body["occurred_at"],
            "data": {"id": 77, "article_id": 5},
        }

        await eventually(lambda: deliveries(store)[0].status == "delivered", what="the record")
        listed = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=bearer(key))
        assert listed.status_code == 200
        [shown] = listed.json()["data"]
        assert shown["id"] == delivery_id
        assert (
            shown["status"],
            shown["attempts"],
            shown["response_status"],
            shown["last_error"],
        ) == ("delivered", 1, 200, None)
        assert shown["payload"] == body
        assert shown["delivered_at"] is not None and shown["next_attempt_at"] is None
    assert [tuple(row)[1:] for row in deliveries(store)] == [
        (hook["id"], "comment.approved", "delivered", 1, 200, None)
    ]


async def test_a_failing_receiver_is_retried_with_backoff_until_it_answers_2xx(
    store, receiver: Receiver
):
    receiver.statuses = [500, 500, 200]
    settings = fast(store)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        hook = await create_webhook(client, key, receiver.url, ["article.updated"])
        await emit_committed(app, "article.updated", {"id": 3, "published_at": None})
        await eventually(lambda: receiver.count == 3, what="three attempts")
        await eventually(lambda: deliveries(store)[0].status == "delivered", what="the record")
        listed = (
            await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=bearer(key))
        ).json()
    arrivals = [r.at for r in receiver.requests]
    assert {r.headers["inkwell-delivery"] for r in receiver.requests} == {
        str(listed["data"][0]["id"])
    }
    assert len({r.body for r in receiver.requests}) == 1  # the same body each time
    # backoff base 0.1 s: the second retry waits about twice as long as the first
    assert arrivals[1] - arrivals[0] >= 0.09
    assert arrivals[2] - arrivals[1] >= 0.19
    [shown] = listed["data"]
    assert (shown["status"], shown["attempts"], shown["response_status"], shown["last_error"]) == (
        "delivered",
        3,
        200,
        None,
    )
    assert job_statuses(store, "webhook.delivery") == ["done"]


async def test_a_delivery_fails_for_good_after_the_last_attempt(store, receiver: Receiver):
    receiver.statuses = [503] * 10
    settings = fast(store, outbox_max_attempts=2)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        hook = await create_webhook(client, key, receiver.url, ["article.deleted"])
        await emit_committed(app, "article.deleted", {"id": 9})
        await eventually(
            lambda: job_statuses(store, "webhook.delivery") == ["failed"], what="failure"
        )
        await asyncio.sleep(0.3)
        listed = (
            await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=bearer(key))
        ).json()
    assert receiver.count == 2
    [shown] = listed["data"]
    assert (shown["status"], shown["attempts"], shown["response_status"], shown["last_error"]) == (
        "failed",
        2,
        503,
        "HTTP 503",
    )
    assert shown["next_attempt_at"] is None and shown["delivered_at"] is None


async def test_a_scheduled_publication_is_announced_at_its_time_not_before(
    store, receiver: Receiver
):
    site = make_site(store)
    when = utcnow() + timedelta(seconds=2)
    article_id = site.article("Tomorrow's news today", published_at=when)
    settings = fast(store)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        await create_webhook(client, key, receiver.url, ["article.published"])
        await emit_committed(
            app, "article.published", {"id": article_id, "published_at": rfc3339(when)}, due_at=when
        )
        await asyncio.sleep(1.0)
        assert receiver.count == 0
        await eventually(lambda: receiver.count == 1, timeout=5, what="the scheduled delivery")
    assert receiver.requests[0].at >= when.timestamp()
    assert orjson.loads(receiver.requests[0].body)["data"] == {
        "id": article_id,
        "published_at": rfc3339(when),
    }


async def test_a_scheduled_publication_is_dropped_if_unpublished_or_rescheduled_meanwhile(
    store, receiver: Receiver
):
    site = make_site(store)
    when = utcnow() + timedelta(seconds=3)  # room for the setup below on a loaded machine
    unpublished = site.article("Pulled story", published_at=when)
    rescheduled = site.article("Moved story", published_at=when)
    settings = fast(store)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        await create_webhook(client, key, receiver.url, ["article.published"])
        for article_id in (unpublished, rescheduled):
            await emit_committed(
                app,
                "article.published",
                {"id": article_id, "published_at": rfc3339(when)},
                due_at=when,
            )
        later = utcnow() + timedelta(hours=1)
        await write(
            app,
            update(Article)
            .where(Article.id == unpublished)
            .values(status="draft", published_at=None),
        )
        await write(
            app, update(Article).where(Article.id == rescheduled).values(published_at=later)
        )
        await eventually(
            lambda: job_statuses(store, "webhook.event") == ["done", "done"], what="both events"
        )
        await asyncio.sleep(0.2)
    assert receiver.count == 0
    assert deliveries(store) == []


async def test_the_delivery_time_check_refuses_a_private_address_for_good(
    store, receiver: Receiver
):
    setup = fast(store)
    key = issue_key(store, setup, "admin")
    async with running(create_app(setup)) as client:
        hook = await create_webhook(client, key, receiver.url, ["comment.approved"])
    strict = fast(store, webhooks_allow_private=False)
    app = create_app(strict)
    async with running(app):
        await emit_committed(app, "comment.approved", {"id": 1, "article_id": 1})
        await eventually(
            lambda: job_statuses(store, "webhook.delivery") == ["failed"], what="refusal"
        )
    assert receiver.count == 0
    [row] = deliveries(store)
    assert (row.webhook_id, row.status, row.attempts, row.response_status) == (
        hook["id"],
        "failed",
        1,
        None,
    )
    assert row.last_error == (
        "refused: the URL resolves to a loopback address (127.0.0.1), which is not allowed"
    )


async def test_a_pending_delivery_survives_a_restart_and_is_delivered_by_the_next_app(
    store, receiver: Receiver
):
    receiver.statuses = [500]
    settings = fast(store, outbox_backoff_base_seconds=1.0)
    key = issue_key(store, settings, "admin")
    first = create_app(settings)
    async with running(first) as client:
        hook = await create_webhook(client, key, receiver.url, ["article.deleted"])
        await emit_committed(first, "article.deleted", {"id": 4})
        await eventually(
            lambda: [r.attempts for r in deliveries(store)] == [1], what="the first attempt"
        )
        await eventually(lambda: retry_scheduled(store), what="the retry to be scheduled")
    # The first app is gone before its retry was due; the store still holds the work.
    assert receiver.count == 1
    assert [r.status for r in deliveries(store)] == ["pending"]
    second = create_app(settings)
    async with running(second) as client:
        await eventually(lambda: receiver.count == 2, timeout=5, what="the retry after restart")
        await eventually(lambda: deliveries(store)[0].status == "delivered", what="the record")
        listed = (
            await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=bearer(key))
        ).json()
    assert (
        receiver.requests[0].headers["inkwell-delivery"]
        == receiver.requests[1].headers["inkwell-delivery"]
    )
    [shown] = listed["data"]
    assert (shown["status"], shown["attempts"], shown["response_status"], shown["last_error"]) == (
        "delivered",
        2,
        200,
        None,
    )


async def test_an_event_fanned_out_again_after_a_crash_is_not_delivered_twice(
    store, receiver: Receiver
):
    settings = fast(store)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        await create_webhook(client, key, receiver.url, ["comment.approved"])
        await emit_committed(app, "comment.approved", {"id": 2, "article_id": 1})
        await eventually(lambda: receiver.count == 1, what="the delivery")
        await eventually(
            lambda: job_statuses(store, "webhook.event") == ["done"], what="the event job"
        )
        # As if the worker died after fanning out but before recording the event job as done:
        await write(
            app,
            update(OutboxJob)
            .where(OutboxJob.kind == "webhook.event")
            .values(status="pending", finished_at=None),
        )
        app.state.outbox.wake()
        await eventually(
            lambda: job_statuses(store, "webhook.event") == ["done"], what="the re-run"
        )
        await asyncio.sleep(0.3)
    assert receiver.count == 1
    assert len(deliveries(store)) == 1


async def test_deleting_a_webhook_cancels_its_pending_deliveries(store, receiver: Receiver):
    receiver.statuses = [500]
    settings = fast(store, outbox_backoff_base_seconds=0.5)
    key = issue_key(store, settings, "admin")
    app = create_app(settings)
    async with running(app) as client:
        hook = await create_webhook(client, key, receiver.url, ["article.deleted"])
        await emit_committed(app, "article.deleted", {"id": 4})
        await eventually(
            lambda: [r.attempts for r in deliveries(store)] == [1], what="the first attempt"
        )
        deleted = await client.delete(f"/api/v1/webhooks/{hook['id']}", headers=bearer(key))
        assert deleted.status_code == 204
        await eventually(
            lambda: job_statuses(store, "webhook.delivery") == ["done"], what="the job ends"
        )
    assert receiver.count == 1
    assert deliveries(store) == []
