"""API changes the reader forced: what a frontend on another origin needs from the public API."""

import re

import pytest

from tests.articles.factories import make_site

BODY = """Intro.

<figure><img src="/media/demo/figure-1.svg" alt="A figure"><figcaption>Seen here.</figcaption></figure>

See [the archive](/archive), [elsewhere](https://example.org/x) and <img src="//cdn.example.org/y.png" alt="">.
"""


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_root_relative_urls_in_body_html_point_at_the_api_not_the_frontend(store, client):
    make_site(store).article("Figures", slug="figures", body=BODY)

    article = (await client.get("/api/v1/articles/figures")).json()

    body = article["body_html"]
    assert '<img src="http://testserver/media/demo/figure-1.svg" alt="A figure">' in body
    assert 'href="http://testserver/archive"' in body
    assert 'href="https://example.org/x"' in body  # absolute: untouched
    assert 'src="//cdn.example.org/y.png"' in body  # protocol-relative: untouched
    assert re.findall(r'(?:src|href)="/(?!/)', body) == []
