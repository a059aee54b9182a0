"""Login attempts: an index on the time alone, for deleting attempts past their retention.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_login_attempts_at"), "login_attempts", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_attempts_at"), table_name="login_attempts")
