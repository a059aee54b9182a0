"""Table rows: the SQLAlchemy mapping of what is stored, kept apart from the domain dataclasses.

Repositories translate between these rows and `walkrx.domain.model`; nothing outside `storage`
sees a row. The first migration creates exactly these tables (a test compares the two).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so later (batch) migrations can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: aware datetimes in, aware UTC datetimes out.

    PostgreSQL keeps a `timestamptz`; SQLite has no time zones, so it keeps naive UTC text.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _range(column: str, low: int, high: int) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN {low} AND {high}", name=f"{column}_range")


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)


def _created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), nullable=False, server_default=func.current_timestamp())


PAIN_COLUMNS = ("pain_before", "pain_during", "pain_after", "pain_next_morning", "lower_limb_pain")


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (CheckConstraint("units IN ('metric', 'imperial')", name="units_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    start: Mapped[date] = mapped_column(Date, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    protocol: Mapped[str] = mapped_column(String(1000), nullable=False)
    days: Mapped[str] = mapped_column(String(40), nullable=False)  # "0,2,4"
    goals: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list of strings
    start_position: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    adjustments: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")  # JSON
    # migration 0007: the name the walker chose for their clinicians to see (None: not chosen)
    display_name: Mapped[str | None] = mapped_column(String(200))
    # migration 0009: the activities the walker named for the functional scale (JSON list)
    psfs_activities: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")
    # migration 0010 (issue 15): how the person reads distances and speeds
    units: Mapped[str] = mapped_column(String(10), nullable=False, server_default="metric")
    created_at: Mapped[datetime] = _created_at()


class ZoneSettingsRow(Base):
    __tablename__ = "zone_settings"
    __table_args__ = (UniqueConstraint("person_id", "effective"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    effective: Mapped[date] = mapped_column(Date, nullable=False)
    age: Mapped[int | None] = mapped_column(Integer)
    max_hr: Mapped[int | None] = mapped_column(Integer)
    resting_hr: Mapped[int | None] = mapped_column(Integer)
    hrmax_formula: Mapped[str] = mapped_column(String(20), nullable=False)
    zone_method: Mapped[str] = mapped_column(String(20), nullable=False)


class SourceFileRow(Base):
    __tablename__ = "source_files"
    __table_args__ = (UniqueConstraint("person_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    filename: Mapped[str] = mapped_column(String(1000), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    imported_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, server_default=func.current_timestamp()
    )
    # migration 0009: the file's activities that were not stored, and why (JSON list of
    # {"sport", "reason", "code"}), so that uploading the file again can say so
    skipped: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")


class WalkRow(Base):
    __tablename__ = "walks"
    __table_args__ = (
        *(_range(column, 0, 10) for column in ("effort", *PAIN_COLUMNS)),
        CheckConstraint("duration_s >= 0", name="duration_s_non_negative"),
        CheckConstraint("moving_s >= 0", name="moving_s_non_negative"),
        CheckConstraint("zone_in_s >= 0", name="zone_in_s_non_negative"),
        CheckConstraint(
            "(band_lo_bpm IS NULL AND band_hi_bpm IS NULL) OR "
            "(band_lo_bpm IS NOT NULL AND band_hi_bpm IS NOT NULL AND band_lo_bpm <= band_hi_bpm)",
            name="band_complete",
        ),
        CheckConstraint("superseded_by <> id", name="not_superseded_by_itself"),
        UniqueConstraint("source_file_id", "activity_index"),
        Index(None, "person_id", "start"),
        Index(None, "person_id", "entry_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    duration_s: Mapped[int] = mapped_column(Integer, nullable=False)
    moving_s: Mapped[int | None] = mapped_column(Integer)
    distance_m: Mapped[float | None] = mapped_column(Double)
    avg_hr: Mapped[float | None] = mapped_column(Double)
    max_hr: Mapped[int | None] = mapped_column(Integer)
    effort: Mapped[int | None] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_during: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    pain_next_morning: Mapped[int | None] = mapped_column(Integer)
    lower_limb_pain: Mapped[int | None] = mapped_column(Integer)
    terrain: Mapped[str | None] = mapped_column(String(20))
    talk_test: Mapped[bool | None] = mapped_column(Boolean)
    tempo: Mapped[bool] = mapped_column(Boolean, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False)
    cues: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list of strings
    zone_in_s: Mapped[int | None] = mapped_column(Integer)
    band_lo_bpm: Mapped[int | None] = mapped_column(Integer)
    band_hi_bpm: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    pace_hr: Mapped[float | None] = mapped_column(Double)
    # migration 0006: a stable code while an imported walk waits for the person's confirmation
    # (NULL: nothing to check), whether they confirmed it, and the importer's notes (JSON list)
    check_reason: Mapped[str | None] = mapped_column(String(40))
    confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    import_notes: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")
    source_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_files.id", ondelete="SET NULL")
    )
    activity_index: Mapped[int | None] = mapped_column(Integer)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("walks.id", ondelete="SET NULL"))
    # migration 0009: the key the client gave this entry (a UUID), so that sending it again
    # returns this walk instead of storing a second one (NULL: none given)
    entry_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _created_at()


class CheckInRow(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        _range("morning_pain", 0, 10),
        _range("tsk17", 17, 68),
        _range("fabq_pa", 0, 24),
        UniqueConstraint("person_id", "seq"),
        Index(None, "person_id", "day"),
        Index(None, "person_id", "entry_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    day: Mapped[date] = mapped_column(Date, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    morning_pain: Mapped[int | None] = mapped_column(Integer)
    red_flags: Mapped[str] = mapped_column(Text, nullable=False)  # "saddle_numbness,trauma"
    fear_of_movement: Mapped[bool | None] = mapped_column(Boolean)
    psfs: Mapped[str] = mapped_column(Text, nullable=False)  # "7,5,3"
    tsk17: Mapped[int | None] = mapped_column(Integer)
    fabq_pa: Mapped[int | None] = mapped_column(Integer)
    entry_key: Mapped[str | None] = mapped_column(String(64))  # migration 0009, as for walks
    created_at: Mapped[datetime] = _created_at()


class FlagClearingRow(Base):
    __tablename__ = "flag_clearings"
    __table_args__ = (
        UniqueConstraint("person_id", "seq"),
        Index(None, "person_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    day: Mapped[date] = mapped_column(Date, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    cleared_by: Mapped[str] = mapped_column(String(200), nullable=False)  # "by" is SQL keyword
    created_at: Mapped[datetime] = _created_at()


# --- accounts (migration 0003): users, their sessions and API tokens, care links, sign-ins ---


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('walker', 'clinician')", name="role_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    # Unique: a person's program belongs to one account, whose access it then grants.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True
    )
    # Red-flag answers given at onboarding before the program exists (spec 7: never lost);
    # they become a check-in when the program is created.
    pending_red_flags: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    pending_flags_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = _created_at()
    if TYPE_CHECKING:
        person_units: str | None  # below: read with the row, never written


# Issue 15: the units of the account's own program, read in the same SELECT as the account (a
# correlated subquery), so that every page can show its figures in them.
UserRow.person_units = column_property(  # type: ignore[assignment]
    select(PersonRow.units).where(PersonRow.id == UserRow.person_id).scalar_subquery()
)


def _user_owner() -> Mapped[int]:
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_owner()
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    csrf_secret: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_owner()
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CareLinkRow(Base):
    __tablename__ = "care_links"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'revoked')", name="status_known"
        ),
        Index(None, "patient_email", "status"),
        Index(None, "clinician_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = _user_owner()
    patient_email: Mapped[str] = mapped_column(String(320), nullable=False)  # lower-cased
    patient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # migration 0007: a single-use invitation code (its SHA-256), its expiry, and the clinic it
    # invites to (None: the clinician alone); links made before have no code
    code_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id", ondelete="SET NULL"))


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index(None, "email", "at"), Index(None, "client", "at"), Index(None, "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    client: Mapped[str] = mapped_column(String(200), nullable=False)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


# --- the clinic (migration 0007, issue 11): clinics and members, alerts, audit, panel status ---


class ClinicRow(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    created_at: Mapped[datetime] = _created_at()


class ClinicMemberRow(Base):
    """A clinician or administrator of a clinic; `removed_at` ends their access at once."""

    __tablename__ = "clinic_members"
    __table_args__ = (
        UniqueConstraint("clinic_id", "user_id"),
        CheckConstraint("role IN ('clinician', 'admin')", name="member_role_known"),
        Index(None, "user_id", "removed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = _user_owner()
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClinicPatientRow(Base):
    """A walker's program followed by a clinic's clinicians; `left_at` ends the sharing."""

    __tablename__ = "clinic_patients"
    __table_args__ = (UniqueConstraint("clinic_id", "person_id"), Index(None, "person_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False
    )
    person_id: Mapped[int] = _owner()
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlertRow(Base):
    """Something a clinician must see between reviews (spec 14), raised once per event (`key`)
    and acknowledged by a clinician (who and when)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("person_id", "key"), Index(None, "person_id", "acked_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    walk_id: Mapped[int | None] = mapped_column(Integer)  # the walk or check-in it is about
    checkin_id: Mapped[int | None] = mapped_column(Integer)
    codes: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")  # JSON list
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    acked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acked_by_name: Mapped[str | None] = mapped_column(String(320))
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEventRow(Base):
    """One read or change of a person's data by someone other than that person. Append-only for
    the application: the repository has no update and no delete but the retention sweep."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "person_id", "at"),
        Index(None, "clinic_id", "at"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # plain ids, no foreign keys: the record outlives the account or program it names
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320), nullable=False)  # e-mail or "console"
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    via: Mapped[str] = mapped_column(String(20), nullable=False)  # session, token, console
    client: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(Integer)
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class PersonStatusRow(Base):
    """The panel's line for one program, kept up to date by every use case that changes what it
    shows, so a panel page reads a fixed number of rows whatever the caseload."""

    __tablename__ = "person_status"
    __table_args__ = (Index(None, "urgency", "person_id"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    urgency: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(String(40), nullable=False)  # a stable code
    detail: Mapped[str] = mapped_column(Text, nullable=False, server_default="")  # JSON
    open_alerts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    last_logged: Mapped[date | None] = mapped_column(Date)
    computed_on: Mapped[date] = mapped_column(Date, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class ProgramPauseRow(Base):
    """A clinician's pause of a program, with its reason; `end` set when it resumes."""

    __tablename__ = "program_pauses"
    __table_args__ = (Index(None, "person_id", "start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    start: Mapped[date] = mapped_column(Date, nullable=False)
    end: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    by: Mapped[str] = mapped_column(String(320), nullable=False)
    created_at: Mapped[datetime] = _created_at()


class ProgramStageRow(Base):
    """Migration 0008 (issue 13): the program finished, or taken up again after it."""

    __tablename__ = "program_stages"
    __table_args__ = (
        CheckConstraint("kind IN ('finished', 'returned')", name="stage_kind_known"),
        Index(None, "person_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    position: Mapped[int | None] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(320), nullable=False)
    created_at: Mapped[datetime] = _created_at()


class FollowUpRow(Base):
    """Migration 0008 (issue 13): an answer to the follow-up after the program."""

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("person_id", "day"),
        CheckConstraint("usual_minutes BETWEEN 0 AND 10080", name="usual_minutes_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _owner()
    day: Mapped[date] = mapped_column(Date, nullable=False)
    recurrence: Mapped[bool] = mapped_column(Boolean, nullable=False)
    episode_start: Mapped[date | None] = mapped_column(Date)
    sought_care: Mapped[bool | None] = mapped_column(Boolean)
    usual_minutes: Mapped[int | None] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(320), nullable=False)
    created_at: Mapped[datetime] = _created_at()
