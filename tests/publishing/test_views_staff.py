"""The staff back office through Django's test client: forms, actions, scope and history."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import chinese_calendar
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.core.workdays import WorkCalendar
from gongkai.orgs.roles import Role
from gongkai.publishing import queries, services
from gongkai.publishing.models import Attachment, Document, DocumentKind, Revision
from gongkai.publishing.rules import DisclosurePeriod
from gongkai.publishing.states import State
from tests import factories
from tests.samples import docx_bytes, minimal_pdf

pytestmark = pytest.mark.django_db


def form_data(agency, **overrides) -> dict:
    """A valid create-form POST for a policy document in `agency`."""
    values = {
        "agency": agency.pk, "kind": DocumentKind.POLICY, "title": "关于开展营商环境专项整治的通知",
        "doc_number": "测财发〔2026〕8号", "doc_type": "通知", "subject": "综合政务\\政务公开",
        "signed_on": "2026-11-16", "formed_on": "2026-11-17", "issuing_agencies": [agency.pk],
        "other_issuers": "测试市市场监督管理局", "disclosure_mode": "proactive", "withholding_ground": "",
        "withholding_reason": "", "body": "<p>各有关单位：现将专项整治工作通知如下。</p>",
        "tags": "营商环境，专项整治、企业", "interpretation_format": "", "video_url": "", "qa": "",
        "relations": "", "validity": "valid", "effective_on": "", "expires_on": "", "repealed_on": "",
        "change_note": "",
    }
    values.update(overrides)
    return values


def edit_data(document: Document, **overrides) -> dict:
    """The edit-form POST that resubmits a document's current values as the edit form shows them, with
    `overrides`: a change to a public document is dated today."""
    revision = document.latest_revision
    formed_on = timezone.localdate() if document.state != State.DRAFT else revision.formed_on
    values = form_data(document.agency, title=revision.title, body=revision.body_html, subject=revision.subject,
                       doc_number=revision.doc_number, signed_on=f"{revision.signed_on:%Y-%m-%d}",
                       formed_on=f"{formed_on:%Y-%m-%d}", issuing_agencies=[], other_issuers="",
                       tags="")
    del values["agency"], values["kind"]
    values.update(overrides)
    return values


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def act(client, document: Document, action: str, **extra):
    return client.post(reverse("staff-document-action", args=[document.pk]), {"action": action, **extra},
                       follow=True)


@pytest.fixture
def drafter(team):
    return team[Role.DRAFTER]


@pytest.fixture
def drafter_client(client, drafter):
    client.force_login(drafter)
    return client


# --- login and access ---------------------------------------------------------------------------------------










def test_staff_of_another_agency_gets_404(client, team, published):
    other = factories.make_agency()
    outsider = factories.make_staff(other, *Role.values)
    attachment = services.add_attachment(team[Role.DRAFTER], published, "a.pdf", minimal_pdf("x"))
    client.force_login(outsider)
    for name in ("staff-document", "staff-document-edit", "staff-document-preview"):
        assert client.get(reverse(name, args=[published.pk])).status_code == 404
    assert client.post(reverse("staff-document-action", args=[published.pk]),
                       {"action": "withdraw", "comment": "越权"}).status_code == 404
    assert client.get(reverse("staff-attachment", args=[attachment.pk])).status_code == 404
    assert Document.objects.get(pk=published.pk).state == State.PUBLISHED
    assert published.index_no not in client.get("/staff/").content.decode()
    assert published.index_no not in client.get(reverse("staff-documents")).content.decode()


def test_every_manual_transition_has_a_handler():
    from gongkai.publishing.states import REVIEW
    from gongkai.publishing.views_staff import SIMPLE_ACTIONS

    manual = {t.name for t in REVIEW.transitions.values() if t.manual and t.offered}
    handled = set(SIMPLE_ACTIONS) | {"schedule"} | {n for n in manual if n.startswith("reject_")}
    assert manual == handled


def test_posts_without_csrf_token_are_refused(team, published):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team[Role.PUBLISHER])
    response = strict.post(reverse("staff-document-action", args=[published.pk]),
                           {"action": "withdraw", "comment": "无令牌"})
    assert response.status_code == 403
    assert Document.objects.get(pk=published.pk).state == State.PUBLISHED


def test_every_form_control_has_a_label(drafter_client, team, agency, published):
    class Controls(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []
            self.labelled: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list) -> None:
            a = dict(attrs)
            if tag == "label" and a.get("for"):
                self.labelled.add(a["for"])
            elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
                self.ids.append(a.get("id", f"<{tag} name={a.get('name')} without id>"))

    draft = factories.make_document(team, agency, publish=False)
    for url in (reverse("staff-document-new"), reverse("staff-document-edit", args=[published.pk]),
                reverse("staff-document", args=[draft.pk]), "/staff/"):
        parser = Controls()
        parser.feed(drafter_client.get(url).content.decode())
        assert parser.ids, url
        assert [i for i in parser.ids if i not in parser.labelled] == [], url


def test_action_endpoint_only_accepts_post(drafter_client, published):
    assert drafter_client.get(reverse("staff-document-action", args=[published.pk])).status_code == 405


# --- dashboard ----------------------------------------------------------------------------------------------


def test_dashboard_lists_drafts_inbox_clock_and_missing_interpretations(client, team, agency, settings):
    draft = factories.make_document(team, agency, publish=False, title="起草中的通知")
    waiting = factories.make_document(team, agency, publish=False, title="等待保密审查的通知")
    services.submit_document(team[Role.DRAFTER], waiting)
    factories.make_document(team, agency, title="需要解读的政策", needs_interpretation=True)

    client.force_login(team[Role.DRAFTER])
    page = client.get("/staff/").content.decode()
    assert "起草中的通知" in page
    assert list(client.get("/staff/").context["drafts"]) == [draft]
    assert "需要解读的政策" in page and "撰写解读" in page
    # Formed on 2026-03-02: long past its 20 working days.
    assert "已超期" in page

    client.force_login(team[Role.SECRECY_REVIEWER])
    response = client.get("/staff/")
    assert list(response.context["inbox"]) == [Document.objects.get(pk=waiting.pk)]
    assert list(response.context["drafts"]) == []


def test_dashboard_warns_when_the_due_date_is_not_confirmed(client, team, agency, settings):
    # The first year the holiday package does not cover: its lunar holidays are not known yet.
    uncovered = max(chinese_calendar.holidays).year + 1
    formed = max(dt.date(uncovered, 1, 5), timezone.localdate())
    settings.GONGKAI_TIMELINESS_WARN_DAYS = 100_000
    factories.make_document(team, agency, publish=False, title="跨年待公开的通知", formed_on=formed,
                            signed_on=formed)
    client.force_login(team[Role.DRAFTER])
    response = client.get("/staff/")
    approaching = response.context["deadlines"]["approaching"]
    assert [d.document.latest_revision.title for d in approaching] == ["跨年待公开的通知"]
    assert not approaching[0].confirmed
    page = response.content.decode()
    assert "到期日未确认" in page
    assert f"{approaching[0].due_on:%Y-%m-%d}" in page and f"{formed:%Y-%m-%d}" in page


def test_dashboard_state_filter(client, team, agency, published):
    factories.make_document(team, agency, publish=False, title="仍是草稿")
    client.force_login(team[Role.PUBLISHER])
    url = reverse("staff-documents")
    drafts = client.get(url, {"state": "draft"}).context["page_obj"].object_list
    assert [d.latest_revision.title for d in drafts] == ["仍是草稿"]
    done = client.get(url, {"state": "published"}).context["page_obj"].object_list
    assert list(done) == [published]
    bad = client.get(url, {"state": "nonsense"})
    assert bad.status_code == 200
    assert "没有这个流程状态" in bad.content.decode()
    assert bad.context["page_obj"].paginator.count == 2


# --- create and edit ----------------------------------------------------------------------------------------


def test_create_with_errors_keeps_input_and_saves_nothing(drafter_client, agency):
    data = form_data(agency, signed_on="2026-13-45", body="", title="我写的标题会保留",
                     tags="保留的标签", attachments=SimpleUploadedFile("说明.pdf", minimal_pdf("kept")))
    response = drafter_client.post(reverse("staff-document-new"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["signed_on"] == ["请输入有效的日期，例如 2026-03-02。"]
    assert form.errors["body"] == ["请填写正文。"]
    page = response.content.decode()
    assert 'value="我写的标题会保留"' in page and 'value="保留的标签"' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_signed_on_error"' in page
    assert "请重新选择要上传的附件" in page
    assert not Document.objects.exists()
    assert not Revision.objects.exists() and not Attachment.objects.exists()


def test_service_errors_land_beside_their_fields(drafter_client, agency):
    data = form_data(agency, disclosure_mode="withheld", signed_on="2026-11-17", formed_on="2026-11-16",
                     relations="解读 99999")
    response = drafter_client.post(reverse("staff-document-new"), data)
    assert response.status_code == 400
    assert "找不到索引号或编号为“99999”的文件" in response.context["form"].errors["relations"][0]

    response = drafter_client.post(reverse("staff-document-new"), {**data, "relations": ""})
    errors = response.context["form"].errors
    assert errors["withholding_ground"] == ["非主动公开的信息必须选择法律依据。"]
    assert errors["withholding_reason"] == ["非主动公开的信息必须说明理由。"]
    assert errors["formed_on"] == ["形成或变更日期不能早于成文日期。"]
    assert 'id="id_formed_on_error"' in response.content.decode()
    assert not Document.objects.exists()


def test_create_valid_policy(drafter_client, drafter, agency):
    response = drafter_client.post(reverse("staff-document-new"), form_data(agency), follow=True)
    document = Document.objects.get()
    assert response.redirect_chain[-1][0] == reverse("staff-document", args=[document.pk])
    assert "已保存草稿" in messages_of(response)[0]
    assert document.state == State.DRAFT and document.agency == agency
    revision = document.latest_revision
    assert revision.title == "关于开展营商环境专项整治的通知"
    assert revision.signed_on == dt.date(2026, 11, 16) and revision.formed_on == dt.date(2026, 11, 17)
    assert sorted(t.name for t in revision.tags.all()) == sorted(["营商环境", "专项整治", "企业"])
    assert revision.issuer == "测试市财政局、测试市市场监督管理局"
    assert revision.created_by == drafter
    assert "提交保密审查" in response.content.decode()


def test_create_offers_only_agencies_where_the_user_drafts(client, agency, team):
    other = factories.make_agency()
    client.force_login(team[Role.DRAFTER])
    form = client.get(reverse("staff-document-new")).context["form"]
    assert list(form.fields["agency"].queryset) == [agency]
    response = client.post(reverse("staff-document-new"), form_data(other))
    assert response.context["form"].errors["agency"] == ["您不能在该机关起草信息。"]
    client.force_login(team[Role.APPROVER])
    response = client.get(reverse("staff-document-new"), follow=True)
    assert "不能新建信息" in messages_of(response)[0]


def test_create_interpretation_with_qa_and_relation(drafter_client, published):
    start = drafter_client.get(reverse("staff-document-new"), {"interprets": published.pk})
    assert start.context["form"].initial["relations"] == f"解读 {published.index_no}"
    data = form_data(published.agency, kind="interpretation", title="一图读懂测试工作通知",
                     interpretation_format="qa", relations=f"解读 {published.index_no}",
                     qa="问：什么时候开始？\n答：2026年12月1日起。\n继续说明。\n问：谁来负责？\n答：测试市财政局。")
    response = drafter_client.post(reverse("staff-document-new"), data)
    assert response.status_code == 302
    interpretation = Document.objects.get(kind=DocumentKind.INTERPRETATION)
    revision = interpretation.latest_revision
    assert revision.qa == [{"q": "什么时候开始？", "a": "2026年12月1日起。\n继续说明。"},
                           {"q": "谁来负责？", "a": "测试市财政局。"}]
    assert [(r.kind, r.target_id) for r in revision.relations.all()] == [("interprets", published.pk)]


def test_interpretation_without_format_and_with_broken_qa(drafter_client, published):
    data = form_data(published.agency, kind="interpretation", relations="", qa="答：没有问题的回答")
    errors = drafter_client.post(reverse("staff-document-new"), data).context["form"].errors
    assert "缺少对应的“问：”" in errors["qa"][0]
    errors = drafter_client.post(reverse("staff-document-new"), {**data, "qa": ""}).context["form"].errors
    assert errors["interpretation_format"] == ["请选择解读形式。"]
    assert errors["relations"] == ["政策解读必须关联所解读的政策文件。"]


def test_edit_published_document_keeps_the_old_revision_public_until_republished(client, team, published):
    client.force_login(team[Role.DRAFTER])
    form = client.get(reverse("staff-document-edit", args=[published.pk])).context["form"]
    assert form.initial["title"] == "关于做好测试工作的通知"
    assert form.initial["formed_on"] == timezone.localdate(), "a change is formed the day it is made"
    response = client.post(reverse("staff-document-edit", args=[published.pk]),
                           edit_data(published, title="关于做好测试工作的通知（修订）", change_note="更正日期"),
                           follow=True)
    assert "已保存第 2 版" in messages_of(response)[0]
    document = Document.objects.get(pk=published.pk)
    assert document.latest_revision.number == 2 and document.live_revision.number == 1
    assert document.state == State.DRAFT

    public_url = reverse("public-document", args=[published.pk])
    public = client.get(public_url).content.decode()
    assert "关于做好测试工作的通知（修订）" not in public and "关于做好测试工作的通知" in public
    staff_page = client.get(reverse("staff-document", args=[published.pk])).content.decode()
    assert "待发布版本与已公开版本的差异" in staff_page and "更正日期" in staff_page

    factories.advance(team, document)
    act(client, document, "submit")  # already submitted by advance(): refused, not a 500
    client.force_login(team[Role.PUBLISHER])
    act(client, document, "publish")
    assert "关于做好测试工作的通知（修订）" in client.get(public_url).content.decode()


def test_an_edit_of_a_published_document_is_not_overdue_the_next_day(client, team, agency, published):
    # A stale edit form (opened before the fix, or resubmitted) posts the public version's old date 2026-03-02.
    client.force_login(team[Role.DRAFTER])
    url = reverse("staff-document-edit", args=[published.pk])
    today = timezone.localdate()
    response = client.post(url, edit_data(published, title="修订稿", formed_on="2026-03-02"))
    assert response.status_code == 400
    [message] = response.context["form"].errors["formed_on"]
    assert f"不能早于现行公开版本的发布日期（{today:%Y-%m-%d}）" in message
    assert 'id="id_formed_on_error"' in response.content.decode()
    assert Document.objects.get(pk=published.pk).latest_revision.number == 1

    # Left blank (the API and importer send none), the change is dated today and starts a new period.
    response = client.post(url, edit_data(published, title="修订稿", formed_on=""))
    assert response.status_code == 302
    document = Document.objects.get(pk=published.pk)
    assert document.latest_revision.formed_on == today
    due_on = WorkCalendar.load().add_workdays(today, 20).due_on
    page = client.get(reverse("staff-document", args=[published.pk])).content.decode()
    assert f"公开时限：自形成或者变更之日 {today:%Y-%m-%d} 起 20 个工作日，应于 <strong>{due_on:%Y-%m-%d}</strong> 前公开" in page
    assert "；还剩 20 个工作日。" in page
    assert [d.document for d in queries.timeliness([agency], today=today + dt.timedelta(days=1))["overdue"]] == []
    dashboard = client.get("/staff/").context["deadlines"]
    assert dashboard["overdue"] == []


def test_the_form_sets_a_budget_period_and_the_pages_show_it(drafter_client, agency, settings):
    settings.GONGKAI_TIMELINESS_WARN_DAYS = 100_000
    form = drafter_client.get(reverse("staff-document-new")).context["form"]
    assert "预算法" in form.fields["disclosure_period"].help_text
    response = drafter_client.post(reverse("staff-document-new"), form_data(
        agency, title="测试市财政局2026年部门预算", signed_on="2026-11-16", formed_on="2026-11-17",
        disclosure_period=DisclosurePeriod.DEPARTMENT_BUDGET))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.latest_revision.disclosure_period == DisclosurePeriod.DEPARTMENT_BUDGET
    page = drafter_client.get(reverse("staff-document", args=[document.pk])).content.decode()
    assert "公开时限：自批复之日 2026-11-17 起 20 日（自然日），应于 <strong>2026-12-07</strong> 前公开" in page
    assert "《预算法》第十四条第二款" in page
    edit = drafter_client.get(reverse("staff-document-edit", args=[document.pk])).context["form"]
    assert edit.initial["disclosure_period"] == DisclosurePeriod.DEPARTMENT_BUDGET
    [item] = [d for ds in drafter_client.get("/staff/").context["deadlines"].values() for d in ds]
    assert item.due_on == dt.date(2026, 12, 7)
    assert "自批复之日 2026-11-17 起 20 日（自然日）" in drafter_client.get("/staff/").content.decode()

    bad = drafter_client.post(reverse("staff-document-new"), form_data(agency, disclosure_period="三十日"))
    assert bad.status_code == 400
    assert bad.context["form"].errors["disclosure_period"] == ["请从列表中选择有效的选项。"]


def test_edit_refused_while_in_review(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    client.force_login(team[Role.DRAFTER])
    response = client.get(reverse("staff-document-edit", args=[document.pk]), follow=True)
    assert "不能修改" in messages_of(response)[0]
    client.force_login(team[Role.APPROVER])
    response = client.get(reverse("staff-document-edit", args=[document.pk]), follow=True)
    assert "担任起草人" in messages_of(response)[0]


# --- attachments --------------------------------------------------------------------------------------------


def test_upload_pdf_and_docx_extracts_their_text(drafter_client, agency):
    files = [SimpleUploadedFile("通知原文.pdf", minimal_pdf("Gongkai attachment text 2026"), "application/pdf"),
             SimpleUploadedFile("实施细则.docx", docx_bytes("第一条 为了规范测试工作，制定本细则。"))]
    response = drafter_client.post(reverse("staff-document-new"), form_data(agency, attachments=files),
                                   follow=True)
    document = Document.objects.get()
    names = sorted(a.name for a in document.latest_revision.attachments.all())
    assert names == ["实施细则.docx", "通知原文.pdf"]
    assert document.revisions.count() == 1, "files uploaded with a new document belong to its first revision"
    pdf = Attachment.objects.get(name="通知原文.pdf")
    assert "Gongkai attachment text 2026" in pdf.text
    page = response.content.decode()
    assert "Gongkai attachment text 2026" in page
    assert "第一条 为了规范测试工作，制定本细则。" in page
    download = drafter_client.get(reverse("staff-attachment", args=[pdf.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_edit_removes_and_adds_attachments(drafter_client, agency):
    drafter_client.post(reverse("staff-document-new"), form_data(agency, attachments=[
        SimpleUploadedFile("旧附件.pdf", minimal_pdf("old"))]))
    document = Document.objects.get()
    old = Attachment.objects.get()
    response = drafter_client.post(reverse("staff-document-edit", args=[document.pk]), edit_data(
        document, remove_attachments=[old.pk], attachments=[SimpleUploadedFile("新附件.docx", docx_bytes("新"))]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert [a.name for a in document.latest_revision.attachments.all()] == ["新附件.docx"]


def test_wrong_extension_and_wrong_content_are_field_errors(drafter_client, agency):
    response = drafter_client.post(reverse("staff-document-new"), form_data(agency, attachments=[
        SimpleUploadedFile("病毒.exe", b"MZ\x90\x00binary"),
        SimpleUploadedFile("假的.pdf", b"<html>not a pdf</html>")]))
    assert response.status_code == 400
    errors = response.context["form"].errors["attachments"]
    assert errors[0] == "附件只能是 PDF、DOCX、XLSX 或图片（PNG、JPG、GIF、WEBP）。"
    assert "内容与扩展名不符" in errors[1]
    assert 'id="id_attachments_error"' in response.content.decode()
    assert not Document.objects.exists() and not Attachment.objects.exists()


def test_failed_revision_rolls_back_its_uploads(drafter_client, agency):
    drafter_client.post(reverse("staff-document-new"), form_data(agency))
    document = Document.objects.get()
    media = Path(settings.MEDIA_ROOT)
    before = set(media.rglob("*")) if media.exists() else set()
    response = drafter_client.post(reverse("staff-document-edit", args=[document.pk]), edit_data(
        document, disclosure_mode="withheld", attachments=[SimpleUploadedFile("附件.pdf", minimal_pdf("x"))]))
    assert response.status_code == 400
    assert response.context["form"].errors["withholding_ground"]
    assert not Attachment.objects.exists()
    assert document.revisions.count() == 1
    assert not AuditEntry.objects.filter(action="add_attachment").exists()
    after = set(media.rglob("*")) if media.exists() else set()
    assert {p for p in after - before if p.is_file()} == set()


# --- workflow actions ---------------------------------------------------------------------------------------


def test_each_action_button_moves_the_document(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    url = reverse("staff-document", args=[document.pk])
    steps = [(Role.DRAFTER, "submit", "提交保密审查", State.SECRECY_REVIEW),
             (Role.SECRECY_REVIEWER, "pass_secrecy_review", "保密审查通过", State.APPROVAL),
             (Role.APPROVER, "approve", "审核通过", State.SIGNOFF),
             (Role.SIGNER, "sign_off", "签发", State.READY),
             (Role.PUBLISHER, "schedule", "定时发布", State.SCHEDULED),
             (Role.PUBLISHER, "cancel_schedule", "取消定时", State.READY),
             (Role.PUBLISHER, "publish", "立即发布", State.PUBLISHED),
             # Withdrawal takes the public version down; the review state of the last revision stays.
             (Role.PUBLISHER, "withdraw", "撤销发布", State.PUBLISHED)]
    shown = {State.PUBLISHED: "已发布"}
    for role, action, label, target in steps:
        client.force_login(team[role])
        page = client.get(url).content.decode()
        assert f'name="action" value="{action}"' in page, (role, action)
        extra = {"comment": f"{label}意见"}
        if action == "schedule":
            extra["scheduled_at"] = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = act(client, document, action, **extra)
        status = "已撤回" if action == "withdraw" else shown.get(target, target.label)
        assert messages_of(response) == [f"已完成“{label}”，当前状态：{status}。"]
        assert Document.objects.get(pk=document.pk).state == target
        assert Document.objects.get(pk=document.pk).status_label == status
    entries = client.get(url).context["entries"]
    assert [e["label"] for e in entries][-3:] == ["取消定时", "立即发布", "撤销发布"]
    history = client.get(url).content.decode()
    assert "撤销发布意见" in history and "已发布 → 已撤回" in history


@pytest.mark.parametrize("step", ["secrecy_review", "approval", "signoff", "ready"])
def test_rejection_needs_a_comment(client, team, agency, step):
    document = factories.make_document(team, agency, publish=False)
    role = {"secrecy_review": Role.SECRECY_REVIEWER, "approval": Role.APPROVER, "signoff": Role.SIGNER,
            "ready": Role.PUBLISHER}[step]
    moves = [services.submit_document, services.pass_secrecy_review, services.approve_document,
             services.sign_off_document]
    owners = [Role.DRAFTER, Role.SECRECY_REVIEWER, Role.APPROVER, Role.SIGNER]
    for move, owner in zip(moves, owners, strict=True):
        move(team[owner], document)
        if Document.objects.get(pk=document.pk).state == step:
            break
    action = {"secrecy_review": "reject_secrecy_review", "approval": "reject_approval",
              "signoff": "reject_signoff", "ready": "reject_publication"}[step]
    client.force_login(team[role])
    response = act(client, document, action, comment="   ")
    assert messages_of(response) == ["退回或撤销时请填写意见。"]
    assert Document.objects.get(pk=document.pk).state == step
    response = act(client, document, action, comment="请补充依据。")
    assert Document.objects.get(pk=document.pk).state == State.DRAFT
    assert "请补充依据。" in response.content.decode()


def test_drafter_cannot_approve(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], document)
    client.force_login(team[Role.DRAFTER])
    page = client.get(reverse("staff-document", args=[document.pk])).content.decode()
    assert 'value="approve"' not in page
    response = act(client, document, "approve")
    assert response.status_code == 200
    assert messages_of(response) == ["您没有在“测试市财政局”担任“审核人（分管领导）”的权限。"]
    assert Document.objects.get(pk=document.pk).state == State.APPROVAL


def test_stale_or_unknown_actions_are_refused_politely(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    client.force_login(team[Role.PUBLISHER])
    assert messages_of(act(client, document, "publish")) == ["当前状态为“草稿”，不能执行“立即发布”。"]
    assert messages_of(act(client, document, "explode")) == ["未知的操作：explode"]
    factories.advance(team, document)
    assert "不能手动操作" in messages_of(act(client, document, "publish_scheduled"))[0]
    assert "定时发布时间" in messages_of(act(client, document, "schedule", scheduled_at="明天"))[0]
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert messages_of(act(client, document, "schedule", scheduled_at=past)) == ["定时发布时间必须晚于现在。"]
    assert Document.objects.get(pk=document.pk).state == State.READY


# --- preview ------------------------------------------------------------------------------------------------


def test_preview_shows_the_pending_revision_marked_not_public(client, team, published):
    services.save_revision(team[Role.DRAFTER], published, factories.data(title="尚未公开的新标题"))
    client.force_login(team[Role.SECRECY_REVIEWER])
    response = client.get(reverse("staff-document-preview", args=[published.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "预览（未公开）" in page and "尚未公开的新标题" in page
    assert 'aria-label="文件信息"' in page  # the public detail layout's metadata table
    assert "尚未公开的新标题" not in client.get(reverse("public-document", args=[published.pk])).content.decode()
    client.logout()
    assert client.get(reverse("staff-document-preview", args=[published.pk])).status_code == 302


# --- validity -----------------------------------------------------------------------------------------------


def test_publisher_marks_a_document_repealed(client, team, published):
    client.force_login(team[Role.PUBLISHER])
    url = reverse("staff-document-validity", args=[published.pk])
    response = client.post(url, {"validity": "repealed", "repealed_on": "2026-xx-01"}, follow=True)
    assert "废止日期" in messages_of(response)[0]
    response = client.post(url, {"validity": "repealed", "repealed_on": "2026-10-01", "comment": "已被新办法取代"},
                           follow=True)
    assert "有效性已改为“废止”" in messages_of(response)[0]
    published.refresh_from_db()
    assert published.validity == "repealed"
    assert "本文件已于 2026年10月01日 废止" in client.get(f"/xxgk/documents/{published.pk}/").content.decode()


def test_drafter_cannot_change_validity(client, team, published):
    client.force_login(team[Role.DRAFTER])
    response = client.post(reverse("staff-document-validity", args=[published.pk]),
                           {"validity": "expired", "expires_on": "2026-10-01"}, follow=True)
    assert "发布人" in messages_of(response)[0]
    published.refresh_from_db()
    assert published.validity == "valid"


# --- out-of-range input: a Chinese message at the field, never a 500 --------------------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ("issuing_agencies", ["99999999999999999999"], "所选发文机关不存在。"),
    ("issuing_agencies", ["-5"], "所选发文机关不存在。"),
    ("agency", "99999999999999999999", "您不能在该机关起草信息。"),
    ("signed_on", "0001-01-01", "成文日期不能早于1949年10月1日"),
    ("effective_on", "2101-01-01", "施行日期不能晚于2100年12月31日"),
    ("tags", "专" * 41, "每个标签不能超过 40 个字"),
    ("tags", "、".join(f"标签{n}" for n in range(31)), "政策标签最多 30 个"),
    ("withholding_reason", "理" * 20001, "不予主动公开的理由不能超过 20000 个字"),
    ("video_url", "https://example.gov.cn/" + "v" * 200, "视频链接不能超过 200 个字符"),
])
def test_out_of_range_values_are_field_errors(drafter_client, agency, field, value, message):
    response = drafter_client.post(reverse("staff-document-new"), {**form_data(agency), field: value})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in errors[field][0], errors
    assert not Document.objects.exists()


def test_a_long_file_name_gets_the_file_kind_error_not_a_500(drafter_client, agency):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE the upload goes to a temporary file named after its "extension".
    big = minimal_pdf("测试") + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = drafter_client.post(reverse("staff-document-new"), form_data(agency, attachments=[
        SimpleUploadedFile("预算说明." + "长" * 120, big)]))
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"] == [
        "附件只能是 PDF、DOCX、XLSX 或图片（PNG、JPG、GIF、WEBP）。"]
    # A long name with a real extension is kept, shortened, with its extension.
    response = drafter_client.post(reverse("staff-document-new"), form_data(agency, attachments=[
        SimpleUploadedFile("关于" + "长" * 300 + ".pdf", big)]))
    assert response.status_code == 302
    name = Attachment.objects.get().name
    assert name.endswith(".pdf") and len(name) <= Attachment._meta.get_field("name").max_length
