"""The outbox sender: emails survive an SMTP outage and an app restart, and arrive once."""

from __future__ import annotations

import asyncio
import logging

from app.main import create_app
from tests.conftest import running
from tests.newsletter.conftest import newsletter_settings

SIGNUP = "/api/v1/newsletter/subscriptions"


def jobs(store):
    return store.rows("SELECT status, attempts, last_error IS NOT NULL FROM outbox_job ORDER BY id")


async def test_with_the_smtp_server_down_signups_answer_202_and_emails_arrive_once_it_is_back(
    store, client, smtp_sink
):
    smtp_sink.stop()
    for address in ("one@example.org", "two@example.org"):
        response = await client.post(SIGNUP, json={"email": address, "consent": True})
        assert response.status_code == 202
    deadline = asyncio.get_running_loop().time() + 5
    while not all(failed for _s, _a, failed in jobs(store)):
        assert asyncio.get_running_loop().time() < deadline, jobs(store)
        await asyncio.sleep(0.05)
    assert [(s, a) for s, a, _f in jobs(store)] == [("pending", 1), ("pending", 1)]
    assert smtp_sink.messages == []

    smtp_sink.start()  # the same port
    messages = await smtp_sink.wait_for(2, timeout=10)
    await asyncio.sleep(1.5)  # a repeat would show up here
    assert sorted(m["To"] for m in smtp_sink.messages) == ["one@example.org", "two@example.org"]
    assert len({m["Message-ID"] for m in messages}) == 2
    assert [s for s, _a, _f in jobs(store)] == ["done", "done"]


async def test_a_restarted_app_delivers_what_the_previous_one_queued(store, smtp_sink):
    settings = newsletter_settings(store, smtp_sink)
    smtp_sink.stop()
    first = create_app(settings)
    async with running(first) as client:
        response = await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
        assert response.status_code == 202
        deadline = asyncio.get_running_loop().time() + 5
        # Wait for the failure to be recorded (not just claimed): a job cancelled mid-send by a
        # shutdown keeps its lease and is only retried once the lease runs out.
        while store.scalar("SELECT last_error FROM outbox_job") is None:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
    # The first app is gone; its job is a row. A new app on the same store sends it.
    smtp_sink.start()
    second = create_app(settings)
    async with running(second):
        (message,) = await smtp_sink.wait_for(1, timeout=10)
        await asyncio.sleep(1.0)
    assert len(smtp_sink.messages) == 1
    assert message["To"] == "reader@example.org"
    ((status, attempts),) = store.rows("SELECT status, attempts FROM outbox_job")
    assert status == "done" and attempts >= 2  # failed in the first app, sent by the second


async def test_without_an_smtp_url_emails_are_written_to_the_log(store, caplog):
    app = create_app(newsletter_settings(store, None))
    caplog.set_level(logging.INFO, logger="inkwell.newsletter.mail")
    async with running(app) as client:
        await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
        deadline = asyncio.get_running_loop().time() + 5
        while store.scalar("SELECT status FROM outbox_job") != "done":
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
    (record,) = [r for r in caplog.records if r.name == "inkwell.newsletter.mail"]
    text = record.getMessage()
    assert "no INKWELL_SMTP_URL" in text
    assert "To: reader@example.org" in text
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
