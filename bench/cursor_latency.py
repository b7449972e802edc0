"""First vs last cursor page, uncached, on a real `inkwell serve` (issue 2's "Done means").

`python bench/cursor_latency.py --database-url URL [--requests 200]`
Starts inkwell with its response cache off, finds the keyset cursor of the last page through the API
(the 20 oldest articles), then alternates first-page and last-page requests and reports the p50s
and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime

import httpx

from app.core.pagination import encode_cursor
from bench.__main__ import inkwell


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    server = inkwell(args.database_url, 1, cache=False)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            oldest = client.get("/api/v1/articles?sort=published_at&per_page=21").json()["data"]
            last = oldest[-1]
            cursor = encode_cursor(
                "-published_at", [datetime.fromisoformat(last["published_at"]), last["id"]]
            )
            total = client.get("/api/v1/articles?per_page=1").json()["meta"]["total"]
            urls = {
                "first": "/api/v1/articles?cursor="
                + encode_cursor("-published_at", [datetime(9999, 1, 1).astimezone(), 2**62]),
                "last": f"/api/v1/articles?cursor={cursor}",
            }
            timings: dict[str, list[float]] = {"first": [], "last": []}
            for url in urls.values():  # warm
                for _ in range(10):
                    assert client.get(url).status_code == 200
            for _ in range(args.requests):
                for name, url in urls.items():
                    started = time.perf_counter()
                    response = client.get(url)
                    timings[name].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200 and len(response.json()["data"]) == 20
        first, deep = statistics.median(timings["first"]), statistics.median(timings["last"])
        print(
            f"{total:,} articles: first cursor page p50 {first:.2f} ms, last cursor page p50 {deep:.2f} ms, "
            f"ratio {deep / first:.2f}"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
