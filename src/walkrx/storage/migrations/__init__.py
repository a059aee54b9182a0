"""Alembic migrations for the walkrx schema (run them with `walkrx.storage.database.upgrade`)."""
