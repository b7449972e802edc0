"""A real SMTP sink (aiosmtpd on 127.0.0.1) and newsletter settings that send to it."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app.core.config import Settings
from tests.conftest import Store, free_port, test_settings


class _Collect:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.sink.messages.append(message)
        self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpSink:
    """An SMTP server that keeps what it receives; it can be stopped and started on one port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.messages) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} emails, the sink has {len(self.messages)}")
            await asyncio.sleep(0.05)
        return list(self.messages)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


def newsletter_settings(store: Store, sink: SmtpSink | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "smtp_url": sink.url if sink else None,
        "smtp_timeout_seconds": 2.0,
        "mail_from": "The Daily Inkwell <newsletter@news.example>",
        "newsletter_rate_limit_address": "1000/hour",
        "newsletter_rate_limit_email": "1000/hour",
        "secret_key": "newsletter-test-secret",
    }
    values.update(overrides)
    return test_settings(store, **values)


@pytest.fixture
def settings(store: Store, smtp_sink: SmtpSink) -> Settings:
    return newsletter_settings(store, smtp_sink)
