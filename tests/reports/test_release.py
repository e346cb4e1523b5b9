"""The release of the annual report: drafted → reviewed → released by three people, the snapshot frozen at
drafting, corrections as new revisions, the staff page's actions and the public pages of released reports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.reports import services
from gongkai.reports.models import AnnualReport
from gongkai.reports.states import ReportState
from tests import factories

D = dt.date


@pytest.fixture
def office(city):
    """The finance bureau's disclosure office: an officer who drafts, the head who reviews, a second officer."""
    finance = city["finance"]
    team = city["teams"][finance.pk]
    return {"agency": finance, "drafter": team["officer"], "reviewer": team["head"],
            "releaser": factories.make_staff(finance, Role.DISCLOSURE_OFFICER)}


def _released(office, year=2026, text="本年度总体情况良好。"):
    agency = office["agency"]
    services.save_narrative(office["drafter"], agency, year, "overview", text)
    report = services.draft_report(office["drafter"], agency, year)
    services.review_report(office["reviewer"], report, confirm_gaps=True)
    return services.release_report(office["releaser"], report, confirm_gaps=True)


def test_three_people_release_a_frozen_report(office, case):
    agency = office["agency"]
    case(agency, D(2025, 12, 22), D(2026, 1, 12))
    case(agency, D(2026, 3, 2))
    services.save_narrative(office["drafter"], agency, 2026, "overview", "第一稿正文。")
    report = services.draft_report(office["drafter"], agency, 2026)
    assert report.state == ReportState.DRAFTED and report.revision == 1
    assert report.snapshot["table3"]["new"]["total"] == 1 and report.snapshot["table3"]["carried_over"]["total"] == 1
    with pytest.raises(PermissionDenied, match="负责人"):  # a clerk (the drafter) may not review
        services.review_report(office["drafter"], report, confirm_gaps=True)
    services.review_report(office["reviewer"], report, confirm_gaps=True)
    with pytest.raises(PermissionDenied, match="审核"):  # nor the reviewer release it
        services.release_report(office["reviewer"], report, confirm_gaps=True)
    # Written after the draft: neither the new case nor the edited text reaches the released report.
    case(agency, D(2026, 5, 6))
    services.save_narrative(office["drafter"], agency, 2026, "overview", "起草后改动的正文。")
    released = services.release_report(office["releaser"], report, confirm_gaps=True)
    assert released.state == ReportState.RELEASED and released.released_by == office["releaser"]
    assert released.released_at is not None
    frozen = AnnualReport.objects.get(pk=report.pk).snapshot
    assert frozen["table3"]["new"]["total"] == 1 and frozen["narrative"]["overview"] == "第一稿正文。"
    moves = list(AuditEntry.objects.filter(duty_subject=f"reports.annual:{report.pk}").order_by("id")
                 .values_list("action", "actor_id"))
    assert moves == [("draft", office["drafter"].pk), ("review", office["reviewer"].pk),
                     ("release", office["releaser"].pk)]


def test_one_open_revision_return_needs_a_reason_and_corrections_supersede(client, office):
    agency = office["agency"]
    first = _released(office, text="原报告正文。")
    draft = services.draft_report(office["drafter"], agency, 2026)
    assert draft.revision == 2
    with pytest.raises(DomainError, match="已有待审核"):
        services.draft_report(office["reviewer"], agency, 2026)
    with pytest.raises(DomainError, match="退回时请填写意见"):
        services.return_report(office["reviewer"], draft, " ")
    returned = services.return_report(office["reviewer"], draft, "第五部分请补充。")
    assert returned.state == ReportState.RETURNED
    page = client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2026]))
    assert "原报告正文。" in page.content.decode()  # the returned draft changes nothing public
    corrected = _released(office, text="更正后的正文。")
    assert corrected.revision == 3 and AnnualReport.objects.get(pk=first.pk).state == ReportState.RELEASED
    html = client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2026])).content.decode()
    assert "更正后的正文。" in html and "原报告正文。" not in html and "更正后的版本" in html
    listing = client.get(reverse("zfxxgk-annual-reports")).content.decode()
    assert listing.count(f"{agency.name}2026年政府信息公开工作年度报告") == 1


def test_staff_page_offers_each_step_to_the_right_person(client, office):
    agency = office["agency"]
    page = reverse("staff-annual-report") + f"?year=2026&agency={agency.code}"
    action = reverse("staff-annual-report-action", args=[agency.code])
    client.force_login(office["drafter"])
    assert "生成报告并提交审核" in client.get(page).content.decode()
    assert client.post(action, {"action": "draft", "year": "2026"}).status_code == 302
    report = AnnualReport.objects.get(agency=agency, year=2026)
    html = client.get(page).content.decode()
    assert ">审核通过</button>" not in html  # a clerk never reviews (负责人审定)
    refused = client.post(action, {"action": "review", "report": report.pk, "year": "2026"}, follow=True)
    assert "政府信息公开工作机构负责人" in refused.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.DRAFTED
    client.force_login(office["reviewer"])
    assert "审核通过" in client.get(page).content.decode()
    client.post(action, {"action": "review", "report": report.pk, "year": "2026", "confirm_gaps": "1"})
    client.force_login(office["releaser"])
    html = client.get(page).content.decode()
    assert ">发布</button>" in html and "发布退回" in html
    preview = client.get(reverse("staff-annual-report-revision", args=[agency.code, report.pk]))
    assert preview.status_code == 200 and "三、本年度办理结果" in preview.content.decode()
    done = client.post(action, {"action": "release", "report": report.pk, "year": "2026", "confirm_gaps": "1"},
                       follow=True)
    assert "已发布" in done.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.RELEASED
    other = reverse("staff-annual-report-action", args=[office["agency"].parent.code])
    assert client.post(other, {"action": "draft", "year": "2026"}).status_code == 404


def test_public_page_shows_the_released_report_in_the_official_layout(client, office, case):
    agency = office["agency"]
    case(agency, D(2026, 3, 2), D(2026, 3, 20))
    report = _released(office)
    html = client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2026])).content.decode()
    for text in ("一、总体情况", "六、其他需要报告的事项", "本年度总体情况良好。", "第二十条第（一）项", "规章",
                 "本年收费金额（万元）", "申请人情况", "法人或其他组织", "三、本年度办理结果", "（三）不予公开",
                 "1. 属于国家秘密", "四、结转下年度继续办理", "未经复议直接起诉", "复议后起诉"):
        assert text in html, text
    assert 'rowspan="3"' in html and 'colspan="7"' in html  # the header of table 3 as in the official form
    listing = client.get(reverse("zfxxgk-annual-reports")).content.decode()
    assert reverse("zfxxgk-annual-report", args=[agency.code, 2026]) in listing
    assert "/zfxxgk/ndbg/" in client.get("/wzdt/").content.decode()
    assert reverse("zfxxgk-annual-report", args=[agency.code, 2026]) in client.get("/sitemap.xml").content.decode()
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        got = client.get(reverse("zfxxgk-annual-report-download", args=[agency.code, 2026, fmt]))
        assert got.status_code == 200 and got.content.startswith(magic), fmt
    from docx import Document

    docx_file = client.get(reverse("zfxxgk-annual-report-download", args=[agency.code, 2026, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_file.content)).paragraphs)
    assert "本年度总体情况良好。" in text
    assert client.get(reverse("zfxxgk-annual-report-download", args=[agency.code, 2026, "exe"])).status_code == 404
    assert client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2025])).status_code == 404
    assert report.snapshot["table3"]["granted"]["total"] == 1


def test_dashboard_shows_where_last_years_release_stands(client, office):
    from django.utils import timezone

    agency, year = office["agency"], timezone.localdate().year - 1
    report = services.draft_report(office["drafter"], agency, year)
    client.force_login(office["drafter"])
    assert "报告待审核" in client.get(reverse("staff-dashboard")).content.decode()
    services.release_report(office["releaser"], services.review_report(office["reviewer"], report, confirm_gaps=True), confirm_gaps=True)
    html = client.get(reverse("staff-dashboard")).content.decode()
    assert f"已于 {timezone.localdate():%Y-%m-%d} 发布" in html and "已超过期限" not in html


def test_a_report_whose_table3_does_not_add_up_cannot_pass_review(client, office, case):
    from gongkai.disclosure.models import Application

    agency = office["agency"]
    done = case(agency, D(2026, 3, 2), D(2026, 3, 20))
    # Bad imported data: answered before it was received (see test_annual); the services never write this.
    Application.objects.filter(pk=done.pk).update(decided_on=D(2025, 12, 1))
    report = services.draft_report(office["drafter"], agency, 2026)
    assert [v["case_no"] for v in report.snapshot["identity_violations"]] == [done.case_no]
    with pytest.raises(DomainError, match="表三勾稽关系不成立"):
        services.review_report(office["reviewer"], report, confirm_gaps=True)
    client.force_login(office["reviewer"])
    html = client.get(reverse("staff-annual-report") + f"?year=2026&agency={agency.code}").content.decode()
    assert "不能审核通过；请退回" in html and ">审核通过</button>" not in html and ">审核退回</button>" in html
    assert f'<a href="{reverse("staff-application", args=[done.pk])}">{done.case_no}</a>' in html  # each case opens
    assert services.return_report(office["reviewer"], report, "请核对案件日期。").state == ReportState.RETURNED


def test_a_clerk_cannot_review_only_the_head_of_the_office(office):
    """Three ordinary clerks cannot publish a report: the review (审定) is the head's."""
    agency = office["agency"]
    report = services.draft_report(office["drafter"], agency, 2026)
    with pytest.raises(PermissionDenied):
        services.review_report(office["releaser"], report, confirm_gaps=True)  # a second 依申请公开经办人
    with pytest.raises(PermissionDenied):
        services.return_report(office["releaser"], report, "请补充。")
    services.review_report(office["reviewer"], report, confirm_gaps=True)
    assert services.release_report(office["releaser"], report, confirm_gaps=True).state == ReportState.RELEASED


def test_a_first_release_after_returned_drafts_is_not_called_a_correction(client, office):
    agency = office["agency"]
    first = services.draft_report(office["drafter"], agency, 2026)
    services.return_report(office["reviewer"], first, "请补充第五部分。")
    released = _released(office)
    assert released.revision == 2
    html = client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2026])).content.decode()
    assert "已更正" not in html and "更正后的版本" not in html
    # The page shows the local day (Asia/Shanghai): near midnight UTC it is already the next one.
    released_on = timezone.localtime(released.released_at)
    assert f"发布日期：{released_on:%Y年%m月%d日}" in html
    listing = client.get(reverse("zfxxgk-annual-reports")).content.decode()
    assert "已更正" not in listing and f"发布于 {released_on:%Y年%m月%d日}" in listing
    _released(office, text="更正。")
    html = client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2026])).content.decode()
    assert "更正后的版本" in html


def test_a_return_shows_who_returned_it_and_why(client, office):
    agency = office["agency"]
    report = services.draft_report(office["drafter"], agency, 2026)
    services.return_report(office["reviewer"], report, "第五部分请补充整改措施。")
    reviewer = office["reviewer"].get_full_name() or office["reviewer"].username
    client.force_login(office["drafter"])
    page = client.get(reverse("staff-annual-report") + f"?year=2026&agency={agency.code}").content.decode()
    assert '<th scope="col">审核</th>' in page
    assert "第五部分请补充整改措施。" in page and f"{reviewer}" in page and "审核退回" in page
    revision = client.get(reverse("staff-annual-report-revision", args=[agency.code, report.pk])).content.decode()
    assert "办理记录" in revision and "第五部分请补充整改措施。" in revision and "审核退回（待审核 → 已退回）" in revision


def test_blank_figures_and_sections_need_a_confirmation_and_show_as_not_entered(client, office):
    from gongkai.reports import exports

    agency = office["agency"]
    services.save_narrative(office["drafter"], agency, 2026, "overview", "总体情况。")
    report = services.draft_report(office["drafter"], agency, 2026)
    with pytest.raises(DomainError) as refused:
        services.review_report(office["reviewer"], report)
    assert "表二“行政许可”未填报" in refused.value.message and "“五、存在的主要问题及改进情况”正文为空" in refused.value.message
    client.force_login(office["reviewer"])
    page = client.get(reverse("staff-annual-report") + f"?year=2026&agency={agency.code}").content.decode()
    assert 'id="report-gaps"' in page and 'name="confirm_gaps"' in page
    action = reverse("staff-annual-report-action", args=[agency.code])
    client.post(action, {"action": "review", "report": report.pk, "year": "2026"})
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.DRAFTED
    client.post(action, {"action": "review", "report": report.pk, "year": "2026", "confirm_gaps": "1"})
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.REVIEWED
    entry = AuditEntry.objects.get(duty_subject=f"reports.annual:{report.pk}", action="review")
    assert "表二“行政许可”未填报" in entry.data["gaps_confirmed"]
    released = services.release_report(office["releaser"], report, confirm_gaps=True)
    public = client.get(reverse("zfxxgk-annual-report", args=[agency.code, 2026])).content.decode()
    assert public.count("未填报") >= 4
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.FORMATS["xlsx"][0](released.snapshot)))
    assert "未填报" in [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]


def test_a_cell_page_names_its_row_and_column(client, office, case):
    agency = office["agency"]
    case(agency, D(2026, 3, 2))
    client.force_login(office["drafter"])
    url = reverse("staff-annual-report-cell", args=[agency.code])
    page = client.get(url + "?year=2026&table=table3&row=new&column=natural_person").content.decode()
    assert "表三 · 一、本年新收政府信息公开申请数量 · 自然人" in page
    page = client.get(url + "?year=2026&table=table2&row=penalty&column=value").content.decode()
    assert "表二 · 第二十条第（六）项 · 行政处罚 · 本年处理决定数量" in page
