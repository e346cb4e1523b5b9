"""Public and staff pages of consultations: the form with its honeypot and rate limit, the lists, the
feedback page, the catalogue of major decisions, staff drafting and the exports."""

import csv
import datetime as dt
import io

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.core.errors import DomainError
from gongkai.participation import services
from gongkai.participation.models import Comment, Consultation, ConsultationStatus
from gongkai.participation.rules import ConsultationKind
from tests.participation.conftest import end, make_consultation
from tests.participation.test_services import FEEDBACK


def test_the_draft_page_numbers_paragraphs_and_takes_a_comment(client, open_consultation):
    url = f"/hdjl/yjzj/{open_consultation.pk}/"
    page = client.get(url + "?paragraph=3")
    text = page.content.decode()
    assert 'id="p-3"' in text and "第三条 养犬人应当为犬只办理登记。" in text and "为规范养犬行为" in text
    assert page.context["form"].initial["paragraph"] == "3"
    response = client.post(url, {"content": "建议明确登记费用。", "paragraph": "3", "name": "钱七",
                                 "contact": "13800000000", "submission": "s1"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.paragraph, comment.name, comment.channel) == (3, "钱七", "web")
    shown = client.get(url).content.decode()
    assert "您的意见已提交" in shown
    listing = client.get(url + "yj/").content.decode()
    assert "建议明确登记费用。" in listing and "第 3 段" in listing
    assert "钱七" not in listing and "13800000000" not in listing


def test_bad_input_keeps_what_was_typed(client, open_consultation):
    response = client.post(f"/hdjl/yjzj/{open_consultation.pk}/", {"content": "", "name": "孙八"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写意见内容。" in text and 'value="孙八"' in text
    assert Comment.objects.count() == 0


def test_the_honeypot_stores_nothing(client, open_consultation):
    response = client.post(f"/hdjl/yjzj/{open_consultation.pk}/", {"content": "广告", "website": "http://spam"})
    assert response.status_code == 400 and "提交未成功" in response.content.decode()
    assert Comment.objects.count() == 0


def test_an_attachment_from_the_public_form(client, open_consultation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.participation.test_services import PDF

    good = SimpleUploadedFile("意见.pdf", PDF, content_type="application/pdf")
    assert client.post(f"/hdjl/yjzj/{open_consultation.pk}/", {"content": "见附件", "attachment": good}).status_code == 302
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(f"/hdjl/yjzj/{open_consultation.pk}/", {"content": "见附件", "attachment": bad})
    assert response.status_code == 400 and "附件只能是" in response.content.decode()
    assert Comment.objects.count() == 1


@override_settings(GONGKAI_COMMENT_RATE_LIMIT="1/3600")
def test_the_form_is_rate_limited(client, open_consultation):
    url = f"/hdjl/yjzj/{open_consultation.pk}/"
    assert client.post(url, {"content": "一"}).status_code == 302
    response = client.post(url, {"content": "二"})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Comment.objects.count() == 1


def test_the_list_separates_open_and_closed(client, office, open_consultation):
    closed = end(make_consultation(office))
    opened = client.get("/hdjl/yjzj/").content.decode()
    ended = client.get("/hdjl/yjzj/?status=closed").content.decode()
    assert f"/hdjl/yjzj/{open_consultation.pk}/" in opened and f"/hdjl/yjzj/{closed.pk}/" not in opened
    assert f"/hdjl/yjzj/{closed.pk}/" in ended and f"/hdjl/yjzj/{open_consultation.pk}/" not in ended
    page = client.get(f"/hdjl/yjzj/{closed.pk}/").content.decode()
    assert "不再接受意见" in page and 'name="content"' not in page


def test_feedback_page_and_the_major_decision_catalogue(client, office):
    decision = make_consultation(office, kind=ConsultationKind.MAJOR_DECISION)
    assert client.get(f"/hdjl/yjzj/{decision.pk}/fk/").status_code == 404
    catalogue = client.get("/hdjl/zdjcml/").content.decode()
    assert decision.title in catalogue and "决策尚未公布" in catalogue
    ended = end(decision)
    for n in range(3):
        Comment.objects.create(consultation=ended, content=f"意见{n}")
    services.save_feedback(office["officer"], ended, {**FEEDBACK, "decision_document": office["draft"].pk})
    services.publish_feedback(office["head"], ended)
    page = client.get(f"/hdjl/yjzj/{ended.pk}/fk/").content.decode()
    assert "共收到意见3条，采纳1条。" in page and "建议取消登记" in page and "不予采纳" in page
    assert "已公布" in client.get("/hdjl/zdjcml/").content.decode()


def test_a_shortened_period_publishes_its_reason(client, office):
    short = make_consultation(office, days=10, emergency_reason="汛期临近，需尽快出台。")
    page = client.get(f"/hdjl/yjzj/{short.pk}/").content.decode()
    assert "缩短征求意见期限的说明" in page and "汛期临近" in page
    assert client.get(f"/api/v1/consultations/{short.pk}").json()["emergency_reason"] == "汛期临近，需尽快出台。"


def test_staff_draft_open_and_see_the_period_refusal(client, office):
    client.force_login(office["officer"])
    start = timezone.localdate()
    form = {"document": office["draft"].pk, "kind": ConsultationKind.RULE, "explanation": "起草说明",
            "starts_on": f"{start:%Y-%m-%d}", "ends_on": f"{start + dt.timedelta(days=5):%Y-%m-%d}"}
    created = client.post(f"/staff/participation/new/{office['agency'].code}/", form)
    assert created.status_code == 302
    consultation = Consultation.objects.get()
    page = client.get(f"/staff/participation/c/{consultation.pk}/").content.decode()
    assert "尚不能发布" in page and "一般不少于30日" in page
    refused = client.post(f"/staff/participation/c/{consultation.pk}/action/", {"action": "open"}, follow=True)
    assert "一般不少于30日" in refused.content.decode()
    assert Consultation.objects.get().status == ConsultationStatus.DRAFT
    bad = client.post(f"/staff/participation/c/{consultation.pk}/edit/", {**form, "ends_on": "2020-13-01"})
    assert bad.status_code == 400 and "请输入有效的日期" in bad.content.decode()
    client.post(f"/staff/participation/c/{consultation.pk}/edit/",
                {**form, "ends_on": f"{start + dt.timedelta(days=45):%Y-%m-%d}"})
    client.post(f"/staff/participation/c/{consultation.pk}/action/", {"action": "open"})
    assert Consultation.objects.get().status == ConsultationStatus.OPEN


def test_exports_carry_every_comment_with_personal_data_for_staff(client, office, open_consultation):
    services.submit_comment(open_consultation, services.CommentData(content="=HYPERLINK(1)", name="王五",
                                                                    contact="13900001111", paragraph=1))
    client.force_login(office["officer"])
    got = client.get(f"/staff/participation/c/{open_consultation.pk}/comments.csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["序号", "提交时间", "针对", "所针对段落的文字", "意见内容"]
    assert rows[1][2:7] == ["第 1 段", "第一条 为了规范城市养犬管理，制定本办法。", "'=HYPERLINK(1)", "王五", "13900001111"]
    book = load_workbook(io.BytesIO(client.get(f"/staff/participation/c/{open_consultation.pk}/comments.xlsx").content))
    assert book.active.cell(2, 6).value == "王五"
    client.logout()
    assert client.get(f"/staff/participation/c/{open_consultation.pk}/comments.csv").status_code == 302


def test_the_dashboard_flags_late_feedback(client, office, open_consultation):
    end(open_consultation, days_ago=60)
    client.force_login(office["officer"])
    page = client.get("/staff/").content.decode()
    assert "意见采纳情况待公布" in page and "已超期" in page


def test_a_phone_sized_attachment_reaches_the_forms_and_a_too_large_one_is_refused_at_its_field(client, open_consultation):
    """A 2 MB photo is over the small request limit (1 MB) but within the 5 MB of an attachment: the form takes it
    (comment, mailbox, 找错); a 5.1 MB file is refused at the field with the text kept, never a bare 413 page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.participation.test_services import PDF

    big = PDF + b"%" * (2 * 1024 * 1024)
    photo = SimpleUploadedFile("现场照片.pdf", big, content_type="application/pdf")
    url = f"/hdjl/yjzj/{open_consultation.pk}/"
    assert client.post(url, {"content": "见附件照片", "attachment": photo}).status_code == 302
    too_big = SimpleUploadedFile("扫描件.pdf", PDF + b"%" * (5 * 1024 * 1024 + 100_000), content_type="application/pdf")
    response = client.post(url, {"content": "我写了很长的意见", "attachment": too_big})
    text = response.content.decode()
    assert response.status_code == 400 and "我写了很长的意见" in text and "附件" in text
    assert client.post("/hdjl/xx/", {"attachment": SimpleUploadedFile("a.pdf", big)}).status_code != 413
    assert client.post("/hdjl/zc/", {"attachment": SimpleUploadedFile("a.png", big)}).status_code != 413


# -- defects found in the user trial ---------------------------------------------------------------------------------

TYPED = "第一条 为了规范养犬，制定本办法。\n第二条 适用范围。\n\n第三条 登记。\n第四条 免疫。\n第五条 施行日期。"


def test_a_draft_typed_with_line_breaks_is_numbered_the_same_on_every_channel(client, office):
    from tests import factories

    office["draft"] = factories.make_document(office["team"], office["agency"], title="逐行输入的征求意见稿",
                                              body=TYPED, doc_number="")
    consultation = make_consultation(office)
    page = client.get(f"/hdjl/yjzj/{consultation.pk}/")
    text = page.content.decode()
    assert 'id="p-5"' in text and 'id="p-6"' not in text and "第五条 施行日期。" in text
    assert [label for _value, label in page.context["form"].fields["paragraph"].choices][-1] == "第 5 段"
    api = client.get(f"/api/v1/consultations/{consultation.pk}").json()
    assert api["paragraphs"] == ["第一条 为了规范养犬，制定本办法。", "第二条 适用范围。", "第三条 登记。", "第四条 免疫。",
                                 "第五条 施行日期。"]
    posted = client.post(f"/api/v1/consultations/{consultation.pk}/comments", {"content": "意见", "paragraph": 5},
                         content_type="application/json")
    assert posted.status_code == 201 and posted.json()["paragraph"] == 5
    refused = client.post(f"/api/v1/consultations/{consultation.pk}/comments", {"content": "意见", "paragraph": 6},
                          content_type="application/json")
    assert refused.json()["errors"]["paragraph"] == ["段落编号应在1至5之间（草案共5段；不填为针对全文）。"]
    assert client.post(f"/hdjl/yjzj/{consultation.pk}/", {"content": "网页意见", "paragraph": "3"}).status_code == 302
    assert "第 3 段" in client.get(f"/hdjl/yjzj/{consultation.pk}/yj/").content.decode()
    client.force_login(office["officer"])
    rows = list(csv.reader(io.StringIO(client.get(f"/staff/participation/c/{consultation.pk}/comments.csv")
                                       .content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["第 5 段", "第 3 段"]
    staff = client.get(f"/staff/participation/c/{consultation.pk}/")
    assert [label for _v, label in staff.context["comment_form"].fields["paragraph"].choices][-1] == "第 5 段"


def test_histories_read_in_chinese_and_show_the_moderation_of_comments(client, office, open_consultation):
    comment = services.submit_comment(open_consultation, services.CommentData(content="广告内容"))
    services.moderate_comment(office["officer"], comment, True, "含有广告")
    services.moderate_comment(office["head"], comment, False, "误判，恢复")
    client.force_login(office["officer"])
    page = client.get(f"/staff/participation/c/{open_consultation.pk}/").content.decode()
    history = page[page.index('id="h-history"'):]
    assert "保存征求意见草稿" in history and "发布征求意见（草稿（未发布） → 征求意见中）" in history
    assert "屏蔽或恢复显示意见（第 1 条意见）（公开显示 → 已屏蔽），含有广告" in history
    assert "屏蔽或恢复显示意见（第 1 条意见）（已屏蔽 → 公开显示），误判，恢复" in history
    for internal in ("participation.", "：open", "draft →", "open）"):
        assert internal not in history, internal


def test_meeting_and_evaluation_histories_read_in_chinese(client, office):
    from tests.participation.test_records import make_evaluation, make_meeting

    meeting, evaluation = make_meeting(office), make_evaluation(office)
    client.force_login(office["officer"])
    for url, expected in ((f"/staff/participation/meetings/{meeting.pk}/", ("保存会议记录", "登记列席代表", "公开")),
                          (f"/staff/participation/evaluations/{evaluation.pk}/", ("保存政策评估", "公开"))):
        page = client.get(url).content.decode()
        history = page[page.index('id="h-history"'):]
        assert all(word in history for word in expected), url
        assert "participation." not in history and "publish" not in history and "draft" not in history, url


def test_the_drafter_of_the_feedback_is_not_offered_to_publish_it(client, office, open_consultation):
    ended = end(open_consultation)
    client.force_login(office["officer"])
    saved = client.post(f"/staff/participation/c/{ended.pk}/feedback/", {
        "received_count": "0", "adopted_count": "0", "feedback_text": "未收到意见。"})
    assert saved.status_code == 302
    page = client.get(f"/staff/participation/c/{ended.pk}/").content.decode()
    assert 'value="publish_feedback"' not in page and "起草和公布分离" in page
    refused = client.post(f"/staff/participation/c/{ended.pk}/action/", {"action": "publish_feedback"}, follow=True)
    assert "起草和公布分离" in refused.content.decode()
    assert Consultation.objects.get(pk=ended.pk).status == ConsultationStatus.CLOSED
    client.force_login(office["head"])
    assert 'value="publish_feedback"' in client.get(f"/staff/participation/c/{ended.pk}/").content.decode()
    client.post(f"/staff/participation/c/{ended.pk}/action/", {"action": "publish_feedback"})
    assert Consultation.objects.get(pk=ended.pk).status == ConsultationStatus.FEEDBACK_PUBLISHED


def test_a_closed_consultation_says_it_has_ended_without_a_refusal_heading(client, office, open_consultation):
    ended = end(open_consultation)
    page = client.get(f"/hdjl/yjzj/{ended.pk}/").content.decode()
    assert "提交未成功" not in page and "未能提交" not in page and 'role="alert"' not in page
    assert "征求意见已结束" in page and f"{ended.starts_on:%Y-%m-%d} 至 {ended.ends_on:%Y-%m-%d} 24时" in page
    assert "意见采纳情况整理后将在本页公布" in page and f"/hdjl/yjzj/{ended.pk}/fk/" not in page
    services.save_feedback(office["officer"], ended, {**FEEDBACK, "received_count": 0, "adopted_count": 0})
    services.publish_feedback(office["head"], ended)
    page = client.get(f"/hdjl/yjzj/{ended.pk}/").content.decode()
    assert f'<a href="/hdjl/yjzj/{ended.pk}/fk/">查看意见采纳情况</a>' in page and "提交未成功" not in page
    # After an actual submission refused because the period has ended, the refusal is shown with the text kept.
    refused = client.post(f"/hdjl/yjzj/{ended.pk}/", {"content": "我的意见"})
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "意见未能提交" in text and "不再接受意见" in text and "我的意见" in text


def test_staff_selects_start_with_a_chinese_empty_choice(client, office):
    client.force_login(office["officer"])
    page = client.get(f"/staff/participation/new/{office['agency'].code}/").content.decode()
    document = page[page.index('name="document"'):]
    assert '<option value="" selected>请选择</option>' in document[:document.index("</select>")]
    assert "---------" not in page
    evaluation = client.get(f"/staff/participation/evaluations/new/{office['agency'].code}/").content.decode()
    assert "---------" not in evaluation and evaluation.count('<option value="" selected>请选择</option>') >= 2


def test_the_edit_page_of_an_open_consultation_explains_instead_of_offering_a_form(client, office, open_consultation):
    client.force_login(office["officer"])
    url = f"/staff/participation/c/{open_consultation.pk}/edit/"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'name="title"' not in text and 'class="doc-form"' not in text
    assert "不能修改：征求意见已发布" in text and "登记" in text and "新建一项征求意见" in text
    posted = client.post(url, {"title": "改过的标题", "kind": "rule", "document": office["draft"].pk,
                               "starts_on": "2026-01-01", "ends_on": "2026-03-01", "explanation": "x"})
    assert posted.status_code == 409 and "不能修改" in posted.content.decode()
    assert Consultation.objects.get(pk=open_consultation.pk).title == open_consultation.title


def test_the_participation_landing_page_lists_every_section(client, office, open_consultation):
    end(make_consultation(office))
    make_consultation(office, open_it=False)
    page = client.get("/hdjl/")
    text = page.content.decode()
    assert page.status_code == 200
    for href in ("/hdjl/yjzj/?status=open", "/hdjl/yjzj/?status=closed", "/hdjl/xx/", "/hdjl/zc/", "/hdjl/lxhy/",
                 "/hdjl/zcpg/", "/hdjl/jyta/", "/hdjl/zdjcml/", f"/hdjl/yjzj/{open_consultation.pk}/"):
        assert f'href="{href}"' in text, href
    assert "正在征集 <span class=\"count\">（1 项）" in text and "已结束 <span class=\"count\">（1 项" in text
    assert '<a href="/hdjl/" aria-current="page">互动交流</a>' in text
    assert '<a href="/hdjl/">互动交流</a>' in client.get("/").content.decode()
    assert '<meta name="viewport"' in text
    for section in (f"/hdjl/yjzj/{open_consultation.pk}/", "/hdjl/xx/", "/hdjl/lxhy/", "/hdjl/zdjcml/"):
        crumbs = client.get(section).content.decode()
        assert '<li><a href="/hdjl/">互动交流</a></li>' in crumbs[crumbs.index('aria-label="当前位置"'):], section


def test_the_decision_catalogue_flags_decisions_published_after_the_limit(client, office):
    from gongkai.participation import rules
    from tests import factories

    today = timezone.localdate()
    in_time = factories.make_document(office["team"], office["agency"], title="按时公布的决定", doc_number="参政决〔2026〕1号",
                                      signed_on=today - dt.timedelta(days=3))
    late_day = today - dt.timedelta(days=rules.DECISION_PUBLICATION_DAYS + 10)
    late = factories.make_document(office["team"], office["agency"], title="逾期公布的决定", doc_number="参政决〔2026〕2号",
                                   signed_on=late_day)
    for decision in (in_time, late):
        ended = end(make_consultation(office, kind=ConsultationKind.MAJOR_DECISION))
        services.save_feedback(office["officer"], ended, {**FEEDBACK, "received_count": 0, "adopted_count": 0,
                                                          "decision_document": decision.pk})
    waiting = make_consultation(office, kind=ConsultationKind.MAJOR_DECISION)
    page = client.get("/hdjl/zdjcml/").content.decode()
    assert f"重大行政决策目录（{today.year}年）" in page and waiting.title in page and "决策尚未公布" in page
    assert f"决策应在作出决定之日起{rules.DECISION_PUBLICATION_DAYS}日内向社会公布" in page
    # Each decision is listed under the year it was made (early in January the late one was made last year).
    due = rules.decision_due(late_day)
    late_page = client.get(f"/hdjl/zdjcml/?year={late_day.year}").content.decode()
    taken = late_page[late_page.index('id="h-taken"'):]
    assert "逾期公布的决定" in taken and "其中 1 项超过" in taken
    assert f"逾期公布：{today:%Y-%m-%d} 公布，超过期限（{due:%Y-%m-%d}）{(today - due).days} 日" in taken
    made = today - dt.timedelta(days=3)
    in_time_page = client.get(f"/hdjl/zdjcml/?year={made.year}").content.decode()
    taken = in_time_page[in_time_page.index('id="h-taken"'):]
    assert "按时公布的决定" in taken
    assert f"按时公布：{today:%Y-%m-%d} 公布，在作出决定之日起{rules.DECISION_PUBLICATION_DAYS}日内" in taken


def test_after_publication_the_feedback_page_links_only_the_decision_and_the_catalogue_flags_it(client, office):
    from gongkai.participation import rules
    from tests import factories

    ended = end(make_consultation(office, kind=ConsultationKind.MAJOR_DECISION))
    services.save_feedback(office["officer"], ended, {**FEEDBACK, "received_count": 0, "adopted_count": 0})
    services.publish_feedback(office["head"], ended)
    late_day = timezone.localdate() - dt.timedelta(days=rules.DECISION_PUBLICATION_DAYS + 5)
    decision = factories.make_document(office["team"], office["agency"], title="养犬管理重大决策",
                                       doc_number="参政决〔2026〕9号", signed_on=late_day)
    hidden = factories.make_document(office["team"], office["agency"], title="未发布的决策", publish=False)
    client.force_login(office["officer"])
    url = f"/staff/participation/c/{ended.pk}/feedback/"
    page = client.get(url).content.decode()
    assert "不能再修改" in page and 'name="feedback_text"' not in page and 'name="received_count"' not in page
    assert 'name="decision_document"' in page and "养犬管理重大决策" in page and "未发布的决策" not in page
    assert "关联作出的决策" in client.get(f"/staff/participation/c/{ended.pk}/").content.decode()
    assert client.post(url, {"decision_document": hidden.pk}).status_code == 400
    done = client.post(url, {"decision_document": decision.pk}, follow=True).content.decode()
    assert "已关联作出的决策《养犬管理重大决策》" in done
    assert Consultation.objects.get(pk=ended.pk).decision_document_id == decision.pk
    catalogue = client.get(f"/hdjl/zdjcml/?year={late_day.year}").content.decode()
    assert "养犬管理重大决策" in catalogue and "逾期公布" in catalogue


def test_the_draft_select_offers_only_documents_that_can_be_drafts_and_the_service_refuses_others(client, office):
    from tests import factories

    reply = factories.make_document(office["team"], office["agency"], title="关于第0152号提案的会办意见",
                                    doc_type="提案办理复文", doc_number="参城函〔2026〕3号", motion_no="第0152号",
                                    motion_by="市工商联", handling_role="joint", reply_grade="")
    fresh = factories.make_document(office["team"], office["agency"], title="参与市停车管理办法（征求意见稿）",
                                    doc_number="")
    used = make_consultation(office)
    client.force_login(office["officer"])
    page = client.get(f"/staff/participation/new/{office['agency'].code}/").content.decode()
    select = page[page.index('name="document"'):]
    select = select[:select.index("</select>")]
    assert f'value="{fresh.pk}"' in select
    assert f'value="{reply.pk}"' not in select and f'value="{used.document_id}"' not in select
    with pytest.raises(DomainError) as refused:
        services.save_consultation(office["officer"], office["agency"], {
            "document": reply.pk, "kind": ConsultationKind.RULE, "starts_on": timezone.localdate(),
            "ends_on": timezone.localdate() + dt.timedelta(days=40)})
    assert "答复、纪要和政策解读不是草案" in refused.value.errors["document"][0]


def test_feedback_counts_out_of_bounds_are_refused_naming_the_field_and_the_bound(client, office, open_consultation):
    from gongkai.participation import rules

    ended = end(open_consultation)
    client.force_login(office["officer"])
    url = f"/staff/participation/c/{ended.pk}/feedback/"
    top = rules.MAX_FEEDBACK_COUNT
    response = client.post(url, {"received_count": "-1", "adopted_count": str(top + 1), "feedback_text": "说明"})
    text = response.content.decode()
    assert response.status_code == 400 and "确保该值" not in text
    assert f"收到意见条数不能小于0：收到意见条数应为0至{top}之间的整数。" in text
    assert f"采纳意见条数不能超过{top}：采纳意见条数应为0至{top}之间的整数。" in text
    assert f"收到意见条数应为0至{top}之间的整数。" in client.post(url, {"received_count": "1.5"}).content.decode()


def test_a_never_published_draft_with_past_dates_has_no_feedback_deadline(client, office):
    past = timezone.localdate() - dt.timedelta(days=60)
    draft = make_consultation(office, start=past, open_it=False)
    client.force_login(office["officer"])
    page = client.get(f"/staff/participation/c/{draft.pk}/").content.decode()
    assert "还剩" not in page and "逾期" not in page and "征求意见发布并结束后开始计算" in page
    ended = end(make_consultation(office))
    shown = client.get(f"/staff/participation/c/{ended.pk}/").content.decode()
    assert "采纳情况公布期限" in shown and "征求意见发布并结束后开始计算" not in shown
