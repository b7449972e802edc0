"""The one door for public reads (DESIGN §1): published, and its time has come."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement

from app.articles.models import Article

PUBLISHED = "published"


def visible_at(now: datetime) -> ColumnElement[bool]:
    return (Article.status == PUBLISHED) & (Article.published_at <= now)  # type: ignore[operator,return-value]


def scheduled_after(now: datetime) -> ColumnElement[bool]:
    return (Article.status == PUBLISHED) & (Article.published_at > now)  # type: ignore[operator,return-value]


def public_status(status: str, published_at: datetime | None, now: datetime) -> str:
    """What the desk sees: a published article whose time has not come is `scheduled`."""
    if status == PUBLISHED and published_at is not None and published_at > now:
        return "scheduled"
    return status


def schedule_bounds(
    now: datetime,
) -> tuple[ColumnElement[datetime | None], ColumnElement[datetime | None]]:
    """(newest publish time that has passed, next one to come): feeds the content version."""
    published_at = Article.published_at
    passed = select(func.max(published_at)).where(visible_at(now)).scalar_subquery()
    upcoming = select(func.min(published_at)).where(scheduled_after(now)).scalar_subquery()
    return passed, upcoming
