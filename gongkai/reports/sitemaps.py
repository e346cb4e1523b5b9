"""The released annual reports in /sitemap.xml."""

from django.urls import reverse

from gongkai.publishing.sitemaps import BaseUrlSitemap
from gongkai.reports.visibility import public_reports


class ReportSitemap(BaseUrlSitemap):
    def items(self):
        return public_reports().order_by("pk")

    def location(self, item):
        name = "zfxxgk-annual-report-aggregate" if item.aggregate else "zfxxgk-annual-report"
        return reverse(name, args=[item.agency.code, item.year])

    def lastmod(self, item):
        return item.released_at
