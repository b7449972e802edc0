"""Reader comments. The email is stored for the desk and never published; the client address is
kept only as a keyed hash (app.core.clients.keyed_hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow

PENDING, APPROVED, SPAM, TRASH = "pending", "approved", "spam", "trash"
STATUSES = (PENDING, APPROVED, SPAM, TRASH)


class Comment(SQLModel, table=True):
    """`depth` is 0 for a top-level comment; `root_id` is the top-level comment of the thread
    (NULL on the top-level comment itself). Permanently deleting a comment deletes its replies."""

    __tablename__ = "comment"
    __table_args__ = (
        # Public list: approved top-level threads of an article, keyset on (created_at, id).
        Index("ix_comment_threads", "article_id", "depth", "status", "created_at", "id"),
        # Public list: every approved reply of the threads on a page, in one query.
        Index("ix_comment_replies", "root_id", "status", "created_at", "id"),
        # Children of a comment: the visible-count walk and the delete cascade.
        Index("ix_comment_parent", "parent_id"),
        # Moderation lists: by status, and by article, newest first.
        Index("ix_comment_status_created", "status", "created_at", "id"),
        Index("ix_comment_article_created", "article_id", "created_at", "id"),
        # "Approved before" (policy approve_known) and duplicate detection.
        Index("ix_comment_email_status", "email_hash", "status"),
        Index("ix_comment_content_hash", "content_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False)
    )
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("comment.id", ondelete="CASCADE"))
    )
    root_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("comment.id", ondelete="CASCADE"))
    )
    depth: int = 0
    author_name: str = Field(max_length=80)
    author_email: str = Field(max_length=254)
    email_hash: str = Field(max_length=64)
    address_hash: str = Field(max_length=64)
    user_agent: str = Field(default="", max_length=255)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=PENDING, max_length=16)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    content_hash: str = Field(max_length=64)
