"""Accounts: users, their sessions and API tokens, clinician-patient care links, sign-in attempts.

New tables only (nothing existing is altered), so no batch mode is needed on SQLite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _owner(
    table: str, column: str = "user_id", *, nullable: bool = False
) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint("role IN ('walker', 'clinician')", name=op.f("ck_users_role_known")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_users_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("person_id", name=op.f("uq_users_person_id")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("sessions"),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("csrf_secret", sa.String(length=64), nullable=False),
        _instant("created_at"),
        _instant("last_seen_at"),
        _instant("expires_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_sessions_token_sha256")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("api_tokens"),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        _instant("created_at"),
        _instant("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_table(
        "care_links",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owner("care_links", "clinician_id"),
        sa.Column("patient_email", sa.String(length=320), nullable=False),
        *_owner("care_links", "patient_user_id", nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        _instant("created_at"),
        _instant("answered_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'revoked')",
            name=op.f("ck_care_links_status_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_links")),
    )
    op.create_index(
        op.f("ix_care_links_clinician_id_status"), "care_links", ["clinician_id", "status"]
    )
    op.create_index(
        op.f("ix_care_links_patient_email_status"), "care_links", ["patient_email", "status"]
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        _instant("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_email_at"), "login_attempts", ["email", "at"])
    op.create_index(op.f("ix_login_attempts_client_at"), "login_attempts", ["client", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_attempts_client_at"), table_name="login_attempts")
    op.drop_index(op.f("ix_login_attempts_email_at"), table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_index(op.f("ix_care_links_patient_email_status"), table_name="care_links")
    op.drop_index(op.f("ix_care_links_clinician_id_status"), table_name="care_links")
    op.drop_table("care_links")
    op.drop_table("api_tokens")
    op.drop_table("sessions")
    op.drop_table("users")
