"""Review and publication: 先审查、后公开，一事一审, scheduling, and withdrawal of the public version.

Every move goes through the review workflow (gongkai.publishing.states.REVIEW): it checks state, role and
separation of duties, and audits. The public version (`live_revision`) changes only here: publication points it
at the reviewed revision; withdrawal — or the sign-off of a withheld revision — takes it down.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.workflow import SYSTEM
from gongkai.publishing.models import Document
from gongkai.publishing.rules import DisclosureMode
from gongkai.publishing.services.lifecycle import announce_after_commit, apply_relations
from gongkai.publishing.services.versions import refresh_versions
from gongkai.publishing.states import REJECTIONS, REVIEW, RelationStatus, State
from gongkai.publishing.versions import revision_key


def _locked(document: Document, revision: int | None = None) -> Document:
    """The document, locked; with `revision`, only if that is still the revision under review.

    A page loaded before the revision was sent back and rewritten must not approve a text its reader never saw."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
    locked = (Document.objects.select_for_update(of=("self",))
              .select_related("agency", "latest_revision", "live_revision").get(pk=document.pk))
    latest = locked.latest_revision
    if revision is not None and latest is not None and latest.number != revision:
        raise DomainError(f"本文件已有新版本（第 {latest.number} 版），您看到的是第 {revision} 版；"
                          "请刷新页面，看过新版本后再办理。")
    if latest is not None:
        # Publishing puts this revision's relations into effect on other documents: lock those too, now,
        # before the step's audit entry takes the audit chain's lock (held to commit on PostgreSQL). A service
        # on a target locks the target and then records, so locking targets after recording could deadlock.
        # Publishing and withdrawal also change the other versions of the document (services.versions): lock the
        # group it is in and the one its latest revision would join, in one ordered lock with the targets.
        targets = latest.relations.filter(status=RelationStatus.DECLARED).values_list("target_id", flat=True)
        groups = {key for key in (locked.version_group, revision_key(latest, locked.kind)) if key}
        list(Document.objects.select_for_update(of=("self",))
             .filter(Q(pk__in=list(targets)) | Q(version_group__in=groups)).exclude(pk=locked.pk).order_by("pk")
             .values_list("pk", flat=True))
    return locked


def _move(actor, document: Document, name: str, comment: str = "", **data) -> Document:
    latest = document.latest_revision
    REVIEW.apply(actor, document, name, comment=comment, revision=latest.number if latest else None, **data)
    return document


@transaction.atomic
def submit_document(actor, document: Document, comment: str = "", *, revision: int | None = None) -> Document:
    """Send the pending revision to secrecy review (先审查、后公开)."""
    return _move(actor, _locked(document, revision), "submit", comment)


@transaction.atomic
def pass_secrecy_review(actor, document: Document, comment: str = "", *, revision: int | None = None) -> Document:
    """Record that the pending revision passed secrecy review (一事一审) and send it for approval."""
    return _move(actor, _locked(document, revision), "pass_secrecy_review", comment)


@transaction.atomic
def approve_document(actor, document: Document, comment: str = "", *, revision: int | None = None) -> Document:
    """Approval by the leader in charge; the revision goes to sign-off."""
    return _move(actor, _locked(document, revision), "approve", comment)


def _take_down(document: Document, now: dt.datetime) -> None:
    """Remove the public version from every public channel (the caller saves and is in a transaction)."""
    document.live_revision = None
    document.withdrawn_at = now
    announce_after_commit([document.pk])


@transaction.atomic
def sign_off_document(actor, document: Document, comment: str = "", *,
                      revision: int | None = None) -> Document:
    """Sign-off by the principal leader: proactive revisions become ready to publish, others are filed.

    Filing a withheld revision of a public document takes the public version down in the same transaction:
    what the agency has now decided not to disclose proactively must not stay on the site."""
    document = _locked(document, revision)
    proactive = document.latest_revision.disclosure_mode == DisclosureMode.PROACTIVE
    transition = REVIEW.check(actor, document, "sign_off")
    was_live = document.live_revision_id is not None
    if not proactive and was_live:
        _take_down(document, timezone.now())
    REVIEW.commit(actor, document, transition, comment=comment, target=State.READY if proactive else State.FILED,
                  revision=document.latest_revision.number)
    if not proactive and was_live:
        audit.record(actor, "unpublished_by_signoff", document,
                     comment=f"第 {document.latest_revision.number} 版签发为"
                             f"“{document.latest_revision.get_disclosure_mode_display()}”，原公开版本已撤下")
        refresh_versions({document.version_group})
    return document


@transaction.atomic
def reject_document(actor, document: Document, comment: str, *, revision: int | None = None) -> Document:
    """Send the pending revision back to its drafter with a comment, from whichever step it is at."""
    document = _locked(document, revision)
    name = REJECTIONS.get(document.state)
    if name is None:
        raise DomainError(f"当前状态为“{State(document.state).label}”，没有可退回的步骤。")
    REVIEW.check(actor, document, name)
    document.scheduled_at = None
    return _move(actor, document, name, comment)


def _make_live(document: Document, now: dt.datetime, published_on: dt.date | None = None, *,
               date_today: bool = True) -> None:
    """Point the live revision at the reviewed one and put its relations into effect (in the transaction).

    A document published here is dated the day it goes live unless a 发布日期 is given; an imported one
    (`date_today=False`) keeps the date its source gives, or none: the import day is not its 发布日期."""
    revision = document.latest_revision
    if revision.disclosure_mode != DisclosureMode.PROACTIVE:
        raise DomainError("只有主动公开的信息才能发布。")
    document.live_revision = revision
    document.last_published_at = now
    document.withdrawn_at = None
    document.scheduled_at = None
    left_group = document.version_group
    document.version_group = revision_key(revision, document.kind)
    if published_on is not None:
        document.published_on = published_on
    elif document.published_on is None and date_today:
        document.published_on = timezone.localdate(now)
    document.save()
    apply_relations(document, revision)
    # The version this makes current, or the older version it is: after relations, whose 已修订 comes first.
    refresh_versions({left_group, document.version_group})
    document.refresh_from_db(fields=["validity", "expires_on", "repealed_on", "superseded"])
    announce_after_commit([document.pk])


def _check_published_on(published_on: dt.date | None) -> None:
    if published_on is not None and published_on > timezone.localdate():
        raise DomainError("发布日期不能晚于今天。", field="published_on")


@transaction.atomic
def publish_document(actor, document: Document, comment: str = "", *, published_on: dt.date | None = None,
                     revision: int | None = None) -> Document:
    """Publish the signed-off revision now; the previous live revision is replaced.

    `published_on` records an earlier publication date for a document already published on paper (e.g. in the
    gazette); by default the first publication keeps its date and a first publication is dated today."""
    _check_published_on(published_on)
    document = _move(actor, _locked(document, revision), "publish", comment)
    _make_live(document, timezone.now(), published_on)
    return document


@transaction.atomic
def schedule_document(actor, document: Document, at: dt.datetime, comment: str = "", *,
                      revision: int | None = None) -> Document:
    """Schedule the signed-off revision for publication at `at` (a time in the future)."""
    document = _locked(document, revision)
    REVIEW.check(actor, document, "schedule")
    if at <= timezone.now():
        raise DomainError("定时发布时间必须晚于现在。", field="scheduled_at")
    document.scheduled_at = at
    _move(actor, document, "schedule", comment, scheduled_at=at.isoformat())

    def enqueue() -> None:
        from gongkai.publishing.tasks import publish_when_due

        publish_when_due.schedule(eta=at)

    transaction.on_commit(enqueue)
    return document


@transaction.atomic
def cancel_schedule(actor, document: Document, comment: str = "", *, revision: int | None = None) -> Document:
    """Take a scheduled revision back to ready-to-publish."""
    document = _locked(document, revision)
    REVIEW.check(actor, document, "cancel_schedule")
    document.scheduled_at = None
    return _move(actor, document, "cancel_schedule", comment)


def publish_due_documents(now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled document whose time has come; return their ids (run by the task worker)."""
    now = now or timezone.now()
    published = []
    for pk in Document.objects.filter(state=State.SCHEDULED, scheduled_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            document = _locked(Document(pk=pk))
            if document.state != State.SCHEDULED or document.scheduled_at is None or document.scheduled_at > now:
                continue
            _move(SYSTEM, document, "publish_scheduled")
            _make_live(document, now)
            published.append(pk)
    return published


@transaction.atomic
def withdraw_document(actor, document: Document, comment: str) -> Document:
    """Take the public version off every public channel, with the reason recorded.

    Allowed whenever a version is public, whatever the next revision is doing; that revision stays where it
    is in review (a scheduled one keeps its time) and may be published later."""
    document = _locked(document)
    transition = REVIEW.check(actor, document, "withdraw")
    _take_down(document, timezone.now())
    REVIEW.commit(actor, document, transition, comment=comment,
                  revision=document.latest_revision.number if document.latest_revision else None)
    refresh_versions({document.version_group})
    return document


@transaction.atomic
def import_published(document: Document, *, published_on: dt.date | None) -> Document:
    """Mark an imported archive as already public elsewhere (recorded as imported-as-published)."""
    document = _locked(document)
    if document.latest_revision.disclosure_mode != DisclosureMode.PROACTIVE:
        raise DomainError("不予公开或依申请公开的信息不能以已发布状态导入。", field="status")
    REVIEW.apply(SYSTEM, document, "imported_as_published", revision=document.latest_revision.number)
    _make_live(document, timezone.now(), published_on, date_today=False)
    return document
