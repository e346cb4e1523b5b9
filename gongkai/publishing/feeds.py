"""Atom feed of the latest public documents."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from gongkai.core.text import excerpt
from gongkai.orgs.site import site_name
from gongkai.publishing.visibility import public_documents


class LatestDocumentsFeed(Feed):
    """Every link is absolute on GONGKAI_BASE_URL: Django would otherwise prefix the request's Host header."""

    feed_type = Atom1Feed

    def title(self):
        return f"{site_name()} · 最新公开信息"

    def subtitle(self):
        return "政府信息公开：政策文件与政策解读"

    def link(self):
        return settings.GONGKAI_BASE_URL + reverse("public-column")

    def feed_url(self):
        return settings.GONGKAI_BASE_URL + reverse("feed-latest")

    def items(self):
        return public_documents().order_by("-last_published_at", "-id")[:50]

    def item_title(self, item):
        return item.live_revision.title

    def item_description(self, item):
        return excerpt(item.live_revision.body_text, 200)

    def item_link(self, item):
        # Also the entry's id (guid), so it must not change with the address a reader used.
        return settings.GONGKAI_BASE_URL + reverse("public-document", args=[item.pk])

    def item_pubdate(self, item):
        return item.last_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.agency.name
