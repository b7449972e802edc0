"""Where a webhook may point: http(s) URLs whose host resolves only to public addresses.

Checked when a webhook is created and again before every delivery (DNS can change), and the
delivery then connects to the very address that was checked (no second lookup a rebinding DNS
server could answer differently). `allow_private` (INKWELL_WEBHOOKS_ALLOW_PRIVATE) lifts the
address rule, e.g. for a receiver on 127.0.0.1 in tests or on a private network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2000


class UnsafeTarget(Exception):
    """The URL may never be delivered to (wrong scheme, private address, …)."""


class UnresolvedTarget(Exception):
    """The host does not resolve (now): a delivery retries, a creation is refused."""


@dataclass(frozen=True)
class Target:
    url: httpx.URL  # with the checked address in place of the host name
    host_header: str
    extensions: dict[str, Any] = field(default_factory=dict)


def check_shape(url: str) -> httpx.URL:
    """The URL parsed, or UnsafeTarget saying what is wrong with it."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeTarget(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeTarget(f"is not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeTarget("must be an http:// or https:// URL")
    if not parsed.host:
        raise UnsafeTarget("must name a host")
    if parsed.userinfo:
        raise UnsafeTarget("must not carry a user name or password")
    if parsed.fragment:
        raise UnsafeTarget("must not have a #fragment")
    return parsed


def forbidden_reason(address: IPAddress) -> str | None:
    """Why deliveries must not go to `address`, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for name in ("loopback", "unspecified", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    if not address.is_global:  # shared (100.64/10), documentation and benchmark ranges
        return "non-public"
    return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnresolvedTarget(f"host {host!r} does not resolve ({exc})") from None
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        found[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    if not found:
        raise UnresolvedTarget(f"host {host!r} does not resolve")
    return list(found)


async def checked_target(url: str, *, allow_private: bool) -> Target:
    """Resolve `url` and refuse it unless every address is public (or `allow_private`)."""
    parsed = check_shape(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = await resolve(parsed.host, port)
    if not allow_private:
        for address in addresses:
            reason = forbidden_reason(address)
            if reason is not None:
                raise UnsafeTarget(
                    f"resolves to a {reason} address ({address}), which is not allowed"
                )
    host_header = parsed.netloc.decode("ascii")
    extensions: dict[str, Any] = {}
    if parsed.scheme == "https":
        extensions["sni_hostname"] = parsed.host  # certificate checked against the name, not the IP
    return Target(parsed.copy_with(host=str(addresses[0])), host_header, extensions)
