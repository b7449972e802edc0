"""The reference reader (examples/reader) in headless Chromium, against a live API on another origin.

Builds the frontend (`npm ci` when needed, `npm run build`: types generated from the committed
openapi.json, then `tsc`), starts `inkwell serve` on a demo site and the reader's static server, and
runs the Playwright scenarios with node's test runner.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from app.seed.demo import seed_demo
from tests.conftest import free_port
from tests.reader.mailbox import Mailbox
from tests.services import IN_CI

READER = Path(__file__).resolve().parents[2] / "examples" / "reader"
CHROMIUM = "/usr/bin/chromium"


def _require_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    missing = [
        name
        for name, found in (("node", node), ("npm", npm), ("chromium", Path(CHROMIUM).exists()))
        if not found
    ]
    if missing:
        message = f"{', '.join(missing)} not installed (the reader's browser tests need node, npm and Debian's chromium)"
        if IN_CI:
            pytest.fail(f"{message}; under CI=true this is a failure, not a skip", pytrace=False)
        pytest.skip(message)
    assert node is not None and npm is not None
    return node, npm


def _run(command: list[str], *, timeout: float, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=READER, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}:\n{output[-6000:]}"
    )
    return output


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the reader's server exited early:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the reader's server did not answer:\n{log.read_text()}")


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_reader_scenarios_pass_in_a_real_browser(
    store, live_server_factory, mailbox: Mailbox, tmp_path
):
    node, npm = _require_tools()
    if not (READER / "node_modules").is_dir():
        _run([npm, "ci", "--no-audit", "--no-fund"], timeout=300)
    _run([npm, "run", "build"], timeout=180)

    seed_demo(store.url, 120)
    reader_port = free_port()
    reader_url = f"http://127.0.0.1:{reader_port}"
    api = live_server_factory(
        store,
        INKWELL_CORS_ORIGINS=reader_url,
        INKWELL_SMTP_URL=mailbox.url,
        INKWELL_NEWSLETTER_CONFIRM_PAGE_URL=f"{reader_url}/newsletter/confirm",
        INKWELL_NEWSLETTER_UNSUBSCRIBE_PAGE_URL=f"{reader_url}/newsletter/unsubscribe",
        INKWELL_SECRET_KEY="reader-browser-test-secret",
    )

    log = tmp_path / "reader-server.log"
    static = subprocess.Popen(
        [node, "serve.mjs"],
        cwd=READER,
        env={**os.environ, "READER_PORT": str(reader_port), "INKWELL_API_URL": api.url},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"{reader_url}/", static, log)
        env = {
            **os.environ,
            "READER_URL": reader_url,
            "INKWELL_API_URL": api.url,
            "READER_MAILBOX_DIR": str(mailbox.directory),
            "CHROMIUM_PATH": CHROMIUM,
        }
        result = subprocess.run(
            [
                node,
                "--test",
                "--test-concurrency=1",
                "--test-reporter=spec",
                "tests/reader.test.mjs",
            ],
            cwd=READER,
            env=env,
            capture_output=True,
            text=True,
            timeout=150,
            check=False,
        )
    finally:
        static.terminate()
        static.wait(timeout=10)
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"browser scenarios failed (exit {result.returncode}):\n{output[-12000:]}\n"
        f"--- API log ---\n{api.log()[-4000:]}"
    )
    assert "ℹ fail 0" in output and "ℹ pass 10" in output, output[-4000:]
    subjects = [m["subject"] for m in mailbox.messages()]
    assert subjects == ["Confirm your subscription to inkwell"], subjects
