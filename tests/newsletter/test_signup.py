"""Double opt-in signups, tokens and one-click unsubscribe, against a real SMTP sink."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.core.clients import keyed_hash
from app.newsletter.tokens import Purpose
from tests.conftest import running
from tests.newsletter.factories import (
    category,
    confirm_token,
    link_token,
    one_click_url,
    signed_in_the_past,
    subscriber,
    text_of,
)

SIGNUP = "/api/v1/newsletter/subscriptions"
CONFIRM = "/api/v1/newsletter/confirm"
UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe"
ACCEPTED = {"detail": "If this address can receive email, a message is on its way to it."}


def state(store, email):
    return store.rows(
        "SELECT status, confirmed_at IS NOT NULL, unsubscribed_at IS NOT NULL"
        " FROM subscriber WHERE email = :e",
        e=email,
    )


def actions(store):
    return [row[0] for row in store.rows("SELECT action FROM consent_event ORDER BY id")]


async def test_a_signup_sends_a_confirmation_whose_token_activates_once(
    store, client, smtp_sink, settings
):
    await category(store, "business")
    await category(store, "health")
    response = await client.post(
        SIGNUP,
        json={
            "email": "Ada.Reader@Example.ORG",
            "name": "Ada",
            "consent": True,
            "categories": ["health", "business"],
        },
        headers={"User-Agent": "test-browser/1.0"},
    )
    assert response.status_code == 202, response.text
    assert response.json() == ACCEPTED
    assert state(store, "ada.reader@example.org") == [("pending", False, False)]
    assert store.rows(
        "SELECT c.slug FROM subscriber_interest i"
        " JOIN category c ON c.id = i.category_id ORDER BY c.slug"
    ) == [("business",), ("health",)]

    (message,) = await smtp_sink.wait_for(1)
    assert message["To"] == "ada.reader@example.org"
    assert message["From"] == "The Daily Inkwell <newsletter@news.example>"
    assert message["Subject"] == "Confirm your subscription to inkwell"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert one_click_url(message).startswith(
        "http://testserver/api/v1/newsletter/unsubscribe?token="
    )
    job_id = store.scalar("SELECT id FROM outbox_job")
    assert message["Message-ID"] == f"<newsletter-{job_id}@news.example>"
    assert smtp_sink.envelopes == [("newsletter@news.example", ["ada.reader@example.org"])]
    assert "Hello Ada," in text_of(message)
    html = message.get_body(preferencelist=("html",))
    assert html is not None and "Confirm my subscription</a>" in html.get_content()

    token = confirm_token(message)
    confirmed = await client.post(CONFIRM, json={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json() == {"status": "active"}
    assert state(store, "ada.reader@example.org") == [("active", True, False)]

    again = await client.post(CONFIRM, json={"token": token})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["detail"] == "This subscription is already confirmed."
    assert actions(store) == ["signup", "confirm"]
    events = store.rows(
        "SELECT wording_version, email_hash, address_hash, user_agent FROM consent_event"
    )
    expected_email = keyed_hash(
        "newsletter-test-secret", "ada.reader@example.org", purpose="newsletter-email"
    )
    expected_address = keyed_hash(
        "newsletter-test-secret", "203.0.113.7", purpose="newsletter-address"
    )
    assert events == [
        ("2026-01", expected_email, expected_address, "test-browser/1.0"),
        ("2026-01", expected_email, expected_address, "python-httpx/0.28.1"),
    ]


async def test_a_tampered_or_wrong_purpose_token_is_refused_and_changes_nothing(
    store, client, smtp_sink
):
    await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
    (message,) = await smtp_sink.wait_for(1)
    token = confirm_token(message)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (tampered, link_token(one_click_url(message)), "not-a-token"):
        response = await client.post(CONFIRM, json={"token": bad})
        assert response.status_code == 400, response.text
        assert response.json()["detail"] == "This is not a valid confirm token."
    wrong_way = await client.post(UNSUBSCRIBE, json={"token": token})
    assert wrong_way.status_code == 400
    assert state(store, "reader@example.org") == [("pending", False, False)]
    assert actions(store) == ["signup"]


async def test_an_expired_token_answers_410_and_changes_nothing(store, client, settings):
    subscriber_id = await subscriber(store, settings, "late@example.org", status="pending")
    nonce = store.scalar("SELECT confirm_nonce FROM subscriber WHERE id = :i", i=subscriber_id)
    old = signed_in_the_past(
        settings.secret_key,
        Purpose.CONFIRM,
        {"s": subscriber_id, "n": nonce},
        settings.newsletter_token_max_age_seconds + 60,
    )
    response = await client.post(CONFIRM, json={"token": old})
    assert response.status_code == 410, response.text
    assert response.json()["title"] == "Gone"
    assert state(store, "late@example.org") == [("pending", False, False)]
    fresh = signed_in_the_past(
        settings.secret_key, Purpose.CONFIRM, {"s": subscriber_id, "n": nonce}, 60
    )
    assert (await client.post(CONFIRM, json={"token": fresh})).status_code == 200


async def test_one_click_unsubscribe_works_with_the_rfc_8058_form_body(store, client, smtp_sink):
    await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
    (message,) = await smtp_sink.wait_for(1)
    await client.post(CONFIRM, json={"token": confirm_token(message)})
    url = one_click_url(message).removeprefix("http://testserver")
    response = await client.post(
        url,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "unsubscribed"}
    assert state(store, "reader@example.org") == [("unsubscribed", True, True)]
    repeat = await client.post(
        url,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert repeat.status_code == 409
    assert actions(store) == ["signup", "confirm", "unsubscribe"]


async def test_unsubscribe_takes_a_json_token_and_needs_one(store, client, smtp_sink):
    await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
    (message,) = await smtp_sink.wait_for(1)
    missing = await client.post(UNSUBSCRIBE, json={})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["body.token"]
    response = await client.post(UNSUBSCRIBE, json={"token": link_token(one_click_url(message))})
    assert response.status_code == 200
    assert state(store, "reader@example.org") == [("unsubscribed", False, True)]
    # The confirmation link of that signup can no longer undo the unsubscribe.
    assert (await client.post(CONFIRM, json={"token": confirm_token(message)})).status_code == 409


async def test_resubscribing_after_unsubscribe_needs_a_new_confirmation(store, client, smtp_sink):
    await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
    (first,) = await smtp_sink.wait_for(1)
    await client.post(CONFIRM, json={"token": confirm_token(first)})
    await client.post(UNSUBSCRIBE, json={"token": link_token(one_click_url(first))})

    again = await client.post(SIGNUP, json={"email": "reader@example.org", "consent": True})
    assert again.status_code == 202
    assert state(store, "reader@example.org") == [("pending", True, True)]
    second = (await smtp_sink.wait_for(2))[1]
    assert second["Subject"] == "Confirm your subscription to inkwell"
    assert (await client.post(CONFIRM, json={"token": confirm_token(first)})).status_code == 409
    confirmed = await client.post(CONFIRM, json={"token": confirm_token(second)})
    assert confirmed.json() == {"status": "active"}
    assert state(store, "reader@example.org") == [("active", True, False)]
    assert actions(store) == ["signup", "confirm", "unsubscribe", "resubscribe", "confirm"]


async def test_every_signup_answers_the_same_whatever_the_address_is(store, smtp_sink):
    from app.main import create_app
    from tests.newsletter.conftest import newsletter_settings

    # No background sender while measuring: the statements counted are the request's alone.
    settings = newsletter_settings(store, smtp_sink, background_workers=False)
    app = create_app(settings)
    await subscriber(store, settings, "pending@example.org", status="pending")
    await subscriber(store, settings, "active@example.org", status="active", name="Ann")
    await subscriber(store, settings, "gone@example.org", status="unsubscribed")
    statements: list[str] = []
    event.listen(
        app.state.database.write_engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_a: statements.append(" ".join(sql.split())),
    )
    answers, work = {}, {}
    async with running(app) as client:
        for address in (
            "new@example.org",
            "pending@example.org",
            "active@example.org",
            "gone@example.org",
        ):
            statements.clear()
            response = await client.post(
                SIGNUP,
                json={"email": address, "consent": True},
                headers={"X-Request-Id": "same-id"},
            )
            answers[address] = (
                response.status_code,
                response.content,
                tuple(sorted(response.headers.items())),
            )
            work[address] = tuple(statements)
        assert await app.state.outbox.run_once() == 4
    assert len(set(answers.values())) == 1, answers
    status, _body, headers = answers["new@example.org"]
    assert status == 202
    assert dict(headers)["cache-control"] == "no-store"
    # The same statements for each state of the address: nothing to tell apart by timing either.
    assert len(set(work.values())) == 1, work
    assert len(work["new@example.org"]) >= 6

    messages = await smtp_sink.wait_for(4)
    subjects = {m["To"]: m["Subject"] for m in messages}
    assert subjects == {
        "new@example.org": "Confirm your subscription to inkwell",
        "pending@example.org": "Confirm your subscription to inkwell",
        "active@example.org": "You are already subscribed to inkwell",
        "gone@example.org": "Confirm your subscription to inkwell",
    }
    notice = next(m for m in messages if m["To"] == "active@example.org")
    assert "token=" not in text_of(notice).split("Unsubscribe:")[0]  # no confirmation link in it
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert store.rows("SELECT email, status FROM subscriber ORDER BY email") == [
        ("active@example.org", "active"),
        ("gone@example.org", "pending"),
        ("new@example.org", "pending"),
        ("pending@example.org", "pending"),
    ]
    assert store.scalar("SELECT name FROM subscriber WHERE email = 'active@example.org'") == "Ann"


BAD_SIGNUPS = {
    "invalid email": {"email": "not-an-address", "consent": True},
    "email without a domain dot": {"email": "reader@localhost", "consent": True},
    "consent missing": {"email": "reader@example.org"},
    "consent false": {"email": "reader@example.org", "consent": False},
    "consent as a string": {"email": "reader@example.org", "consent": "true"},
    "unknown category": {
        "email": "reader@example.org",
        "consent": True,
        "categories": ["business", "nope"],
    },
    "unknown field": {"email": "reader@example.org", "consent": True, "admin": True},
}
EXPECTED_FIELD = {
    "invalid email": "body.email",
    "email without a domain dot": "body.email",
    "consent missing": "body.consent",
    "consent false": "body.consent",
    "consent as a string": "body.consent",
    "unknown category": "body.categories",
    "unknown field": "body.admin",
}


@pytest.mark.parametrize("case", list(BAD_SIGNUPS))
async def test_bad_signups_are_422_and_write_and_send_nothing(store, client, smtp_sink, case):
    await category(store, "business")
    response = await client.post(SIGNUP, json=BAD_SIGNUPS[case])
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["status"] == 422
    assert [e["field"] for e in problem["errors"]] == [EXPECTED_FIELD[case]]
    for table in ("subscriber", "subscriber_interest", "consent_event", "outbox_job"):
        assert store.scalar(f"SELECT count(*) FROM {table}") == 0, table
    assert smtp_sink.messages == []


async def test_an_oversized_signup_is_413_and_writes_nothing(store, client):
    response = await client.post(
        SIGNUP, json={"email": "reader@example.org", "consent": True, "name": "x" * 70_000}
    )
    assert response.status_code == 413
    assert store.scalar("SELECT count(*) FROM subscriber") == 0


async def test_signups_are_rate_limited_per_email_and_per_client_address(store, smtp_sink):
    from app.main import create_app
    from tests.newsletter.conftest import newsletter_settings

    app = create_app(
        newsletter_settings(
            store,
            smtp_sink,
            newsletter_rate_limit_email="2/hour",
            newsletter_rate_limit_address="3/hour",
        )
    )
    async with running(app) as client:
        codes = [
            (
                await client.post(SIGNUP, json={"email": "same@example.org", "consent": True})
            ).status_code
            for _ in range(3)
        ]
        assert codes == [202, 202, 429]
        by_address = await client.post(SIGNUP, json={"email": "other@example.org", "consent": True})
        assert by_address.status_code == 429
        assert int(by_address.headers["retry-after"]) > 0
        assert by_address.json()["detail"] == "Too many signups; try again later."
    assert store.scalar("SELECT count(*) FROM subscriber") == 1
    assert store.scalar("SELECT count(*) FROM outbox_job") == 2
