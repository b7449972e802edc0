from tests.articles.factories import make_site


async def test_a_published_article_is_listed(store, client):
    site = make_site(store)
    site.article("Markets rally", tags=("markets",))
    response = await client.get("/api/v1/articles")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [a["title"] for a in body["data"]] == ["Markets rally"]
    assert body["meta"]["total"] == 1
