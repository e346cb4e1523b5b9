"""Public replies of the mailbox in /sitemap.xml (only what participation.visibility.public_messages allows)."""

from django.urls import reverse

from gongkai.participation.visibility import public_messages
from gongkai.publishing.sitemaps import BaseUrlSitemap


class MessageReplySitemap(BaseUrlSitemap):
    def items(self):
        return public_messages().order_by("pk")

    def location(self, item):
        return reverse("message-reply", args=[item.pk])

    def lastmod(self, item):
        return item.reply_published_at
