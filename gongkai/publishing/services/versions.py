"""Keeping versions of one document in step (历史版本): which public version is current, and 已修订 on older ones.

Called by publication and withdrawal (review._make_live, review._take_down) inside their transaction, for the
group the document leaves and the group it joins. See gongkai.publishing.versions for what a version group is.
"""

from __future__ import annotations

from gongkai.core.workflow import SYSTEM
from gongkai.publishing.models import Document
from gongkai.publishing.rules import Validity
from gongkai.publishing.services.lifecycle import _change_validity
from gongkai.publishing.versions import newest_first
from gongkai.publishing.visibility import public_documents


def refresh_versions(keys: set[str]) -> None:
    """Recompute these version groups: only the newest public version is current; older public ones still 有效
    become 已修订 (audited, naming the current version). Same-day duplicates stay as they are."""
    for key in sorted(k for k in keys if k):
        members = Document.objects.filter(version_group=key)
        rows = newest_first(list(public_documents().filter(version_group=key)
                                 .values("pk", "published_on", "validity", "live_revision__title")))
        current = rows[0]["pk"] if rows else None
        members.exclude(pk=current).filter(superseded=False).update(superseded=True)
        if current is not None:
            members.filter(pk=current, superseded=True).update(superseded=False)
        if len(rows) < 2:
            continue
        newest = rows[0]
        for row in rows[1:]:
            older = row["published_on"] is None or (newest["published_on"] is not None
                                                    and row["published_on"] < newest["published_on"])
            if row["validity"] != Validity.VALID or not older:
                continue
            document = (Document.objects.select_for_update(of=("self",)).select_related("agency")
                        .get(pk=row["pk"]))
            date = f"{newest['published_on']:%Y-%m-%d}" if newest["published_on"] else "日期未注明"
            _change_validity(SYSTEM, document, Validity.AMENDED, effective_on=document.effective_on,
                             expires_on=document.expires_on, repealed_on=document.repealed_on,
                             comment=f"已有新版本《{newest['live_revision__title']}》（{date}）",
                             by_document=newest["pk"])
