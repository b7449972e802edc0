"""The CSV export: streamed batch by batch, so a million subscribers never sit in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from app.core.db import Database
from app.core.types import rfc3339
from app.newsletter import repository

HEADER = [
    "id",
    "email",
    "name",
    "status",
    "categories",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


async def csv_stream(
    database: Database, filters: repository.SubscriberFilters, batch_size: int
) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield buffer.getvalue().encode()
    async with database.reader() as session:
        async for rows, interests in repository.export_batches(session, filters, batch_size):
            buffer.seek(0)
            buffer.truncate()
            for row in rows:
                writer.writerow(
                    (
                        row.id,
                        safe_cell(row.email),
                        safe_cell(row.name or ""),
                        row.status,
                        " ".join(interests.get(row.id, ())),
                        rfc3339(row.created_at),
                        rfc3339(row.confirmed_at) if row.confirmed_at else "",
                        rfc3339(row.unsubscribed_at) if row.unsubscribed_at else "",
                    )
                )
            yield buffer.getvalue().encode()
