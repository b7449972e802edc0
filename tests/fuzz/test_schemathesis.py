"""Schemathesis (v4) over every operation of the served OpenAPI spec, against the real ASGI app.

Each store gets a fresh database with the demo site seeded and a real admin key, which the fuzzer
sends to every operation that declares security (so it reaches the handlers; `ignored_auth` then
probes the same calls without a key and with a wrong one, and expects 401/403).

Examples per operation: `INKWELL_FUZZ_EXAMPLES` (default 100; CI=true never runs fewer than 100).
`INKWELL_FUZZ_STORES` picks the stores (default: both, each with the full count: about a minute each
on 2 cores).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.seed.demo import seed_demo
from tests.conftest import Store, test_settings
from tests.keys.factories import issue_key

CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = int(os.environ.get("INKWELL_FUZZ_EXAMPLES", "100"))
if CI:
    EXAMPLES = max(EXAMPLES, 100)
STORES = os.environ.get("INKWELL_FUZZ_STORES", "sqlite,postgresql").split(",")
SEEDED_ARTICLES = 60

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]

EXAMPLES_RUN: Counter[str] = Counter()


@pytest.fixture
def fuzz_target(store: Store) -> Iterator[tuple[FastAPI, str, int]]:
    if store.kind not in STORES:
        pytest.skip(f"INKWELL_FUZZ_STORES={','.join(STORES)}")
    seed_demo(store.url, SEEDED_ARTICLES)
    settings = test_settings(
        store,
        # Limits are tested on their own; here they would stop the fuzzer at the door.
        views_rate_limit="1000000/minute",
        newsletter_rate_limit_address="1000000/minute",
        newsletter_rate_limit_email="1000000/minute",
        newsletter_rate_limit_confirm_address="1000000/minute",
        comments_rate_limit_address="1000000/minute",
        comments_rate_limit_email="1000000/minute",
        webhook_timeout_seconds=1.0,
        log_level="WARNING",
    )
    key = issue_key(store, settings, "admin", name="fuzzer")
    app = create_app(settings)
    try:
        yield app, key, EXAMPLES
    finally:
        shutdown_lifespans()
        if EXAMPLES_RUN:
            total = sum(EXAMPLES_RUN.values())
            print(f"\nfuzz[{store.kind}]: {len(EXAMPLES_RUN)} operations, {total} examples")
            for label, count in sorted(EXAMPLES_RUN.items()):
                print(f"  {count:5d}  {label}")
            EXAMPLES_RUN.clear()


def _auth_headers(case: schemathesis.Case, key: str, turn: int) -> dict[str, str] | None:
    """The admin key for operations that need one. Where a key is optional (public reads that
    show more to a key), every other call goes with it, so both ways are fuzzed."""
    security = case.operation.definition.raw.get("security") or []
    if not security or ({} in security and turn % 2):
        return None
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api_schema(fuzz_target: tuple[FastAPI, str, int]) -> Any:
    app, _key, examples = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=examples,
        # The key is ours (explicit, below); the fuzzer neither invents Authorization headers nor
        # "removes" one as negative data that the explicit key would then put back.
        with_security_parameters=False,
    )
    # A body over its limit is refused with a documented 413 before it is parsed: a rejection too.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_conforms_to_its_spec(
    case: schemathesis.Case, fuzz_target: tuple[FastAPI, str, int]
) -> None:
    _app, key, _examples = fuzz_target
    EXAMPLES_RUN[case.operation.label] += 1
    turn = EXAMPLES_RUN[case.operation.label]
    case.call_and_validate(headers=_auth_headers(case, key, turn), checks=CHECKS)


def test_stateful_sequences_of_linked_operations_conform(
    api_schema: Any, fuzz_target: tuple[FastAPI, str, int]
) -> None:
    """Schemathesis' stateful phase: chains of calls linked by the ids one answer gives the next
    (create an article, then read, patch and delete it; post a comment, then moderate it...)."""
    _app, key, examples = fuzz_target
    steps: Counter[str] = Counter()
    failures: list[str] = []

    class Machine(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            steps[case.operation.label] += 1
            headers = _auth_headers(case, key, steps[case.operation.label])
            return {"headers": headers} if headers else {}

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            try:
                case.validate_response(
                    response,
                    checks=CHECKS,
                    headers=kwargs.get("headers"),
                    transport_kwargs=kwargs or None,
                    recorder=self.recorder,
                )
            except FailureGroup as group:
                # Collected, not raised: Hypothesis would replay the scenario to report it, and
                # against a server whose state has moved on that replay cannot draw the same steps.
                failures.append(str(group))

    # Rule preconditions depend on what the server answered so far, so Hypothesis may find it cannot
    # redraw a scenario (Flaky); Schemathesis' own runner ends the suite there too. Failures found
    # are kept in `failures`, and asserted below.
    with contextlib.suppress(hypothesis.errors.Flaky):
        Machine.run(
            settings=hypothesis.settings(
                max_examples=max(10, examples // 2),
                stateful_step_count=10,
                deadline=None,
                suppress_health_check=list(hypothesis.HealthCheck),
                database=None,
                phases=[hypothesis.Phase.generate],  # no replay or shrink against a moving server
            )
        )
    print(f"\nstateful: {sum(steps.values())} calls over {len(steps)} operations")
    assert sum(steps.values()) >= 20
    assert failures == [], "\n".join(failures[:5])
