"""Every table, imported once so that Alembic and the tests see the whole schema."""

from app.articles.models import Article, ArticleSlug, ArticleTag
from app.authors.models import Author
from app.categories.models import Category
from app.comments import models as comments_models
from app.core.models import ContentVersion, OutboxJob
from app.keys import models as keys_models
from app.newsletter import models as newsletter_models
from app.popularity import models as popularity_models
from app.tags.models import Tag
from app.webhooks import models as webhooks_models

__all__ = [
    "Article",
    "ArticleSlug",
    "ArticleTag",
    "Author",
    "Category",
    "ContentVersion",
    "OutboxJob",
    "Tag",
    "comments_models",
    "keys_models",
    "newsletter_models",
    "popularity_models",
    "webhooks_models",
]
