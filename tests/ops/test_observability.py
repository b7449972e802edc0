"""/metrics in Prometheus format by route (cached answers included); JSON logs with the request id."""

import logging

import orjson

from app.core.observability import configure_logging
from tests.articles.factories import make_site


async def test_metrics_count_requests_by_route_template_including_cache_hits(store, client):
    make_site(store).article("Counted", slug="counted")
    for _ in range(3):
        assert (await client.get("/api/v1/articles/counted")).status_code == 200
    await client.get("/api/v1/articles/nope")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'inkwell_http_requests_total{method="GET",route="/api/v1/articles/{slug}",status="200"} 3.0'
        in text
    )
    assert (
        'inkwell_http_requests_total{method="GET",route="/api/v1/articles/{slug}",status="404"} 1.0'
        in text
    )
    assert (
        'inkwell_http_request_duration_seconds_bucket{le="0.5",method="GET",route="/api/v1/articles/{slug}"}'
        in text
    )
    assert "# HELP inkwell_outbox_backlog Pending outbox jobs, by kind." in text


def test_logs_are_one_json_object_per_line_with_the_request_id(capfd):
    import structlog

    configure_logging("INFO", json_lines=True)
    structlog.contextvars.bind_contextvars(request_id="req-42")
    try:
        logging.getLogger("inkwell.test").warning("something happened")
    finally:
        structlog.contextvars.clear_contextvars()
    line = capfd.readouterr().err.strip().splitlines()[-1]
    record = orjson.loads(line)
    assert record["event"] == "something happened"
    assert record["request_id"] == "req-42" and record["level"] == "warning"
    assert record["logger"] == "inkwell.test" and record["timestamp"].endswith("Z")
