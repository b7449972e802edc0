"""comments tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Reader comments: threads (parent/root/depth), moderation status, keyed hashes of the email,
the client address and the content (never the raw address).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("author_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("author_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("email_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("address_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["comment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["root_id"], ["comment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comment") as batch:
        batch.create_index(
            "ix_comment_threads", ["article_id", "depth", "status", "created_at", "id"]
        )
        batch.create_index("ix_comment_replies", ["root_id", "status", "created_at", "id"])
        batch.create_index("ix_comment_parent", ["parent_id"])
        batch.create_index("ix_comment_status_created", ["status", "created_at", "id"])
        batch.create_index("ix_comment_article_created", ["article_id", "created_at", "id"])
        batch.create_index("ix_comment_email_status", ["email_hash", "status"])
        batch.create_index("ix_comment_content_hash", ["content_hash"])


def downgrade() -> None:
    op.drop_table("comment")
