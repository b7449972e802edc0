"""The rules of the newsletter: double opt-in, single-use tokens, the consent trail, erasure.

Services flush, never commit: the route commits once before it answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clients import keyed_hash
from app.core.config import Settings
from app.core.errors import NotFound, Unprocessable
from app.core.outbox import enqueue
from app.core.types import utcnow
from app.newsletter import repository, tokens
from app.newsletter.models import Subscriber
from app.newsletter.schemas import SubscriptionCreate
from app.newsletter.tokens import Purpose, UsedToken

CONFIRMATION_JOB = "newsletter.confirmation"
ALREADY_SUBSCRIBED_JOB = "newsletter.already_subscribed"
USER_AGENT_MAX = 300


@dataclass(frozen=True)
class Caller:
    """Who submitted a request, as the consent trail keeps it."""

    address: str
    user_agent: str | None


def email_hash(settings: Settings, email: str) -> str:
    return keyed_hash(settings.secret_key, email, purpose="newsletter-email")


def address_hash(settings: Settings, address: str) -> str:
    return keyed_hash(settings.secret_key, address, purpose="newsletter-address")


async def _event(
    session: AsyncSession, settings: Settings, subscriber: Subscriber, action: str, caller: Caller
) -> None:
    await repository.add_event(
        session,
        subscriber_id=subscriber.id,
        action=action,
        wording_version=settings.newsletter_consent_version,
        email_hash=subscriber.email_hash,
        address_hash=address_hash(settings, caller.address),
        user_agent=(caller.user_agent or "")[:USER_AGENT_MAX] or None,
        created_at=utcnow(),
    )


async def subscribe(
    session: AsyncSession, settings: Settings, data: SubscriptionCreate, caller: Caller
) -> None:
    """Record a signup and queue its email, doing the same work whatever the address's state.

    new, pending → pending, confirmation email; unsubscribed → pending again (a new
    confirmation is needed); active → unchanged, an "already subscribed" notice. Each path runs
    the same statements (upsert, lock, update, interests, consent event, one outbox job), so the
    answer and its timing say nothing about the address.
    """
    found = await repository.category_ids(session, data.categories)
    unknown = sorted(set(data.categories) - set(found))
    if unknown:
        raise Unprocessable.on("body.categories", f"unknown category slug(s): {', '.join(unknown)}")

    subscriber = await repository.claim_by_email(
        session,
        email=data.email,
        email_hash=email_hash(settings, data.email),
        confirm_nonce=tokens.new_nonce(),
        unsubscribe_nonce=tokens.new_nonce(),
    )
    assert subscriber.id is not None
    current_interests = await repository.interest_ids(session, subscriber.id)
    if subscriber.status == "active":
        # Someone typed an active address: change nothing they did not confirm.
        action, job = "signup", ALREADY_SUBSCRIBED_JOB
        values = {"name": subscriber.name, "status": subscriber.status}
        interests = current_interests
    else:
        action = "resubscribe" if subscriber.status == "unsubscribed" else "signup"
        job = CONFIRMATION_JOB
        values = {"name": data.name, "status": "pending"}
        interests = list(found.values())
    await repository.update_subscriber(session, subscriber.id, **values)
    await repository.replace_interests(session, subscriber.id, interests)
    await _event(session, settings, subscriber, action, caller)
    await enqueue(session, job, {"subscriber_id": subscriber.id})


def check_link(settings: Settings, purpose: Purpose, token: str) -> None:
    """A 400 or 410 problem unless `token` is a genuine, unexpired token of this purpose; reads
    nothing, changes nothing (what a page may check when a link is merely opened)."""
    tokens.read(settings.secret_key, purpose, token, settings.newsletter_token_max_age_seconds)


async def _subscriber_for(
    session: AsyncSession, settings: Settings, purpose: Purpose, token: str
) -> tuple[Subscriber, tokens.TokenClaims]:
    claims = tokens.read(
        settings.secret_key, purpose, token, settings.newsletter_token_max_age_seconds
    )
    subscriber = await repository.locked(session, claims.subscriber_id)
    if subscriber is None:
        raise NotFound("This subscription no longer exists.")
    return subscriber, claims


async def confirm(session: AsyncSession, settings: Settings, token: str, caller: Caller) -> str:
    subscriber, claims = await _subscriber_for(session, settings, Purpose.CONFIRM, token)
    if subscriber.status == "active":
        raise UsedToken("This subscription is already confirmed.")
    if claims.nonce != subscriber.confirm_nonce or subscriber.status != "pending":
        raise UsedToken("This confirmation link has already been used.")
    assert subscriber.id is not None
    await repository.update_subscriber(
        session,
        subscriber.id,
        status="active",
        confirmed_at=utcnow(),
        unsubscribed_at=None,
        confirm_nonce=tokens.new_nonce(),
    )
    await _event(session, settings, subscriber, "confirm", caller)
    return "active"


async def unsubscribe(session: AsyncSession, settings: Settings, token: str, caller: Caller) -> str:
    subscriber, claims = await _subscriber_for(session, settings, Purpose.UNSUBSCRIBE, token)
    if subscriber.status == "unsubscribed":
        raise UsedToken("This address is already unsubscribed.")
    if claims.nonce != subscriber.unsubscribe_nonce:
        raise UsedToken("This unsubscribe link has already been used.")
    assert subscriber.id is not None
    # Both nonces change: an older confirmation link must not undo this unsubscribe.
    await repository.update_subscriber(
        session,
        subscriber.id,
        status="unsubscribed",
        unsubscribed_at=utcnow(),
        confirm_nonce=tokens.new_nonce(),
        unsubscribe_nonce=tokens.new_nonce(),
    )
    await _event(session, settings, subscriber, "unsubscribe", caller)
    return "unsubscribed"


async def erase(session: AsyncSession, settings: Settings, subscriber_id: int) -> None:
    """GDPR erasure: the subscriber and its interests go; its consent events lose every link to
    a person (subscriber id, email hash, address hash, user agent) and keep action, time and
    wording version; one more anonymous `erase` event records when it happened."""
    subscriber = await repository.locked(session, subscriber_id)
    if subscriber is None:
        raise NotFound(f"No subscriber with id {subscriber_id}.")
    await repository.erase(session, subscriber_id)
    await repository.add_event(
        session,
        subscriber_id=None,
        action="erase",
        wording_version=settings.newsletter_consent_version,
        created_at=utcnow(),
    )
