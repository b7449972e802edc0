"""An SMTP sink (aiosmtpd) that drops each received email into a directory as JSON, for node to read."""

from __future__ import annotations

import email
import email.policy
import itertools
import json
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import free_port


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return body.get_content() if body is not None else ""


class _WriteToDirectory:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        record = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message["Subject"] or ""),
            "text": _part(message, "plain"),
            "html": _part(message, "html"),
        }
        number = next(self.numbers)
        tmp = self.directory / f"{number:05d}.tmp"
        tmp.write_text(json.dumps(record), encoding="utf-8")
        tmp.rename(self.directory / f"{number:05d}.json")  # readers never see half a file
        return "250 Message accepted"


class Mailbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self._controller = Controller(
            _WriteToDirectory(directory), hostname="127.0.0.1", port=self.port
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text()) for p in sorted(self.directory.glob("*.json"))]


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[Mailbox]:
    directory = tmp_path / "mailbox"
    directory.mkdir()
    box = Mailbox(directory)
    box._controller.start()
    yield box
    box._controller.stop()
