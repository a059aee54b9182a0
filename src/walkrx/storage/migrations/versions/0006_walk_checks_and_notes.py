"""Walks: why an imported walk waits for the person's confirmation, and the importer's notes.

`check_reason` is a stable code (walkrx.domain.plausibility) while an imported walk is not counted
until the person confirms it (NULL: nothing to check); `confirmed` records that they did;
`import_notes` is the JSON list of what the importer noticed in the file. Walks stored before
this migration have nothing to check and no notes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("walks") as batch:
        batch.add_column(sa.Column("check_reason", sa.String(length=40), nullable=True))
        batch.add_column(
            sa.Column("confirmed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("import_notes", sa.Text(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("walks") as batch:
        batch.drop_column("import_notes")
        batch.drop_column("confirmed")
        batch.drop_column("check_reason")
