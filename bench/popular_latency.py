"""/api/v1/popular latency with 10 views vs 10,000,000 views in the store.

Builds two stores under --dir (default /tmp/inkwell-popular-bench; never inside the repo), each
with the same demo site of --articles articles, then replaces the view history:
- "small": 10 views, in buckets of the current hour;
- "large": --views views (default 10,000,000) as one bucket per article per hour over 30 days
  (2,000 articles x 720 hours = 1,440,000 bucket rows), bulk-inserted, rollups computed in SQL.
Then it times GET /api/v1/popular in process (httpx over ASGI, lifespan running) with an
Authorization header so that the HTTP cache is bypassed and every request runs the ranking.
Stores are built once and reused (delete --dir to rebuild). Run it gently:

    PYTHONPATH=. nice -n 19 .venv/bin/python bench/popular_latency.py
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

from app.core.config import Settings
from app.core.db import make_sync_engine
from app.main import create_app
from app.popularity.ranking import WINDOW_COLUMNS, WINDOW_HOURS, current_hour
from app.seed.demo import seed_demo

HOURS = WINDOW_HOURS["30d"]
BATCH = 20_000


def reset_views(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("popularity_total", "popularity_bucket", "popularity_flush"):
            conn.execute(text(f"DELETE FROM {table}"))


def write_rollups(engine: Engine, hour: int) -> None:
    windows = ", ".join(
        f"COALESCE(SUM(CASE WHEN hour > {hour - hours} THEN views ELSE 0 END), 0)"
        for hours in WINDOW_HOURS.values()
    )
    columns = ", ".join(WINDOW_COLUMNS[w] for w in WINDOW_HOURS)
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO popularity_total (article_id, {columns}, views_all, trending) "
                f"SELECT article_id, {windows}, SUM(views), "
                # trending: a stand-in (/popular does not read it)
                f"SUM(views * 1.0 / (1 + ({hour} - hour))) FROM popularity_bucket GROUP BY article_id"
            )
        )
        conn.execute(text("DELETE FROM popularity_state"))
        conn.execute(
            text(
                "INSERT INTO popularity_state (id, swept_hour, trending_base_hour) VALUES (1, :h, :h)"
            ),
            {"h": hour},
        )


def fill_small(engine: Engine, hour: int) -> None:
    reset_views(engine)
    with engine.begin() as conn:
        ids = [
            row[0] for row in conn.execute(text("SELECT id FROM article ORDER BY id DESC LIMIT 5"))
        ]
        rows = [{"a": ids[i % len(ids)], "h": hour, "v": v} for i, v in enumerate((4, 2, 2, 1, 1))]
        conn.execute(
            text("INSERT INTO popularity_bucket (article_id, hour, views) VALUES (:a, :h, :v)"),
            rows,
        )
    write_rollups(engine, hour)


def fill_large(engine: Engine, hour: int, views: int) -> None:
    reset_views(engine)
    with engine.connect() as conn:
        ids = [row[0] for row in conn.execute(text("SELECT id FROM article ORDER BY id"))]
    buckets = len(ids) * HOURS
    base, extra = divmod(views, buckets)  # every bucket gets `base`, the first `extra` one more
    started = time.perf_counter()
    insert = text("INSERT INTO popularity_bucket (article_id, hour, views) VALUES (:a, :h, :v)")
    rows: list[dict[str, int]] = []
    number = 0
    with engine.begin() as conn:
        for article in ids:
            for hours_ago in range(HOURS):
                rows.append(
                    {"a": article, "h": hour - hours_ago, "v": base + (1 if number < extra else 0)}
                )
                number += 1
                if len(rows) >= BATCH:
                    conn.execute(insert, rows)
                    rows.clear()
        if rows:
            conn.execute(insert, rows)
    write_rollups(engine, hour)
    print(f"  inserted {buckets:,} buckets in {time.perf_counter() - started:.1f}s")


async def measure(urls: dict[str, str], requests: int) -> dict[str, dict[str, list[float]]]:
    """Requests alternate between the stores, so both see the same load on a shared machine."""
    settings = {
        "env": "test",
        "log_json": False,
        "log_level": "WARNING",
        "background_workers": False,
    }
    apps = {name: create_app(Settings(database_url=url, **settings)) for name, url in urls.items()}
    timings: dict[str, dict[str, list[float]]] = {name: {} for name in urls}
    headers = {"Authorization": "Bearer bypass-the-http-cache"}
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://bench")
            )
        for window in ("24h", "7d", "30d", "all"):
            params = {"window": window, "limit": "5"}
            for name, client in clients.items():
                timings[name][window] = []
                for _ in range(100):  # warm up
                    response = await client.get("/api/v1/popular", params=params, headers=headers)
                    response.raise_for_status()
            for _ in range(requests):
                for name, client in clients.items():
                    started = time.perf_counter()
                    response = await client.get("/api/v1/popular", params=params, headers=headers)
                    timings[name][window].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200 and len(response.json()["data"]) == 5
    return timings


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def total_views(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT COALESCE(SUM(views), 0) FROM popularity_bucket")).scalar()
            or 0
        )


def postgres_database(admin_url: str, name: str) -> str:
    """The URL of inkwell_popbench_<name> beside `admin_url`'s database, created when missing."""
    database = f"inkwell_popbench_{name}"
    admin = make_sync_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
        ).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", default="/tmp/inkwell-popular-bench")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--views", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--postgres-admin-url",
        help="measure PostgreSQL instead: databases inkwell_popbench_small/_large are created there",
    )
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    hour = current_hour()
    if args.postgres_admin_url:
        stores = {
            name: postgres_database(args.postgres_admin_url, name) for name in ("small", "large")
        }
    else:
        stores = {
            "small": f"sqlite:///{folder / 'small.db'}",
            "large": f"sqlite:///{folder / 'large.db'}",
        }
    for name, url in stores.items():
        engine = make_sync_engine(url)
        seed_demo(url, articles=args.articles)
        wanted = 10 if name == "small" else args.views
        if total_views(engine) != wanted:
            print(f"building the {name} store ({wanted:,} views) at {url}")
            fill_small(engine, hour) if name == "small" else fill_large(engine, hour, args.views)
        if engine.dialect.name == "postgresql":  # autovacuum does this on a live store
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        print(f"{name}: {total_views(engine):,} views in the store")
        engine.dispose()
    results = asyncio.run(measure(stores, args.requests))
    print(f"\nstore: {'PostgreSQL' if args.postgres_admin_url else 'SQLite'}")
    print(
        f"GET /api/v1/popular (in process, cache bypassed, {args.requests} alternating requests per window), ms"
    )
    print(
        f"{'window':>6} | {'10 views p50':>12} {'p95':>6} | {'10M views p50':>13} {'p95':>6} | ratio p50"
    )
    for window in ("24h", "7d", "30d", "all"):
        small, large = summary(results["small"][window]), summary(results["large"][window])
        print(
            f"{window:>6} | {small[0]:12.2f} {small[1]:6.2f} | {large[0]:13.2f} {large[1]:6.2f} | {large[0] / small[0]:.2f}"
        )


if __name__ == "__main__":
    main()
