"""Partner API keys (core.apiclients): issued once, hashed, counted per key and minute, refused beyond the
limit and after revocation; calls without a key are served as before; the superusers' page and the CLI."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from gongkai.cli import build_parser
from gongkai.core import apiclients
from gongkai.core.errors import DomainError
from gongkai.core.models import ApiClient, ApiClientMinute, AuditEntry
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
URL = "/api/v1/agencies"


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-Strong-123456")


def test_a_key_is_shown_once_and_only_its_hash_is_kept(admin_user):
    client, key = apiclients.issue_key(admin_user, " 12345热线 ", "市政务服务热线中心", "5")
    assert key.startswith(f"gk_{client.prefix}_") and len(key) > 40
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.name == "12345热线" and stored.limit_per_minute == 5
    assert key not in str(ApiClient.objects.filter(pk=client.pk).values().first())
    assert stored.key_hash == apiclients.digest(key)
    assert apiclients.authenticate(key) == stored and apiclients.authenticate(key + "x") is None
    assert AuditEntry.objects.filter(action="api_key.issue", object_id=str(client.pk)).exists()


def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(admin_user):
    with pytest.raises(DomainError) as caught:
        apiclients.issue_key(admin_user, "", "单位" * 101, "0")
    assert set(caught.value.errors) == {"name", "organisation", "limit_per_minute"}
    with pytest.raises(DomainError) as caught:
        apiclients.issue_key(admin_user, "热线", "", "很多")
    assert caught.value.errors["limit_per_minute"] == ["每分钟调用上限须为整数。"]
    assert not ApiClient.objects.exists()


def test_calls_without_a_key_are_served_as_before(client):
    assert client.get(URL).status_code == 200


def test_an_unknown_or_revoked_key_gets_401_in_chinese(client, admin_user):
    response = client.get(URL, HTTP_X_API_KEY="gk_nothing_here")
    assert response.status_code == 401 and "密钥无效" in response.json()["detail"]
    partner, key = apiclients.issue_key(admin_user, "热线", limit_per_minute=10)
    assert client.get(URL, HTTP_X_API_KEY=key).status_code == 200
    apiclients.revoke_key(admin_user, partner, "合同到期")
    assert client.get(URL, HTTP_X_API_KEY=key).status_code == 401
    with pytest.raises(DomainError):
        apiclients.revoke_key(admin_user, partner)


def test_beyond_its_limit_a_key_gets_429_with_retry_after_and_other_keys_are_unaffected(client, admin_user):
    partner, key = apiclients.issue_key(admin_user, "热线", limit_per_minute=3)
    _, other = apiclients.issue_key(admin_user, "大厅终端", limit_per_minute=3)
    codes = [client.get(URL, HTTP_X_API_KEY=key).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = client.get(URL, HTTP_X_API_KEY=key)
    assert 1 <= int(refused["Retry-After"]) <= 60 and "每分钟最多调用 3 次" in refused.json()["detail"]
    assert client.get(URL, HTTP_X_API_KEY=other).status_code == 200
    assert client.get(URL).status_code == 200
    used = apiclients.usage(partner)
    assert (used.today, used.refused_today) == (3, 3)
    assert ApiClient.objects.get(pk=partner.pk).last_used_at is not None


def test_the_counter_starts_again_each_minute_and_a_raised_limit_takes_effect(admin_user):
    partner, _ = apiclients.issue_key(admin_user, "热线", limit_per_minute=2)
    start = 1_800_000_000.0
    assert [apiclients.take_call(partner, start + s) for s in (0, 1, 2)][:2] == [0, 0]
    assert apiclients.take_call(partner, start + 30) == 30
    assert apiclients.take_call(partner, start + 60) == 0
    apiclients.set_limit(admin_user, partner, 5)
    assert apiclients.take_call(partner, start + 61) == 0
    assert ApiClientMinute.objects.filter(client=partner).count() == 2


def test_the_page_is_for_superusers_issues_a_key_once_and_keeps_bad_input(client, admin_user, agency):
    client.force_login(make_staff(agency, "drafter", username="someone"))
    assert client.get("/staff/api-keys/").status_code == 403
    client.force_login(admin_user)
    bad = client.post("/staff/api-keys/", {"name": "", "organisation": "市热线中心", "limit_per_minute": "-1"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "请填写对接系统名称。" in page and "市热线中心" in page and "须在 1 到" in page
    issued = client.post("/staff/api-keys/", {"name": "12345热线", "organisation": "", "limit_per_minute": "30"})
    partner = ApiClient.objects.get()
    key = issued.content.decode().split('id="issued-key" value="')[1].split('"')[0]
    assert apiclients.authenticate(key) == partner and partner.created_by == admin_user
    assert key not in client.get("/staff/api-keys/").content.decode()
    client.post(f"/staff/api-keys/{partner.pk}/", {"action": "limit", "limit_per_minute": "120"})
    assert ApiClient.objects.get().limit_per_minute == 120
    client.post(f"/staff/api-keys/{partner.pk}/", {"action": "revoke"})
    assert not ApiClient.objects.get().active


def _cli(*argv: str) -> int:
    args = build_parser().parse_args(["apikey", *argv])
    return args.func(args)


def test_the_cli_issues_lists_and_revokes(capsys):
    assert _cli("issue", "--name", "12345热线", "--limit", "100") == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    partner = apiclients.authenticate(key)
    assert partner is not None and partner.limit_per_minute == 100
    assert _cli("list") == 0 and partner.prefix in capsys.readouterr().out
    assert _cli("revoke", "--prefix", partner.prefix) == 0
    assert apiclients.authenticate(key) is None
    assert _cli("issue", "--name", "") == 2 and "请填写对接系统名称" in capsys.readouterr().err
