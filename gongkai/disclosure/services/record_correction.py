"""Requests to correct one's own records (《条例》第四十一条) and help for applicants who need it (第四十三条).

A correction request is a case like any other (same clock, same delivery and remedies) with its own content
(what is wrong, what is right, the evidence) and its own four outcomes, which are never disclosure decisions:
the annual report's table 3 does not count them. The help an applicant needs is health data (个人信息保护法
第二十八条): encrypted, shown only to the handling staff, never in a public event, an export or the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.disclosure import rules
from gongkai.disclosure.models import Application, Assistance, RecordCorrection, RecordCorrectionEvidence
from gongkai.disclosure.rules import AssistanceHelp, AssistanceNeed, RecordCorrectionOutcome, RequestKind
from gongkai.disclosure.services import released
from gongkai.disclosure.services.clock import refresh
from gongkai.disclosure.services.common import event, fmt, handling_date, locked, user_or_none
from gongkai.disclosure.states import CASE

EVIDENCE_FIELD = "evidence_files"
MAX_EVIDENCE_FILES = 10
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded evidence file as received: its name and bytes."""

    name: str
    content: bytes


@dataclass
class RecordCorrectionData:
    """What a correction request adds to the application (the record concerned is its `description`)."""

    inaccuracy: str = ""
    correct_content: str = ""
    evidence_note: str = ""
    evidence: list[EvidenceFile] = field(default_factory=list)


@dataclass
class AssistanceData:
    """The help an applicant needs (ticked by them or recorded by staff) and what staff arranged."""

    needs: list[str] = field(default_factory=list)
    detail: str = ""
    help_given: list[str] = field(default_factory=list)
    help_note: str = ""

    @property
    def empty(self) -> bool:
        return not (self.needs or self.detail.strip() or self.help_given or self.help_note.strip())


def check_record_correction(kind: str, correction: RecordCorrectionData | None,
                            errors: dict[str, list[str]]) -> None:
    """Add to `errors` what a correction request lacks (《条例》第四十一条: the record, what is wrong, evidence)."""
    if kind != RequestKind.RECORD_CORRECTION:
        return
    c = correction or RecordCorrectionData()
    c.inaccuracy, c.correct_content, c.evidence_note = (c.inaccuracy.strip(), c.correct_content.strip(),
                                                        c.evidence_note.strip())
    if "description" in errors:
        errors["description"] = ["请写明要求更正的政府信息记录：记录的名称、文号或登记事项（至少 5 个字）。"]
    if not c.inaccuracy:
        errors.setdefault("inaccuracy", []).append("请写明该记录哪些内容不准确。")
    if not c.correct_content:
        errors.setdefault("correct_content", []).append("请写明正确的内容应当是什么。")
    if not (c.evidence or c.evidence_note):
        errors.setdefault(EVIDENCE_FIELD, []).append(
            "要求更正须有证据证明记录不准确（《条例》第四十一条）：请上传证据材料，或说明证据及其提交方式。")
    for name, value in (("inaccuracy", c.inaccuracy), ("correct_content", c.correct_content),
                        ("evidence_note", c.evidence_note)):
        if len(value) > TEXT_LIMIT:
            errors.setdefault(name, []).append(f"不能超过 {TEXT_LIMIT} 个字。")
    if len(c.evidence) > MAX_EVIDENCE_FILES:
        errors.setdefault(EVIDENCE_FIELD, []).append(f"证据材料最多 {MAX_EVIDENCE_FILES} 个文件。")
    for upload in c.evidence:
        try:
            released.check_file(released.ReleasedFile(upload.name, upload.content))
        except DomainError as exc:  # the same file rules as every upload, said at this form's field
            errors.setdefault(EVIDENCE_FIELD, []).append(exc.message.replace("答复附件", "证据材料"))


def check_assistance(assistance: AssistanceData | None, errors: dict[str, list[str]]) -> None:
    if assistance is None:
        return
    if set(assistance.needs) - set(AssistanceNeed.values):
        errors.setdefault("assistance_needs", []).append("请从列出的情形中选择需要的便利。")
    if set(assistance.help_given) - set(AssistanceHelp.values):
        errors.setdefault("assistance_help", []).append("请从列出的帮助方式中选择。")
    if len(assistance.detail) > 500:
        errors.setdefault("assistance_detail", []).append("具体情况不能超过 500 个字。")
    if len(assistance.help_note) > 500:
        errors.setdefault("assistance_note", []).append("帮助说明不能超过 500 个字。")


def stage_evidence(uploads: list[EvidenceFile]) -> list[released.StagedFile]:
    """Store checked evidence files before the case row exists; the caller discards them if saving fails."""
    staged: list[released.StagedFile] = []
    try:
        for upload in uploads:
            name, title, content_type = released.check_file(released.ReleasedFile(upload.name, upload.content))
            digest = hashlib.sha256(upload.content).hexdigest()[:16]
            path = f"disclosure/evidence/{timezone.now():%Y%m%d}-{digest}.{name.rsplit('.', 1)[-1].lower()}"
            staged.append(released.StagedFile(title, name, content_type, len(upload.content),
                                              default_storage.save(path, ContentFile(upload.content))))
    except BaseException:
        released.discard(staged)
        raise
    return staged


def attach_record_correction(application: Application, correction: RecordCorrectionData,
                             staged: list[released.StagedFile]) -> RecordCorrection:
    """Write the correction request's content and evidence on a new case (inside the intake transaction)."""
    for item in staged:
        evidence = RecordCorrectionEvidence(application=application, file_name=item.name,
                                            content_type=item.content_type, size=item.size)
        evidence.file.name = item.stored_as
        evidence.save()
    return RecordCorrection.objects.create(application=application, inaccuracy=correction.inaccuracy,
                                           correct_content=correction.correct_content,
                                           evidence_note=correction.evidence_note)


def _save_assistance(application: Application, data: AssistanceData) -> Assistance:
    record, _ = Assistance.objects.get_or_create(application=application)
    record.needs = ",".join(c for c in AssistanceNeed.values if c in data.needs)
    record.detail = data.detail.strip()
    record.help_given = ",".join(c for c in AssistanceHelp.values if c in data.help_given)
    record.help_note = data.help_note.strip()
    record.save()
    return record


def attach_assistance(application: Application, actor, data: AssistanceData | None) -> None:
    """Record at intake the help the applicant asked for; the history says only that there is some."""
    if data is None or data.empty:
        return
    _save_assistance(application, data)
    event(application, actor, "assistance", "申请人需要办理便利（《条例》第四十三条），详情见案件页面（仅经办人员可见）。",
          public=False, on=application.received_on)


@transaction.atomic
def record_assistance(actor, application: Application, data: AssistanceData) -> Assistance:
    """Record or update the help the applicant needs and what was given (《条例》第四十三条)."""
    application = locked(application)
    transition = CASE.check(actor, application, "record_assistance")
    errors: dict[str, list[str]] = {}
    check_assistance(data, errors)
    if data.empty:
        errors.setdefault("assistance_needs", []).append("请选择申请人需要的便利，或填写已提供的帮助。")
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    record = _save_assistance(application, data)
    # Neither the audit entry nor the history carries the need itself: health data stays in the encrypted row.
    CASE.commit(actor, application, transition)
    event(application, actor, "assistance", "更新申请人的便利需求和已提供的帮助（详情仅经办人员可见）。", public=False)
    return record


def applicant_assistance_text(application: Application) -> str:
    """What the applicant's own tracking page says about help arranged: the help only, never the need."""
    record = Assistance.objects.filter(application=application).first()
    if record is None or not record.help_codes:
        return ""
    return f"已为您安排：{record.help_text}。"


def decide_record_correction(actor, application: Application, outcome: str, *, reason: str = "",
                             competent_agency: str = "", competent_contact: str = "",
                             decided_on: dt.date | None = None) -> Application:
    """Answer a correction request with one of the four outcomes of 《条例》第四十一条, then render the reply
    letter outside the transaction (as for disclosure decisions)."""
    from gongkai.disclosure.services.decision import _render_after

    with transaction.atomic():
        case = _decide(actor, application, outcome, reason=reason, competent_agency=competent_agency,
                       competent_contact=competent_contact, decided_on=decided_on)
    _render_after(actor, case)
    return Application.objects.get(pk=application.pk)


def _decide(actor, application: Application, outcome: str, *, reason: str, competent_agency: str,
            competent_contact: str, decided_on: dt.date | None) -> Application:
    application = locked(application)
    transition = CASE.check(actor, application, "decide_record_correction")
    reason, agency, contact = (reason or "").strip(), (competent_agency or "").strip(), (competent_contact or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in RecordCorrectionOutcome.values:
        errors["outcome"] = ["请选择更正申请的处理结果。"]
    if outcome in rules.NAMES_COMPETENT_AGENCY and not agency:
        errors["competent_agency"] = ["请写明有权更正的行政机关（《条例》第四十一条）。"]
    if outcome == RecordCorrectionOutcome.REFERRED and not contact:
        errors["competent_contact"] = ["告知申请人向有权机关提出的，请写明该机关的联系方式（地址或电话）。"]
    if outcome == RecordCorrectionOutcome.NOT_CORRECTED and not reason:
        errors["reason"] = ["不予更正的，请写明审核认为记录准确或证据不足的理由。"]
    if outcome == RecordCorrectionOutcome.CORRECTED and not reason:
        errors["reason"] = ["请写明更正的情况（更正了哪些内容），将写入答复书告知申请人。"]
    if len(agency) > 200 or len(contact) > 200:
        errors.setdefault("competent_agency" if len(agency) > 200 else "competent_contact", []).append(
            "不能超过 200 个字。")
    try:
        decided_on = handling_date(decided_on, application, "答复日期", "decided_on")
    except DomainError as exc:
        errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    record, _ = RecordCorrection.objects.get_or_create(application=application)
    record.outcome = outcome
    record.competent_agency = agency if outcome in rules.NAMES_COMPETENT_AGENCY else ""
    record.competent_contact = contact if outcome == RecordCorrectionOutcome.REFERRED else ""
    record.reason = reason
    record.save()
    for pause in application.pauses.filter(ended_on__isnull=True):
        pause.ended_on = max(decided_on, pause.started_on)
        pause.outcome = pause.outcome or "随答复结束"
        pause.save(update_fields=["ended_on", "outcome"])
    application.decided_on = decided_on
    application.decided_by = user_or_none(actor)
    CASE.commit(actor, application, transition, comment=outcome)
    deadline = refresh(application, quiet=True)
    label = RecordCorrectionOutcome(outcome).label
    named = f"（{record.competent_agency}）" if record.competent_agency else ""
    event(application, actor, "record_correction_decided", f"对更正申请作出答复：{label}{named}（《条例》第四十一条）。",
          on=decided_on, outcome=outcome)
    if deadline is not None and decided_on > deadline.due_on:
        event(application, actor, "late_reply", f"注意：答复日期晚于答复期限 {fmt(deadline.due_on)}。", public=False)
    return application


def max_public_evidence_bytes() -> int:
    """How much evidence fits in one online submission (the public body limit, less room for the fields)."""
    return max(settings.GONGKAI_MAX_REQUEST_BYTES - 64 * 1024, 0)
