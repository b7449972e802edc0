"""Microseconds per request of the ASGI stack itself (no network, no load generator).

`python bench/asgi_cost.py --database-url sqlite:////tmp/x.db [--path /api/v1/articles]`
Calls the app in-process N times for a cached public GET (and a 304), next to a bare ASGI app
answering the same bytes: a steady measure of what the stack adds while the machine is noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from app.core.config import Settings
from app.main import create_app


async def drive(
    app, path: str, headers: list[tuple[bytes, bytes]], n: int
) -> tuple[float, int, bytes]:
    raw_path, _, query = path.partition("?")
    scope_base = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    status = 0
    body = b""

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            body = message.get("body", b"")

    for _ in range(200):
        await app(dict(scope_base), receive, send)
    started = time.perf_counter()
    for _ in range(n):
        await app(dict(scope_base), receive, send)
    return (time.perf_counter() - started) / n * 1e6, status, body


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/api/v1/articles")
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument(
        "--no-cache", action="store_true", help="response cache off: every request renders"
    )
    args = parser.parse_args()
    settings = Settings(database_url=args.database_url, log_level="WARNING")
    if args.no_cache:
        settings = Settings(
            database_url=args.database_url, log_level="WARNING", response_cache_entries=0
        )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        cached, status, body = await drive(app, args.path, [], args.n)
        etag = None

        async def grab(message):
            nonlocal etag
            if message["type"] == "http.response.start":
                etag = dict(message["headers"]).get(b"etag")

        await app(
            {
                "type": "http",
                "method": "GET",
                "path": args.path.partition("?")[0],
                "raw_path": b"",
                "query_string": args.path.partition("?")[2].encode(),
                "headers": [],
                "scheme": "http",
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80),
                "root_path": "",
                "http_version": "1.1",
                "asgi": {"version": "3.0"},
            },
            lambda: asyncio.sleep(0, {"type": "http.request"}),
            grab,
        )
        revalidated, status304, _ = await drive(app, args.path, [(b"if-none-match", etag)], args.n)

    async def bare(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    floor, _, _ = await drive(bare, args.path, [], args.n)
    print(
        f"{args.path}: cached {cached:.1f} µs ({status}), 304 {revalidated:.1f} µs ({status304}), "
        f"bare ASGI {floor:.1f} µs; stack adds {cached - floor:.1f} µs"
    )


if __name__ == "__main__":
    asyncio.run(main())
