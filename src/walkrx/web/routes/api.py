"""The JSON API under /api/v1, for scripts and apps: a personal API token (Bearer) or the
session cookie (with the X-CSRF-Token header on unsafe methods). Shapes are those of
`walkrx.services.views` (docs/json.md), the same as the CLI's --json; each route's response
model (`walkrx.web.schemas`) documents its shape in /openapi.json without changing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from walkrx.services import diary, exports, program, technique, views
from walkrx.services.analysis import outcome_json
from walkrx.services.diary import (
    ENTRY_KEY_PATTERN,
    MAX_ACTIVITY_LENGTH,
    MAX_CODE_LENGTH,
    MAX_CUE_LENGTH,
    MAX_CUES,
    MAX_DISTANCE_KM,
    MAX_HR,
    MAX_NOTE_LENGTH,
    MAX_PSFS,
    MAX_RED_FLAGS,
    MAX_TIMEZONE_LENGTH,
    MAX_WALK_MINUTES,
    MIN_HR,
    SCALE_MAX,
)
from walkrx.web import schemas
from walkrx.web.deps import CurrentUser, ForPerson, PostedForm, Settings
from walkrx.web.uploads import import_uploads

router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    responses={"4XX": {"model": schemas.Error, "description": "refused, in the one error shape"}},
)
OPENAPI_PATH = "/api/v1/openapi.json"

# Request fields, limited by the services' own constants (`walkrx.services.diary`), so the
# description states every limit; the services check the same ones for the pages and the CLI.
# Numbers are finite (JSON's non-standard NaN and Infinity are refused); dates are checked
# against the program by the services (from its start to the person's today + 1 day).
Minutes = Annotated[float, Field(gt=0, le=MAX_WALK_MINUTES, allow_inf_nan=False)]
Km = Annotated[float, Field(ge=0, le=MAX_DISTANCE_KM, allow_inf_nan=False)]
AvgHr = Annotated[float, Field(ge=MIN_HR, le=MAX_HR, allow_inf_nan=False, description="bpm")]
MaxHr = Annotated[int, Field(ge=MIN_HR, le=MAX_HR, description="bpm")]
Rating = Annotated[int, Field(ge=0, le=SCALE_MAX, description=f"0-{SCALE_MAX}")]
Terrain = Annotated[
    str, Field(max_length=MAX_CODE_LENGTH, description="flat, hilly, mixed or treadmill")
]
Notes = Annotated[str, Field(max_length=MAX_NOTE_LENGTH)]
Cue = Annotated[str, Field(max_length=MAX_CUE_LENGTH)]
Code = Annotated[str, Field(max_length=MAX_CODE_LENGTH)]
Zone = Annotated[
    str, Field(max_length=MAX_TIMEZONE_LENGTH, description="IANA zone; default: the person's")
]
WalkId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
# Issue 14: a client's key for one entry (a UUID): sent again, the entry stored first comes back
# (200, Idempotent-Replayed: true) and nothing is added; docs/json.md
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=ENTRY_KEY_PATTERN,
        description="a key for this entry (a UUID): sending the same entry again with the same "
        "key returns the one stored first, with status 200, instead of storing it twice",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"
REPLAYED_DESCRIPTION = (
    "sent before with this Idempotency-Key: the entry stored then (Idempotent-Replayed: true); "
    "nothing was added"
)
WeekNumber = Annotated[int, Path(ge=1, le=program.MAX_WEEK, description="program week")]


class WalkIn(BaseModel):
    """A walk to log (spec section 3); the date defaults to the person's today."""

    date: dt.date | None = None
    start: dt.time | None = Field(None, description="local start time, HH:MM")
    timezone: Zone | None = None
    minutes: Minutes
    moving_minutes: Minutes | None = None
    distance_km: Km | None = None
    avg_hr: AvgHr | None = None
    max_hr: MaxHr | None = None
    effort: Rating | None = None
    pain_before: Rating | None = None
    pain_during: Rating | None = None
    pain_after: Rating | None = None
    pain_next_morning: Rating | None = None
    lower_limb_pain: Rating | None = None
    terrain: Terrain | None = None
    talk_test: bool | None = None
    tempo: bool = False
    notes: Notes = ""
    cues: list[Cue] = Field(default_factory=list, max_length=MAX_CUES)


class WalkPatch(BaseModel):
    """Fields of a stored walk to change; fields left out stay as they are."""

    minutes: Minutes | None = None
    distance_km: Km | None = None
    avg_hr: AvgHr | None = None
    max_hr: MaxHr | None = None
    effort: Rating | None = None
    pain_before: Rating | None = None
    pain_during: Rating | None = None
    pain_after: Rating | None = None
    pain_next_morning: Rating | None = None
    lower_limb_pain: Rating | None = None
    terrain: Terrain | None = None
    talk_test: bool | None = None
    notes: Notes | None = None


class CheckInIn(BaseModel):
    """A morning check-in; a red-flag code answered yes pauses the program at once."""

    date: dt.date | None = None
    morning_pain: Rating | None = None
    red_flags: list[Code] = Field(default_factory=list, max_length=MAX_RED_FLAGS)
    fear_of_movement: bool | None = None
    psfs: list[Rating] = Field(
        default_factory=list, max_length=MAX_PSFS, description="none, or 3 to 5 ratings"
    )
    activities: list[Annotated[str, Field(max_length=MAX_ACTIVITY_LENGTH)]] | None = Field(
        None,
        max_length=MAX_PSFS,
        description="the activities the ratings are about, in order; stored as the person's "
        "(left out: the ones named before)",
    )


def _logged(logged: diary.LoggedWalk) -> schemas.LoggedWalk:
    return schemas.LoggedWalk.model_validate(
        {
            **views.walk_json(logged.walk, logged.band),
            "pain_status": logged.pain.value,
            "ask_red_flags": logged.ask_red_flags,
        }
    )


@router.get("/openapi.json", include_in_schema=False)
def description(request: Request, user: CurrentUser) -> JSONResponse:
    """The OpenAPI description of this API, for a signed-in user or an API token (decision 0005):
    the API is theirs to use, so its description is theirs to read; nobody else's."""
    return JSONResponse(request.app.openapi())


@router.get("/me")
def me(user: CurrentUser) -> schemas.Me:
    """Who this token or session belongs to, and their own program's person id (if any)."""
    return schemas.Me(
        id=user.id, email=user.email, name=user.name, role=user.role, person_id=user.person_id
    )


@router.get("/people/{person_id}/zones")
def zones(me: ForPerson) -> schemas.Zones:
    """HRmax and the target heart-rate band in force today."""
    return schemas.Zones.model_validate(
        views.zones_json(program.load_program(me.uow(), me.actor, me.person_id).zones())
    )


@router.get("/people/{person_id}/today")
def today(me: ForPerson) -> schemas.Today:
    """Today's walk (or rest day, or pause for an open red flag) and the zones."""
    t = program.today_view(program.load_program(me.uow(), me.actor, me.person_id))
    return schemas.Today.model_validate(views.today_json(t))


@router.get("/people/{person_id}/plan")
def plan(me: ForPerson) -> schemas.Plan:
    """The plan week by week: past weeks as decided, later ones projected."""
    return schemas.Plan.model_validate(
        views.plan_json(program.load_program(me.uow(), me.actor, me.person_id).plan())
    )


@router.get("/people/{person_id}/week/{number}")
def week(number: WeekNumber, me: ForPerson) -> schemas.Week:
    """One program week measured against its prescription, and its decision once reviewed."""
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    pace = technique.week_pace_of(prog, number).to_json(prog.protocol.pace)
    return schemas.Week.model_validate(
        views.week_json(number, prog.week_summary(number), prog.review_of(number), pace)
    )


@router.get("/people/{person_id}/reviews")
def reviews(me: ForPerson) -> schemas.Reviews:
    """The review of every completed program week: decision, reasons, next week."""
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return schemas.Reviews.model_validate({"weeks": [views.review_json(r) for r in prog.reviews]})


@router.get("/people/{person_id}/walks")
def walks(me: ForPerson) -> schemas.Walks:
    """Every stored walk, oldest first."""
    shown = diary.shown_walks(me.uow(), me.actor, me.person_id)
    return schemas.Walks.model_validate(
        {"walks": [views.walk_json(w, shown.band) for w in shown.walks]}
    )


def _replayed(response: Response, replayed: bool) -> None:
    if replayed:
        response.status_code = 200
        response.headers[REPLAYED_HEADER] = "true"


@router.post(
    "/people/{person_id}/walks",
    status_code=201,
    responses={200: {"model": schemas.LoggedWalk, "description": REPLAYED_DESCRIPTION}},
)
def log_walk(
    body: WalkIn, me: ForPerson, response: Response, key: IdempotencyKey = None
) -> schemas.LoggedWalk:
    """Log a walk by hand; the answer says whether to ask the red-flag questions now. With an
    Idempotency-Key, a walk sent again is stored once."""
    entry = diary.WalkEntry(
        **{k: v for k, v in body.model_dump().items() if k not in ("date", "cues")},
        day=body.date,
        cues=tuple(body.cues),
        key=key,
    )
    logged = diary.log_walk(me.uow(), me.actor, me.person_id, entry)
    _replayed(response, logged.replayed)
    return _logged(logged)


@router.get("/people/{person_id}/walks/{walk_id}")
def get_walk(walk_id: WalkId, me: ForPerson) -> schemas.Walk:
    """One stored walk."""
    shown = diary.shown_walk(me.uow(), me.actor, me.person_id, walk_id)
    return schemas.Walk.model_validate(views.walk_json(shown.walk, shown.band))


@router.patch("/people/{person_id}/walks/{walk_id}")
def edit_walk(walk_id: WalkId, body: WalkPatch, me: ForPerson) -> schemas.LoggedWalk:
    """Change fields of a stored walk (e.g. the next morning's pain)."""
    changes = body.model_dump(exclude_unset=True)
    return _logged(diary.edit_walk(me.uow(), me.actor, me.person_id, walk_id, changes))


@router.delete("/people/{person_id}/walks/{walk_id}", status_code=204)
def delete_walk(walk_id: WalkId, me: ForPerson) -> Response:
    diary.delete_walk(me.uow(), me.actor, me.person_id, walk_id)
    return Response(status_code=204)


@router.post(
    "/people/{person_id}/checkins",
    status_code=201,
    responses={200: {"model": schemas.RecordedCheckIn, "description": REPLAYED_DESCRIPTION}},
)
def checkin(
    body: CheckInIn, me: ForPerson, response: Response, key: IdempotencyKey = None
) -> schemas.RecordedCheckIn:
    """Record a morning check-in; a red flag answered yes comes back with its tier and advice.
    With an Idempotency-Key, a check-in sent again is stored once."""
    recorded = diary.record_checkin(
        me.uow(),
        me.actor,
        me.person_id,
        diary.CheckInEntry(
            day=body.date,
            morning_pain=body.morning_pain,
            red_flags=tuple(body.red_flags),
            fear_of_movement=body.fear_of_movement,
            psfs=tuple(body.psfs),
            key=key,
            activities=tuple(body.activities) if body.activities is not None else None,
        ),
    )
    _replayed(response, recorded.replayed)
    return schemas.RecordedCheckIn.model_validate(views.recorded_checkin_json(recorded))


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
def import_files(me: ForPerson, settings: Settings, form: PostedForm) -> schemas.Imports:
    """Import watch files (FIT, GPX, TCX, Apple Health, .gz, .zip) or diary CSVs, each on its
    own: `files` lists every file's outcome (stored walk ids, skipped, failed with the reason)."""
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    outcomes = import_uploads(me, files, settings.max_upload_bytes)
    return schemas.Imports.model_validate({"files": [outcome_json(o) for o in outcomes]})


# --- FHIR R4 export (issue 12) -----------------------------------------------------------------

FHIR_JSON = "application/fhir+json"


class FhirEntry(BaseModel):
    """One resource of the Bundle, with the URL the other entries refer to it by."""

    fullUrl: str = Field(description="urn:uuid:..., the resource's id")
    resource: dict[str, Any] = Field(
        description="a FHIR R4 resource: Patient, Observation, Goal or CarePlan (docs/fhir.md)"
    )


class FhirBundle(BaseModel):
    """A FHIR R4 Bundle of type collection (docs/fhir.md)."""

    resourceType: Literal["Bundle"]
    id: str
    meta: dict[str, Any] | None = Field(None, description="tagged when pseudonymous")
    type: Literal["collection"]
    timestamp: str = Field(description="when the export was made (ISO 8601)")
    entry: list[FhirEntry]


FhirFrom = Annotated[dt.date | None, Query(alias="from", description="first local date to include")]
FhirTo = Annotated[dt.date | None, Query(description="last local date to include")]


@router.get(
    "/people/{person_id}/fhir",
    responses={
        200: {
            "model": FhirBundle,
            "description": "The program as a FHIR R4 Bundle; as application/fhir+json when the "
            "Accept header asks for it",
            "content": {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/FhirBundle"}}},
        }
    },
)
def fhir_bundle(
    request: Request,
    me: ForPerson,
    start: FhirFrom = None,
    to: FhirTo = None,
    pseudonymous: Annotated[
        bool, Query(description="leave out name, e-mail, identifiers and notes")
    ] = False,
) -> JSONResponse:
    """The program as a FHIR R4 Bundle: the person, walks (from/to: their local dates), pain
    ratings, weekly target-zone minutes and reviews (weeks ending in the span), and the
    prescription in force as a CarePlan with Goals."""
    done = exports.export_fhir(
        me.uow(), me.actor, me.person_id, start=start, end=to, pseudonymous=pseudonymous
    )
    wanted = FHIR_JSON if FHIR_JSON in request.headers.get("accept", "") else "application/json"
    return JSONResponse(done.bundle, media_type=wanted)
