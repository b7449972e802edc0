"""newsletter tables

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Subscribers (double opt-in), their category interests, and the consent trail.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("email_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("confirm_nonce", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("unsubscribe_nonce", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscriber_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_subscriber_status_id", ["status", "id"], unique=False)

    op.create_table(
        "consent_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("wording_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("address_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_event_subscriber_id"), ["subscriber_id"], unique=False
        )

    op.create_table(
        "subscriber_interest",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subscriber_id", "category_id"),
    )
    with op.batch_alter_table("subscriber_interest", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subscriber_interest_category", ["category_id", "subscriber_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriber_interest", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriber_interest_category")
    op.drop_table("subscriber_interest")
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_event_subscriber_id"))
    op.drop_table("consent_event")
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriber_status_id")
        batch_op.drop_index(batch_op.f("ix_subscriber_created_at"))
    op.drop_table("subscriber")
