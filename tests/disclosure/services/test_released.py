"""Enclosures of a granted reply: uploads checked before storing, links only to public documents, listed in the
letter; a granted reply without enclosures must say how to obtain the information."""

import datetime as dt

import pytest

from gongkai.core.errors import DomainError
from gongkai.disclosure import services
from gongkai.disclosure.models import ReleasedItem
from gongkai.disclosure.services.released import NO_REASON
from tests import factories
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat
PDF = b"%PDF-1.4\n% released information\n"


def _decide(officer, application, **kw):
    return services.decide_application(officer, application, kw.pop("code", "granted"),
                                       decided_on=D("2026-03-20"), **kw)


def test_enclosures_are_stored_and_listed_in_the_letter(agency, staff, published):
    application, _ = make_application(agency)
    application = _decide(staff["officer"], application, released_files=[
        services.ReleasedFile("资金使用情况表.pdf", PDF)], released_links=f"项目批复 | /xxgk/documents/{published.pk}/")
    items = list(application.released_items.all())
    assert [i.title for i in items] == ["资金使用情况表", "项目批复"]
    assert items[0].file and items[0].size == len(PDF) and items[1].document_id == published.pk
    letter = application.letters.get()
    assert letter.enclosures == ["资金使用情况表", "项目批复"]
    from docx import Document
    text = "\n".join(p.text for p in Document(letter.docx.path).paragraphs)
    assert "附件：1. 资金使用情况表" in text and "2. 项目批复（" in text
    assert f"/xxgk/documents/{published.pk}/）" in text


def test_granted_without_enclosures_must_say_how_to_obtain(agency, staff):
    application, _ = make_application(agency)
    with pytest.raises(DomainError) as refused:
        _decide(staff["officer"], application)
    assert refused.value.errors["reason"] == [NO_REASON]
    application.refresh_from_db()
    assert application.state == "received" and not application.decision


def test_bad_enclosures_are_refused_at_their_field_and_nothing_is_stored(agency, staff, team, settings):
    draft = factories.make_document(team, agency, publish=False)
    application, _ = make_application(agency)
    settings.GONGKAI_MAX_UPLOAD_BYTES = 1024
    for kwargs, field, words in (
        ({"released_files": [services.ReleasedFile("大文件.pdf", PDF + b"x" * 2048)]}, "released_files", "大小上限"),
        ({"released_files": [services.ReleasedFile("假的.pdf", b"MZ not a pdf")]}, "released_files", "内容与扩展名不符"),
        ({"released_files": [services.ReleasedFile("脚本.exe", b"MZ")]}, "released_files", "类型不能作为答复附件"),
        ({"released_links": f"/xxgk/documents/{draft.pk}/"}, "released_links", "不是本站已公开的政府信息"),
        ({"released_links": "https://evil.example.com/xxgk/documents/1/"}, "released_links", "不是本站已公开"),
        ({"released_links": "/xxgk/documents/99999999999999999999/"}, "released_links", "不是本站已公开"),
    ):
        with pytest.raises(DomainError) as refused:
            _decide(staff["officer"], application, reason="获取方式见说明。", **kwargs)
        assert words in refused.value.errors[field][0]
    application.refresh_from_db()
    assert application.state == "received" and not ReleasedItem.objects.exists()


def test_withheld_replies_release_nothing(agency, staff):
    application, _ = make_application(agency)
    with pytest.raises(DomainError) as refused:
        _decide(staff["officer"], application, code="withheld.state_secret", reason="属于国家秘密。",
                released_files=[services.ReleasedFile("a.pdf", PDF)])
    assert "只有予以公开或部分公开" in refused.value.message


def test_enclosures_change_before_sending_and_the_letter_follows(agency, staff, published):
    officer = staff["officer"]
    application, _ = make_application(agency)
    application = _decide(officer, application, released_files=[services.ReleasedFile("第一份.pdf", PDF)])
    first = application.released_items.get()
    services.edit_released(officer, application, links=f"/xxgk/documents/{published.pk}/", remove=[first.pk])
    assert application.letters.count() == 2
    assert application.letters.first().enclosures == [published.live_revision.title]
    with pytest.raises(DomainError) as refused:  # the last enclosure gone and no words on how to obtain
        services.edit_released(officer, application, remove=[application.released_items.get().pk])
    assert refused.value.errors["reason"] == [NO_REASON]
    services.post_reply(officer, application, tracking_number="EMS1234567890")
    with pytest.raises(DomainError, match="已经发出"):
        services.edit_released(officer, application, files=[services.ReleasedFile("晚了.pdf", PDF)])
