"""draft → scheduled → published → archived, over HTTP with real keys; visibility at read time."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import orjson

from tests.editorial.conftest import create_article


async def test_a_draft_is_invisible_to_readers_and_visible_to_its_desk(desk, client):
    created = await create_article(client, desk, "author", title="Quiet budget draft")
    draft = created.json()
    assert (draft["status"], draft["published_at"], draft["revision"]) == ("draft", None, 1)

    assert (await client.get("/api/v1/articles/quiet-budget-draft")).status_code == 404
    assert (await client.get(f"/api/v1/articles/{draft['id']}")).status_code == 404
    assert (await client.get("/api/v1/articles")).json()["data"] == []

    seen = await client.get("/api/v1/articles/quiet-budget-draft", headers=desk.auth("author"))
    assert seen.status_code == 200
    assert seen.json()["status"] == "draft"
    assert seen.headers["cache-control"] == "private, no-store"
    assert seen.headers["etag"] == f'"{draft["id"]}-1"'


async def test_a_scheduled_article_goes_public_at_its_time_without_any_job(desk, client):
    publish_at = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0) + timedelta(
        seconds=1
    )
    stamp = publish_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    created = await create_article(
        client, desk, title="Rates decision at noon", status="scheduled", publish_at=stamp
    )
    article = created.json()
    assert (article["status"], article["published_at"], article["publish_at"]) == (
        "scheduled",
        stamp,
        stamp,
    )
    assert (await client.get("/api/v1/articles/rates-decision-at-noon")).status_code == 404
    listed = await client.get("/api/v1/articles?status=scheduled", headers=desk.auth("editor"))
    assert [a["slug"] for a in listed.json()["data"]] == ["rates-decision-at-noon"]

    deadline = time.monotonic() + 10
    while True:
        public = await client.get("/api/v1/articles/rates-decision-at-noon")
        if public.status_code == 200 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert public.status_code == 200
    assert datetime.now(UTC) >= publish_at
    assert public.json()["published_at"] == stamp
    assert [a["slug"] for a in (await client.get("/api/v1/articles")).json()["data"]] == [
        "rates-decision-at-noon"
    ]
    seen = await client.get(f"/api/v1/articles/{article['id']}", headers=desk.auth("editor"))
    assert (seen.json()["status"], seen.json()["publish_at"]) == ("published", None)


async def test_the_published_event_of_a_scheduled_article_waits_in_the_outbox_until_its_time(
    desk, client
):
    publish_at = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    stamp = publish_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    article = (await create_article(client, desk, status="scheduled", publish_at=stamp)).json()

    jobs = desk.store.rows("SELECT kind, payload, due_at, status FROM outbox_job")
    assert len(jobs) == 1
    kind, payload, due_at, status = jobs[0]
    assert (kind, status) == ("webhook.event", "pending")
    due = due_at if isinstance(due_at, datetime) else datetime.fromisoformat(due_at)
    assert due.replace(tzinfo=UTC) == publish_at
    event = orjson.loads(payload)
    assert event["event"] == "article.published"
    assert event["occurred_at"] == stamp
    assert {k: event["data"][k] for k in ("id", "published_at", "status")} == {
        "id": article["id"],
        "published_at": stamp,
        "status": "scheduled",
    }


async def test_publishing_now_emits_a_due_event_and_archiving_hides_the_article(desk, client):
    article = (await create_article(client, desk, title="Port strike ends")).json()
    assert desk.store.scalar("SELECT count(*) FROM outbox_job") == 0  # a draft tells nobody

    published = await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"status": "published"},
        headers=desk.auth("editor"),
    )
    assert published.status_code == 200, published.text
    assert (published.json()["status"], published.json()["revision"]) == ("published", 2)
    assert (await client.get("/api/v1/articles/port-strike-ends")).status_code == 200
    events = [
        orjson.loads(p)["event"]
        for (p,) in desk.store.rows("SELECT payload FROM outbox_job ORDER BY id")
    ]
    assert events == ["article.published"]

    archived = await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"status": "archived"},
        headers=desk.auth("editor"),
    )
    assert archived.json()["status"] == "archived"
    assert archived.json()["published_at"] == published.json()["published_at"]
    assert (await client.get("/api/v1/articles/port-strike-ends")).status_code == 404
    assert (await client.get("/api/v1/articles")).json()["meta"]["total"] == 0
    events = [
        orjson.loads(p)["event"]
        for (p,) in desk.store.rows("SELECT payload FROM outbox_job ORDER BY id")
    ]
    assert events == ["article.published", "article.updated"]

    deleted = await client.delete(f"/api/v1/articles/{article['id']}", headers=desk.auth("editor"))
    assert deleted.status_code == 204
    assert desk.store.scalar("SELECT count(*) FROM article") == 0


async def test_counts_follow_publication(desk, client):
    article = (await create_article(client, desk, tags=["markets"])).json()
    categories = (await client.get("/api/v1/categories")).json()["data"]
    assert {c["slug"]: c["article_count"] for c in categories}["business"] == 0
    await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"status": "published"},
        headers=desk.auth("editor"),
    )
    categories = (await client.get("/api/v1/categories")).json()["data"]
    assert {c["slug"]: c["article_count"] for c in categories}["business"] == 1
    tags = (await client.get("/api/v1/tags")).json()["data"]
    assert {t["slug"]: t["article_count"] for t in tags}["markets"] == 1
    await client.patch(
        f"/api/v1/articles/{article['id']}",
        json={"category": "sports"},
        headers=desk.auth("editor"),
    )
    categories = (await client.get("/api/v1/categories")).json()["data"]
    assert {c["slug"]: c["article_count"] for c in categories} == {
        "breaking-news": 0,
        "business": 0,
        "sports": 1,
    }


async def test_impossible_lifecycle_requests_are_refused_with_422_and_change_nothing(desk, client):
    article = (await create_article(client, desk)).json()
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = desk.state()
    for body, field in (
        ({"status": "scheduled"}, "body.publish_at"),
        ({"status": "scheduled", "publish_at": past}, "body.publish_at"),
        ({"status": "published", "publish_at": future}, "body.publish_at"),
        ({"status": "draft", "publish_at": future}, "body.publish_at"),
        ({"publish_at": future}, "body.publish_at"),
        ({"status": "live"}, "body.status"),
    ):
        answer = await client.patch(
            f"/api/v1/articles/{article['id']}", json=body, headers=desk.auth("editor")
        )
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == [field], body
    assert desk.state() == before
