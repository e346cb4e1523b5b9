from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gongkai.publishing.visibility import public_documents


class DocumentSitemap(Sitemap):
    limit = 5000

    def items(self):
        return public_documents().order_by("pk")

    def location(self, item):
        return reverse("public-document", args=[item.pk])

    def lastmod(self, item):
        return item.last_published_at


class StaticSitemap(Sitemap):
    def items(self):
        return ["home", "public-column", "public-documents"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": StaticSitemap, "documents": DocumentSitemap}
