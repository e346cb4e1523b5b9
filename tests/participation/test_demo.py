"""The demo has an open consultation and a closed one with published feedback; it runs twice unchanged."""

from django.utils import timezone

from gongkai.demo import load_demo
from gongkai.participation.models import Comment, Consultation, ConsultationStatus


def test_demo_has_an_open_and_a_closed_consultation_with_feedback(db, client):
    load_demo()
    counts = (Consultation.objects.count(), Comment.objects.count())
    load_demo()
    assert (Consultation.objects.count(), Comment.objects.count()) == counts == (2, 7)
    listed = {r["status"]: r for r in client.get("/api/v1/consultations").json()["results"]}
    assert set(listed) == {"open", "closed"}
    closed = Consultation.objects.get(pk=listed["closed"]["id"])
    assert closed.status == ConsultationStatus.FEEDBACK_PUBLISHED and closed.kind == "major_decision"
    feedback = client.get(f"/api/v1/consultations/{closed.pk}/feedback").json()
    assert (feedback["received_count"], feedback["adopted_count"]) == (5, 2)
    assert "疏通下水道" not in client.get(f"/hdjl/yjzj/{closed.pk}/yj/").content.decode()
    assert "示例市老旧小区改造三年行动方案" in client.get("/hdjl/zdjcml/").content.decode()
    page = client.get(f"/hdjl/yjzj/{listed['open']['id']}/").content.decode()
    assert "提交意见" in page and "第三条 物业服务企业" in page


def test_demo_has_a_meeting_an_evaluation_and_two_replies(db, client):
    from gongkai.participation.models import Evaluation, Meeting
    from gongkai.participation.visibility import public_evaluations, public_meetings, public_motion_replies

    load_demo()
    load_demo()
    assert (Meeting.objects.count(), Evaluation.objects.count(), public_motion_replies().count()) == (1, 1, 2)
    meeting = public_meetings().get()
    page = client.get(f"/hdjl/lxhy/{meeting.pk}/").content.decode()
    assert "张丽华" in page and "未采纳" in page and "13900008601" not in page
    evaluation = public_evaluations().get()
    assert f"/hdjl/zcpg/{evaluation.pk}/" in client.get(f"/xxgk/documents/{evaluation.policy_id}/").content.decode()
    column = client.get("/hdjl/jyta/").content.decode()
    assert "第0086号" in column and "第0152号" in column and "会办" in column


def test_demo_has_messages_in_every_state_and_one_public_reply(db, client):
    from gongkai.participation.models import Message, MessageStatus

    load_demo()
    count = Message.objects.count()
    load_demo()
    assert Message.objects.count() == count == 6
    states = sorted(Message.objects.values_list("status", flat=True))
    assert states == sorted([MessageStatus.REPLIED, MessageStatus.REPLIED, MessageStatus.RECEIVED,
                             MessageStatus.RECEIVED, MessageStatus.DUPLICATE, MessageStatus.INVALID])
    letter = Message.objects.get(channel="letter")
    assert letter.address and letter.received_on < timezone.localdate()
    listed = client.get("/api/v1/messages").json()
    assert listed["count"] == 2 and "王女士" not in client.get("/hdjl/xx/hf/").content.decode()
    report = Message.objects.get(category="error_report")
    assert report.page_document is not None and report.fix_note and report.reply_public
    assert Message.objects.filter(rating="satisfied").count() == 1
