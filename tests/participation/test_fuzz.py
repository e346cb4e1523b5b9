"""The comment form and the comment API fed oversized, malformed, script-bearing input in every field: a clear
answer (never a 5xx), script never echoed unescaped, and a comment stored whole or not at all."""

import json

import pytest

from gongkai.participation.models import Comment
from tests.test_public_input_fuzz import NASTY, SCRIPT

FIELDS = ["content", "paragraph", "name", "contact", "website", "submission"]
VALID = {"content": "建议明确登记费用。", "paragraph": "2", "name": "王五", "contact": "13900001111", "website": "",
         "submission": ""}


@pytest.fixture
def unlimited(settings):
    settings.GONGKAI_COMMENT_RATE_LIMIT = "100000/3600"


@pytest.mark.parametrize("field", FIELDS)
def test_the_comment_form_with_one_bad_field(client, open_consultation, unlimited, field):
    url = f"/hdjl/yjzj/{open_consultation.pk}/"
    for value in NASTY:
        before = Comment.objects.count()
        response = client.post(url, {**VALID, field: value})
        assert response.status_code < 500, (field, value[:20], response.status_code)
        body = response.content.decode("utf-8", errors="replace")
        assert SCRIPT not in body and "<img src=x onerror" not in body
        stored = list(Comment.objects.order_by("id")[before:])
        assert len(stored) <= 1
        for comment in stored:
            assert comment.content == (value.strip() if field == "content" else VALID["content"])


@pytest.mark.parametrize("field", ["content", "paragraph", "name", "contact", "website"])
def test_the_comment_api_with_one_bad_field(client, open_consultation, unlimited, field):
    url = f"/api/v1/consultations/{open_consultation.pk}/comments"
    body = {"content": VALID["content"], "paragraph": 2, "name": "王五", "contact": "13900001111"}
    for value in [*NASTY, 3.5, -1, 10**30, [], {}, None, True]:
        response = client.post(url, data=json.dumps({**body, field: value}), content_type="application/json")
        assert response.status_code < 500, (field, str(value)[:20], response.status_code)
        if response.status_code == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])
