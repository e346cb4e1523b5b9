"""The audit log in /admin/ (core.admin): read-only, verifiable on demand; users who acted cannot be deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from gongkai.core import auditchain
from gongkai.core.audit import record
from tests import factories

pytestmark = pytest.mark.django_db


def test_entries_can_be_viewed_not_changed_or_deleted(admin_client, agency):
    entry = record(None, "create", agency, comment="原文")
    page = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and entry.hash in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"comment": "改"}).status_code == 403
    assert admin_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.comment == "原文"


def test_the_chain_is_verified_from_the_list(admin_client, agency):
    entries = [record(None, "create", agency) for _ in range(3)]
    assert "校验哈希链" in admin_client.get("/admin/core/auditentry/").content.decode()
    assert admin_client.get("/admin/core/auditentry/verify/").status_code == 405
    page = admin_client.post("/admin/core/auditentry/verify/", follow=True).content.decode()
    assert "审计日志完整" in page
    with connection.cursor() as cursor:
        auditchain.drop_guards(cursor.execute, connection.vendor)
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    page = admin_client.post("/admin/core/auditentry/verify/", follow=True).content.decode()
    assert f"第一处断点在编号 {entries[2].pk} 的记录" in page and "缺少禁止修改和删除" in page


def test_deleting_a_user_who_acted_is_refused_in_admin(admin_client, agency):
    actor = factories.make_staff(agency, "drafter", username="acted")
    record(actor, "create", agency)
    page = admin_client.get(f"/admin/auth/user/{actor.pk}/delete/")
    assert page.status_code == 200 and "审计日志" in page.content.decode()
    response = admin_client.post(f"/admin/auth/user/{actor.pk}/delete/", {"post": "yes"})
    assert response.status_code in (200, 403)
    assert get_user_model().objects.filter(pk=actor.pk).exists()
