"""Atom feed of the latest public documents."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from gongkai.core.text import excerpt
from gongkai.publishing.visibility import public_documents


class LatestDocumentsFeed(Feed):
    feed_type = Atom1Feed
    link = "/xxgk/"

    def title(self):
        return f"{settings.GONGKAI_SITE_NAME} · 最新公开信息"

    def subtitle(self):
        return "政府信息公开：政策文件与政策解读"

    def items(self):
        return public_documents().order_by("-last_published_at", "-id")[:50]

    def item_title(self, item):
        return item.live_revision.title

    def item_description(self, item):
        return excerpt(item.live_revision.body_text, 200)

    def item_link(self, item):
        return reverse("public-document", args=[item.pk])

    def item_pubdate(self, item):
        return item.last_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.agency.name
