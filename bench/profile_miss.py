"""Where a cache miss spends its time: pyinstrument over in-process requests, cache off.

`python -m bench.profile_miss --database-url URL [--path /api/v1/articles] [-n 300] [--out F]`
Runs the app in process with its response cache off (every request renders, as the first request
after a write does), prints the mean cost per request without the profiler, then a pyinstrument
call tree of the same requests (the profiler roughly doubles their cost; read it as shares).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from pyinstrument import Profiler

from app.core.config import Settings
from app.main import create_app
from bench.asgi_cost import drive


async def profile(database_url: str, path: str, requests: int) -> str:
    settings = Settings(database_url=database_url, log_level="WARNING", response_cache_entries=0)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        plain_us, status, body = await drive(app, path, [], requests)
        profiler = Profiler(interval=0.0002, async_mode="disabled")
        profiler.start()
        await drive(app, path, [], requests)
        profiler.stop()
    header = (
        f"{path} on {settings.database_url.split('://')[0]}: {plain_us:.0f} µs per request "
        f"without the profiler ({status}, {len(body)} bytes, {requests} requests)\n"
    )
    return header + profiler.output_text(unicode=True, color=False, show_all=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/api/v1/articles")
    parser.add_argument("-n", "--requests", type=int, default=300)
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    report = asyncio.run(profile(args.database_url, args.path, args.requests))
    print(report)
    if args.out:
        args.out.write_text(report)


if __name__ == "__main__":
    main()
