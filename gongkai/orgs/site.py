"""The name the site goes by: the operator's GONGKAI_SITE_NAME, or else the root agency set up with
`gongkai setup`, so a county that never touched the settings does not call itself by another's name."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save

from gongkai.orgs.models import Agency

FALLBACK = "政府信息公开平台"
# Every public page shows the name: read it at most once a minute per process (a rename made in another
# process shows within that minute; one made in this process at once).
TTL_SECONDS = 60
_cached: dict[str, tuple[float, str]] = {}


def site_name() -> str:
    """The site's name for headers, titles, feeds and mail."""
    if settings.GONGKAI_SITE_NAME:
        return settings.GONGKAI_SITE_NAME
    found = _cached.get("root")
    if found is None or time.monotonic() - found[0] > TTL_SECONDS:
        try:
            root = (Agency.objects.filter(parent__isnull=True).order_by("order", "id")
                    .values_list("name", flat=True).first())
        except DatabaseError:
            # The error pages show the name too: they must render even when the database is what failed.
            return FALLBACK
        found = _cached["root"] = (time.monotonic(), root or FALLBACK)
    return found[1]


def _forget(**kwargs) -> None:
    _cached.clear()


def connect() -> None:
    post_save.connect(_forget, sender=Agency, dispatch_uid="orgs-site-name-save")
    post_delete.connect(_forget, sender=Agency, dispatch_uid="orgs-site-name-delete")
