"""What the public may see of consultations, on every channel (pages, API, sitemap, site map).

A consultation is public once opened and started, and only while its draft is public by the library's one
rule (gongkai.publishing.visibility): a draft withdrawn from the library takes its consultation down with it.
Hidden comments never show; the feedback (意见采纳情况) shows only once published. A message shows only with its
reply, once the writer agreed and staff published it, and never with the writer's personal data.

Meeting records and policy evaluations are public once published and until withdrawn; an evaluation also only
while the policy it evaluates is public. The replies to deputies' suggestions and members' proposals are
documents of the library: public exactly when the library's rule says so.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongkai.participation.models import (
    Attendee,
    Comment,
    CommentStatus,
    Consultation,
    ConsultationStatus,
    Evaluation,
    Meeting,
    Message,
    MessageStatus,
    RecordStatus,
)
from gongkai.publishing.visibility import public_documents

__all__ = ["public_attendees", "public_comments", "public_consultations", "public_documents", "public_evaluations",
           "public_meetings", "public_messages", "public_motion_replies", "published_feedback"]

PUBLIC_STATUSES = (ConsultationStatus.OPEN, ConsultationStatus.CLOSED, ConsultationStatus.FEEDBACK_PUBLISHED)


def public_consultations() -> QuerySet[Consultation]:
    """Opened, started consultations of public drafts, each with the number of its public comments."""
    return (Consultation.objects
            .filter(status__in=PUBLIC_STATUSES, starts_at__lte=timezone.now(),
                    document__in=public_documents().values("pk"))
            .select_related("agency", "document__live_revision")
            .annotate(comment_count=Count("comments", filter=Q(comments__status=CommentStatus.VISIBLE))))


def public_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The comments of a public consultation the public may read (never a hidden one)."""
    return Comment.objects.filter(consultation=consultation, status=CommentStatus.VISIBLE,
                                  consultation__in=public_consultations().values("pk"))


def published_feedback() -> QuerySet[Consultation]:
    """Public consultations whose feedback has been published."""
    return public_consultations().filter(status=ConsultationStatus.FEEDBACK_PUBLISHED)


def public_meetings() -> QuerySet[Meeting]:
    """Published meeting records (公众代表列席会议)."""
    return Meeting.objects.filter(status=RecordStatus.PUBLISHED).select_related("agency")


def public_attendees(meeting: Meeting) -> QuerySet[Attendee]:
    """The representatives of a published meeting record (their contact is never read on a public page)."""
    return Attendee.objects.filter(meeting=meeting, meeting__in=public_meetings().values("pk")).order_by("id")


def public_evaluations() -> QuerySet[Evaluation]:
    """Published evaluations of policies that are public now."""
    return (Evaluation.objects.filter(status=RecordStatus.PUBLISHED, policy__in=public_documents().values("pk"))
            .select_related("agency", "policy__live_revision"))


def public_motion_replies() -> QuerySet:
    """Public replies to deputies' suggestions (建议办理复文) and members' proposals (提案办理复文)."""
    from gongkai.publishing.rules import MOTION_REPLY_TYPES

    return public_documents().filter(live_revision__doc_type__in=MOTION_REPLY_TYPES)


def public_messages() -> QuerySet[Message]:
    """Messages whose reply the public may read: answered, the writer agreed, and staff published the reply.
    Pages and the API show only the category, agency, title, content, dates and reply — never personal data."""
    return (Message.objects.filter(status=MessageStatus.REPLIED, publish_reply=True, reply_published_at__isnull=False)
            .select_related("agency").defer("name", "phone", "email", "access_token_hash", "attachment")
            .order_by("-replied_at", "-id"))
