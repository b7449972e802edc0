"""Domain errors and their RFC 9457 problem-details answers, shaped in one place."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("inkwell.errors")
# FastAPI's HTTPException detail when a body cannot be decoded at all (JSONDecodeError is a 422).
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"


class FieldError(BaseModel):
    field: str = Field(examples=["body.email"])
    message: str = Field(examples=["value is not a valid email address"])


class Problem(BaseModel):
    """An RFC 9457 problem-details answer."""

    type: str = Field(examples=["https://inkwell.dev/problems/not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No article with slug 'nope'."])
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raised below the router; answered as problem details by the one handler."""

    status: int = 400
    code: str = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.errors = errors
        self.headers = headers or {}


class NotFound(ProblemError):
    status, code = 404, "not-found"


class Conflict(ProblemError):
    status, code = 409, "conflict"


class Unprocessable(ProblemError):
    status, code = 422, "validation-error"

    @classmethod
    def on(cls, field: str, message: str) -> Unprocessable:
        return cls(message, errors=[FieldError(field=field, message=message)])


class Unauthorized(ProblemError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str = "A valid API key is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="inkwell"'})


class Forbidden(ProblemError):
    status, code = 403, "forbidden"


class PreconditionFailed(ProblemError):
    status, code = 412, "precondition-failed"


class PreconditionRequired(ProblemError):
    status, code = 428, "precondition-required"


class TooManyRequests(ProblemError):
    status, code = 429, "rate-limited"

    def __init__(self, retry_after: int, detail: str = "Too many requests; slow down.") -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class PayloadTooLarge(ProblemError):
    status, code = 413, "payload-too-large"


def problem_type(code: str) -> str:
    return f"https://inkwell.dev/problems/{code}"


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {
        "type": problem_type(code or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    merged = {"Cache-Control": "no-store"} | (headers or {})
    return Response(orjson.dumps(body), status, headers=merged, media_type=PROBLEM_MEDIA_TYPE)


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


def validation_problem(exc: RequestValidationError) -> Response:
    errors = [
        {"field": _field_path(error.get("loc", ())), "message": str(error.get("msg", "invalid"))}
        for error in exc.errors()
    ]
    return problem_response(
        422, "The request did not pass validation.", code="validation-error", errors=errors
    )


def problem_for(exc: ProblemError) -> Response:
    errors = [e.model_dump() for e in exc.errors] if exc.errors else None
    return problem_response(
        exc.status, exc.detail, code=exc.code, errors=errors, headers=exc.headers
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _domain(_request: Request, exc: ProblemError) -> Response:
        return problem_for(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Response:
        return validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"Nothing is served at {request.url.path}."
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
        if exc.status_code == 400 and detail == _FASTAPI_BODY_PARSE_ERROR:
            # A body that is not JSON at all (e.g. not UTF-8): the same 422 as malformed JSON.
            message = "The body is not valid UTF-8 JSON."
            return problem_response(
                422,
                message,
                code="validation-error",
                errors=[{"field": "body", "message": message}],
            )
        return problem_response(exc.status_code, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "Something went wrong on our side; it has been logged.")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each listed error status documented as a Problem."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
