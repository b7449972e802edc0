"""Authentication and authorisation as dependencies: the one place the matrix is enforced."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.db import SessionDep
from app.core.errors import Forbidden, Unauthorized
from app.keys.permissions import Permission, allows
from app.keys.service import Principal, looks_like_key, principal_for

bearer = HTTPBearer(
    auto_error=False, description="An inkwell API key: `Authorization: Bearer ink_…`"
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def optional_principal(
    request: Request, session: SessionDep, credentials: Credentials
) -> Principal | None:
    """None without an Authorization header; 401 for a malformed, unknown or revoked key."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    if (
        credentials is None
        or credentials.scheme.lower() != "bearer"
        or not looks_like_key(credentials.credentials)
    ):
        raise Unauthorized("The Authorization header must be `Bearer <inkwell API key>`.")
    principal = await principal_for(
        session, request.app.state.settings.secret_key, credentials.credentials
    )
    if principal is None:
        raise Unauthorized("This API key is not valid (unknown or revoked).")
    return principal


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized()
    return principal


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller's principal, if its role has `permission`; else 401/403."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not allows(principal.role, permission):
            raise Forbidden(
                f"The {principal.role.value} role may not {permission.value.replace('_', ' ')}."
            )
        return principal

    return check


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
# A route taking an OptionalPrincipal puts this in its `openapi_extra`: the spec then says the key
# is optional (`security: [{HTTPBearer: []}, {}]`), as it is; FastAPI alone would mark it required.
OPTIONAL_KEY: dict[str, Any] = {"security": [{}]}
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
