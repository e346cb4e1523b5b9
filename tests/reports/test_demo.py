"""The demo releases last year's annual report through three people, so the public page shows it; it runs twice
unchanged."""

from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.demo import load_demo
from gongkai.reports.models import AnnualReport
from gongkai.reports.states import ReportState


def test_demo_releases_last_years_report(db, client):
    load_demo()
    load_demo()
    report = AnnualReport.objects.get()
    assert report.state == ReportState.RELEASED and report.year == timezone.localdate().year - 1
    moves = dict(AuditEntry.objects.filter(object_type="reports.annualreport", object_id=str(report.pk), action__in=["draft", "review", "release"])
                 .values_list("action", "actor__username"))
    assert moves == {"draft": "officer", "review": "head", "release": "officer2"}
    page = client.get(reverse("zfxxgk-annual-reports")).content.decode()
    assert f"{report.year}年" in page
