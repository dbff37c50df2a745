"""Audit log: every processing of personal data, written with the change.

Revision ID: 0002
Revises: 0001
Create Date: 2024-05-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ctpse_core.storage.sql_schema import UtcDateTime

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False,
                  autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("user", sa.String(200), nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("collection", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_collection", "audit_log", ["collection", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_collection", table_name="audit_log")
    op.drop_table("audit_log")
