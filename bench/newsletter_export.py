"""Export time and server memory for the newsletter CSV export, on a store of N subscribers.

    nice -n 19 /work/main/.venv/bin/python bench/newsletter_export.py --store sqlite
    nice -n 19 /work/main/.venv/bin/python bench/newsletter_export.py --store postgresql

Bulk-inserts N synthetic subscribers (default 1,000,000; a third with no interest, a third with
one, a third with two) straight into a fresh store in /tmp (a SQLite file, or a PostgreSQL
database created for the run and dropped after), starts a real `inkwell serve`, streams
`GET /api/v1/newsletter/subscribers` with `Accept: text/csv` and an admin key, checks that every
row arrived, and reports the wall time and the server's peak RSS (VmHWM in /proc/<pid>/status)
before and after the export. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.db import make_sync_engine  # noqa: E402
from app.core.migrations import upgrade_to_head  # noqa: E402
from app.keys.permissions import Role  # noqa: E402
from app.keys.service import new_key_row  # noqa: E402
from bench.__main__ import Server  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "INKWELL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SECRET = "bench-newsletter-secret"
CATEGORIES = [
    "breaking-news",
    "business",
    "entertainment",
    "gadgets",
    "health",
    "sports",
    "technology",
]
START = datetime(2025, 1, 1, tzinfo=UTC)
STATUSES = ("active", "active", "active", "pending", "unsubscribed")
COLUMNS = (
    "id, email, email_hash, name, status, confirm_nonce, unsubscribe_nonce, created_at,"
    " confirmed_at, unsubscribed_at"
)


def subscribers(count: int) -> Iterator[tuple[object, ...]]:
    for i in range(1, count + 1):
        created = START + timedelta(seconds=30 * i)
        status = STATUSES[i % len(STATUSES)]
        name = f"=Reader {i}" if i % 1000 == 0 else f"Reader {i}"  # some formula-looking cells
        yield (
            i,
            f"reader{i}@example.org",
            f"{i:064x}",
            name,
            status,
            f"{i:032x}",
            f"{i:032x}",
            created,
            created if status == "active" else None,
            created if status == "unsubscribed" else None,
        )


def interests(count: int) -> Iterator[tuple[int, int]]:
    for i in range(1, count + 1):
        for k in range(i % 3):
            yield i, 1 + (i + k) % len(CATEGORIES)


def _sqlite_value(value: object) -> object:
    """The text SQLAlchemy's SQLite DateTime stores (naive UTC)."""
    return value.replace(tzinfo=None).isoformat(" ") if isinstance(value, datetime) else value


def fill_sqlite(path: Path, count: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    conn.executemany(
        "INSERT INTO category (id, slug, name, description, position, article_count,"
        " created_at, updated_at) VALUES (?, ?, ?, '', ?, 0, ?, ?)",
        [(n, slug, slug.title(), n, now, now) for n, slug in enumerate(CATEGORIES, 1)],
    )
    conn.executemany(
        f"INSERT INTO subscriber ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (tuple(_sqlite_value(v) for v in row) for row in subscribers(count)),
    )
    conn.executemany(
        "INSERT INTO subscriber_interest (subscriber_id, category_id) VALUES (?, ?)",
        interests(count),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def fill_postgres(url: str, count: int) -> None:
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        now = datetime.now(UTC)
        cur.executemany(
            "INSERT INTO category (id, slug, name, description, position, article_count,"
            " created_at, updated_at) VALUES (%s, %s, %s, '', %s, 0, %s, %s)",
            [(n, slug, slug.title(), n, now, now) for n, slug in enumerate(CATEGORIES, 1)],
        )
        with cur.copy(f"COPY subscriber ({COLUMNS}) FROM STDIN") as copy:
            for row in subscribers(count):
                copy.write_row(row)
        with cur.copy("COPY subscriber_interest (subscriber_id, category_id) FROM STDIN") as copy:
            for pair in interests(count):
                copy.write_row(pair)
        cur.execute("SELECT setval('subscriber_id_seq', %s)", (count,))
        cur.execute("SELECT setval('category_id_seq', %s)", (len(CATEGORIES),))
        conn.commit()
        cur.execute("ANALYZE subscriber")
        cur.execute("ANALYZE subscriber_interest")
        conn.commit()


def admin_key(url: str) -> str:
    key, row = new_key_row(SECRET, role=Role.ADMIN, name="bench", author_id=None)
    engine = make_sync_engine(url)
    with Session(engine) as session:
        session.add(row)
        session.commit()
    engine.dispose()
    return key


def memory_kib(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = int(value.split()[0])
    return found


def export(base: str, key: str, pid: int, count: int) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {key}"}
    warm = httpx.get(
        f"{base}/api/v1/newsletter/subscribers?per_page=1", headers=headers, timeout=60
    )
    warm.raise_for_status()
    before = memory_kib(pid)
    started = time.perf_counter()
    first_byte: float | None = None
    size = lines = 0
    with httpx.stream(
        "GET",
        f"{base}/api/v1/newsletter/subscribers",
        headers={**headers, "Accept": "text/csv"},
        timeout=600,
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")  # not "\r\n": a chunk may end between the two
    seconds = time.perf_counter() - started
    after = memory_kib(pid)
    if lines != count + 1:
        raise RuntimeError(f"expected {count + 1} CSV lines (with the header), got {lines}")
    return {
        "export_seconds": round(seconds, 2),
        "first_byte_seconds": round(first_byte or 0.0, 3),
        "rows_per_second": round(count / seconds),
        "csv_bytes": size,
        "server_rss_before_kib": before["VmRSS"],
        "server_peak_rss_before_kib": before["VmHWM"],
        "server_peak_rss_after_kib": after["VmHWM"],
        "server_rss_after_kib": after["VmRSS"],
    }


def run(store: str, count: int) -> dict[str, object]:
    tag = uuid.uuid4().hex[:8]
    sqlite_path = Path(f"/tmp/inkwell-bench-newsletter-{tag}.db")
    pg_name = f"inkwell_bench_newsletter_{tag}"
    admin = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    if store == "sqlite":
        url = f"sqlite:///{sqlite_path}"
    else:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_name}"
    server = None
    try:
        upgrade_to_head(url)
        started = time.perf_counter()
        if store == "sqlite":
            fill_sqlite(sqlite_path, count)
        else:
            fill_postgres(url, count)
        fill_seconds = time.perf_counter() - started
        key = admin_key(url)
        # One worker: uvicorn serves in the started process itself, whose peak RSS is read.
        server = Server(
            [str(Path(sys.executable).with_name("inkwell")), "serve"],
            {
                "INKWELL_DATABASE_URL": url,
                "INKWELL_SECRET_KEY": SECRET,
                "INKWELL_LOG_LEVEL": "WARNING",
            },
        )
        server.wait_ready("/readyz")
        measured = export(server.url, key, server.process.pid, count)
        return {
            "store": store,
            "subscribers": count,
            "fill_seconds": round(fill_seconds, 1),
            **measured,
        }
    finally:
        if server is not None:
            server.stop()
        if store == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Newsletter CSV export: time and server memory.")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    args = parser.parse_args()
    result = run(args.store, args.subscribers)
    print(json.dumps(result))
    print(
        f"{result['store']}: {result['subscribers']:,} subscribers,"
        f" {int(result['csv_bytes']) / 1e6:.1f} MB of CSV in {result['export_seconds']} s;"
        f" server peak RSS {int(result['server_peak_rss_before_kib']) / 1024:.0f} MiB before"
        f" the export, {int(result['server_peak_rss_after_kib']) / 1024:.0f} MiB after"
    )


if __name__ == "__main__":
    main()
