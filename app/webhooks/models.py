"""Webhooks and their deliveries: one delivery row per (event, subscribed webhook)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class Webhook(SQLModel, table=True):
    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    events: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of event names
    # The signing secret itself: HMAC needs it. It is shown once, at creation, and never again.
    secret: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    active: bool = True
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class WebhookDelivery(SQLModel, table=True):
    """`status` is pending | delivered | failed. `event_job_id` is the outbox job of the event it
    came from: unique per webhook, so an event fanned out twice (a retried job) delivers once."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_job_id", name="uq_webhook_delivery_event"),
        Index("ix_webhook_delivery_webhook", "webhook_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(
        sa_column=Column(Integer, ForeignKey("webhook.id", ondelete="CASCADE"), nullable=False)
    )
    event_job_id: int
    event: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the exact JSON body sent
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    response_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
