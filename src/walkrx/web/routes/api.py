"""The JSON API under /api/v1, for scripts and apps: a personal API token (Bearer) or the
session cookie (with the X-CSRF-Token header on unsafe methods). Shapes are those of
`walkrx.services.views` (docs/json.md), the same as the CLI's --json; each route's response
model (`walkrx.web.schemas`) documents its shape in /openapi.json without changing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from walkrx.domain.model import CheckIn, Walk
from walkrx.domain.redflags import advice
from walkrx.errors import InvalidInputError
from walkrx.services import diary, program, views
from walkrx.services.imports import outcome_json
from walkrx.web import schemas
from walkrx.web.deps import CurrentUser, PersonReads, PersonWrites, PostedForm, Settings
from walkrx.web.uploads import import_uploads

router = APIRouter(prefix="/api/v1", tags=["api"])


class WalkIn(BaseModel):
    """A walk to log (spec section 3); the date defaults to the person's today."""

    date: dt.date | None = None
    start: dt.time | None = Field(None, description="local start time, HH:MM")
    timezone: str | None = Field(None, description="IANA zone; default: the person's")
    minutes: float = Field(gt=0)
    moving_minutes: float | None = None
    distance_km: float | None = None
    avg_hr: float | None = None
    max_hr: int | None = None
    effort: int | None = Field(None, description="0-10")
    pain_before: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None
    lower_limb_pain: int | None = None
    terrain: str | None = Field(None, description="flat, hilly, mixed or treadmill")
    talk_test: bool | None = None
    tempo: bool = False
    notes: str = ""
    cues: list[str] = Field(default_factory=list)


class WalkPatch(BaseModel):
    """Fields of a stored walk to change; fields left out stay as they are."""

    minutes: float | None = Field(None, gt=0)
    distance_km: float | None = None
    avg_hr: float | None = None
    max_hr: int | None = None
    effort: int | None = None
    pain_before: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None
    lower_limb_pain: int | None = None
    terrain: str | None = None
    talk_test: bool | None = None
    notes: str | None = None


class CheckInIn(BaseModel):
    """A morning check-in; a red-flag code answered yes pauses the program at once."""

    date: dt.date | None = None
    morning_pain: int | None = None
    red_flags: list[str] = Field(default_factory=list)
    fear_of_movement: bool | None = None
    psfs: list[int] = Field(default_factory=list)


def _logged(logged: diary.LoggedWalk) -> schemas.LoggedWalk:
    return schemas.LoggedWalk.model_validate(
        {
            **views.walk_json(logged.walk),
            "pain_status": logged.pain.value,
            "ask_red_flags": logged.ask_red_flags,
        }
    )


@router.get("/me")
def me(user: CurrentUser) -> schemas.Me:
    """Who this token or session belongs to, and their own program's person id (if any)."""
    return schemas.Me(
        id=user.id, email=user.email, name=user.name, role=user.role, person_id=user.person_id
    )


@router.get("/people/{person_id}/zones")
def zones(me: PersonReads) -> schemas.Zones:
    """HRmax and the target heart-rate band in force today."""
    return schemas.Zones.model_validate(
        views.zones_json(program.programme(me.db, me.person_ref).zones())
    )


@router.get("/people/{person_id}/today")
def today(me: PersonReads) -> schemas.Today:
    """Today's walk (or rest day, or pause for an open red flag) and the zones."""
    t = program.today_view(program.programme(me.db, me.person_ref))
    return schemas.Today.model_validate(
        {
            "date": t.day.isoformat(),
            "week": t.week,
            "position": t.position,
            "paused_by": [f.value for f in t.paused_by],
            "advice": t.advice,
            "walk": views.planned_walk_json(t.walk) if t.walk else None,
            "zones": views.zones_json(t.zones),
        }
    )


@router.get("/people/{person_id}/plan")
def plan(me: PersonReads) -> schemas.Plan:
    """The plan week by week: past weeks as decided, later ones projected."""
    return schemas.Plan.model_validate(
        views.plan_json(program.programme(me.db, me.person_ref).plan())
    )


@router.get("/people/{person_id}/week/{number}")
def week(number: int, me: PersonReads) -> schemas.Week:
    """One program week measured against its prescription, and its decision once reviewed."""
    if number < 1:
        raise InvalidInputError("week numbers start at 1")
    prog = program.programme(me.db, me.person_ref)
    return schemas.Week.model_validate(
        views.week_json(number, prog.week_summary(number), prog.review_of(number))
    )


@router.get("/people/{person_id}/reviews")
def reviews(me: PersonReads) -> schemas.Reviews:
    """The review of every completed program week: decision, reasons, next week."""
    prog = program.programme(me.db, me.person_ref)
    return schemas.Reviews.model_validate({"weeks": [views.review_json(r) for r in prog.reviews]})


@router.get("/people/{person_id}/walks")
def walks(me: PersonReads) -> schemas.Walks:
    """Every stored walk, oldest first."""
    return schemas.Walks.model_validate(
        {"walks": [views.walk_json(w) for w in diary.list_walks(me.db, me.person_ref)]}
    )


@router.post("/people/{person_id}/walks", status_code=201)
def log_walk(body: WalkIn, me: PersonWrites) -> schemas.LoggedWalk:
    """Log a walk by hand; the answer says whether to ask the red-flag questions now."""
    prog = program.programme(me.db, me.person_ref)
    zone = body.timezone or prog.person.timezone
    walk = Walk(
        id=None,
        start=diary.walk_start(body.date or prog.today, body.start, zone),
        timezone=zone,
        duration_s=round(body.minutes * 60),
        moving_s=round(body.moving_minutes * 60) if body.moving_minutes is not None else None,
        distance_m=body.distance_km * 1000 if body.distance_km is not None else None,
        avg_hr=body.avg_hr,
        max_hr=body.max_hr,
        effort=body.effort,
        pain_before=body.pain_before,
        pain_during=body.pain_during,
        pain_after=body.pain_after,
        pain_next_morning=body.pain_next_morning,
        lower_limb_pain=body.lower_limb_pain,
        terrain=body.terrain,
        talk_test=body.talk_test,
        tempo=body.tempo,
        notes=body.notes,
        cues=tuple(body.cues),
    )
    return _logged(diary.log_walk(me.db, me.person_ref, walk))


@router.get("/people/{person_id}/walks/{walk_id}")
def get_walk(walk_id: int, me: PersonReads) -> schemas.Walk:
    """One stored walk."""
    return schemas.Walk.model_validate(
        views.walk_json(diary.get_walk(me.db, me.person_ref, walk_id))
    )


@router.patch("/people/{person_id}/walks/{walk_id}")
def edit_walk(walk_id: int, body: WalkPatch, me: PersonWrites) -> schemas.LoggedWalk:
    """Change fields of a stored walk (e.g. the next morning's pain)."""
    given = body.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        k: v for k, v in given.items() if k not in ("minutes", "distance_km")
    }
    if given.get("minutes") is not None:
        changes["duration_s"] = round(given["minutes"] * 60)
    if "distance_km" in given:
        km = given["distance_km"]
        changes["distance_m"] = km * 1000 if km is not None else None
    if not changes:
        raise InvalidInputError("nothing to change: give at least one field, e.g. pain_after")
    return _logged(diary.edit_walk(me.db, me.person_ref, walk_id, changes))


@router.delete("/people/{person_id}/walks/{walk_id}", status_code=204)
def delete_walk(walk_id: int, me: PersonWrites) -> Response:
    diary.delete_walk(me.db, me.person_ref, walk_id)
    return Response(status_code=204)


@router.post("/people/{person_id}/checkins", status_code=201)
def checkin(body: CheckInIn, me: PersonWrites) -> schemas.RecordedCheckIn:
    """Record a morning check-in; a red flag answered yes comes back with its tier and advice."""
    prog = program.programme(me.db, me.person_ref)
    recorded = diary.record_checkin(
        me.db,
        me.person_ref,
        CheckIn(
            id=None,
            day=body.date or prog.today,
            seq=0,
            morning_pain=body.morning_pain,
            red_flags=diary.parse_red_flags(body.red_flags),
            fear_of_movement=body.fear_of_movement,
            psfs=tuple(body.psfs),
        ),
    )
    return schemas.RecordedCheckIn.model_validate(
        {
            **views.checkin_json(recorded.checkin),
            "tier": recorded.tier.value if recorded.tier else None,
            "advice": advice(recorded.tier) if recorded.tier else None,
            "open_flags": [f.value for f in recorded.open_flags],
        }
    )


@router.post(
    "/people/{person_id}/imports",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            }
                        },
                        "required": ["files"],
                    }
                }
            },
            "required": True,
        }
    },
)
def import_files(me: PersonWrites, settings: Settings, form: PostedForm) -> schemas.Imports:
    """Import watch files (FIT, GPX, TCX, Apple Health, .gz, .zip) or diary CSVs, each on its
    own: `files` lists every file's outcome (stored walk ids, skipped, failed with the reason)."""
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    outcomes = import_uploads(me.db, me.person_ref, files, settings.max_upload_bytes)
    return schemas.Imports.model_validate({"files": [outcome_json(o) for o in outcomes]})
