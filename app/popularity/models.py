"""Tables of Popular News: hourly view buckets, per-article rollups, and the flush ledger.

Hours are integers: `floor(unix_seconds / 3600)`. A bucket holds the views of one article in one
hour; `popularity_total` holds what rankings read (views per window and a trending score), kept
in step by the flusher (additions) and the hourly sweep (hours leaving a window).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel


class ViewBucket(SQLModel, table=True):
    __tablename__ = "popularity_bucket"
    __table_args__ = (Index("ix_popularity_bucket_hour", "hour", "article_id"),)

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    hour: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    views: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))


class ViewTotal(SQLModel, table=True):
    """Rollups: `views_24h` counts the buckets of the 24 hours up to `PopularityState.swept_hour`
    (and any newer ones), likewise 7d and 30d; `trending` = sum(views * 2^((hour - base) / half_life))
    with `base` = `PopularityState.trending_base_hour`: a time-invariant decayed score that only grows."""

    __tablename__ = "popularity_total"
    __table_args__ = (
        Index("ix_popularity_total_24h", "views_24h", "article_id"),
        Index("ix_popularity_total_7d", "views_7d", "article_id"),
        Index("ix_popularity_total_30d", "views_30d", "article_id"),
        Index("ix_popularity_total_all", "views_all", "article_id"),
        Index("ix_popularity_total_trending", "trending", "article_id"),
    )

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    views_24h: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))
    views_7d: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))
    views_30d: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))
    views_all: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))
    trending: float = Field(sa_column=Column(Float, nullable=False, default=0.0))


class PopularityState(SQLModel, table=True):
    """One row (id 1): the hour the window rollups are consistent with, and the trending base."""

    __tablename__ = "popularity_state"

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    swept_hour: int = Field(sa_column=Column(Integer, nullable=False))
    trending_base_hour: int = Field(sa_column=Column(Integer, nullable=False))


class AppliedFlush(SQLModel, table=True):
    """A drained batch of counts, recorded in the same transaction that applied it: a batch that is
    drained twice (a crash before its acknowledgement, another worker recovering it) applies once."""

    __tablename__ = "popularity_flush"
    __table_args__ = (Index("ix_popularity_flush_hour", "hour"),)

    token: str = Field(sa_column=Column(String(64), primary_key=True))
    hour: int = Field(sa_column=Column(Integer, nullable=False))
