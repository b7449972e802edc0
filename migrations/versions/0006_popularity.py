"""popularity tables

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Hourly view buckets, per-article rollups (windows and trending score), the sweep state and the
ledger of applied flush batches.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "popularity_bucket",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hour", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "hour"),
    )
    op.create_index("ix_popularity_bucket_hour", "popularity_bucket", ["hour", "article_id"])
    op.create_table(
        "popularity_total",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("views_24h", sa.BigInteger(), nullable=False),
        sa.Column("views_7d", sa.BigInteger(), nullable=False),
        sa.Column("views_30d", sa.BigInteger(), nullable=False),
        sa.Column("views_all", sa.BigInteger(), nullable=False),
        sa.Column("trending", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("article_id"),
    )
    for name, column in (
        ("24h", "views_24h"),
        ("7d", "views_7d"),
        ("30d", "views_30d"),
        ("all", "views_all"),
        ("trending", "trending"),
    ):
        op.create_index(f"ix_popularity_total_{name}", "popularity_total", [column, "article_id"])
    op.create_table(
        "popularity_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("swept_hour", sa.Integer(), nullable=False),
        sa.Column("trending_base_hour", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "popularity_flush",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_popularity_flush_hour", "popularity_flush", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_popularity_flush_hour", table_name="popularity_flush")
    op.drop_table("popularity_flush")
    op.drop_table("popularity_state")
    for name in ("trending", "all", "30d", "7d", "24h"):
        op.drop_index(f"ix_popularity_total_{name}", table_name="popularity_total")
    op.drop_table("popularity_total")
    op.drop_index("ix_popularity_bucket_hour", table_name="popularity_bucket")
    op.drop_table("popularity_bucket")
