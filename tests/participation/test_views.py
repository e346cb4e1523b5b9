"""Public and staff pages of consultations: the form with its honeypot and rate limit, the lists, the
feedback page, the catalogue of major decisions, staff drafting and the exports."""

import csv
import datetime as dt
import io

from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

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
    assert decision.title in catalogue and "尚未作出" in catalogue
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
    assert rows[0][:4] == ["序号", "提交时间", "针对", "意见内容"]
    assert rows[1][2:6] == ["第 1 段", "'=HYPERLINK(1)", "王五", "13900001111"]
    book = load_workbook(io.BytesIO(client.get(f"/staff/participation/c/{open_consultation.pk}/comments.xlsx").content))
    assert book.active.cell(2, 5).value == "王五"
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
