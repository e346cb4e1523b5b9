"""Issue #13 section 3: meetings attended by public representatives, policy evaluations (with the yearly minimum)
and the replies to deputies' suggestions and members' proposals, through the services and the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog import rules as catalog_rules
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.participation import records, rules
from gongkai.participation.models import Attendee, Evaluation, Meeting, RecordStatus
from gongkai.participation.visibility import public_evaluations, public_meetings, public_motion_replies
from gongkai.publishing import services as publishing
from tests import factories


def make_meeting(office, *, publish=True, **extra):
    data = {"title": "参与市政府第12次常务会议", "held_on": timezone.localdate() - dt.timedelta(days=3),
            "topics": "审议《参与市养犬管理办法（草案）》", **extra}
    meeting = records.save_meeting(office["officer"], office["agency"], data)
    records.save_attendee(office["officer"], meeting, {
        "name": "王建国", "category": "npc_deputy", "affiliation": "市人大代表", "contact": "13900001111",
        "opinion": "建议增加犬只免疫的规定。", "handling": "adopted", "handling_note": "已在第三条增加免疫要求。"})
    records.save_attendee(office["officer"], meeting, {"name": "李秀英", "category": "resident",
                                                       "affiliation": "东城社区居民"})
    if publish:
        meeting = records.publish_meeting(office["head"], meeting)
    return Meeting.objects.get(pk=meeting.pk)


def make_evaluation(office, *, publish=True, policy=None, completed_on=None, **extra):
    data = {"policy": (policy or office["draft"]).pk, "method": "third_party", "evaluator": "参与大学公共政策研究院",
            "completed_on": completed_on or timezone.localdate(), "findings": "办法施行一年，登记率提高到85%。",
            "conclusions": "总体有效，建议加强宣传。", "application": "拟于明年修订第五条。", **extra}
    evaluation = records.save_evaluation(office["officer"], office["agency"], data)
    if publish:
        evaluation = records.publish_evaluation(office["head"], evaluation)
    return Evaluation.objects.get(pk=evaluation.pk)


# -- meetings ------------------------------------------------------------------------------------------------------

def test_a_meeting_is_public_only_once_published_and_never_shows_contacts(client, office):
    meeting = make_meeting(office, publish=False)
    assert not public_meetings().exists()
    assert client.get(f"/hdjl/lxhy/{meeting.pk}/").status_code == 404
    assert "参与市政府第12次常务会议" not in client.get("/hdjl/lxhy/").content.decode()
    meeting = records.publish_meeting(office["officer"], meeting)
    page = client.get(f"/hdjl/lxhy/{meeting.pk}/").content.decode()
    assert "王建国" in page and "人大代表" in page and "建议增加犬只免疫的规定" in page and "已采纳" in page
    assert "已在第三条增加免疫要求" in page and "李秀英" in page and "未发表意见" in page
    assert "13900001111" not in page
    assert "参与市政府第12次常务会议" in client.get("/hdjl/lxhy/").content.decode()
    # The contact is sealed in the database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM participation_attendee")
        assert all("13900001111" not in str(row[0]) for row in cursor.fetchall())
    assert Attendee.objects.get(name="王建国").contact == "13900001111"
    records.withdraw_meeting(office["head"], meeting, "代表姓名有误")
    assert client.get(f"/hdjl/lxhy/{meeting.pk}/").status_code == 404
    assert AuditEntry.objects.filter(comment="代表姓名有误").exists()


def test_publishing_a_meeting_needs_its_topics_representatives_and_the_handling_of_each_opinion(office):
    meeting = records.save_meeting(office["officer"], office["agency"], {"title": "专题会议"})
    with pytest.raises(DomainError, match="会议日期、会议议题"):
        records.publish_meeting(office["officer"], meeting)
    meeting = records.save_meeting(office["officer"], office["agency"], {
        "held_on": timezone.localdate(), "topics": "议题"}, meeting)
    with pytest.raises(DomainError, match="请先登记列席代表"):
        records.publish_meeting(office["officer"], meeting)
    records.save_attendee(office["officer"], meeting, {"name": "赵专家", "category": "expert", "opinion": "建议缓行。"})
    with pytest.raises(DomainError, match="赵专家"):
        records.publish_meeting(office["officer"], meeting)
    attendee = meeting.attendees.get()
    records.save_attendee(office["officer"], meeting, {"handling": "noted"}, attendee)
    assert records.publish_meeting(office["officer"], meeting).status == RecordStatus.PUBLISHED
    with pytest.raises(DomainError, match="须先撤回"):
        records.save_attendee(office["officer"], meeting, {"name": "新代表", "category": "resident"})


def test_meeting_input_is_checked_with_chinese_messages(office):
    with pytest.raises(DomainError) as caught:
        records.save_meeting(office["officer"], office["agency"], {
            "title": "", "held_on": timezone.localdate() + dt.timedelta(days=2)})
    assert set(caught.value.errors) == {"title", "held_on"}
    meeting = records.save_meeting(office["officer"], office["agency"], {"title": "会议"})
    with pytest.raises(DomainError) as caught:
        records.save_attendee(office["officer"], meeting, {"name": "", "category": "alien", "handling": "adopted"})
    assert set(caught.value.errors) == {"name", "category", "opinion"}


def test_only_the_disclosure_office_of_the_agency_records_meetings(office):
    with pytest.raises(PermissionDenied):
        records.save_meeting(office["team"][Role.DRAFTER], office["agency"], {"title": "会议"})
    meeting = make_meeting(office, publish=False)
    with pytest.raises(PermissionDenied):
        records.publish_meeting(office["team"][Role.PUBLISHER], meeting)


def test_staff_pages_record_and_publish_a_meeting(client, office):
    client.force_login(office["officer"])
    url = reverse("staff-meeting-new", args=[office["agency"].code])
    bad = client.post(url, {"title": "市政府常务会议", "held_on": "2026-13-40"})
    assert bad.status_code == 400 and "市政府常务会议" in bad.content.decode()
    response = client.post(url, {"title": "市政府常务会议", "held_on": f"{timezone.localdate():%Y-%m-%d}",
                                 "topics": "审议草案"})
    meeting = Meeting.objects.get(title="市政府常务会议")
    assert response.status_code == 302
    bad = client.post(reverse("staff-meeting-attendee", args=[meeting.pk]), {"name": "张代表", "category": ""})
    assert bad.status_code == 400 and "请选择身份类别" in bad.content.decode() and "张代表" in bad.content.decode()
    client.post(reverse("staff-meeting-attendee", args=[meeting.pk]), {
        "name": "张代表", "category": "cppcc_member", "opinion": "建议公开征求意见。", "handling": "partly",
        "contact": "zhang@example.com"})
    page = client.get(reverse("staff-meeting", args=[meeting.pk])).content.decode()
    assert "zhang@example.com" in page and "政协委员" in page
    client.post(reverse("staff-meeting-action", args=[meeting.pk]), {"action": "publish"})
    assert Meeting.objects.get(pk=meeting.pk).status == RecordStatus.PUBLISHED
    refused = client.post(reverse("staff-meeting-action", args=[meeting.pk]), {"action": "withdraw"}, follow=True)
    assert "请填写撤回理由" in refused.content.decode()
    client.post(reverse("staff-meeting-action", args=[meeting.pk]), {"action": "withdraw", "comment": "更正"})
    assert Meeting.objects.get(pk=meeting.pk).status == RecordStatus.WITHDRAWN


# -- evaluations ---------------------------------------------------------------------------------------------------

def test_an_evaluation_links_its_policy_both_ways_once_published(client, office):
    evaluation = make_evaluation(office, publish=False)
    policy_page = reverse("public-document", args=[office["draft"].pk])
    assert "政策执行效果评估" not in client.get(policy_page).content.decode()
    assert client.get(f"/hdjl/zcpg/{evaluation.pk}/").status_code == 404
    records.publish_evaluation(office["head"], evaluation)
    page = client.get(policy_page).content.decode()
    assert "政策执行效果评估" in page and f"/hdjl/zcpg/{evaluation.pk}/" in page
    detail = client.get(f"/hdjl/zcpg/{evaluation.pk}/").content.decode()
    assert policy_page in detail and "登记率提高到85%" in detail and "拟于明年修订第五条" in detail
    assert "参与大学公共政策研究院" in detail
    # The policy taken down takes its evaluations down with it.
    publishing.withdraw_document(office["team"][Role.PUBLISHER], office["draft"], "撤回")
    assert not public_evaluations().exists()
    assert client.get(f"/hdjl/zcpg/{evaluation.pk}/").status_code == 404


def test_an_evaluation_must_name_a_public_policy_of_the_agency_and_say_what_it_found(office):
    other = factories.make_agency("11000000PAR000009X", "参与市教育局", parent=office["government"])
    foreign = factories.make_document(factories.make_team(other), other, title="教育局的政策")
    with pytest.raises(DomainError) as caught:
        records.save_evaluation(office["officer"], office["agency"], {"policy": foreign.pk, "method": "self"})
    assert "policy" in caught.value.errors
    unpublished = factories.make_document(office["team"], office["agency"], publish=False, title="未发布的政策")
    with pytest.raises(DomainError):
        records.save_evaluation(office["officer"], office["agency"], {"policy": unpublished.pk, "method": "self"})
    with pytest.raises(DomainError) as caught:
        records.save_evaluation(office["officer"], office["agency"], {
            "policy": office["draft"].pk, "method": "third_party", "period_from": dt.date(2026, 5, 1),
            "period_to": dt.date(2026, 1, 1), "completed_on": timezone.localdate() + dt.timedelta(days=1)})
    assert set(caught.value.errors) == {"evaluator", "period_to", "completed_on"}
    draft = records.save_evaluation(office["officer"], office["agency"], {"policy": office["draft"].pk,
                                                                           "method": "self"})
    assert draft.title == "《参与市养犬管理办法（征求意见稿）》执行效果评估"
    with pytest.raises(DomainError, match="评估完成日期、执行情况、评估结论和建议"):
        records.publish_evaluation(office["officer"], draft)


def test_agencies_below_the_yearly_minimum_are_listed_and_counted(client, office):
    year = timezone.localdate().year
    counts = records.evaluation_counts([office["agency"], office["government"]], year)
    assert [(c.agency, c.published, c.missing) for c in counts] == [(office["agency"], 0, 2)]  # one policy-maker
    make_evaluation(office)
    make_evaluation(office, publish=False)
    last_year = dt.date(year - 1, 12, 31)
    make_evaluation(office, completed_on=last_year)  # counts in last year, not this one
    row = records.agencies_below_minimum([office["agency"]], year)[0]
    assert (row.policies, row.published, row.drafted, row.missing) == (1, 1, 1, 1)
    client.force_login(office["head"])
    page = client.get(reverse("staff-evaluation-minimum")).content.decode()
    assert "参与市城市管理局" in page and "还差" in page and rules.EVALUATION_SOURCE[:20] in page
    dashboard = client.get(reverse("staff-dashboard")).content.decode()
    assert f"{year} 年政策评估：1 个机关未达每年至少 2 次" in dashboard
    make_evaluation(office)
    assert records.agencies_below_minimum([office["agency"]], year) == []
    assert "0 个机关未达" in client.get(reverse("staff-dashboard")).content.decode()
    assert client.get(reverse("staff-evaluation-minimum") + "?year=abc").status_code == 200


def test_staff_pages_write_and_publish_an_evaluation(client, office):
    client.force_login(office["officer"])
    url = reverse("staff-evaluation-new", args=[office["agency"].code])
    assert office["draft"].pk in [d.pk for d in client.get(url).context["form"].fields["policy"].queryset]
    bad = client.post(url, {"policy": office["draft"].pk, "method": "third_party", "findings": "成效明显"})
    assert bad.status_code == 400 and "第三方评估请填写评估机构名称" in bad.content.decode()
    assert "成效明显" in bad.content.decode()
    client.post(url, {"policy": office["draft"].pk, "method": "self", "findings": "成效明显", "conclusions": "继续执行",
                      "completed_on": f"{timezone.localdate():%Y-%m-%d}"})
    evaluation = Evaluation.objects.get()
    client.post(reverse("staff-evaluation-action", args=[evaluation.pk]), {"action": "publish"})
    assert Evaluation.objects.get().status == RecordStatus.PUBLISHED
    assert "继续执行" in client.get(reverse("evaluation", args=[evaluation.pk])).content.decode()


# -- replies to suggestions and proposals --------------------------------------------------------------------------

def _reply(office, *, publish=True, **extra):
    values = dict(title="对市人大十七届三次会议第0123号建议的答复", doc_type="建议办理复文", doc_number="参城管建〔2026〕5号",
                  body="<p>王建国代表：您提出的关于加强养犬管理的建议收悉，现答复如下。</p>", motion_no="第0123号",
                  motion_by="王建国", handling_role="lead", reply_grade="A")
    values.update(extra)
    return factories.make_document(office["team"], office["agency"], publish=publish, **values)


def test_a_reply_goes_through_the_review_and_shows_in_its_column(client, office):
    draft = _reply(office, publish=False, title="草稿中的提案答复", doc_type="提案办理复文", motion_no="第0456号",
                   motion_by="市工商联", handling_role="joint", reply_grade="")
    assert not public_motion_replies().filter(pk=draft.pk).exists()
    published = _reply(office)
    column = client.get("/hdjl/jyta/").content.decode()
    assert "对市人大十七届三次会议第0123号建议的答复" in column and "第0123号" in column and "主办" in column
    assert "草稿中的提案答复" not in column and "第0456号" not in column
    page = client.get(reverse("public-document", args=[published.pk])).content.decode()
    assert "建议编号" in page and "第0123号" in page and "代表" in page and "A类" in page
    assert "提案办理复文" not in client.get("/hdjl/jyta/?type=建议办理复文").content.decode().split("<tbody>")[-1]
    assert client.get("/hdjl/jyta/?type=x&year=abc").status_code == 200
    motion = client.get(f"/api/v1/documents/{published.pk}").json()["motion"]
    assert motion == {"number": "第0123号", "author": "王建国", "handling_role": "lead", "reply_grade": "A"}
    assert client.get(f"/api/v1/documents/{office['draft'].pk}").json()["motion"] is None
    # In the library too, by its 公文种类.
    assert "对市人大十七届三次会议" in client.get("/xxgk/documents/?doc_type=建议办理复文").content.decode()


def test_a_reply_names_its_number_author_and_handling(office):
    with pytest.raises(DomainError) as caught:
        factories.make_document(office["team"], office["agency"], publish=False, doc_type="提案办理复文",
                                reply_grade="D")
    assert set(caught.value.errors) == {"motion_no", "motion_by", "handling_role", "reply_grade"}
    assert "提案编号" in caught.value.errors["motion_no"][0]
    # Fields of a reply typed on another kind of document are dropped.
    notice = factories.make_document(office["team"], office["agency"], publish=False, motion_no="第1号")
    assert notice.latest_revision.motion_no == ""


def test_the_catalogue_has_the_column_of_replies(office):
    items = [i for i in catalog_rules.DEFAULT_ITEMS if i[0] == catalog_rules.Category.MOTIONS]
    assert sorted(i[3] for i in items) == ["建议办理复文", "提案办理复文"]
    assert catalog_rules.Category.MOTIONS in catalog_rules.COLUMN_ORDER
    from gongkai.catalog import services as catalog

    made = catalog.seed_default_catalog(office["officer"], office["agency"])
    assert {i.doc_type for i in made if i.category == "motions"} == {"建议办理复文", "提案办理复文"}


def test_the_edit_page_of_a_published_record_explains_instead_of_offering_a_form(client, office):
    meeting, evaluation = make_meeting(office), make_evaluation(office)
    client.force_login(office["officer"])
    for name, record, model in (("staff-meeting-edit", meeting, Meeting), ("staff-evaluation-edit", evaluation,
                                                                           Evaluation)):
        page = client.get(reverse(name, args=[record.pk]))
        text = page.content.decode()
        assert page.status_code == 200 and 'class="doc-form"' not in text
        assert "不能修改" in text and "撤回" in text
        posted = client.post(reverse(name, args=[record.pk]), {"title": "改过的名称"})
        assert posted.status_code == 409 and model.objects.get(pk=record.pk).title == record.title


def test_an_attendee_is_edited_after_the_meeting_to_record_the_handling(client, office):
    meeting = make_meeting(office, publish=False)
    attendee = Attendee.objects.get(meeting=meeting, name="李秀英")
    client.force_login(office["officer"])
    assert reverse("staff-attendee-edit", args=[attendee.pk]) in client.get(
        reverse("staff-meeting", args=[meeting.pk])).content.decode()
    url = reverse("staff-attendee-edit", args=[attendee.pk])
    page = client.get(url).content.decode()
    assert "东城社区居民" in page and 'name="handling"' in page
    bad = client.post(url, {"name": "李秀英", "category": "resident", "handling": "adopted"})
    assert bad.status_code == 400 and "请同时填写发表的意见" in bad.content.decode()
    done = client.post(url, {"name": "李秀英", "category": "resident", "affiliation": "东城社区居民",
                             "opinion": "建议设置遛犬区。", "handling": "noted", "handling_note": "留作参考。"})
    assert done.status_code == 302
    saved = Attendee.objects.get(pk=attendee.pk)
    assert (saved.opinion, saved.handling, saved.handling_note) == ("建议设置遛犬区。", "noted", "留作参考。")
    assert AuditEntry.objects.filter(action="participation.save_attendee", comment="修改：李秀英").exists()
    records.publish_meeting(office["head"], meeting)
    refused = client.post(url, {"name": "改名", "category": "resident"})
    assert refused.status_code == 409 and Attendee.objects.get(pk=attendee.pk).name == "李秀英"
