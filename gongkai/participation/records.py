"""The only write path of meeting records (公众代表列席政府会议) and policy evaluations (政策执行效果评估), and
the yearly count of evaluations per policy-making agency. Kept beside services.py (consultations) so that each
module stays about one thing; the rules are the same: validate, one transaction, an audit entry, Chinese errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import require_any_role
from gongkai.participation import rules
from gongkai.participation.models import (
    Attendee,
    Evaluation,
    EvaluationMethod,
    Meeting,
    OpinionHandling,
    RecordStatus,
    RepresentativeCategory,
)
from gongkai.participation.states import EDITORS, EVALUATION, MEETING
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.visibility import is_public, public_documents

EDITABLE = (RecordStatus.DRAFT, RecordStatus.WITHDRAWN)

# What staff read in a record's history for the entries not made by the workflow (core.audit's one mapping).
audit.register_labels({"participation.save_meeting": "保存会议记录", "participation.save_attendee": "登记列席代表",
                       "participation.remove_attendee": "删除列席代表", "participation.save_evaluation": "保存政策评估"})


def _check_editor(actor, agency: Agency) -> None:
    if actor is not None:
        require_any_role(actor, EDITORS, agency)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)


def _document(value, agency: Agency | None, field: str) -> Document | None:
    """A document of the library chosen on a form: by pk or instance; of `agency` when one is given."""
    if value in (None, ""):
        return None
    found = value if isinstance(value, Document) else (
        Document.objects.filter(pk=value).first() if str(value).isdigit() else None)
    if found is None or (agency is not None and found.agency_id != agency.pk):
        raise DomainError("只能选择本机关文件库中的文件。", field=field)
    return found


# -- meetings ------------------------------------------------------------------------------------------------------

MEETING_FIELDS = ("title", "place", "topics", "summary")


@transaction.atomic
def save_meeting(actor, agency: Agency, data: Mapping[str, Any], meeting: Meeting | None = None) -> Meeting:
    """Create or edit a meeting record of `agency` (a draft, or one withdrawn for correction)."""
    _check_editor(actor, agency)
    if meeting is not None:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, agency=agency)
        if meeting.status not in EDITABLE:
            raise DomainError("会议记录已公开，须先撤回才能修改。")
    else:
        meeting = Meeting(agency=agency, created_by=actor if getattr(actor, "pk", None) else None)
    errors: dict[str, list[str]] = {}
    for name in MEETING_FIELDS:
        if name in data:
            setattr(meeting, name, _text(data, name))
    if "held_on" in data:
        meeting.held_on = data["held_on"] or None
    if not meeting.title:
        errors["title"] = ["请填写会议名称。"]
    elif len(meeting.title) > 200:
        errors["title"] = ["会议名称不能超过200个字。"]
    if meeting.held_on and meeting.held_on > timezone.localdate():
        errors["held_on"] = ["会议日期不能晚于今天：会议召开后再登记列席情况。"]
    _raise(errors)
    meeting.save()
    audit.record(actor, "participation.save_meeting", meeting)
    return meeting


ATTENDEE_FIELDS = ("name", "category", "affiliation", "contact", "opinion", "handling", "handling_note")


@transaction.atomic
def save_attendee(actor, meeting: Meeting, data: Mapping[str, Any], attendee: Attendee | None = None) -> Attendee:
    """Add a representative to a meeting record, or correct one, with their opinion and how it was handled."""
    meeting = Meeting.objects.select_for_update().select_related("agency").get(pk=meeting.pk)
    _check_editor(actor, meeting.agency)
    if meeting.status not in EDITABLE:
        raise DomainError("会议记录已公开，须先撤回才能修改列席代表。")
    editing = attendee is not None
    attendee = attendee if attendee is not None else Attendee(meeting=meeting)
    if attendee.meeting_id != meeting.pk:
        raise DomainError("该代表不属于这条会议记录。")
    errors: dict[str, list[str]] = {}
    for name in ATTENDEE_FIELDS:
        if name in data:
            setattr(attendee, name, _text(data, name))
    if not attendee.name:
        errors["name"] = ["请填写姓名。"]
    elif len(attendee.name) > rules.MAX_ATTENDEE_NAME_CHARS:
        errors["name"] = [f"姓名不能超过{rules.MAX_ATTENDEE_NAME_CHARS}个字。"]
    if attendee.category not in RepresentativeCategory.values:
        errors["category"] = ["请选择身份类别。"]
    if len(attendee.affiliation) > 200:
        errors["affiliation"] = ["单位或身份不能超过200个字。"]
    if len(attendee.contact) > 100:
        errors["contact"] = ["联系方式不能超过100个字。"]
    if attendee.handling and attendee.handling not in OpinionHandling.values:
        errors["handling"] = ["请选择采纳情况。"]
    if attendee.handling and not attendee.opinion:
        errors["opinion"] = ["填写了采纳情况，请同时填写发表的意见。"]
    _raise(errors)
    attendee.save()
    audit.record(actor, "participation.save_attendee", meeting,
                 comment=f"修改：{attendee.name}" if editing else attendee.name)
    return attendee


@transaction.atomic
def remove_attendee(actor, attendee: Attendee) -> None:
    """Take a representative off a meeting record not yet public."""
    meeting = Meeting.objects.select_for_update().select_related("agency").get(pk=attendee.meeting_id)
    _check_editor(actor, meeting.agency)
    if meeting.status not in EDITABLE:
        raise DomainError("会议记录已公开，须先撤回才能修改列席代表。")
    name = attendee.name
    attendee.delete()
    audit.record(actor, "participation.remove_attendee", meeting, comment=name)


def meeting_refusal(meeting: Meeting) -> str | None:
    """Why the meeting record cannot be published now (a Chinese sentence), or None."""
    missing = [label for label, ok in (("会议名称", meeting.title), ("会议日期", meeting.held_on),
                                        ("会议议题", meeting.topics)) if not ok]
    if missing:
        return f"请先填写：{'、'.join(missing)}。"
    attendees = list(meeting.attendees.all())
    if not attendees:
        return "请先登记列席代表。"
    unanswered = [a.name for a in attendees if a.opinion and not a.handling]
    if unanswered:
        return f"请先填写以下代表意见的采纳情况：{'、'.join(unanswered)}（列席代表的意见发表和采纳情况要向社会公开）。"
    return None


def _stamp_and_move(actor, workflow, record, action: str, stamp: str, reason: str = ""):
    """Lock `record`, note when `action` happened on it and move it through `workflow` (a reason is kept)."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    setattr(record, stamp, timezone.now())
    workflow.apply(actor, record, action, **({"comment": (reason or "").strip()[:500]} if reason else {}))
    return record


@transaction.atomic
def publish_meeting(actor, meeting: Meeting) -> Meeting:
    """Make a meeting record public, with its representatives' opinions and how each was handled."""
    return _stamp_and_move(actor, MEETING, meeting, "publish", "published_at")


@transaction.atomic
def withdraw_meeting(actor, meeting: Meeting, reason: str) -> Meeting:
    """Take a meeting record off the public site at once, with the reason kept in its history."""
    return _stamp_and_move(actor, MEETING, meeting, "withdraw", "withdrawn_at", reason)


# -- evaluations ---------------------------------------------------------------------------------------------------

EVALUATION_FIELDS = ("title", "method", "evaluator", "findings", "conclusions", "application")
EVALUATION_DATES = ("period_from", "period_to", "completed_on")


def evaluable_policies(agency: Agency):
    """The public policies an agency may evaluate: its own public policy documents (not interpretations or the
    replies to suggestions and proposals)."""
    return (public_documents().filter(agency=agency, kind=DocumentKind.POLICY)
            .exclude(live_revision__doc_type__in=rules.NON_POLICY_DOC_TYPES))


@transaction.atomic
def save_evaluation(actor, agency: Agency, data: Mapping[str, Any],
                    evaluation: Evaluation | None = None) -> Evaluation:
    """Create or edit an evaluation of one of the agency's policies (a draft, or one withdrawn for correction)."""
    _check_editor(actor, agency)
    if evaluation is not None:
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk, agency=agency)
        if evaluation.status not in EDITABLE:
            raise DomainError("评估已公开，须先撤回才能修改。")
    else:
        evaluation = Evaluation(agency=agency, created_by=actor if getattr(actor, "pk", None) else None)
    errors: dict[str, list[str]] = {}
    for name in EVALUATION_FIELDS:
        if name in data:
            setattr(evaluation, name, _text(data, name))
    for name in EVALUATION_DATES:
        if name in data:
            setattr(evaluation, name, data[name] or None)
    if "policy" in data or evaluation.pk is None:
        value = data.get("policy")
        key = value.pk if isinstance(value, Document) else value
        policy = evaluable_policies(agency).filter(pk=key).first() if str(key or "").isdigit() else None
        if policy is None:
            errors["policy"] = ["请选择本机关文件库中已公开的政策文件。"]
        else:
            evaluation.policy = policy
    if "report_document" in data:
        try:
            evaluation.report_document = _document(data.get("report_document"), agency, "report_document")
        except DomainError as exc:
            errors["report_document"] = [exc.message]
    if not evaluation.title and evaluation.policy_id and "policy" not in errors:
        revision = evaluation.policy.live_revision or evaluation.policy.latest_revision
        evaluation.title = f"《{revision.title}》执行效果评估" if revision else ""
    if len(evaluation.title) > 300:
        errors["title"] = ["评估名称不能超过300个字。"]
    if evaluation.method not in EvaluationMethod.values:
        errors["method"] = ["请选择评估方式。"]
    if evaluation.method == EvaluationMethod.THIRD_PARTY and not evaluation.evaluator:
        errors["evaluator"] = ["第三方评估请填写评估机构名称。"]
    if len(evaluation.evaluator) > 200:
        errors["evaluator"] = ["评估主体不能超过200个字。"]
    if evaluation.period_from and evaluation.period_to and evaluation.period_to < evaluation.period_from:
        errors["period_to"] = ["评估期间的止日不能早于起日。"]
    if evaluation.completed_on and evaluation.completed_on > timezone.localdate():
        errors["completed_on"] = ["评估完成日期不能晚于今天。"]
    _raise(errors)
    evaluation.save()
    audit.record(actor, "participation.save_evaluation", evaluation)
    return evaluation


def evaluation_refusal(evaluation: Evaluation) -> str | None:
    """Why the evaluation cannot be published now, or None."""
    missing = [label for label, ok in (("评估名称", evaluation.title), ("评估完成日期", evaluation.completed_on),
                                        ("执行情况", evaluation.findings), ("评估结论和建议", evaluation.conclusions))
               if not ok]
    if missing:
        return f"请先填写：{'、'.join(missing)}。"
    if not is_public(evaluation.policy):
        return "所评估的政策文件目前未在文件库中公开，不能公开评估结果。"
    return None


@transaction.atomic
def publish_evaluation(actor, evaluation: Evaluation) -> Evaluation:
    """Publish the evaluation's results and their use; the policy's public page then lists it."""
    return _stamp_and_move(actor, EVALUATION, evaluation, "publish", "published_at")


@transaction.atomic
def withdraw_evaluation(actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """Take an evaluation off the public site at once, with the reason kept in its history."""
    return _stamp_and_move(actor, EVALUATION, evaluation, "withdraw", "withdrawn_at", reason)


# -- the yearly minimum --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationCount:
    agency: Agency
    policies: int  # policy documents the agency published in the year and the year before
    published: int  # evaluations completed in the year and public now
    drafted: int  # evaluations completed in the year, not public

    @property
    def missing(self) -> int:
        return max(0, rules.EVALUATIONS_PER_YEAR - self.published)


def evaluation_counts(agencies, year: int) -> list[EvaluationCount]:
    """For each policy-making agency among `agencies` in `year` (one that published a policy document that year
    or the year before, rules.POLICY_DOC_TYPES), its evaluations completed that year: public and not. Agencies
    below the minimum first."""
    ids = [a.pk for a in agencies]
    policies = dict(public_documents().filter(
        agency_id__in=ids, kind=DocumentKind.POLICY, live_revision__doc_type__in=rules.POLICY_DOC_TYPES,
        published_on__year__gt=year - rules.POLICY_MAKING_YEARS, published_on__year__lte=year)
        .values_list("agency_id").annotate(n=Count("id")))
    from gongkai.participation.visibility import public_evaluations

    public_ids = public_evaluations().values("pk")
    done = {row["agency_id"]: row for row in Evaluation.objects.filter(
        agency_id__in=list(policies), completed_on__year=year).values("agency_id").annotate(
        published=Count("id", filter=Q(pk__in=public_ids)), total=Count("id"))}
    by_id = {a.pk: a for a in agencies}
    rows = [EvaluationCount(by_id[pk], n, done.get(pk, {}).get("published", 0),
                            done.get(pk, {}).get("total", 0) - done.get(pk, {}).get("published", 0))
            for pk, n in policies.items()]
    return sorted(rows, key=lambda r: (r.missing == 0, -r.missing, r.agency.order, r.agency.pk))


def agencies_below_minimum(agencies, year: int) -> list[EvaluationCount]:
    """Policy-making agencies with fewer than the yearly minimum of public evaluations completed in `year`."""
    return [row for row in evaluation_counts(agencies, year) if row.missing]


def this_year() -> int:
    return timezone.localdate().year

