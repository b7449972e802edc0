"""Strict inputs: unknown query parameters and NUL characters (query or JSON body) are refused
(422), and `?fields=` is checked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.core.errors import FieldError, Unprocessable

ALLOWED_ATTRIBUTE = "_inkwell_query_names"  # kept on the route itself: ids are reused after GC


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _allowed(route: APIRoute) -> frozenset[str]:
    allowed: frozenset[str] | None = getattr(route, ALLOWED_ATTRIBUTE, None)
    if allowed is None:
        allowed = frozenset(_query_names(route.dependant))
        setattr(route, ALLOWED_ATTRIBUTE, allowed)
    return allowed


async def reject_unknown_query_params(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - _allowed(route))
    if unknown:
        raise Unprocessable(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            errors=[
                FieldError(field=f"query.{name}", message="unknown parameter") for name in unknown
            ],
        )


# A JSON string can hold NUL only as the escape \u0000 (not preceded by an escaping backslash).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def reject_nul_characters(request: Request) -> None:
    """PostgreSQL text cannot hold NUL: one reaching a statement there is a 500. Refuse it up
    front, for every route, in the query string and in a JSON body (already read and cached)."""
    errors = [
        FieldError(field=f"query.{name}", message="must not contain NUL")
        for name in sorted({n for n, v in request.query_params.multi_items() if "\x00" in v})
    ]
    if request.method in ("POST", "PUT", "PATCH") and _JSON_NUL.search(await request.body()):
        errors.append(FieldError(field="body", message="must not contain NUL (\\u0000)"))
    if errors:
        raise Unprocessable("Inputs must not contain NUL characters.", errors=errors)


FieldsParam = Annotated[
    str | None,
    Query(
        max_length=500,
        pattern=r"^[a-z_]+(,[a-z_]+)*$",
        examples=["id,slug,title"],
        description="Comma-separated fields to return for each item, e.g. `id,slug,title`.",
    ),
]


def parse_fields(fields: str | None, allowed: Iterable[str]) -> set[str] | None:
    if fields is None:
        return None
    names = {name for name in fields.split(",") if name}
    unknown = sorted(names - set(allowed))
    if unknown:
        raise Unprocessable.on("query.fields", f"unknown field(s): {', '.join(unknown)}")
    return names
