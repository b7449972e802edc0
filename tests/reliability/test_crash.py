"""Crash safety on a real `inkwell serve`: what was acknowledged survives a kill -9, and a SIGTERM
lets the request in flight finish.

Buffered view counts are not part of the kill -9 promise (a beacon's 202 means "counted soon");
that a SIGTERM flushes them is proved by tests/popularity/test_live.py
::test_sigterm_flushes_buffered_views.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import httpx

from tests.conftest import Store
from tests.reliability.load import SIGNUP, UNLIMITED, Tally, run_writers, signup

WRITERS = 6


def stored_emails(store: Store) -> set[str]:
    return {row[0] for row in store.rows("SELECT email FROM subscriber")}


def wait_until(condition: object, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def test_every_acknowledged_signup_survives_a_kill_9_mid_load(store, live_server_factory):
    server = live_server_factory(store, **UNLIMITED)
    tally, stop = Tally(), threading.Event()
    writers = run_writers([server.url], [signup], WRITERS, stop, tally, stop_on_error=True)
    wait_until(lambda: len(tally.acked("signup")) >= 150, within=30)

    server.stop(signal.SIGKILL)
    for writer in writers:
        writer.join(timeout=30)
    stop.set()
    acknowledged = tally.acked("signup")

    restarted = live_server_factory(store, port=server.port, **UNLIMITED)
    found = stored_emails(store)
    print(
        f"\nkill -9 [{store.kind}]: {len(acknowledged)} acknowledged, "
        f"{len(acknowledged & found)} found, {len(found)} stored, {tally.errors} cut off"
    )
    assert len(acknowledged) >= 150
    assert tally.errors >= 1  # the kill landed while writes were in flight
    assert acknowledged - found == set()
    # Anything stored beyond the acknowledged ones is a write cut off after its commit.
    assert len(found - acknowledged) <= tally.errors
    after = httpx.post(
        f"{restarted.url}{SIGNUP}", json={"email": "after@example.org", "consent": True}
    )
    assert after.status_code == 202
    assert "after@example.org" in stored_emails(store)


def _slow_body(started: threading.Event, pause: float) -> Iterator[bytes]:
    yield b'{"email": "slow@example.org", '
    started.set()
    time.sleep(pause)
    yield b'"consent": true}'


def test_sigterm_lets_the_request_in_flight_finish_then_exits_cleanly(store, live_server_factory):
    server = live_server_factory(store, **UNLIMITED)
    started = threading.Event()
    answers: list[int] = []

    def slow_signup() -> None:
        with httpx.Client(timeout=30) as http:
            response = http.post(
                f"{server.url}{SIGNUP}",
                content=_slow_body(started, pause=1.5),
                headers={"Content-Type": "application/json"},
            )
            answers.append(response.status_code)

    client = threading.Thread(target=slow_signup)
    client.start()
    assert started.wait(10)
    time.sleep(0.3)  # the request's headers and half its body are with the server
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    refused = False
    try:
        httpx.get(f"{server.url}/healthz", timeout=2)
    except httpx.HTTPError:
        refused = True
    client.join(timeout=30)

    assert answers == [202]
    assert "slow@example.org" in stored_emails(store)
    assert refused  # a draining server takes no new connections
    # uvicorn re-raises the SIGTERM it handled once it has shut down, so that is the exit status.
    assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
    assert "Traceback" not in server.log()
