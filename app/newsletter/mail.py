"""Newsletter emails: built with email.message, sent over SMTP (aiosmtplib) or to the log.

`INKWELL_SMTP_URL` is `smtp://[user:pass@]host[:port]` (plain, e.g. a local relay),
`smtp+starttls://…` (STARTTLS, default port 587) or `smtps://…` (TLS from the start, port 465).
Unset, each email is written to the log instead, so a development setup needs no mail server.
"""

from __future__ import annotations

import email.policy
import html
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

log = logging.getLogger("inkwell.newsletter.mail")

# SMTP line endings, but headers folded only past SMTP's own 998-character line limit: the
# standard 78 would turn a long List-Unsubscribe URL into RFC 2047 encoded words, which mail
# clients do not decode there.
POLICY = email.policy.SMTP.clone(max_line_length=998)

SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    start_tls: bool
    use_tls: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(
            f"INKWELL_SMTP_URL must look like smtp://host:port, smtp+starttls://… or smtps://…, "
            f"not {parts.scheme or url!r}"
        )
    default_port, start_tls, use_tls = SCHEMES[parts.scheme]
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or default_port,
        start_tls=start_tls,
        use_tls=use_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


@dataclass(frozen=True)
class Letter:
    subject: str
    paragraphs: list[str]
    action_label: str | None
    action_url: str | None


def build_message(
    letter: Letter,
    *,
    to: str,
    mail_from: str,
    message_id: str,
    one_click_url: str,
    unsubscribe_page_url: str,
) -> EmailMessage:
    """A text email with an HTML alternative, carrying RFC 8058 one-click unsubscribe headers.

    The header names the API endpoint (mail clients POST to it); the body links to the page a
    person opens, which POSTs the same token (a link a mail scanner fetches must change nothing).
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = letter.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{one_click_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"

    text = list(letter.paragraphs)
    if letter.action_url:
        text.append(f"{letter.action_label}: {letter.action_url}")
    text.append(f"Unsubscribe: {unsubscribe_page_url}")
    message.set_content("\n\n".join(text) + "\n")

    body = [f"<p>{html.escape(p)}</p>" for p in letter.paragraphs]
    if letter.action_url and letter.action_label:
        link, label = html.escape(letter.action_url), html.escape(letter.action_label)
        body.append(f'<p><a href="{link}">{label}</a></p>')
    body.append(
        f'<p><small><a href="{html.escape(unsubscribe_page_url)}">Unsubscribe</a></small></p>'
    )
    message.add_alternative(
        "<!doctype html><html><body>" + "".join(body) + "</body></html>", subtype="html"
    )
    return message


def message_id_for(job_id: int, mail_from: str) -> str:
    """Fixed per outbox job: a repeat delivery (at least once) is recognisable as the same email."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    return f"<newsletter-{job_id}@{domain}>"


class Mailer:
    def __init__(self, smtp_url: str | None, timeout_seconds: float) -> None:
        self._target = parse_smtp_url(smtp_url) if smtp_url else None
        self._timeout = timeout_seconds

    async def send(self, message: EmailMessage) -> None:
        if self._target is None:
            log.info(
                "email (no INKWELL_SMTP_URL: written to the log, not sent)\n%s",
                message.as_string(),
            )
            return
        target = self._target
        # Flattened here, with POLICY: aiosmtplib would re-fold headers at 78 characters.
        await aiosmtplib.send(
            message.as_bytes(policy=POLICY),
            sender=parseaddr(str(message["From"]))[1],
            recipients=[parseaddr(str(message["To"]))[1]],
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            start_tls=target.start_tls,
            use_tls=target.use_tls,
            timeout=self._timeout,
        )
