"""The clinic (issue 11): clinics and their members and patients, alerts, the audit trail, the
panel's status lines, program pauses, the walker's display name, single-use invitation codes.

Existing care links keep working as they are (no code, no clinic); existing programs get no
display name until the walker chooses one (their clinicians see the account's name meanwhile).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
        sa.UniqueConstraint("name", name=op.f("uq_clinics_name")),
    )
    op.create_table(
        "clinic_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('clinician', 'admin')", name=op.f("ck_clinic_members_member_role_known")
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_members_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_clinic_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_members")),
        sa.UniqueConstraint(
            "clinic_id", "user_id", name=op.f("uq_clinic_members_clinic_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_clinic_members_user_id_removed_at"),
        "clinic_members",
        ["user_id", "removed_at"],
    )
    op.create_table(
        "clinic_patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_patients_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_clinic_patients_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_patients")),
        sa.UniqueConstraint(
            "clinic_id", "person_id", name=op.f("uq_clinic_patients_clinic_id_person_id")
        ),
    )
    op.create_index(op.f("ix_clinic_patients_person_id"), "clinic_patients", ["person_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("walk_id", sa.Integer(), nullable=True),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("codes", sa.Text(), server_default="[]", nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_by", sa.Integer(), nullable=True),
        sa.Column("acked_by_name", sa.String(length=320), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acked_by"], ["users.id"], name=op.f("fk_alerts_acked_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_alerts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("person_id", "key", name=op.f("uq_alerts_person_id_key")),
    )
    op.create_index(op.f("ix_alerts_person_id_acked_at"), "alerts", ["person_id", "acked_at"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_person_id_at"), "audit_events", ["person_id", "at"])
    op.create_index(op.f("ix_audit_events_clinic_id_at"), "audit_events", ["clinic_id", "at"])
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_table(
        "person_status",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("open_alerts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_logged", sa.Date(), nullable=True),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_status_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_status")),
    )
    op.create_index(
        op.f("ix_person_status_urgency_person_id"), "person_status", ["urgency", "person_id"]
    )
    op.create_table(
        "program_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_program_pauses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_pauses")),
    )
    op.create_index(
        op.f("ix_program_pauses_person_id_start"), "program_pauses", ["person_id", "start"]
    )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("display_name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("care_links") as batch:
        batch.add_column(sa.Column("code_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("clinic_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(op.f("uq_care_links_code_sha256"), ["code_sha256"])
        batch.create_foreign_key(
            op.f("fk_care_links_clinic_id_clinics"),
            "clinics",
            ["clinic_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("care_links") as batch:
        batch.drop_constraint(op.f("fk_care_links_clinic_id_clinics"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_care_links_code_sha256"), type_="unique")
        batch.drop_column("clinic_id")
        batch.drop_column("expires_at")
        batch.drop_column("code_sha256")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("display_name")
    op.drop_index(op.f("ix_program_pauses_person_id_start"), table_name="program_pauses")
    op.drop_table("program_pauses")
    op.drop_index(op.f("ix_person_status_urgency_person_id"), table_name="person_status")
    op.drop_table("person_status")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_clinic_id_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_person_id_at"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_alerts_person_id_acked_at"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_clinic_patients_person_id"), table_name="clinic_patients")
    op.drop_table("clinic_patients")
    op.drop_index(op.f("ix_clinic_members_user_id_removed_at"), table_name="clinic_members")
    op.drop_table("clinic_members")
    op.drop_table("clinics")
