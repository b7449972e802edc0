"""Refuse request bodies over the limit with 413, before they are read whole."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PayloadTooLarge, problem_response


class BodyTooLarge(Exception):
    pass


# The 413 of a path that answers in another shape than problem details (an HTML page), by path.
Refusals = Mapping[str, Callable[[str], Response]]


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, refusals: Refusals | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refusals = refusals if refusals is not None else {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes or declared < 0:
                    await self._refuse(scope, receive, send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"The request body is larger than {self.max_bytes} bytes."
        refusal = self.refusals.get(scope["path"])
        response = (
            refusal(detail)
            if refusal is not None
            else problem_response(413, detail, code="payload-too-large")
        )
        await response(scope, receive, send)


async def read_bounded(receive: Receive, max_bytes: int) -> bytes:
    """The whole request body, or PayloadTooLarge as soon as it passes `max_bytes`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"A view beacon carries at most {max_bytes} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
