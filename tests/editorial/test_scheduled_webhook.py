"""End to end: a scheduled article's `article.published` webhook is delivered at its time, and
one unscheduled before its time is never announced."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import orjson

from app.main import create_app
from tests.articles.factories import make_site
from tests.conftest import running, test_settings
from tests.keys.factories import bearer, issue_key


async def test_a_scheduled_article_is_announced_at_its_time_and_an_unscheduled_one_never(
    store, receiver
):
    make_site(store)
    settings = test_settings(store, webhooks_allow_private=True)
    editor = bearer(issue_key(store, settings, "editor"))
    admin = bearer(issue_key(store, settings, "admin"))
    async with running(create_app(settings)) as client:
        hook = await client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["article.published"]},
            headers=admin,
        )
        assert hook.status_code == 201, hook.text
        at = (datetime.now(UTC) + timedelta(seconds=3)).replace(microsecond=0)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        article = {
            "category": "business",
            "author": "ada-okafor",
            "status": "scheduled",
            "publish_at": stamp,
        }
        kept = (
            await client.post("/api/v1/articles", json={"title": "Kept", **article}, headers=editor)
        ).json()
        dropped = (
            await client.post(
                "/api/v1/articles", json={"title": "Dropped", **article}, headers=editor
            )
        ).json()
        back = await client.patch(
            f"/api/v1/articles/{dropped['id']}", json={"status": "draft"}, headers=editor
        )
        assert back.status_code == 200
        assert receiver.count == 0

        deadline = time.monotonic() + 15
        while receiver.count == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # room for a wrong second delivery to show up
        assert receiver.count == 1
        delivered = receiver.requests[0]
        assert delivered.at >= at.timestamp()
        body = orjson.loads(delivered.body)
        assert body["event"] == "article.published"
        assert (body["data"]["id"], body["data"]["published_at"]) == (kept["id"], stamp)
