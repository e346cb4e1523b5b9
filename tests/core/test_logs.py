"""The access log of `gongkai serve`: tracking tokens and personal numbers in URLs are masked."""

import pytest

from gongkai.core.logs import mask_url


@pytest.mark.parametrize(("line", "logged"), [
    ("GET /ysqgk/track/?code=YSQ-ABCD-EFGH&token=ABCD-EFGH-JKLM HTTP/1.1",
     "GET /ysqgk/track/?code=YSQ-ABCD-EFGH&token=* HTTP/1.1"),
    ("/api/v1/applications/YSQ-ABCD-EFGH?TOKEN=ABCD&x=1", "/api/v1/applications/YSQ-ABCD-EFGH?TOKEN=*&x=1"),
    ("GET /search/?q=%E6%88%91+110101+19900307+123X&page=2 HTTP/1.1", "GET /search/?q=%E6%88%91+*&page=2 HTTP/1.1"),
    ("/search/?q=138-1234-5678", "/search/?q=*"),
    ("/search/?q=%E7%94%B5%E8%AF%9D13812345678", "/search/?q=%E7%94%B5%E8%AF%9D*"),
    ("/search/?q=li.si%40example.com", "/search/?q=*"),
    ("/api/v1/documents?year=2026&page=2&page_size=20", "/api/v1/documents?year=2026&page=2&page_size=20"),
])
def test_tokens_and_personal_numbers_are_masked_and_the_rest_kept(line, logged):
    assert mask_url(line) == logged
