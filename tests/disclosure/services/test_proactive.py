"""依申请转主动公开 (services.proactive): a released case becomes a draft that still needs every review step."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import DomainError
from gongkai.disclosure import services
from gongkai.publishing.models import Document
from gongkai.publishing.states import State as DocState
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_convert_released_information_to_a_proactive_draft(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(DomainError):
        services.convert_to_proactive(officer, application, title="t", body="b", subject="综合政务\\政务公开")
    services.decide_application(officer, application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-20"))
    document = services.convert_to_proactive(officer, application, title="2025年度老旧小区改造资金使用情况",
                                             body="资金共计1200万元。", subject="城乡建设、环境保护\\城乡建设（含住房）")
    assert document.state == DocState.DRAFT and document.agency == agency
    assert "依申请转主动公开" in [t.name for t in document.latest_revision.tags.all()]
    application.refresh_from_db()
    assert application.proactive_document == document
    with pytest.raises(DomainError):
        services.convert_to_proactive(officer, application, title="t", body="b", subject="综合政务\\政务公开")
    assert Document.objects.count() == 1
