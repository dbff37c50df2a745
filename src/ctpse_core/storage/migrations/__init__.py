"""Alembic migrations for the SQL stores; run through :mod:`ctpse_core.storage.sql`."""
