"""The pages the newsletter emails link to, served by the API itself for sites whose frontend has
none (`INKWELL_NEWSLETTER_CONFIRM_PAGE_URL` / `_UNSUBSCRIBE_PAGE_URL` unset): `/newsletter/confirm`
and `/newsletter/unsubscribe`.

Opening a link (GET) changes nothing, because mail scanners fetch links: the page checks the
token's signature and age (no database) and shows a button. The button POSTs the token as a form,
which runs the same service call as the JSON endpoints, under the same rate limit and body limit,
and shows the outcome with the same status (200, 400, 404, 409, 410, 413, 422, 429). Every answer
on these paths is HTML: a self-contained page (no script, no external asset; the CSP allows only
its own stylesheet and a form posting to itself), never cached, and sending no Referer (its URL
carries the token).
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import HTMLResponse, Response

from app.core.config import Settings
from app.core.db import WriteSessionDep
from app.core.errors import ProblemError, Unprocessable
from app.core.headers import serve_page_at
from app.newsletter import service
from app.newsletter.router import caller_of, token_rate_limit
from app.newsletter.schemas import TOKEN_MAX_LENGTH, TokenText
from app.newsletter.tokens import Purpose

PATHS = {Purpose.CONFIRM: "/newsletter/confirm", Purpose.UNSUBSCRIBE: "/newsletter/unsubscribe"}
STYLE = (
    "body{margin:0;font:1.125rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f4f2}"
    "main{max-width:34rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:.5rem}"
    ".site{margin:0;font-weight:700;letter-spacing:.04em;text-transform:uppercase;color:#555}"
    "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}"
    "button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border:0;border-radius:.35rem;"
    "color:#fff;background:#0b57d0;cursor:pointer}"
    "button:hover{background:#0842a0}button:focus-visible{outline:3px solid #1a1a1a;"
    "outline-offset:3px}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}
NOT_VALID = (
    "It may have been cut short or changed on its way. Open the whole link from the email, or "
    "copy all of it into the address bar."
)
TITLES = {
    400: "This link is not valid",
    404: "Subscription not found",
    409: "This link has already been used",
    410: "This link has expired",
    413: "Request too large",
    422: "This link is not valid",
    429: "Too many attempts",
}


@dataclass(frozen=True)
class Wording:
    title: str
    ask: str
    button: str
    done_title: str
    done: str


WORDING = {
    Purpose.CONFIRM: Wording(
        title="Confirm your subscription",
        ask="One more step: confirm that you want newsletters from {site} at this address.",
        button="Confirm my subscription",
        done_title="You are subscribed",
        done="Thank you: your subscription to newsletters from {site} is confirmed.",
    ),
    Purpose.UNSUBSCRIBE: Wording(
        title="Unsubscribe",
        ask="Stop sending newsletters from {site} to this address?",
        button="Unsubscribe",
        done_title="You are unsubscribed",
        done="You will get no more newsletters from {site}. You can subscribe again at any time.",
    ),
}


def render(
    settings: Settings,
    status: int,
    title: str,
    text: str,
    *,
    form: tuple[Purpose, str] | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A whole page: the site's name, a heading, one paragraph and perhaps the token's button."""
    site = html.escape(settings.site_name)
    button = ""
    if form is not None:
        purpose, token = form
        action = PATHS[purpose].rsplit("/", 1)[1]  # relative: works under a path prefix too
        button = (
            f'<form method="post" action="{action}">'
            f'<input type="hidden" name="token" value="{html.escape(token)}">'
            f'<button type="submit">{html.escape(WORDING[purpose].button)}</button></form>'
        )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'
        f"<title>{html.escape(title)} · {site}</title><style>{STYLE}</style></head>"
        f'<body><main><p class="site">{site}</p><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(text)}</p>{button}</main></body></html>"
    )
    return HTMLResponse(page, status, headers=HEADERS | (headers or {}))


def problem_page(
    settings: Settings, status: int, detail: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    title = TITLES.get(status, HTTPStatus(status).phrase)
    text = NOT_VALID if status in (400, 422) else detail
    return render(settings, status, title, text, headers=headers)


class PageRoute(APIRoute):
    """Every error on a page (validation, unknown query parameters, the rate limit, the
    service's problems) is answered as the page, in HTML, with the problem's status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page(request: Request) -> Response:
            settings: Settings = request.app.state.settings
            try:
                return await handle(request)
            except RequestValidationError:
                return problem_page(settings, 422, NOT_VALID)
            except ProblemError as exc:  # the session is closed unused: nothing is written
                return problem_page(settings, exc.status, exc.detail, exc.headers)

        return page


router = APIRouter(tags=["newsletter pages"], route_class=PageRoute)


def html_answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "description": f"{HTTPStatus(status).phrase}: a page that says why.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
        for status in statuses
    }


FORM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["token"],
                    "properties": {
                        "token": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": TOKEN_MAX_LENGTH,
                            "description": "The token of the page's link.",
                        }
                    },
                }
            }
        },
    }
}
TokenQuery = Annotated[
    TokenText, Query(description="The token of the emailed link (`?token=` as sent).")
]


def install(app: FastAPI) -> None:
    """Their own security headers at the edge, and a 413 in HTML from the body limit."""
    settings: Settings = app.state.settings
    for path in PATHS.values():
        serve_page_at(path, CSP)
        app.state.body_refusals[path] = lambda detail: problem_page(settings, 413, detail)


async def form_token(request: Request) -> str:
    """The `token` of a form-encoded body (what the page's button sends), else a 422. The body
    limit bounds the parsing; the first `token` field counts."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields = (
        parse_qsl((await request.body()).decode("utf-8", "replace"))
        if media_type == "application/x-www-form-urlencoded"
        else []
    )
    token = next((value for name, value in fields if name == "token"), "")
    if not 1 <= len(token) <= TOKEN_MAX_LENGTH:
        raise Unprocessable.on("body.token", "the form carries no valid token")
    return token


def ask(request: Request, purpose: Purpose, token: str) -> Response:
    settings: Settings = request.app.state.settings
    service.check_link(settings, purpose, token)
    wording = WORDING[purpose]
    text = wording.ask.format(site=settings.site_name)
    return render(settings, 200, wording.title, text, form=(purpose, token))


def done(request: Request, purpose: Purpose) -> Response:
    settings: Settings = request.app.state.settings
    wording = WORDING[purpose]
    return render(settings, 200, wording.done_title, wording.done.format(site=settings.site_name))


FormTokenDep = Annotated[str, Depends(form_token)]


@router.get(
    PATHS[Purpose.CONFIRM],
    response_class=HTMLResponse,
    responses=html_answers(400, 410, 422),
    summary="The confirmation link's page: a button (opening it changes nothing)",
)
async def confirm_page(request: Request, token: TokenQuery) -> Response:
    """The page a confirmation email links to: checks the link, shows a button that confirms."""
    return ask(request, Purpose.CONFIRM, token)


@router.post(
    PATHS[Purpose.CONFIRM],
    response_class=HTMLResponse,
    responses=html_answers(400, 404, 409, 410, 413, 422, 429),
    dependencies=[Depends(token_rate_limit)],
    openapi_extra=FORM_BODY,
    summary="The confirmation page's button: confirm, and show the outcome",
)
async def confirm_page_submit(
    request: Request, session: WriteSessionDep, token: FormTokenDep
) -> Response:
    """Confirm the subscription (as `POST /api/v1/newsletter/confirm`) and show the outcome."""
    settings: Settings = request.app.state.settings
    await service.confirm(session, settings, token, caller_of(request))
    await session.commit()
    return done(request, Purpose.CONFIRM)


@router.get(
    PATHS[Purpose.UNSUBSCRIBE],
    response_class=HTMLResponse,
    responses=html_answers(400, 410, 422),
    summary="The unsubscribe link's page: a button (opening it changes nothing)",
)
async def unsubscribe_page(request: Request, token: TokenQuery) -> Response:
    """The page an email's "Unsubscribe" links to: checks the link, shows a button."""
    return ask(request, Purpose.UNSUBSCRIBE, token)


@router.post(
    PATHS[Purpose.UNSUBSCRIBE],
    response_class=HTMLResponse,
    responses=html_answers(400, 404, 409, 410, 413, 422, 429),
    dependencies=[Depends(token_rate_limit)],
    openapi_extra=FORM_BODY,
    summary="The unsubscribe page's button: unsubscribe, and show the outcome",
)
async def unsubscribe_page_submit(
    request: Request, session: WriteSessionDep, token: FormTokenDep
) -> Response:
    """Unsubscribe (as `POST /api/v1/newsletter/unsubscribe`) and show the outcome."""
    settings: Settings = request.app.state.settings
    await service.unsubscribe(session, settings, token, caller_of(request))
    await session.commit()
    return done(request, Purpose.UNSUBSCRIBE)
