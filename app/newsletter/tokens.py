"""Signed, expiring, single-purpose, single-use tokens for confirm and unsubscribe links.

A token is itsdangerous' URL-safe timed signature (HMAC under INKWELL_SECRET_KEY) over
`{"s": subscriber id, "n": nonce}`, with a salt per purpose, so a confirmation token is never an
unsubscribe token. The nonce is the subscriber's current one for that purpose; using a token
replaces the nonce, which makes every earlier token of that purpose "already used".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app.core.errors import ProblemError


class Purpose(StrEnum):
    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"


class InvalidToken(ProblemError):
    status, code = 400, "invalid-token"


class ExpiredToken(ProblemError):
    status, code = 410, "expired-token"


class UsedToken(ProblemError):
    status, code = 409, "used-token"


EXPIRED = {
    Purpose.CONFIRM: "This link has expired; sign up again to get a new one.",
    Purpose.UNSUBSCRIBE: "This link has expired; use the unsubscribe link of a more recent email.",
}


@dataclass(frozen=True)
class TokenClaims:
    subscriber_id: int
    nonce: str


def new_nonce() -> str:
    return secrets.token_hex(16)


def serializer(
    secret_key: str, purpose: Purpose, signer: type[TimestampSigner] = TimestampSigner
) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=f"inkwell.newsletter.{purpose.value}", signer=signer
    )


def sign(secret_key: str, purpose: Purpose, subscriber_id: int, nonce: str) -> str:
    return serializer(secret_key, purpose).dumps({"s": subscriber_id, "n": nonce})


def read(secret_key: str, purpose: Purpose, token: str, max_age_seconds: int) -> TokenClaims:
    """The claims of a genuine, unexpired token of this purpose; else a 400 or 410 problem."""
    try:
        data: Any = serializer(secret_key, purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise ExpiredToken(EXPIRED[purpose]) from None
    except BadSignature:
        raise InvalidToken(f"This is not a valid {purpose.value} token.") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("s"), int)
        or not isinstance(data.get("n"), str)
    ):
        raise InvalidToken(f"This is not a valid {purpose.value} token.")
    return TokenClaims(subscriber_id=data["s"], nonce=data["n"])
