"""Create the tables: people, zone settings, source files, walks, check-ins, flag clearings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("protocol", sa.String(length=1000), nullable=False),
        sa.Column("days", sa.String(length=40), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("name", name=op.f("uq_people_name")),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("morning_pain", sa.Integer(), nullable=True),
        sa.Column("red_flags", sa.Text(), nullable=False),
        sa.Column("fear_of_movement", sa.Boolean(), nullable=True),
        sa.Column("psfs", sa.Text(), nullable=False),
        sa.Column("tsk17", sa.Integer(), nullable=True),
        sa.Column("fabq_pa", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint("fabq_pa BETWEEN 0 AND 24", name=op.f("ck_checkins_fabq_pa_range")),
        sa.CheckConstraint(
            "morning_pain BETWEEN 0 AND 10", name=op.f("ck_checkins_morning_pain_range")
        ),
        sa.CheckConstraint("tsk17 BETWEEN 17 AND 68", name=op.f("ck_checkins_tsk17_range")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_checkins_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("person_id", "seq", name=op.f("uq_checkins_person_id_seq")),
    )
    op.create_index(op.f("ix_checkins_person_id_day"), "checkins", ["person_id", "day"])

    op.create_table(
        "flag_clearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cleared_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_flag_clearings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_clearings")),
        sa.UniqueConstraint("person_id", "seq", name=op.f("uq_flag_clearings_person_id_seq")),
    )
    op.create_index(op.f("ix_flag_clearings_person_id_day"), "flag_clearings", ["person_id", "day"])

    op.create_table(
        "source_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column(
            "imported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_source_files_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_files")),
        sa.UniqueConstraint("person_id", "sha256", name=op.f("uq_source_files_person_id_sha256")),
    )
    op.create_table(
        "zone_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("max_hr", sa.Integer(), nullable=True),
        sa.Column("resting_hr", sa.Integer(), nullable=True),
        sa.Column("hrmax_formula", sa.String(length=20), nullable=False),
        sa.Column("zone_method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_zone_settings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_settings")),
        sa.UniqueConstraint(
            "person_id", "effective", name=op.f("uq_zone_settings_person_id_effective")
        ),
    )
    op.create_table(
        "walks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("moving_s", sa.Integer(), nullable=True),
        sa.Column("distance_m", sa.Double(), nullable=True),
        sa.Column("avg_hr", sa.Double(), nullable=True),
        sa.Column("max_hr", sa.Integer(), nullable=True),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("pain_next_morning", sa.Integer(), nullable=True),
        sa.Column("lower_limb_pain", sa.Integer(), nullable=True),
        sa.Column("terrain", sa.String(length=20), nullable=True),
        sa.Column("talk_test", sa.Boolean(), nullable=True),
        sa.Column("tempo", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("cues", sa.Text(), nullable=False),
        sa.Column("zone_in_s", sa.Integer(), nullable=True),
        sa.Column("band_lo_bpm", sa.Integer(), nullable=True),
        sa.Column("band_hi_bpm", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("pace_hr", sa.Double(), nullable=True),
        sa.Column("source_file_id", sa.Integer(), nullable=True),
        sa.Column("activity_index", sa.Integer(), nullable=True),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(band_lo_bpm IS NULL AND band_hi_bpm IS NULL) OR "
            "(band_lo_bpm IS NOT NULL AND band_hi_bpm IS NOT NULL AND band_lo_bpm <= band_hi_bpm)",
            name=op.f("ck_walks_band_complete"),
        ),
        sa.CheckConstraint("duration_s >= 0", name=op.f("ck_walks_duration_s_non_negative")),
        sa.CheckConstraint("effort BETWEEN 0 AND 10", name=op.f("ck_walks_effort_range")),
        sa.CheckConstraint(
            "lower_limb_pain BETWEEN 0 AND 10", name=op.f("ck_walks_lower_limb_pain_range")
        ),
        sa.CheckConstraint("moving_s >= 0", name=op.f("ck_walks_moving_s_non_negative")),
        sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name=op.f("ck_walks_pain_after_range")),
        sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name=op.f("ck_walks_pain_before_range")),
        sa.CheckConstraint("pain_during BETWEEN 0 AND 10", name=op.f("ck_walks_pain_during_range")),
        sa.CheckConstraint(
            "pain_next_morning BETWEEN 0 AND 10", name=op.f("ck_walks_pain_next_morning_range")
        ),
        sa.CheckConstraint("superseded_by <> id", name=op.f("ck_walks_not_superseded_by_itself")),
        sa.CheckConstraint("zone_in_s >= 0", name=op.f("ck_walks_zone_in_s_non_negative")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_walks_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name=op.f("fk_walks_source_file_id_source_files"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["walks.id"],
            name=op.f("fk_walks_superseded_by_walks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walks")),
        sa.UniqueConstraint(
            "source_file_id", "activity_index", name=op.f("uq_walks_source_file_id_activity_index")
        ),
    )
    op.create_index(op.f("ix_walks_person_id_start"), "walks", ["person_id", "start"])


def downgrade() -> None:
    op.drop_index(op.f("ix_walks_person_id_start"), table_name="walks")

    op.drop_table("walks")
    op.drop_table("zone_settings")
    op.drop_table("source_files")
    op.drop_index(op.f("ix_flag_clearings_person_id_day"), table_name="flag_clearings")

    op.drop_table("flag_clearings")
    op.drop_index(op.f("ix_checkins_person_id_day"), table_name="checkins")

    op.drop_table("checkins")
    op.drop_table("people")
