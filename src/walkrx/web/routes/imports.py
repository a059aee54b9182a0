"""Uploading watch files from the browser: a page with drag and drop and per-file progress
(a small script posting each file to the JSON API), and a plain form POST when script is off.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from walkrx.domain.plausibility import CHECK_TEXT
from walkrx.web.deps import PostedForm, Settings, Walker, page
from walkrx.web.uploads import import_uploads

router = APIRouter(tags=["imports"], include_in_schema=False)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, me: Walker, settings: Settings) -> Response:
    return page(
        request,
        "upload.html",
        person_id=me.person_id,
        max_mb=settings.max_upload_bytes >> 20,
    )


@router.post("/upload", response_class=HTMLResponse)
def upload(request: Request, me: Walker, settings: Settings, form: PostedForm) -> Response:
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    outcomes = import_uploads(me, files, settings.max_upload_bytes)
    return page(request, "uploaded.html", outcomes=outcomes, check_text=CHECK_TEXT)
