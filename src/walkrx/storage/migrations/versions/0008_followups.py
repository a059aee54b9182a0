"""After the program (issue 13): the program finished or taken up again, and the follow-ups.

`program_stages` records a program finished (by its walker, a clinician or the console) and a
return to it after a recurrence, with the protocol week it resumes at; `followups` the answers to
the follow-up after the program (an activity-limiting episode of back pain since the previous
answer, when it began, whether care was sought, the minutes walked in a usual week). Programs from
before have neither: they end, as before, by reaching maintenance.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at",
        sa.DateTime(timezone=True),
        server_default=sa.text("CURRENT_TIMESTAMP"),
        nullable=False,
    )


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"], ["people.id"], name=op.f(f"fk_{table}_person_id_people"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "program_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(length=320), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "kind IN ('finished', 'returned')", name=op.f("ck_program_stages_stage_kind_known")
        ),
        _owner("program_stages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_stages")),
    )
    op.create_index(op.f("ix_program_stages_person_id_day"), "program_stages", ["person_id", "day"])
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recurrence", sa.Boolean(), nullable=False),
        sa.Column("episode_start", sa.Date(), nullable=True),
        sa.Column("sought_care", sa.Boolean(), nullable=True),
        sa.Column("usual_minutes", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(length=320), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "usual_minutes BETWEEN 0 AND 10080", name=op.f("ck_followups_usual_minutes_range")
        ),
        _owner("followups"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
        sa.UniqueConstraint("person_id", "day", name=op.f("uq_followups_person_id_day")),
    )


def downgrade() -> None:
    op.drop_table("followups")
    op.drop_index(op.f("ix_program_stages_person_id_day"), table_name="program_stages")
    op.drop_table("program_stages")
