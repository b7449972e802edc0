"""Health and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import Response

from app.core.errors import problem_response, responses
from app.core.json import model_response
from app.core.migrations import current_revision, head_revision
from app.core.schemas import OutputModel

router = APIRouter(tags=["operations"])


class Health(OutputModel):
    status: str


class Readiness(OutputModel):
    status: str
    database: str
    migration: str | None
    head: str | None


@router.get("/healthz", response_model=Health, responses=responses(500), summary="Alive")
async def healthz() -> Response:
    """The process is up."""
    return model_response(Health(status="ok"), headers={"Cache-Control": "no-store"})


@router.get(
    "/metrics",
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}}
    | responses(500),
    response_class=Response,
    summary="Metrics",
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: requests and latency by route, cache outcomes, queues and buffers."""
    body, content_type = await request.app.state.metrics.exposition()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


@router.get("/readyz", response_model=Readiness, responses=responses(503), summary="Ready")
async def readyz(request: Request) -> Response:
    """The database answers and its schema is at the newest migration."""
    database = request.app.state.database
    head = head_revision()
    try:
        async with database.read_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            revision = await connection.run_sync(current_revision)
    except Exception as exc:
        return problem_response(503, f"The database is not reachable: {type(exc).__name__}.")
    if revision != head:
        return problem_response(
            503, f"The database is at migration {revision}, not {head}: run `inkwell migrate`."
        )
    return model_response(
        Readiness(status="ready", database="ok", migration=revision, head=head),
        headers={"Cache-Control": "no-store"},
    )
