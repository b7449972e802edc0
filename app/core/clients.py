"""Who is calling: the client address (behind trusted proxies) and its keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request


def client_address(request: Request) -> str:
    """uvicorn applies X-Forwarded-For from trusted proxies (`--forwarded-allow-ips`)."""
    return request.client.host if request.client else "unknown"


def keyed_hash(secret: str, *parts: str, purpose: str) -> str:
    """A keyed, purpose-bound hash: stable for the same input, useless without the secret key."""
    message = "\x1f".join((purpose, *parts)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
