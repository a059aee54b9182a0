"""Entry keys, the walker's named activities and why a file's activities were skipped (issue 14).

`walks.entry_key` and `checkins.entry_key` hold the key a client gave an entry (a UUID from the
phone's offline outbox, the log form or the API's Idempotency-Key header): unique per person, so
that sending the same entry again returns the stored one instead of adding a second (NULL: no key).
`people.psfs_activities` is the JSON list of the activities the walker named for the functional
scale (PSFS); `source_files.skipped` the JSON list of the file's activities that were not stored
and why, so that uploading the same file again can still say so. Rows from before keep no key, no
activities and no reasons.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("walks", "checkins"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("entry_key", sa.String(length=64), nullable=True))
        op.create_index(
            f"ix_{table}_person_id_entry_key", table, ["person_id", "entry_key"], unique=True
        )
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("psfs_activities", sa.Text(), server_default="[]", nullable=False)
        )
    with op.batch_alter_table("source_files") as batch:
        batch.add_column(sa.Column("skipped", sa.Text(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("source_files") as batch:
        batch.drop_column("skipped")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("psfs_activities")
    for table in ("checkins", "walks"):
        op.drop_index(f"ix_{table}_person_id_entry_key", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("entry_key")
