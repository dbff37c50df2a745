"""Audit chain: s.62 fields, a hash chain over every entry, and an append-only log.

Adds the operation, purpose and disclosure columns (recipient organisation and person,
agreement, fields sent) and ``hash``; numbers the existing entries 1, 2, 3... and chains them
(:func:`ctpse_core.security.audit.seal`); then triggers refuse UPDATE and DELETE (and on
PostgreSQL TRUNCATE) on ``audit_log``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_MESSAGE = "audit_log is append-only"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: UPDATE refused'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: DELETE refused'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION ctpse_audit_log_append_only() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{_MESSAGE}: % refused', TG_OP; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION ctpse_audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION ctpse_audit_log_append_only()",
]


def _chain_existing() -> None:
    """Number the old entries 1..n (old PostgreSQL sequences may have gaps) and chain them."""
    from ctpse_core.security.audit import GENESIS, AuditEvent, entry_hash, operation_of
    from ctpse_core.storage.sql_schema import AUDIT_LOG

    conn = op.get_bind()
    rows = conn.execute(sa.select(AUDIT_LOG).order_by(AUDIT_LOG.c.seq)).all()
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        try:
            operation = operation_of(row.action)
        except ValueError:
            operation = "alteration"
        entry = AuditEvent(seq=number, at=row.at, user=row.user, action=row.action, operation=operation,
                           collection=row.collection, record_id=row.record_id, detail=row.detail or "")
        previous = entry_hash(previous, entry)
        conn.execute(
            sa.update(AUDIT_LOG).where(AUDIT_LOG.c.seq == row.seq)
            .values(seq=number, operation=operation, hash=previous)
        )


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("operation", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("purpose", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("recipient_org", sa.String(200), nullable=True))
        batch.add_column(sa.Column("recipient_person", sa.String(200), nullable=True))
        batch.add_column(sa.Column("agreement", sa.String(128), nullable=True))
        batch.add_column(sa.Column("fields", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    op.create_index("ix_audit_log_user", "audit_log", ["user"])
    _chain_existing()
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS ctpse_audit_log_append_only()")
    op.drop_index("ix_audit_log_user", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        for column in ("hash", "fields", "agreement", "recipient_person", "recipient_org", "purpose", "operation"):
            batch.drop_column(column)
