"""A cap on the size of a request body, enforced while the body arrives.

The per-file limit (`uploads.check_sizes`) can only judge a file once the form has been parsed,
and parsing writes every uploaded byte to a temporary file first. This middleware refuses a body
before that: at the first read when its declared Content-Length is over the cap, and as soon as
the bytes received pass the cap when the client sends no length (chunked).

It only wraps `receive`, so the refusal is raised where the route reads the body and is answered
by the app's own error handler (a page for people, the API's JSON error), and a route that never
reads its body is not affected. FastAPI's own `max_body_size` (0.165) does the same counting but
answers every oversized request with a bare "Content Too Large" text, replacing even the app's
own response, which says nothing of the limit or what to do; hence this small middleware.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestTooLargeError(HTTPException):
    """The request body is over the app's cap; nothing from it is stored (worded by the app)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="the upload is too large")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestBodyLimit:
    """ASGI middleware: reading a body over `max_bytes` raises `RequestTooLargeError`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.max_bytes
        declared = _declared_length(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > cap:
                raise RequestTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise RequestTooLargeError
            return message

        await self.app(scope, limited_receive, send)
