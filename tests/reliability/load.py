"""Writers that drive a live server from threads and remember exactly what it acknowledged."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

SIGNUP = "/api/v1/newsletter/subscriptions"
# Limits are tested on their own; under load they would turn the writes into 429s.
UNLIMITED = {
    "INKWELL_NEWSLETTER_RATE_LIMIT_ADDRESS": "1000000/minute",
    "INKWELL_NEWSLETTER_RATE_LIMIT_EMAIL": "1000000/minute",
    "INKWELL_NEWSLETTER_RATE_LIMIT_CONFIRM_ADDRESS": "1000000/minute",
    "INKWELL_VIEWS_RATE_LIMIT": "1000000/minute",
    "INKWELL_COMMENTS_RATE_LIMIT_ADDRESS": "1000000/minute",
    "INKWELL_COMMENTS_RATE_LIMIT_EMAIL": "1000000/minute",
}


@dataclass
class Tally:
    """What the clients saw: statuses, transport errors, and the acknowledged writes by kind."""

    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    acknowledged: dict[str, set[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, kind: str | None = None, key: str | None = None) -> None:
        with self.lock:
            self.statuses[status] += 1
            if kind and key and 200 <= status < 300:
                self.acknowledged.setdefault(kind, set()).add(key)

    def failed(self) -> None:
        with self.lock:
            self.errors += 1

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def acked(self, kind: str) -> set[str]:
        with self.lock:
            return set(self.acknowledged.get(kind, set()))


# One write or read: (client, writer number, sequence number, tally) -> None.
Action = Callable[[httpx.Client, int, int, Tally], None]


def signup(http: httpx.Client, writer: int, number: int, tally: Tally) -> None:
    email = f"writer{writer}-{number}@example.org"
    response = http.post(SIGNUP, json={"email": email, "consent": True})
    tally.record(response.status_code, "signup", email)


def run_writers(
    urls: list[str],
    actions: list[Action],
    threads: int,
    stop: threading.Event,
    tally: Tally,
    *,
    stop_on_error: bool = False,
) -> list[threading.Thread]:
    """Start `threads` threads; thread n cycles through `actions` against urls[n % len(urls)]."""

    def work(writer: int) -> None:
        with httpx.Client(base_url=urls[writer % len(urls)], timeout=30) as http:
            for number in itertools.count():
                if stop.is_set():
                    return
                action = actions[(writer + number) % len(actions)]
                try:
                    action(http, writer, number, tally)
                except httpx.HTTPError:
                    tally.failed()
                    if stop_on_error:
                        return

    started = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(threads)]
    for thread in started:
        thread.start()
    return started


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0"


def beacon(slugs: list[str]) -> Action:
    def send(http: httpx.Client, writer: int, number: int, tally: Tally) -> None:
        slug = slugs[number % len(slugs)]
        response = http.post(
            f"/api/v1/articles/{slug}/views",
            json={"visitor": f"reader-{writer}-{number}"},
            headers={"User-Agent": BROWSER},
        )
        tally.record(response.status_code, "view", f"{writer}-{number}")

    return send


def reads(slugs: list[str]) -> Action:
    paths = ["/api/v1/articles", "/api/v1/popular", "/api/v1/sections", "/api/v1/search?q=market"]

    def read(http: httpx.Client, writer: int, number: int, tally: Tally) -> None:
        choice = number % (len(paths) + 1)
        path = (
            paths[choice]
            if choice < len(paths)
            else f"/api/v1/articles/{slugs[number % len(slugs)]}"
        )
        tally.record(http.get(path).status_code)

    return read


def comment(slugs: list[str]) -> Action:
    """A reader's comment; acknowledged comments are remembered by their (unique) body."""

    def post(http: httpx.Client, writer: int, number: int, tally: Tally) -> None:
        body = f"Comment {writer}-{number}: a thought on this story."
        response = http.post(
            f"/api/v1/articles/{slugs[number % len(slugs)]}/comments",
            json={
                "author_name": f"Reader {writer}",
                "author_email": f"reader{writer}@example.org",
                "body": body,
            },
            headers={"User-Agent": BROWSER},
        )
        tally.record(response.status_code, "comment", body)

    return post


def article_save(key: str, category: str, author: str) -> Action:
    """An editor's save: a new article, then a PATCH of it; each acknowledged one remembered by
    its id and the title it was last acknowledged with."""

    def save(http: httpx.Client, writer: int, number: int, tally: Tally) -> None:
        auth = {"Authorization": f"Bearer {key}"}
        created = http.post(
            "/api/v1/articles",
            json={
                "title": f"Load story {writer}-{number}",
                "category": category,
                "author": author,
                "body": "## A heading\n\nSome words.",
                "status": "published",
            },
            headers=auth,
        )
        article_id = created.json()["id"] if created.status_code == 201 else None
        tally.record(created.status_code, "article", f"{article_id}:Load story {writer}-{number}")
        if article_id is None:
            return
        title = f"Load story {writer}-{number}, updated"
        patched = http.patch(f"/api/v1/articles/{article_id}", json={"title": title}, headers=auth)
        tally.record(patched.status_code, "article", f"{article_id}:{title}")

    return save
