"""The outbox handlers that send newsletter emails (at least once; a fixed Message-ID per job).

A job carries only the subscriber id: the address is read when the email goes out, so an erased
subscriber leaves no address behind in the outbox, and a job for one is simply dropped.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from app.core.config import Settings
from app.core.db import Database
from app.core.models import OutboxJob
from app.core.outbox import OutboxWorker
from app.newsletter import repository, tokens
from app.newsletter.mail import Letter, Mailer, build_message, message_id_for
from app.newsletter.models import Subscriber
from app.newsletter.service import ALREADY_SUBSCRIBED_JOB, CONFIRMATION_JOB
from app.newsletter.tokens import Purpose

log = logging.getLogger("inkwell.newsletter")


def _with_token(url: str, token: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'token': token})}"


def one_click_url(settings: Settings, subscriber: Subscriber) -> str:
    """The RFC 8058 target: the API's own unsubscribe endpoint, which takes a one-click POST."""
    assert subscriber.id is not None
    token = tokens.sign(
        settings.secret_key, Purpose.UNSUBSCRIBE, subscriber.id, subscriber.unsubscribe_nonce
    )
    return _with_token(f"{settings.public_base}/api/v1/newsletter/unsubscribe", token)


def confirm_page_url(settings: Settings, subscriber: Subscriber) -> str:
    assert subscriber.id is not None
    token = tokens.sign(
        settings.secret_key, Purpose.CONFIRM, subscriber.id, subscriber.confirm_nonce
    )
    page = settings.newsletter_confirm_page_url or f"{settings.public_base}/newsletter/confirm"
    return _with_token(page, token)


def unsubscribe_page_url(settings: Settings, subscriber: Subscriber) -> str:
    assert subscriber.id is not None
    token = tokens.sign(
        settings.secret_key, Purpose.UNSUBSCRIBE, subscriber.id, subscriber.unsubscribe_nonce
    )
    page = (
        settings.newsletter_unsubscribe_page_url or f"{settings.public_base}/newsletter/unsubscribe"
    )
    return _with_token(page, token)


def confirmation_letter(settings: Settings, subscriber: Subscriber) -> Letter:
    hours = settings.newsletter_token_max_age_seconds // 3600
    return Letter(
        subject=f"Confirm your subscription to {settings.site_name}",
        paragraphs=[
            f"Hello{' ' + subscriber.name if subscriber.name else ''},",
            f"Someone (we hope you) asked to receive the {settings.site_name} newsletter at this "
            "address. Confirm it with the link below; until you do, we send you nothing else.",
            f"The link works once and for {hours} hours. If this was not you, ignore this email.",
        ],
        action_label="Confirm my subscription",
        action_url=confirm_page_url(settings, subscriber),
    )


def already_subscribed_letter(settings: Settings, subscriber: Subscriber) -> Letter:
    return Letter(
        subject=f"You are already subscribed to {settings.site_name}",
        paragraphs=[
            f"Hello{' ' + subscriber.name if subscriber.name else ''},",
            f"Someone (we hope you) tried to subscribe this address to the {settings.site_name} "
            "newsletter. It is already subscribed, so nothing has changed.",
            "If you no longer want the newsletter, unsubscribe with the link below.",
        ],
        action_label=None,
        action_url=None,
    )


def install_delivery(outbox: OutboxWorker, database: Database, settings: Settings) -> None:
    mailer = Mailer(settings.smtp_url, settings.smtp_timeout_seconds)

    async def send(job: OutboxJob, subscriber: Subscriber, letter: Letter) -> None:
        assert job.id is not None
        message = build_message(
            letter,
            to=subscriber.email,
            mail_from=settings.mail_from,
            message_id=message_id_for(job.id, settings.mail_from),
            one_click_url=one_click_url(settings, subscriber),
            unsubscribe_page_url=unsubscribe_page_url(settings, subscriber),
        )
        await mailer.send(message)

    async def load(
        payload: dict[str, Any], wanted_status: str, job: OutboxJob
    ) -> Subscriber | None:
        async with database.reader() as session:
            subscriber = await repository.get(session, int(payload["subscriber_id"]))
        if subscriber is None or subscriber.status != wanted_status:
            log.info("newsletter job %s dropped: the subscriber is gone or changed state", job.id)
            return None
        return subscriber

    async def confirmation(payload: dict[str, Any], job: OutboxJob) -> None:
        subscriber = await load(payload, "pending", job)
        if subscriber is not None:
            await send(job, subscriber, confirmation_letter(settings, subscriber))

    async def already_subscribed(payload: dict[str, Any], job: OutboxJob) -> None:
        subscriber = await load(payload, "active", job)
        if subscriber is not None:
            await send(job, subscriber, already_subscribed_letter(settings, subscriber))

    outbox.register(CONFIRMATION_JOB, confirmation)
    outbox.register(ALREADY_SUBSCRIBED_JOB, already_subscribed)
