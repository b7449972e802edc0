"""/docs and /redoc work offline: a real headless Chromium renders them from the app's own assets."""

import shutil
import subprocess

import pytest

from tests.services import IN_CI

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=15000",
]


def rendered_dom(url, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        if IN_CI:
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.browser
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_swagger_ui_and_redoc_render_the_operations_offline(store, live_server_factory, tmp_path):
    server = live_server_factory(store)
    docs = rendered_dom(f"{server.url}/docs", tmp_path)
    assert 'class="swagger-ui' in docs
    assert "opblock" in docs  # operations rendered by swagger-ui's JavaScript
    assert "/api/v1/articles/{slug}/related" in docs
    assert "cdn.jsdelivr" not in docs and "unpkg.com" not in docs
    redoc = rendered_dom(f"{server.url}/redoc", tmp_path)
    assert "List published articles" in redoc
