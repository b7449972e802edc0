"""Tables owned by the core mechanisms: the content version and the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class ContentVersion(SQLModel, table=True):
    """One row; bumped in the same transaction as any write a reader could see."""

    __tablename__ = "content_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=1, sa_column=Column(BigInteger, nullable=False, default=1))
    changed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class OutboxJob(SQLModel, table=True):
    """Durable background work (emails, webhook deliveries), written with the change that caused it."""

    __tablename__ = "outbox_job"
    __table_args__ = (Index("ix_outbox_job_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending | done | failed
    attempts: int = 0
    max_attempts: int = 8
    due_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
