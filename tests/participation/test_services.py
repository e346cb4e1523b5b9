"""Consultations through their services: drafting, opening against the minimum period, comments, moderation,
closing and the feedback."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.participation import services
from gongkai.participation.models import Comment, CommentStatus, Consultation, ConsultationStatus
from gongkai.participation.rules import ConsultationKind
from gongkai.participation.visibility import public_comments, public_consultations, published_feedback
from gongkai.publishing import services as publishing
from tests import factories
from tests.participation.conftest import end, make_consultation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_a_draft_consultation_is_not_public_until_opened(office):
    draft = make_consultation(office, open_it=False)
    assert draft.status == ConsultationStatus.DRAFT
    assert draft.title == "关于《参与市养犬管理办法（征求意见稿）》公开征求意见"
    assert not public_consultations().filter(pk=draft.pk).exists()
    opened = services.open_consultation(office["officer"], draft)
    assert opened.status == ConsultationStatus.OPEN and opened.opened_at is not None
    assert public_consultations().filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(object_type="participation.consultation", action="open").exists()


def test_a_period_shorter_than_the_minimum_is_refused_with_its_source(office):
    short = make_consultation(office, days=10, open_it=False)
    with pytest.raises(DomainError) as refused:
        services.open_consultation(office["officer"], short)
    assert "一般不少于30日" in refused.value.message and "规章制定程序条例" in refused.value.message
    assert Consultation.objects.get(pk=short.pk).status == ConsultationStatus.DRAFT


def test_an_emergency_reason_allows_a_shorter_period_and_is_kept(office):
    short = make_consultation(office, days=10, open_it=False, emergency_reason="汛期临近，需尽快出台。")
    opened = services.open_consultation(office["officer"], short)
    assert opened.status == ConsultationStatus.OPEN and opened.emergency_reason == "汛期临近，需尽快出台。"
    assert services.shortened(opened)


def test_a_reason_for_a_period_that_is_not_short_is_dropped(office):
    opened = make_consultation(office, days=45, emergency_reason="不需要的理由")
    assert opened.emergency_reason == ""


def test_normative_documents_need_seven_working_days(office):
    start = timezone.localdate()
    ok = make_consultation(office, kind=ConsultationKind.NORMATIVE, days=20)
    assert ok.status == ConsultationStatus.OPEN
    short = make_consultation(office, kind=ConsultationKind.NORMATIVE, days=3, open_it=False)
    with pytest.raises(DomainError, match="7个工作日"):
        services.open_consultation(office["officer"], short)
    assert start == timezone.localdate()


def test_a_draft_that_is_not_public_cannot_be_consulted_on(office):
    hidden = factories.make_document(office["team"], office["agency"], publish=False, title="内部草稿")
    draft = make_consultation(office, open_it=False, document=hidden.pk)
    with pytest.raises(DomainError, match="尚未在文件库中公开"):
        services.open_consultation(office["officer"], draft)


def test_a_start_in_the_past_is_refused(office):
    draft = make_consultation(office, open_it=False, start=timezone.localdate() - dt.timedelta(days=2))
    with pytest.raises(DomainError, match="不能早于发布当天"):
        services.open_consultation(office["officer"], draft)


def test_only_the_disclosure_office_of_the_agency_drafts_and_opens(office):
    with pytest.raises(PermissionDenied):
        services.save_consultation(office["team"][Role.DRAFTER], office["agency"], {"document": office["draft"].pk,
                                                                                    "kind": "rule"})
    draft = make_consultation(office, open_it=False)
    with pytest.raises(PermissionDenied):
        services.open_consultation(office["team"][Role.PUBLISHER], draft)


def test_another_agencys_document_is_refused(office):
    other = factories.make_agency("11000000PAR000009X", "参与市教育局", parent=office["government"])
    theirs = factories.make_document(factories.make_team(other), other, title="教育局文件")
    with pytest.raises(DomainError) as refused:
        services.save_consultation(office["officer"], office["agency"], {"document": theirs.pk, "kind": "rule"})
    assert refused.value.errors["document"] == ["只能选择本机关文件库中的文件。"]


def test_an_open_consultation_cannot_be_edited(office, open_consultation):
    with pytest.raises(DomainError, match="不能再修改"):
        services.save_consultation(office["officer"], office["agency"], {"title": "新标题"}, open_consultation)


def test_the_draft_is_cut_into_numbered_paragraphs(office):
    assert services.paragraphs(office["draft"]) == [
        "第一条 为了规范城市养犬管理，制定本办法。", "第二条 本办法适用于本市城市建成区。", "第三条 养犬人应当为犬只办理登记。",
        "第四条 本办法自发布之日起施行。"]


def test_comments_on_the_whole_draft_and_on_a_paragraph(open_consultation):
    whole = services.submit_comment(open_consultation, services.CommentData(content="总体赞成。"))
    para = services.submit_comment(open_consultation, services.CommentData(content="建议扩大到郊区。", paragraph=2,
                                                                          name="王五", contact="13900001111"))
    assert whole.paragraph is None and para.paragraph == 2
    assert list(public_comments(open_consultation)) == [whole, para]


def test_personal_data_is_sealed_in_the_database(open_consultation):
    comment = services.submit_comment(open_consultation, services.CommentData(
        content="意见", name="王五", contact="13900001111"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, contact FROM participation_comment WHERE id = %s", [comment.pk])
        name, contact = cursor.fetchone()
    assert "王五" not in name and "13900001111" not in contact and contact.startswith("gk1:")
    assert Comment.objects.get(pk=comment.pk).contact == "13900001111"


@pytest.mark.parametrize(("data", "field"), [
    ({"content": "  "}, "content"), ({"content": "长" * 5001}, "content"),
    ({"content": "意见", "paragraph": 5}, "paragraph"), ({"content": "意见", "paragraph": "第二段"}, "paragraph"),
    ({"content": "意见", "name": "名" * 51}, "name"), ({"content": "意见", "contact": "1" * 101}, "contact"),
    ({"content": "意见", "attachment_name": "a.exe", "attachment": b"MZ\x90\x00"}, "attachment"),
    ({"content": "意见", "attachment_name": "a.pdf", "attachment": b"not a pdf"}, "attachment"),
    ({"content": "意见", "attachment_name": "a.pdf", "attachment": b""}, "attachment"),
])
def test_bad_comments_are_refused_at_their_field_and_nothing_is_stored(open_consultation, data, field):
    with pytest.raises(DomainError) as refused:
        services.submit_comment(open_consultation, services.CommentData(**data))
    assert field in refused.value.errors
    assert Comment.objects.count() == 0


def test_an_attachment_is_checked_and_kept(open_consultation):
    comment = services.submit_comment(open_consultation, services.CommentData(
        content="详见附件。", attachment_name="意见.pdf", attachment=PDF))
    assert comment.attachment_type == "application/pdf" and comment.attachment_size == len(PDF)
    with comment.attachment.open("rb") as handle:
        assert handle.read() == PDF


def test_the_same_form_sent_twice_makes_one_comment(open_consultation):
    first = services.submit_comment(open_consultation, services.CommentData(content="意见", submission="abc"))
    again = services.submit_comment(open_consultation, services.CommentData(content="意见", submission="abc"))
    assert first.pk == again.pk and Comment.objects.count() == 1


def test_moderation_needs_a_reason_and_hidden_comments_are_never_public(office, open_consultation):
    comment = services.submit_comment(open_consultation, services.CommentData(content="广告内容"))
    with pytest.raises(DomainError, match="理由"):
        services.moderate_comment(office["officer"], comment, True, " ")
    hidden = services.moderate_comment(office["officer"], comment, True, "与草案无关的广告")
    assert hidden.status == CommentStatus.HIDDEN and hidden.moderation_reason == "与草案无关的广告"
    assert not public_comments(open_consultation).exists()
    assert public_consultations().get(pk=open_consultation.pk).comment_count == 0
    shown = services.moderate_comment(office["officer"], comment, False, "误判，恢复")
    assert list(public_comments(open_consultation)) == [shown]
    with pytest.raises(PermissionDenied):
        services.moderate_comment(office["team"][Role.DRAFTER], comment, True, "无权")


def test_closing_is_recorded_by_the_platform_when_the_end_passes(office, open_consultation):
    assert services.close_ended() == 0
    ended = end(open_consultation)
    assert ended.phase() == "closed" and ended.status == ConsultationStatus.OPEN
    assert services.close_ended() == 1
    closed = Consultation.objects.get(pk=ended.pk)
    assert closed.status == ConsultationStatus.CLOSED and closed.closed_at is not None
    entry = AuditEntry.objects.get(object_type="participation.consultation", action="close")
    assert entry.actor is None and entry.actor_name == "系统"


FEEDBACK = {"received_count": 3, "adopted_count": 1, "feedback_text": "共收到意见3条，采纳1条。",
            "unadopted": "建议取消登记\n登记是《动物防疫法》规定的义务，不予采纳。"}


def test_feedback_only_after_the_end(office, open_consultation):
    with pytest.raises(DomainError, match="结束后"):
        services.save_feedback(office["officer"], open_consultation, FEEDBACK)
    with pytest.raises(DomainError, match="尚未结束"):
        services.publish_feedback(office["officer"], open_consultation)


def test_feedback_is_drafted_then_published(office, open_consultation):
    for n in range(3):
        services.submit_comment(open_consultation, services.CommentData(content=f"意见{n}"))
    ended = end(open_consultation)
    with pytest.raises(DomainError, match="请先填写"):
        services.publish_feedback(office["officer"], ended)
    saved = services.save_feedback(office["officer"], ended, FEEDBACK)
    assert saved.status == ConsultationStatus.CLOSED  # saving records the close the clock already made
    assert saved.unadopted == [{"opinion": "建议取消登记", "reason": "登记是《动物防疫法》规定的义务，不予采纳。"}]
    assert not published_feedback().exists()
    published = services.publish_feedback(office["head"], saved)
    assert published.status == ConsultationStatus.FEEDBACK_PUBLISHED and published.feedback_published_at
    assert list(published_feedback()) == [published]
    with pytest.raises(DomainError, match="已公布"):
        services.save_feedback(office["officer"], published, FEEDBACK)


@pytest.mark.parametrize(("change", "field"), [
    ({"received_count": 2}, "received_count"), ({"adopted_count": 4}, "adopted_count"),
    ({"feedback_text": ""}, "feedback_text"), ({"unadopted": "只有意见没有理由"}, "unadopted"),
    ({"received_count": "三"}, "received_count"),
])
def test_bad_feedback_is_refused_at_its_field(office, open_consultation, change, field):
    for n in range(3):
        services.submit_comment(open_consultation, services.CommentData(content=f"意见{n}"))
    ended = end(open_consultation)
    with pytest.raises(DomainError) as refused:
        services.save_feedback(office["officer"], ended, {**FEEDBACK, **change})
    assert field in refused.value.errors
    assert Consultation.objects.get(pk=ended.pk).feedback_text == ""


def test_withdrawing_the_draft_takes_the_consultation_down(office, open_consultation):
    publishing.withdraw_document(office["team"][Role.PUBLISHER], office["draft"], "撤回征求意见稿")
    assert not public_consultations().filter(pk=open_consultation.pk).exists()
    with pytest.raises(DomainError, match="没有这项征求意见"):
        services.submit_comment(open_consultation, services.CommentData(content="意见"))


def test_a_new_consultation_needs_its_draft(office):
    with pytest.raises(DomainError) as refused:
        services.save_consultation(office["officer"], office["agency"], {"kind": "rule"})
    assert refused.value.errors == {"document": ["请选择文件库中的草案文件。"]}
    assert not Consultation.objects.exists()


# -- defects found in the user trial ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    # Typed in the staff editor: every line break ends a paragraph, blank lines and stray spaces are not paragraphs.
    ("第一条 甲。\n第二条 乙。\n\n\n第三条 丙。\r\n  第四条 丁。\n", ["第一条 甲。", "第二条 乙。", "第三条 丙。", "第四条 丁。"]),
    # A run of <br> ends a paragraph in HTML; a newline inside a block is only source layout.
    ("<p>第一条 甲。<br>第二条 乙。<br/><br />第三条 丙。</p><p>第四条\n丁。</p>",
     ["第一条 甲。", "第二条 乙。", "第三条 丙。", "第四条 丁。"]),
    # Blocks as before, and text typed before the first block is a paragraph of its own.
    ("说明<p>第一条 甲。</p><ul><li>（一）乙</li><li>（二）丙</li></ul>", ["说明", "第一条 甲。", "（一）乙", "（二）丙"]),
    ("", []),
])
def test_a_draft_is_cut_into_paragraphs_at_blocks_and_line_breaks(body, expected):
    assert services.split_paragraphs(body) == expected


def test_a_paragraph_outside_the_draft_is_refused_with_the_valid_range(office, open_consultation):
    for raw in (5, -1, 0):
        with pytest.raises(DomainError) as refused:
            services.submit_comment(open_consultation, services.CommentData(content="意见", paragraph=raw))
        assert refused.value.errors["paragraph"] == ["段落编号应在1至4之间（草案共4段；不填为针对全文）。"], raw
    for raw in ("9", "2", "abc", True, 1.5, [2]):
        with pytest.raises(DomainError) as refused:
            services.submit_comment(open_consultation, services.CommentData(content="意见", paragraph=raw))
        assert refused.value.errors["paragraph"] == ["段落编号应为整数（不加引号），在1至4之间（草案共4段；不填为针对全文）。"], raw
    for raw, stored in ((4, 4), (None, None), ("", None)):
        comment = services.submit_comment(open_consultation, services.CommentData(content="意见", paragraph=raw))
        assert comment.paragraph == stored
    assert Comment.objects.count() == 3


def test_the_feedback_is_published_by_someone_other_than_its_drafter(office, open_consultation):
    ended = end(open_consultation)
    saved = services.save_feedback(office["officer"], ended, {**FEEDBACK, "received_count": 0, "adopted_count": 0})
    with pytest.raises(PermissionDenied) as refused:
        services.publish_feedback(office["officer"], saved)
    assert refused.value.message.startswith("起草和公布分离：") and "须由不同的人员完成" in refused.value.message
    assert Consultation.objects.get(pk=ended.pk).status == ConsultationStatus.CLOSED
    # The head also edits the draft: then neither of them may publish, a third member of the office does.
    services.save_feedback(office["head"], saved, {**FEEDBACK, "received_count": 0, "adopted_count": 0})
    with pytest.raises(PermissionDenied):
        services.publish_feedback(office["head"], saved)
    third = factories.make_staff(office["agency"], Role.DISCLOSURE_OFFICER)
    assert services.publish_feedback(third, saved).status == ConsultationStatus.FEEDBACK_PUBLISHED


def test_a_published_consultation_says_why_it_cannot_be_edited(office, open_consultation):
    assert services.edit_refusal(make_consultation(office, open_it=False)) is None
    refusal = services.edit_refusal(open_consultation)
    assert refusal and "征求意见已发布" in refusal and "不能再修改" in refusal
    with pytest.raises(DomainError) as refused:
        services.save_consultation(office["officer"], office["agency"], {"title": "改标题"}, open_consultation)
    assert refused.value.message == refusal


# -- defects found in the second user trial --------------------------------------------------------------------------

def test_the_decision_is_linked_after_the_feedback_is_published_and_must_be_public(office):
    ended = end(make_consultation(office, kind=ConsultationKind.MAJOR_DECISION))
    services.save_feedback(office["officer"], ended, {**FEEDBACK, "received_count": 0, "adopted_count": 0})
    published = services.publish_feedback(office["head"], ended)
    unpublished = factories.make_document(office["team"], office["agency"], title="尚未发布的决定", publish=False)
    with pytest.raises(DomainError) as refused:
        services.link_decision(office["officer"], published, unpublished.pk)
    assert "已公开的文件" in refused.value.errors["decision_document"][0]
    with pytest.raises(DomainError) as refused:
        services.save_feedback(office["officer"], published, FEEDBACK)
    assert "作出的决策仍可关联" in refused.value.message
    decision = factories.make_document(office["team"], office["agency"], title="关于养犬管理的决定")
    linked = services.link_decision(office["officer"], published, decision.pk)
    assert linked.decision_document_id == decision.pk and linked.status == ConsultationStatus.FEEDBACK_PUBLISHED
    entry = AuditEntry.objects.filter(action="participation.link_decision").get()
    assert f"改为 {decision.pk}" in entry.comment
    with pytest.raises(DomainError, match="征求意见结束后"):
        services.link_decision(office["officer"], make_consultation(office), decision.pk)


def test_a_comment_keeps_the_words_of_its_paragraph_when_the_draft_is_revised(office, open_consultation):
    """The paragraph's text is kept with the comment: a corrected draft published later numbers its paragraphs
    otherwise, and staff (page and export) still read what the commenter was answering."""
    from gongkai.participation import exports
    from gongkai.publishing.models import Document
    from tests.participation.conftest import DRAFT_BODY

    comment = services.submit_comment(open_consultation, services.CommentData(content="建议扩大到郊区。", paragraph=2))
    whole = services.submit_comment(open_consultation, services.CommentData(content="总体赞成。"))
    assert comment.paragraph_text == "第二条 本办法适用于本市城市建成区。" and whole.paragraph_text == ""
    team, draft = office["team"], office["draft"]
    publishing.save_revision(team[Role.DRAFTER], draft, factories.data(
        title="参与市养犬管理办法（征求意见稿）", body="<p>（修订说明）</p>" + DRAFT_BODY, doc_number=""))
    factories.advance(team, Document.objects.get(pk=draft.pk))
    publishing.publish_document(team[Role.PUBLISHER], Document.objects.get(pk=draft.pk))
    assert services.paragraphs(Document.objects.get(pk=draft.pk))[1] != comment.paragraph_text
    assert exports.rows(open_consultation)[0][2:5] == ["第 2 段", "第二条 本办法适用于本市城市建成区。", "建议扩大到郊区。"]
