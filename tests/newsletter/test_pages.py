"""The confirm and unsubscribe pages the API serves itself, followed from real emails (SMTP sink)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlencode, urlsplit

from app.newsletter.tokens import Purpose
from tests.conftest import running
from tests.newsletter.factories import (
    link_token,
    one_click_url,
    signed_in_the_past,
    subscriber,
    text_of,
)

SIGNUP = "/api/v1/newsletter/subscriptions"
CONFIRM_PAGE = "/newsletter/confirm"
UNSUBSCRIBE_PAGE = "/newsletter/unsubscribe"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def state(store, email):
    return store.rows("SELECT status FROM subscriber WHERE email = :e", e=email)


def actions(store):
    return [row[0] for row in store.rows("SELECT action FROM consent_event ORDER BY id")]


def emailed_link(message, label):
    line = next(line for line in text_of(message).splitlines() if line.startswith(f"{label}: "))
    return line.split(": ", 1)[1]


def heading(response):
    (text,) = re.findall(r"<h1>(.*?)</h1>", response.text)
    return text


def paragraph(response):
    return re.findall(r"<p>(.*?)</p>", response.text)[-1]


def form_of(response):
    """(method, action, token) of the page's one form."""
    (form,) = re.findall(
        r'<form method="(\w+)" action="([^"]*)">'
        r'<input type="hidden" name="token" value="([^"]*)">',
        response.text,
    )
    return form


def assert_is_a_safe_page(response):
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    (style,) = re.findall(r"<style>(.*?)</style>", response.text)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert response.headers["content-security-policy"] == (
        f"default-src 'none'; style-src 'sha256-{digest}'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    assert "<script" not in response.text and "http" not in response.text.split("</head>")[0]
    assert '<html lang="en">' in response.text and "<main>" in response.text


async def signed_up(client, smtp_sink, email="reader@example.org"):
    response = await client.post(SIGNUP, json={"email": email, "consent": True})
    assert response.status_code == 202, response.text
    return (await smtp_sink.wait_for(len(smtp_sink.messages) + 1))[-1]


async def test_the_emailed_confirm_link_opens_a_page_whose_button_confirms(
    store, client, smtp_sink
):
    message = await signed_up(client, smtp_sink)
    link = emailed_link(message, "Confirm my subscription")
    assert link.startswith("http://testserver/newsletter/confirm?token=")
    path = link.removeprefix("http://testserver")

    for _ in range(2):  # a mail scanner, then the reader: opening it changes nothing
        page = await client.get(path)
        assert page.status_code == 200, page.text
        assert_is_a_safe_page(page)
        assert heading(page) == "Confirm your subscription"
        assert form_of(page) == ("post", "confirm", link_token(link))
        assert '<button type="submit">Confirm my subscription</button>' in page.text
    assert state(store, "reader@example.org") == [("pending",)]
    assert actions(store) == ["signup"]

    _method, action, token = form_of(page)
    target = urlsplit(str(page.url)).path.rsplit("/", 1)[0] + "/" + action  # as a browser would
    confirmed = await client.post(target, content=urlencode({"token": token}), headers=FORM)
    assert confirmed.status_code == 200, confirmed.text
    assert_is_a_safe_page(confirmed)
    assert heading(confirmed) == "You are subscribed"
    assert paragraph(confirmed) == (
        "Thank you: your subscription to newsletters from inkwell is confirmed."
    )
    assert "<form" not in confirmed.text
    assert state(store, "reader@example.org") == [("active",)]
    assert actions(store) == ["signup", "confirm"]

    again = await client.post(CONFIRM_PAGE, data={"token": token})
    assert again.status_code == 409
    assert_is_a_safe_page(again)
    assert (heading(again), paragraph(again)) == (
        "This link has already been used",
        "This subscription is already confirmed.",
    )
    assert actions(store) == ["signup", "confirm"]


async def test_the_emailed_unsubscribe_link_opens_a_page_whose_button_unsubscribes(
    store, client, smtp_sink
):
    message = await signed_up(client, smtp_sink)
    link = emailed_link(message, "Unsubscribe")
    assert link.startswith("http://testserver/newsletter/unsubscribe?token=")
    # The RFC 8058 one-click target stays the API endpoint, which mail clients POST to.
    assert one_click_url(message).startswith(
        "http://testserver/api/v1/newsletter/unsubscribe?token="
    )
    page = await client.get(link.removeprefix("http://testserver"))
    assert page.status_code == 200, page.text
    assert_is_a_safe_page(page)
    assert (heading(page), paragraph(page)) == (
        "Unsubscribe",
        "Stop sending newsletters from inkwell to this address?",
    )
    assert form_of(page) == ("post", "unsubscribe", link_token(link))
    assert state(store, "reader@example.org") == [("pending",)]
    assert actions(store) == ["signup"]

    done = await client.post(UNSUBSCRIBE_PAGE, data={"token": link_token(link)})
    assert done.status_code == 200, done.text
    assert_is_a_safe_page(done)
    assert (heading(done), paragraph(done)) == (
        "You are unsubscribed",
        "You will get no more newsletters from inkwell. You can subscribe again at any time.",
    )
    assert state(store, "reader@example.org") == [("unsubscribed",)]
    again = await client.post(UNSUBSCRIBE_PAGE, data={"token": link_token(link)})
    assert (again.status_code, paragraph(again)) == (409, "This address is already unsubscribed.")
    assert actions(store) == ["signup", "unsubscribe"]


async def test_one_click_unsubscribe_still_goes_to_the_api(store, client, smtp_sink):
    message = await signed_up(client, smtp_sink)
    response = await client.post(
        one_click_url(message).removeprefix("http://testserver"),
        content=b"List-Unsubscribe=One-Click",
        headers=FORM,
    )
    assert (response.status_code, response.json()) == (200, {"status": "unsubscribed"})
    page = await client.post(UNSUBSCRIBE_PAGE, data={"token": link_token(one_click_url(message))})
    assert (page.status_code, paragraph(page)) == (409, "This address is already unsubscribed.")


async def test_expired_links_say_so_on_opening_and_on_posting_and_change_nothing(
    store, client, settings
):
    subscriber_id = await subscriber(store, settings, "late@example.org", status="pending")
    nonces = store.rows(
        "SELECT confirm_nonce, unsubscribe_nonce FROM subscriber WHERE id = :i", i=subscriber_id
    )[0]
    age = settings.newsletter_token_max_age_seconds + 60
    for purpose, path, nonce, advice in (
        (Purpose.CONFIRM, CONFIRM_PAGE, nonces[0], "sign up again to get a new one."),
        (
            Purpose.UNSUBSCRIBE,
            UNSUBSCRIBE_PAGE,
            nonces[1],
            "use the unsubscribe link of a more recent email.",
        ),
    ):
        old = signed_in_the_past(
            settings.secret_key, purpose, {"s": subscriber_id, "n": nonce}, age
        )
        for response in (
            await client.get(path, params={"token": old}),
            await client.post(path, data={"token": old}),
        ):
            assert response.status_code == 410, response.text
            assert_is_a_safe_page(response)
            assert (heading(response), paragraph(response)) == (
                "This link has expired",
                f"This link has expired; {advice}",
            )
            assert "<form" not in response.text
    assert state(store, "late@example.org") == [("pending",)]
    assert actions(store) == []


async def test_tampered_wrong_purpose_and_missing_tokens_are_refused_as_pages(
    store, client, smtp_sink
):
    message = await signed_up(client, smtp_sink)
    token = link_token(emailed_link(message, "Confirm my subscription"))
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    unsubscribe_token = link_token(emailed_link(message, "Unsubscribe"))
    refusals = [
        (400, await client.get(CONFIRM_PAGE, params={"token": tampered})),
        (400, await client.post(CONFIRM_PAGE, data={"token": tampered})),
        (400, await client.post(CONFIRM_PAGE, data={"token": unsubscribe_token})),
        (400, await client.get(UNSUBSCRIBE_PAGE, params={"token": token})),
        (422, await client.get(CONFIRM_PAGE)),
        (422, await client.get(CONFIRM_PAGE, params={"token": "x" * 1001})),
        (422, await client.get(CONFIRM_PAGE, params={"token": token, "extra": "1"})),
        (422, await client.post(CONFIRM_PAGE)),
        (422, await client.post(CONFIRM_PAGE, json={"token": token})),  # the page takes a form
        (422, await client.post(CONFIRM_PAGE, content="&".join(["a=1"] * 500), headers=FORM)),
        (400, await client.post(CONFIRM_PAGE, content="a=1&" * 50 + "token=x", headers=FORM)),
    ]
    for status, response in refusals:
        assert response.status_code == status, (status, response.text)
        assert_is_a_safe_page(response)
        assert heading(response) == "This link is not valid"
        assert paragraph(response).startswith("It may have been cut short or changed")
    assert state(store, "reader@example.org") == [("pending",)]
    assert actions(store) == ["signup"]


async def test_the_pages_share_the_json_endpoints_rate_limit_and_body_limit(store, smtp_sink):
    from app.main import create_app
    from tests.newsletter.conftest import newsletter_settings

    settings = newsletter_settings(
        store, smtp_sink, newsletter_rate_limit_confirm_address="2/minute", max_body_bytes=2000
    )
    async with running(create_app(settings)) as client:
        too_large = await client.post(CONFIRM_PAGE, data={"token": "x" * 3000})
        assert too_large.status_code == 413
        assert_is_a_safe_page(too_large)
        assert (heading(too_large), paragraph(too_large)) == (
            "Request too large",
            "The request body is larger than 2000 bytes.",
        )
        codes = [
            (await client.post(CONFIRM_PAGE, data={"token": "nope"})).status_code,
            (await client.post("/api/v1/newsletter/confirm", json={"token": "nope"})).status_code,
        ]
        limited = await client.post(UNSUBSCRIBE_PAGE, data={"token": "nope"})
    assert codes == [400, 400]
    assert limited.status_code == 429
    assert_is_a_safe_page(limited)
    assert int(limited.headers["retry-after"]) > 0
    assert (heading(limited), paragraph(limited)) == (
        "Too many attempts",
        "Too many attempts; try again later.",
    )


async def test_with_page_urls_set_the_emails_link_to_the_frontend_instead(store, smtp_sink):
    from app.main import create_app
    from tests.newsletter.conftest import newsletter_settings

    settings = newsletter_settings(
        store,
        smtp_sink,
        newsletter_confirm_page_url="https://www.example.org/subscribe/confirm?lang=en",
        newsletter_unsubscribe_page_url="https://www.example.org/subscribe/stop",
    )
    async with running(create_app(settings)) as client:
        message = await signed_up(client, smtp_sink)
    assert emailed_link(message, "Confirm my subscription").startswith(
        "https://www.example.org/subscribe/confirm?lang=en&token="
    )
    assert emailed_link(message, "Unsubscribe").startswith(
        "https://www.example.org/subscribe/stop?token="
    )
