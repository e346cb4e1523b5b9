"""Demo data of the annual report: last year's report of the general office, written, reviewed and released by
three people, so the public 政府信息公开年度报告 page has something to show after `make run`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.orgs.models import Agency
from gongkai.reports import services
from gongkai.reports.models import AnnualReport
from gongkai.reports.rules import Section

AGENCY = "11339900MB0000002B"
TEXT = {
    Section.OVERVIEW: "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
                      "围绕群众关切做好主动公开、依申请公开和政策解读工作。",
    Section.PROACTIVE: "本年度主动公开的规章和行政规范性文件均已在政策文件库集中发布，并同步发布政策解读。",
    Section.PROBLEMS: "政策解读形式还不够丰富。下一步将增加图表、问答等解读形式，提高政策的知晓度。",
    Section.OTHER: "本年度未收取信息处理费。",
}


def load_demo_report() -> None:
    """Release last year's report of the demo's general office once (officer drafts, head reviews, officer2
    releases); running it again changes nothing."""
    agency = Agency.objects.filter(code=AGENCY).first()
    year = timezone.localdate().year - 1
    if agency is None or AnnualReport.objects.filter(agency=agency, year=year).exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["officer", "head", "officer2"])}
    if len(users) < 3:
        return
    for section, text in TEXT.items():
        services.save_narrative(users["officer"], agency, year, section, text)
    report = services.draft_report(users["officer"], agency, year)
    report = services.review_report(users["head"], report, confirm_gaps=True)
    services.release_report(users["officer2"], report, confirm_gaps=True)
