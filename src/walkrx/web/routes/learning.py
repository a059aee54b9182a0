"""The walker's short reads and settings (issue 15): the library of lessons, one lesson, and
whether figures are shown in miles or kilometres. Each route calls one service."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx.domain.units import IMPERIAL, METRIC
from walkrx.services import preferences, program, technique
from walkrx.web.deps import PostedForm, Walker, page
from walkrx.web.forms import text

router = APIRouter(tags=["walker"], include_in_schema=False)


@router.get("/learn", response_class=HTMLResponse)
def library(request: Request, me: Walker) -> Response:
    """Every lesson of the walker's protocol, this week's first."""
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    return page(
        request,
        "learn.html",
        lessons=list(enumerate(prog.protocol.lessons, start=1)),
        current=technique.lesson_of_week(prog),
    )


@router.get("/learn/{number}", response_class=HTMLResponse)
def lesson(request: Request, number: int, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    chosen = technique.numbered_lesson(prog, number)
    return page(
        request,
        "lesson.html",
        lesson=chosen,
        number=number,
        count=len(prog.protocol.lessons),
        current=technique.lesson_of_week(prog) is chosen,
    )


@router.get("/settings", response_class=HTMLResponse)
def settings(request: Request, me: Walker) -> Response:
    prog = program.load_program(me.uow(), me.actor, me.person_id)
    saved = request.query_params.get("saved") == "units"
    return page(
        request,
        "settings.html",
        person=prog.person,
        units=prog.person.units,
        choices=(
            (METRIC, "Kilometres, and kilometres an hour"),
            (IMPERIAL, "Miles, and miles an hour"),
        ),
        saved=saved,
    )


@router.post("/settings/units")
def set_units(me: Walker, form: PostedForm) -> Response:
    """Show distances and speeds in miles or kilometres from now on."""
    preferences.set_units(me.uow(), me.actor, me.person_id, text(form, "units"))
    return RedirectResponse("/settings?saved=units", status_code=303)
