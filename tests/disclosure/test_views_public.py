"""The tracking page hands out the reply only behind the tracking unlock; the first download of a published
reply delivers it; a forgotten password is mailed to the e-mail on file with one neutral answer."""

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.core.models import OutgoingMail
from gongkai.disclosure import services
from gongkai.disclosure.models import Application
from gongkai.disclosure.states import State
from gongkai.disclosure.views_public import RECOVERY_ANSWER
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat
PDF = b"%PDF-1.4\n% enclosure\n"


def _unlock(client, code, token):
    return client.post(reverse("ysq-track"), {"code": code, "token": token})


def test_downloads_only_behind_the_unlock_and_the_first_download_delivers(agency, staff, client, django_user_model):
    application, token = make_application(agency, delivery="online")
    other, other_token = make_application(agency)
    application = services.decide_application(staff["officer"], application, "granted", decided_on=D("2026-03-20"),
                                              released_files=[services.ReleasedFile("资金表.pdf", PDF)])
    item = application.released_items.get()
    letter_url = reverse("ysq-letter", args=[application.tracking_code])
    item_url = reverse("ysq-released", args=[application.tracking_code, item.pk])
    assert client.get(letter_url).status_code == 404 and client.get(item_url).status_code == 404  # not unlocked
    _unlock(client, other.tracking_code, other_token)  # another case's session
    assert client.get(letter_url).status_code == 404 and client.get(item_url).status_code == 404
    guessed = reverse("ysq-released", args=[other.tracking_code, item.pk])  # the id under the unlocked case
    assert client.get(guessed).status_code == 404
    _unlock(client, application.tracking_code, token)
    assert client.get(letter_url).status_code == 404  # decided but not yet published
    services.publish_reply(staff["officer"], application)
    page = client.get(reverse("ysq-case", args=[application.tracking_code])).content.decode()
    assert "资金表" in page and item_url in page
    response = client.get(item_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    application.refresh_from_db()
    assert application.state == State.DELIVERED and application.delivered_on == dt.date.today()
    assert client.get(letter_url).status_code == 200
    huge = reverse("ysq-released", args=[application.tracking_code, 99999999999999999999])
    assert client.get(huge).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_recovery_mails_a_new_password_and_answers_the_same_either_way(agency, client, settings):
    settings.GONGKAI_SMTP_HOST = "127.0.0.1"  # mail is queued; nothing needs to listen for this test
    settings.EMAIL_PORT = 9  # discard: the send fails and stays queued
    application, token = make_application(agency, email="zhang@example.com")
    url = reverse("ysq-recover")
    wrong = client.post(url, {"code": application.tracking_code, "email": "li@example.com"})
    unknown = client.post(url, {"code": "YSQ-AAAA-BBBB", "email": "zhang@example.com"})
    assert not OutgoingMail.objects.filter(purpose="disclosure_token_reset").exists()
    right = client.post(url, {"code": application.tracking_code, "email": " Zhang@Example.com "})
    for response in (wrong, unknown, right):
        assert response.status_code == 200 and RECOVERY_ANSWER in response.content.decode()
    mail = OutgoingMail.objects.get(purpose="disclosure_token_reset")
    assert mail.to == "zhang@example.com" and token not in mail.body
    new = mail.body.split("新的查询密码：")[1].split()[0]
    assert _unlock(client, application.tracking_code, token).status_code == 404  # the old one no longer works
    assert _unlock(client, application.tracking_code, new).status_code == 302
    assert Application.objects.get(pk=application.pk).events.filter(kind="token_reset").exists()
    for _ in range(5):
        client.post(url, {"code": application.tracking_code, "email": "x@example.com"})
    limited = client.post(url, {"code": application.tracking_code, "email": "x@example.com"})
    assert limited.status_code == 429 and "频繁" in limited.content.decode()


def test_the_tracking_form_offers_show_password_by_a_static_script(client, db):
    page = client.get(reverse("ysq-track")).content.decode()
    assert 'type="password"' in page and "disclosure/track.js" in page and "显示密码" in page
    assert "<script>" not in page and reverse("ysq-recover") in page
    recover = client.get(reverse("ysq-recover")).content.decode()
    assert "联系受理机关" in recover


def test_the_tracking_page_shows_the_remedy_last_days_after_delivery(client, agency, staff):
    """After delivery the applicant sees the last day for review and whether they may sue directly."""
    application, token = make_application(agency, received_on=dt.date(2026, 3, 2))
    services.decide_application(staff["officer"], application, "withheld.internal_affairs",
                                reason="属于机关内部管理信息。", decided_on=dt.date(2026, 3, 20))
    services.deliver_reply(staff["officer"], application, delivered_on=dt.date(2026, 3, 23), channel="paper")
    client.post(reverse("ysq-track"), {"code": application.tracking_code, "token": token})
    page = client.get(reverse("ysq-case", args=[application.tracking_code])).content.decode()
    assert "2026年03月23日 送达" in page and "申请行政复议：最迟 <strong>2026年05月22日</strong>" in page
    assert "不能直接起诉，须先申请行政复议" in page
