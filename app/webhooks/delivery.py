"""One signed POST to a receiver: the HTTP side of a delivery, with no store access."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

import app
from app.webhooks.signing import signature_header
from app.webhooks.targets import UnresolvedTarget, UnsafeTarget, checked_target


@dataclass(frozen=True)
class Attempt:
    response_status: int | None
    error: str | None  # None: delivered
    permanent: bool = False  # retrying cannot help (the URL is not allowed)


async def post_signed(
    *,
    url: str,
    secret: str,
    event: str,
    delivery_id: int,
    body: bytes,
    timeout_seconds: float,
    allow_private: bool,
) -> Attempt:
    """POST `body`, signed; a 2xx answer within `timeout_seconds` (DNS included) is a delivery."""
    try:
        async with asyncio.timeout(timeout_seconds):
            target = await checked_target(url, allow_private=allow_private)
            headers = {
                "Host": target.host_header,
                "Content-Type": "application/json",
                "User-Agent": f"inkwell-webhooks/{app.__version__}",
                "Inkwell-Event": event,
                "Inkwell-Delivery": str(delivery_id),
                "Inkwell-Signature": signature_header(secret, body),
            }
            # trust_env=False: no proxy from the environment may reroute what was checked.
            async with (
                httpx.AsyncClient(
                    follow_redirects=False, trust_env=False, timeout=timeout_seconds
                ) as client,
                client.stream(
                    "POST", target.url, content=body, headers=headers, extensions=target.extensions
                ) as response,
            ):
                status = response.status_code  # the answer's body is never read
    except UnsafeTarget as exc:
        return Attempt(None, f"refused: the URL {exc}", permanent=True)
    except UnresolvedTarget as exc:
        return Attempt(None, str(exc))
    except TimeoutError:
        return Attempt(None, f"timed out after {timeout_seconds:g} s")
    except httpx.HTTPError as exc:
        return Attempt(None, f"{type(exc).__name__}: {exc}"[:1000])
    if 200 <= status < 300:
        return Attempt(status, None)
    if 300 <= status < 400:
        return Attempt(status, f"HTTP {status}: redirects are not followed")
    return Attempt(status, f"HTTP {status}")
