"""`make bench` / `python -m bench`: inkwell under wrk, against a bare-ASGI ceiling in the same run.

Builds (once, then reuses) a realistic store per backend, starts `inkwell serve` as a user would
(1 worker, then 2), drives each endpoint with wrk from Debian's packages, and writes a table
(requests/s, p50, p99, ratio to the ceiling, peak RSS) to bench/results/ as Markdown and JSON.
All load comes from one address, so the bench raises the per-client rate limits (documented).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
STORES = ROOT / "bench" / "stores"
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "lua"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGETS = {"hot": 0.50, "304": 0.50, "miss": 0.10, "beacon": 0.30}


@dataclass
class Measurement:
    endpoint: str
    mode: str  # hot | miss | 304 | beacon | write | ceiling
    workers: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    peak_rss_mib: float
    ratio: float | None = None
    target: float | None = None
    met: bool | None = None


@dataclass
class Run:
    store: str
    articles: int
    started: str
    machine: str
    duration_s: int
    connections: int
    extra: dict[str, object] = field(default_factory=dict)
    results: list[Measurement] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


VIEW_EVENTS = 10_000_000
COMMENTS = 200_000


def store_url(kind: str, articles: int, name: str | None = None) -> str:
    if kind == "sqlite":
        STORES.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{STORES / ((name or f'inkwell-{articles}') + '.db')}"
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + (name or f"inkwell_bench_{articles}")


def _admin() -> Any:
    from sqlalchemy import create_engine

    return create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )


def ensure_store(kind: str, articles: int, name: str | None = None) -> str:
    """Build the store once (seed demo: articles, comments, view history, then `scale_up`);
    later runs reuse it."""
    from sqlalchemy import text

    from app.seed.demo import seed_demo

    url = store_url(kind, articles, name)
    if kind == "postgresql":
        admin = _admin()
        with admin.connect() as conn:
            database = url.rsplit("/", 1)[1]
            if not conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}
            ).scalar():
                conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
    started = time.perf_counter()
    report = seed_demo(url, articles)
    scaled = scale_up(url, articles)
    if not report.skipped or scaled:
        print(
            f"  built {kind} store with {articles} articles in {time.perf_counter() - started:.0f}s",
            flush=True,
        )
    return url


def postgresql_reachable() -> bool:
    admin = _admin()
    try:
        with admin.connect():
            return True
    except Exception:
        return False
    finally:
        admin.dispose()


def drop_store(kind: str, url: str) -> None:
    """Remove a throw-away store (the smoke run's)."""
    from sqlalchemy import text

    if kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def store_counts(url: str) -> dict[str, int]:
    from app.core.db import make_sync_engine

    engine = make_sync_engine(url)
    with engine.connect() as conn:
        found = _counts(conn)
    engine.dispose()
    return found


def _counts(conn: Any) -> dict[str, int]:
    from sqlalchemy import text

    return {
        "articles": int(conn.scalar(text("SELECT count(*) FROM article")) or 0),
        "comments": int(conn.scalar(text("SELECT count(*) FROM comment")) or 0),
        "view_events_in_buckets": int(
            conn.scalar(text("SELECT coalesce(sum(views), 0) FROM popularity_bucket")) or 0
        ),
    }


def scale_up(url: str, articles: int) -> bool:
    """Bring the demo store to the issue's sizes: at least 200,000 comments (more demo threads)
    and 10,000,000 view events in the hourly buckets (the demo history scaled by a whole factor,
    rollups and trending scores with it, so rankings stay exact). Smoke stores stay small."""
    import random

    from sqlalchemy import text

    from app.comments.seed import seed_comments
    from app.core.db import make_sync_engine
    from app.core.types import utcnow

    if articles < 100_000:
        return False
    changed = False
    engine = make_sync_engine(url)
    with engine.begin() as conn:
        rng = random.Random(7)
        while _counts(conn)["comments"] < COMMENTS:
            seed_comments(conn, articles, utcnow(), rng)
            changed = True
        events = _counts(conn)["view_events_in_buckets"]
        if 0 < events < VIEW_EVENTS:
            factor = -(-VIEW_EVENTS // events)
            conn.execute(text("UPDATE popularity_bucket SET views = views * :k"), {"k": factor})
            conn.execute(
                text(
                    "UPDATE popularity_total SET views_24h = views_24h * :k,"
                    " views_7d = views_7d * :k, views_30d = views_30d * :k,"
                    " views_all = views_all * :k, trending = trending * :k"
                ),
                {"k": factor},
            )
            changed = True
    if changed:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    engine.dispose()
    return changed


class Server:
    """A server process for the bench; its output goes to a log file (never an unread pipe,
    which would stall a chatty server once full)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="inkwell-bench-", suffix=".log")[1])
        self.process = subprocess.Popen(
            [*args, "--port", str(self.port)],
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            cwd=ROOT,
            stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.peak_rss: dict[int, int] = {}
        self._watching = False

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited: {self.log_path.read_text(errors='replace')[-3000:]}"
                )
            try:
                if httpx.get(self.url + path, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError("server did not become ready")

    def _processes(self) -> list[int]:
        pids = [self.process.pid]
        for child in Path("/proc").iterdir():
            if child.name.isdigit():
                try:
                    # the command name (field 2) is in parentheses and may hold spaces
                    stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                if int(stat[1]) in pids:
                    pids.append(int(child.name))
        return pids

    def watch_rss(self) -> None:
        self._watching = True

        def loop() -> None:
            while self._watching:
                for pid in self._processes():
                    try:
                        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                            if line.startswith("VmRSS:"):
                                self.peak_rss[pid] = max(
                                    self.peak_rss.get(pid, 0), int(line.split()[1])
                                )
                    except OSError:
                        pass
                time.sleep(0.2)

        threading.Thread(target=loop, daemon=True).start()

    def worker_peak_mib(self) -> float:
        """The largest resident set among the serving processes (each worker's own peak)."""
        return max(self.peak_rss.values(), default=0) / 1024

    def stop(self) -> None:
        self._watching = False
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_path.unlink(missing_ok=True)


def inkwell(url: str, workers: int, cache: bool = True) -> Server:
    env = {
        "INKWELL_DATABASE_URL": url,
        "INKWELL_ENV": "production",
        "INKWELL_SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
        "INKWELL_LOG_LEVEL": "WARNING",
        "INKWELL_PUBLIC_URL": "http://127.0.0.1",
        # all load comes from one address: lift the per-client limits for the bench only
        "INKWELL_VIEWS_RATE_LIMIT": "100000000/second",
        "INKWELL_COMMENTS_RATE_LIMIT_ADDRESS": "100000000/second",
        "INKWELL_COMMENTS_RATE_LIMIT_EMAIL": "100000000/second",
        "INKWELL_COMMENTS_POLICY": "hold",
    }
    if not cache:
        env["INKWELL_RESPONSE_CACHE_ENTRIES"] = "0"
    server = Server(
        [str(Path(sys.executable).with_name("inkwell")), "serve", "--workers", str(workers)], env
    )
    server.wait_ready("/readyz")
    return server


def ceiling(body_bytes: int) -> Server:
    server = Server(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.ceiling:app",
            "--no-access-log",
            "--no-server-header",
            "--log-level",
            "warning",
        ],
        {"BENCH_BODY_BYTES": str(body_bytes)},
    )
    server.wait_ready("/")
    return server


_latency = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(
    url: str, duration: int, connections: int, script: str | None = None, header: str | None = None
) -> tuple[float, float, float, int]:
    command = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        command += ["-s", str(LUA / script)]
    env = {**os.environ}
    if header:
        env["BENCH_HEADER"] = header
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, env=env, timeout=duration + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latencies = {m[0]: float(m[1]) * scale[m[2]] for m in _latency.findall(output)}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return (
        rps,
        latencies.get("50", 0.0),
        latencies.get("99", 0.0),
        int(errors.group(1)) if errors else 0,
    )


def discover(base: str) -> dict[str, str]:
    """URLs of the endpoints, found through the public API itself."""
    from app.core.pagination import encode_cursor

    first = httpx.get(f"{base}/api/v1/articles?per_page=20").json()
    hot = first["data"][0]["slug"]
    oldest = httpx.get(f"{base}/api/v1/articles?sort=published_at&per_page=21").json()["data"]
    near_end = oldest[-1]
    cursor = encode_cursor(
        "-published_at", [datetime.fromisoformat(near_end["published_at"]), near_end["id"]]
    )
    busy = httpx.get(f"{base}/api/v1/popular?by=comments&window=all&limit=1")
    busy_slug = (
        busy.json()["data"][0]["article"]["slug"]
        if busy.status_code == 200 and busy.json()["data"]
        else hot
    )
    word = first["data"][0]["title"].split()[0].lower()
    return {
        "list page 1": "/api/v1/articles",
        "list deep (cursor near the end)": f"/api/v1/articles?cursor={cursor}",
        "article detail": f"/api/v1/articles/{hot}",
        "sections": "/api/v1/sections",
        "popular": "/api/v1/popular",
        "search": f"/api/v1/search?q={word}",
        "comments of a busy article": f"/api/v1/articles/{busy_slug}/comments",
        "view beacon": f"/api/v1/articles/{hot}/views",
        "comment post": f"/api/v1/articles/{hot}/comments",
    }


def measure_store(
    kind: str, articles: int, duration: int, connections: int, fresh: bool = False
) -> Run:
    """Measure one store. `fresh` (the smoke run): a throw-away store, dropped afterwards."""
    name = f"inkwell_smoke_{os.getpid()}_{int(time.time())}" if fresh else None
    url = ensure_store(kind, articles, name)
    try:
        return _measure(kind, url, articles, duration, connections)
    finally:
        if fresh:
            drop_store(kind, url)


def _measure(kind: str, url: str, articles: int, duration: int, connections: int) -> Run:
    run = Run(
        kind,
        articles,
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        f"{platform.node()} ({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()})",
        duration,
        connections,
    )
    server = inkwell(url, 1)
    urls = discover(server.url)
    body_size = len(httpx.get(server.url + urls["list page 1"]).content)
    run.extra = {"ceiling_body_bytes": body_size, "urls": urls, "store": store_counts(url)}
    server.stop()

    top = ceiling(body_size)
    top.watch_rss()
    rps, p50, p99, errors = wrk(top.url + "/", duration, connections)
    top.stop()
    run.results.append(
        Measurement("bare ASGI ceiling", "ceiling", 1, rps, p50, p99, errors, top.worker_peak_mib())
    )
    ceiling_rps = rps

    def record(
        server: Server, name: str, mode: str, workers: int, path: str, **wrk_args: str
    ) -> None:
        if mode not in ("beacon", "write"):
            # One request first (it fills the cache for the cached rows). A render slower than
            # wrk's 10 s timeout shows in the row as 0 req/s, not as a crash of the whole run.
            with contextlib.suppress(httpx.TimeoutException):
                httpx.get(server.url + path, timeout=60)
        rps, p50, p99, errors = wrk(server.url + path, duration, connections, **wrk_args)
        target = TARGETS.get(mode)
        ratio = rps / ceiling_rps if ceiling_rps else None
        met = None if target is None or ratio is None else ratio >= target
        run.results.append(
            Measurement(
                name,
                mode,
                workers,
                rps,
                p50,
                p99,
                errors,
                server.worker_peak_mib(),
                ratio,
                target,
                met,
            )
        )
        print(
            f"  {kind:10} {workers}w {mode:6} {name:34} {rps:9.0f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
            f"  {ratio or 0:.2f}x  {errors} errors",
            flush=True,
        )

    for workers in (1, 2):
        server = inkwell(url, workers)
        server.watch_rss()
        for name in (
            "list page 1",
            "article detail",
            "sections",
            "popular",
            "list deep (cursor near the end)",
            "search",
            "comments of a busy article",
        ):
            mode = (
                "hot"
                if name in ("list page 1", "article detail", "sections", "popular")
                else "cached"
            )
            record(server, name, mode, workers, urls[name])
        etag = httpx.get(server.url + urls["list page 1"]).headers["etag"]
        record(
            server,
            "304 revalidation (list page 1)",
            "304",
            workers,
            urls["list page 1"],
            script="headers.lua",
            header=f"If-None-Match: {etag}",
        )
        record(server, "view beacon", "beacon", workers, urls["view beacon"], script="beacon.lua")
        if workers == 1:
            record(
                server, "comment post", "write", workers, urls["comment post"], script="comment.lua"
            )
        server.stop()

    cold = inkwell(url, 1, cache=False)
    cold.watch_rss()
    for name in (
        "list page 1",
        "list deep (cursor near the end)",
        "article detail",
        "sections",
        "popular",
        "search",
        "comments of a busy article",
    ):
        record(cold, name, "miss", 1, urls[name])
    cold.stop()
    return run


def markdown(run: Run) -> str:
    lines = [
        f"# inkwell benchmark — {run.store}, {run.articles:,} articles",
        "",
        f"{run.started} on {run.machine}; wrk 1 thread, {run.connections} connections, {run.duration_s} s per row,",
        f"on the same machine as the server. The ceiling is a bare ASGI app answering a fixed {run.extra.get('ceiling_body_bytes')}-byte",
        "body (the size of list page 1) under the same uvicorn. `miss` rows run with the response cache off",
        "(every request renders: what the first request after a write costs).",
        f"Store: {_store_line(run)}.",
        "",
        "| endpoint | mode | workers | req/s | p50 ms | p99 ms | × ceiling | target | met | peak RSS MiB | non-2xx/3xx |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in run.results:
        ratio = f"{m.ratio:.2f}" if m.ratio is not None else "1.00"
        target = f"≥ {m.target:.2f}" if m.target is not None else "—"
        met = "—" if m.met is None else ("yes" if m.met else "**no**")
        lines.append(
            f"| {m.endpoint} | {m.mode} | {m.workers} | {m.requests_per_second:,.0f} | {m.p50_ms:.2f} | "
            f"{m.p99_ms:.2f} | {ratio} | {target} | {met} | {m.peak_rss_mib:.0f} | {m.non_2xx_3xx} |"
        )
    return "\n".join(lines) + "\n"


def _store_line(run: Run) -> str:
    counts = run.extra.get("store")
    if not isinstance(counts, dict):
        return "not recorded"
    return ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in counts.items())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--duration", type=int, default=10, help="seconds per row")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a throw-away small store, 1 s rows: proves the bench runs (CI); numbers reported only",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    kinds = args.stores.split(",")
    missing = [] if shutil.which("wrk") else ["wrk is not installed (apt-get install wrk)"]
    if "postgresql" in kinds and not postgresql_reachable():
        missing.append(f"PostgreSQL is not reachable at {PG_ADMIN}")
    if missing:
        if args.smoke and os.environ.get("CI") != "true":
            # Like the suite's service tests: skipped on a machine without them, never under CI.
            print("bench smoke skipped: " + "; ".join(missing), flush=True)
            return
        sys.exit("cannot run the bench: " + "; ".join(missing))
    if args.smoke:
        args.articles, args.duration, args.connections = min(args.articles, 2_000), 1, 16
    args.out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    for kind in kinds:
        print(f"== {kind}, {args.articles} articles", flush=True)
        run = measure_store(kind, args.articles, args.duration, args.connections, args.smoke)
        failed += [
            f"{kind}: {m.endpoint} ({m.workers}w, {m.mode})" for m in run.results if m.non_2xx_3xx
        ]
        stem = (
            f"{datetime.now(UTC):%Y-%m-%d}-{kind}-{args.articles}{'-smoke' if args.smoke else ''}"
        )
        (args.out / f"{stem}.md").write_text(markdown(run))
        (args.out / f"{stem}.json").write_text(json.dumps(asdict(run), indent=2))
        print(markdown(run))
    if failed:
        # Numbers are never asserted (this machine is noisy); answers that are not 2xx/3xx are.
        sys.exit("rows with answers that are not 2xx/3xx: " + "; ".join(failed))


if __name__ == "__main__":
    main()
