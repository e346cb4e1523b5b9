"""The decision and what follows it: one of the statutory decisions with its legal basis, the reply letter
(rendered outside any transaction: a PDF takes a second), delivery and filing."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.disclosure import letters, rules
from gongkai.disclosure.models import Application, Delivery, ReplyLetter
from gongkai.disclosure.services.clock import refresh
from gongkai.disclosure.services.common import event, fmt, handling_date, locked, today, user_or_none
from gongkai.disclosure.states import CASE, State

logger = logging.getLogger(__name__)


def decide_application(actor, application: Application, code: str, *, basis: str | None = None, reason: str = "",
                       decided_on: dt.date | None = None, subject: str = "") -> Application:
    """Make one of the statutory decisions with its legal basis, then generate the reply letter (DOCX and PDF).

    The decision commits first; the letter is rendered afterwards, outside the transaction, so no other writer
    waits on the renderer. If rendering fails the decision stands and the case page offers to render it again."""
    with transaction.atomic():
        application = _decide(actor, application, code, basis=basis, reason=reason, decided_on=decided_on,
                              subject=subject)
    try:
        generate_letter(actor, application)
    except DomainError as exc:  # e.g. another officer's letter got there first: the decision stands anyway
        logger.warning("reply letter of application %s not generated: %s", application.pk, exc.message)
    except Exception:  # the renderer or the disk failed: keep the decision, say so, and let staff retry
        logger.exception("reply letter of application %s could not be rendered", application.pk)
        event(application, actor, "letter_failed", "答复书生成失败，请在案件页面重新生成。", public=False)
    return application


def _decide(actor, application: Application, code: str, *, basis: str | None, reason: str,
            decided_on: dt.date | None, subject: str) -> Application:
    application = locked(application)
    transition = CASE.check(actor, application, "decide")
    decision = rules.decision(code)
    basis = (decision.basis if basis is None else basis).strip()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not basis:
        errors["basis"] = ["请填写答复的法律依据。"]
    if decision.needs_reason and not reason:
        errors["reason"] = ["这类答复必须向申请人说明理由（《条例》第三十六条）。"]
    try:
        decided_on = handling_date(decided_on, application, "答复日期", "decided_on")
    except DomainError as exc:
        errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    _check_decision_fits(application, code, decided_on)
    # Consultations and notices still open end with the decision.
    for pause in application.pauses.filter(ended_on__isnull=True):
        pause.ended_on = max(decided_on, pause.started_on)
        pause.outcome = pause.outcome or "随答复结束"
        pause.save(update_fields=["ended_on", "outcome"])
    application.decision = code
    application.decision_basis = basis[:300]
    application.decision_reason = reason
    application.decided_on = decided_on
    application.decided_by = user_or_none(actor)
    if subject:
        application.subject = subject[:100]
    CASE.commit(actor, application, transition, comment=code, basis=basis)
    deadline = refresh(application, quiet=True)
    event(application, actor, "decided", f"作出答复：{decision.full_label}（依据：{basis}）。", on=decided_on,
          decision=code)
    if deadline is not None and decided_on > deadline.due_on:
        event(application, actor, "late_reply", f"注意：答复日期晚于答复期限 {fmt(deadline.due_on)}。", public=False)
    return application


def _check_decision_fits(application: Application, code: str, decided_on: dt.date) -> None:
    """Decisions that depend on what happened before: correction overdue, fee unpaid, unclear after correction."""
    if application.state == State.CORRECTION_REQUESTED:
        if code != "other.correction_overdue":
            raise DomainError("申请人尚未补正：请先登记收到补正，或在补正期限届满后作“逾期不补正”处理。", field="decision")
        if decided_on <= application.correction_due_on:
            raise DomainError(f"补正期限 {fmt(application.correction_due_on)} 尚未届满。", field="decision")
    elif code == "other.correction_overdue":
        raise DomainError("只有告知补正且申请人逾期未补正的申请才能作此处理。", field="decision")
    if code == "unable.unclear_after_correction" and not application.corrected_on:
        raise DomainError("本申请没有经过补正，不能作“补正后申请内容仍不明确”处理。", field="decision")
    if code == "other.fee_unpaid":
        unpaid = application.fee_notices.filter(paid_on__isnull=True)
        if unpaid.exists() and not unpaid.filter(received_on__isnull=False).exists():
            raise DomainError("请先登记申请人收到收费通知的日期：缴费期限自收到次日起计算（《收费办法》第七条）。",
                              field="decision")
        if not unpaid.filter(pay_by__lt=decided_on).exists():
            raise DomainError("只有缴费期限已届满且未缴费的申请才能作此处理。", field="decision")


def generate_letter(actor, application: Application) -> ReplyLetter:
    """Render the reply letter of a decided case and file both files with it.

    Rendering happens before the short transaction that records the letter; if that transaction fails, the
    rendered files are removed, so a rollback leaves no stray files."""
    application = Application.objects.select_related("agency__parent").get(pk=application.pk)
    CASE.check(actor, application, "generate_letter")
    text = letters.letter_text(application)
    stem = f"disclosure/letters/{timezone.now():%Y}/reply-{application.pk}-{timezone.now():%Y%m%d%H%M%S%f}"
    stored: list[str] = []
    try:
        stored.append(default_storage.save(f"{stem}.docx", ContentFile(letters.render_docx(text))))
        stored.append(default_storage.save(f"{stem}.pdf", ContentFile(letters.render_pdf(text))))
        with transaction.atomic():
            application = locked(application)
            transition = CASE.check(actor, application, "generate_letter")
            letter = ReplyLetter(application=application, generated_by=user_or_none(actor))
            letter.docx.name, letter.pdf.name = stored
            letter.save()
            CASE.commit(actor, application, transition, letter=letter.pk)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return letter


@transaction.atomic
def deliver_reply(actor, application: Application, *, delivered_on: dt.date | None = None,
                  method: str = "") -> Application:
    """Record that the reply letter reached the applicant, and how."""
    application = locked(application)
    transition = CASE.check(actor, application, "deliver")
    delivered_on = handling_date(delivered_on, application, "送达日期", "delivered_on",
                                 not_before=application.decided_on)
    method = (method or "").strip() or Delivery(application.delivery).label
    application.delivered_on = delivered_on
    application.delivery_note = method[:200]
    CASE.commit(actor, application, transition, comment=method)
    event(application, actor, "delivered", f"答复书已送达（{method}）。", on=delivered_on)
    return application


@transaction.atomic
def close_application(actor, application: Application, comment: str = "") -> Application:
    """File the delivered case (办结归档)."""
    application = locked(application)
    transition = CASE.check(actor, application, "close")
    application.closed_on = today()
    CASE.commit(actor, application, transition, comment=comment)
    event(application, actor, "closed", "办结归档。")
    return application
