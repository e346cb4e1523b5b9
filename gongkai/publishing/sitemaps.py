"""The sitemap (/sitemap.xml): the public pages and every public document."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gongkai.publishing.visibility import public_documents


class BaseUrlSitemap(Sitemap):
    """A sitemap whose <loc>s start with GONGKAI_BASE_URL, never with the request's Host header or scheme."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.GONGKAI_BASE_URL).scheme

    def get_domain(self, site=None):
        # Django puts this between "scheme://" and the path, so a base URL's own path prefix is kept too.
        parts = urlsplit(settings.GONGKAI_BASE_URL)
        return parts.netloc + parts.path


class DocumentSitemap(BaseUrlSitemap):
    limit = 5000

    def items(self):
        return public_documents().order_by("pk")

    def location(self, item):
        return reverse("public-document", args=[item.pk])

    def lastmod(self, item):
        return item.last_published_at


class StaticSitemap(BaseUrlSitemap):
    def items(self):
        return ["home", "public-column", "public-documents", "site-map"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": StaticSitemap, "documents": DocumentSitemap}
