"""The 政府信息公开 column in /sitemap.xml: its fixed pages, each agency's index and catalogue, and the public
guides (all through the catalog's visibility rules)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from gongkai.catalog.visibility import public_guides, public_items
from gongkai.orgs.models import Agency
from gongkai.publishing.sitemaps import BaseUrlSitemap

PAGES = ("zfxxgk", "zfxxgk-guides", "zfxxgk-catalogue", "zfxxgk-negative-list", "zfxxgk-annual-reports")


class ColumnSitemap(BaseUrlSitemap):
    """The column's fixed pages, and the index and catalogue of every agency with public catalogue items."""

    def items(self):
        with_items = (Agency.objects.filter(pk__in=public_items().values("agency_id"))
                      .order_by("order", "pk").values_list("code", flat=True))
        return [(name, "") for name in PAGES] + [(name, code) for code in with_items
                                                  for name in ("zfxxgk", "zfxxgk-catalogue")]

    def location(self, item):
        name, code = item
        return reverse(name) + (f"?{urlencode({'agency': code})}" if code else "")


class GuideSitemap(BaseUrlSitemap):
    """Every public 政府信息公开指南, dated by its last review."""

    def items(self):
        return public_guides().select_related("agency").order_by("agency__order", "agency_id")

    def location(self, item):
        return reverse("zfxxgk-guide", args=[item.agency.code])

    def lastmod(self, item):
        return item.reviewed_on
