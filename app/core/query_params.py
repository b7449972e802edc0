"""Strict query strings: unknown parameters and NUL characters are refused (422), and `?fields=`
is checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.core.errors import FieldError, Unprocessable

_allowed_by_route: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _allowed(route: APIRoute) -> frozenset[str]:
    allowed = _allowed_by_route.get(id(route))
    if allowed is None:
        allowed = _allowed_by_route[id(route)] = frozenset(_query_names(route.dependant))
    return allowed


async def reject_unknown_query_params(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    # PostgreSQL text cannot hold NUL, so a NUL reaching a query there is a 500; refuse it up front.
    with_nul = sorted(
        {name for name, value in request.query_params.multi_items() if "\x00" in value}
    )
    if with_nul:
        raise Unprocessable(
            "Query parameters must not contain NUL characters.",
            errors=[
                FieldError(field=f"query.{name}", message="must not contain NUL")
                for name in with_nul
            ],
        )
    unknown = sorted(set(request.query_params) - _allowed(route))
    if unknown:
        raise Unprocessable(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            errors=[
                FieldError(field=f"query.{name}", message="unknown parameter") for name in unknown
            ],
        )


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
