import pytest

BASE = "https://xxgk.example.gov.cn"


@pytest.fixture
def any_host(settings):
    """An operator's choice (GONGKAI_ALLOWED_HOSTS=*): no Host is refused, so links must not follow it."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.GONGKAI_BASE_URL = BASE
