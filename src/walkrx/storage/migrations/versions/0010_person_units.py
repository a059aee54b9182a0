"""Miles or kilometres (issue 15): `people.units`, how the person reads distances and speeds.

`metric` or `imperial`; stored values stay in SI units whatever it says. Programs from before
this migration read kilometres, as they always have.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("units", sa.String(length=10), server_default="metric", nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_people_units_known"), "units IN ('metric', 'imperial')"
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(op.f("ck_people_units_known"), type_="check")
        batch.drop_column("units")
