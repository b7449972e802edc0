import pytest

from app.core.config import Settings
from tests.comments.factories import settings_for
from tests.conftest import Store


@pytest.fixture
def settings(store: Store) -> Settings:
    return settings_for(store)
