"""The web app's settings: passed to `create_app`, never read from the environment at import."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_UPLOAD_BYTES = 200 << 20  # 200 MB per file: a few years of a watch's FIT files zipped
# Room for multipart boundaries, part headers and small form fields around the largest file.
FORM_OVERHEAD_BYTES = 1 << 20


@dataclass(frozen=True)
class WebSettings:
    """How one web app instance runs.

    `database_url`: a SQLite path or database URL; None means WALKRX_DATABASE_URL or the default
    file, resolved when the app starts (in its lifespan), not when this module is imported.
    `secure_cookies`: cookies carry `Secure` (browsers treat http://localhost as secure).
    `max_upload_bytes`: the largest single uploaded file accepted; a whole request body may be
    this plus FORM_OVERHEAD_BYTES (`max_body_bytes`), refused as it arrives when larger.
    `demo`: the app runs on demo data (shown in the header so nobody mistakes it for real data).
    """

    database_url: str | None = None
    secure_cookies: bool = True
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    demo: bool = False

    @property
    def max_body_bytes(self) -> int:
        return self.max_upload_bytes + FORM_OVERHEAD_BYTES
