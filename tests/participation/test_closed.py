"""Closed means closed, on the server: after the end no comment is accepted from the public form (a tab left
open before the end included), the API or the staff pages — and nothing is stored."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from gongkai.participation import services
from gongkai.participation.models import Comment, Consultation
from tests import factories
from tests.participation.conftest import end, make_consultation


def test_a_stale_tab_posting_after_the_end_is_refused_and_keeps_the_text(client, open_consultation):
    page = client.get(f"/hdjl/yjzj/{open_consultation.pk}/")
    assert page.status_code == 200 and "提交意见" in page.content.decode()
    submission = page.context["form"].initial["submission"]
    end(open_consultation, days_ago=0)  # the end passes while the tab is open
    response = client.post(f"/hdjl/yjzj/{open_consultation.pk}/", {
        "content": "我在截止前写好的意见", "paragraph": "2", "submission": submission})
    assert response.status_code == 409
    text = response.content.decode()
    assert "不再接受意见" in text and "我在截止前写好的意见" in text
    assert Comment.objects.count() == 0


def test_the_api_answers_409_in_chinese_after_the_end(client, open_consultation):
    ended = end(open_consultation)
    response = client.post(f"/api/v1/consultations/{ended.pk}/comments", data={"content": "迟到的意见"},
                           content_type="application/json")
    assert response.status_code == 409
    assert "截止" in response.json()["detail"] and "不再接受意见" in response.json()["detail"]
    assert Comment.objects.count() == 0


def test_the_api_answers_409_after_the_platform_recorded_the_close(client, open_consultation):
    end(open_consultation)
    services.close_ended()
    response = client.post(f"/api/v1/consultations/{open_consultation.pk}/comments", data={"content": "意见"},
                           content_type="application/json")
    assert response.status_code == 409 and Comment.objects.count() == 0


def test_staff_cannot_enter_a_comment_after_the_end(client, office, open_consultation):
    client.force_login(office["officer"])
    before = client.post(f"/staff/participation/c/{open_consultation.pk}/comment/", {"content": "信函意见"})
    assert before.status_code == 302 and Comment.objects.filter(channel="staff").count() == 1
    end(open_consultation)
    after = client.post(f"/staff/participation/c/{open_consultation.pk}/comment/", {"content": "逾期信函"},
                        follow=True)
    assert "不再接受意见" in after.content.decode()
    assert Comment.objects.filter(channel="staff").count() == 1


def test_even_a_superuser_cannot_add_a_comment_after_the_end(office, open_consultation):
    root = factories.make_staff(office["government"], "administrator", covers_subordinates=True)
    ended = end(open_consultation)
    try:
        services.submit_comment(ended, services.CommentData(content="意见"), channel="staff", actor=root)
    except services.ConsultationClosed as exc:
        assert "截止" in exc.message
    else:
        raise AssertionError("accepted after the end")
    assert Comment.objects.count() == 0


def test_the_last_moment_counts_to_24_00_of_the_last_day(office, open_consultation):
    last_second = open_consultation.ends_at - dt.timedelta(seconds=1)
    assert timezone.localtime(last_second).strftime("%H:%M:%S") == "23:59:59"
    services.submit_comment(open_consultation, services.CommentData(content="最后一秒"), now=last_second)
    try:
        services.submit_comment(open_consultation, services.CommentData(content="零点"), now=open_consultation.ends_at)
    except services.ConsultationClosed:
        pass
    else:
        raise AssertionError("accepted at 24:00")
    assert Comment.objects.count() == 1


def test_a_consultation_opened_for_a_later_day_takes_no_comment_yet(client, office):
    from tests.participation.conftest import make_consultation

    later = make_consultation(office, start=timezone.localdate() + dt.timedelta(days=3))
    assert Consultation.objects.get(pk=later.pk).accepting() is False
    assert client.get(f"/hdjl/yjzj/{later.pk}/").status_code == 404  # not public before it starts
    try:
        services.submit_comment(later, services.CommentData(content="意见"), channel="staff", actor=office["officer"])
    except services.ConsultationClosed as exc:
        assert "尚未开始" in exc.message
    else:
        raise AssertionError("accepted before the start")


def test_the_worker_records_the_close(open_consultation):
    from gongkai.participation.tasks import close_ended_consultations

    ended = end(open_consultation)
    close_ended_consultations.call_local()
    assert Consultation.objects.get(pk=ended.pk).status == "closed"


def test_a_comment_sent_while_the_close_is_being_recorded_waits_for_it_and_is_refused(transactional_db, office):
    """PostgreSQL: comments take a shared lock on the consultation (they do not wait for one another), so one
    that arrives while the row is locked for the close waits for the close and is then refused."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer with its database lock; row locks are PostgreSQL's")
    consultation = make_consultation(office)
    locked, outcome = threading.Event(), {}

    def close_it():
        with transaction.atomic():
            row = Consultation.objects.select_for_update().get(pk=consultation.pk)
            row.ends_at = timezone.now() - dt.timedelta(seconds=1)
            row.save(update_fields=["ends_at"])
            locked.set()
            # Held until the comment below has had every chance to slip past the lock.
            outcome["comment_started"].wait(5)
            threading.Event().wait(0.5)
        connection.close()

    def comment():
        locked.wait(5)
        outcome["comment_started"].set()
        try:
            services.submit_comment(consultation.pk, services.CommentData(content="关门时送到的意见"))
            outcome["result"] = "accepted"
        except services.ConsultationClosed:
            outcome["result"] = "refused"
        finally:
            connection.close()

    outcome["comment_started"] = threading.Event()
    threads = [threading.Thread(target=close_it), threading.Thread(target=comment)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["result"] == "refused" and not Comment.objects.filter(content="关门时送到的意见").exists()
