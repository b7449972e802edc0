"""Newsletter tables: subscribers, their interests, and the consent trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class Subscriber(SQLModel, table=True):
    """One address. `status`: pending (awaiting confirmation), active, unsubscribed.

    The nonces make tokens single use: a token carries the nonce current when it was signed, and
    using it (or unsubscribing, for a confirmation token) replaces the nonce.
    """

    __tablename__ = "subscriber"
    __table_args__ = (Index("ix_subscriber_status_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)  # normalised, lower case
    email_hash: str = Field(max_length=64)
    name: str | None = Field(default=None, max_length=120)
    status: str = Field(default="pending", max_length=16)
    confirm_nonce: str = Field(max_length=32)
    unsubscribe_nonce: str = Field(max_length=32)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    unsubscribed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class SubscriberInterest(SQLModel, table=True):
    __tablename__ = "subscriber_interest"
    __table_args__ = (Index("ix_subscriber_interest_category", "category_id", "subscriber_id"),)

    subscriber_id: int = Field(
        sa_column=Column(Integer, ForeignKey("subscriber.id", ondelete="CASCADE"), primary_key=True)
    )
    category_id: int = Field(
        sa_column=Column(Integer, ForeignKey("category.id", ondelete="CASCADE"), primary_key=True)
    )


class ConsentEvent(SQLModel, table=True):
    """A change of a subscription's state, with the wording shown and who asked (keyed hashes).

    After an erasure (`DELETE /subscribers/{id}`) the subscriber's events stay, with their action,
    time and wording version, but with no link to anyone: subscriber_id, hashes and user agent are
    cleared.
    """

    __tablename__ = "consent_event"

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("subscriber.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    action: str = Field(max_length=16)  # signup | confirm | unsubscribe | resubscribe | erase
    wording_version: str = Field(max_length=64)
    email_hash: str | None = Field(default=None, max_length=64)
    address_hash: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
