"""The decision and what follows it: one of the statutory decisions with its legal basis and the information it
releases, the reply letter (rendered outside any transaction: a PDF takes a second), and filing. Delivery is in
services.delivery."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.disclosure import letters, rules
from gongkai.disclosure.models import Application, ReplyLetter
from gongkai.disclosure.services import released
from gongkai.disclosure.services.clock import refresh
from gongkai.disclosure.services.common import event, fmt, handling_date, locked, today, user_or_none
from gongkai.disclosure.states import CASE, State

logger = logging.getLogger(__name__)


def decide_application(actor, application: Application, code: str, *, basis: str | None = None, reason: str = "",
                       decided_on: dt.date | None = None, subject: str = "",
                       released_files: list[released.ReleasedFile] | None = None,
                       released_links: str = "", responsible_agency: str = "",
                       responsible_contact: str = "", not_held_ground: str = "",
                       responsible_unknown: bool = False) -> Application:
    """Make one of the statutory decisions with its legal basis and the information it releases (uploaded files,
    or `released_links`: lines "标题 | 网址" of documents public on the site), then generate the reply letter.

    Uploads are checked and stored before the transaction and removed if it fails. The decision commits first;
    the letter is rendered afterwards, outside the transaction, so no other writer waits on the renderer. If
    rendering fails the decision stands and the case page offers to render it again. Information held by another
    agency (第三十六条第（五）项) names that agency and its contact details in `responsible_agency` / `_contact`;
    a 本机关不掌握 decision says which item applies (`not_held_ground`: rules.NotHeldGround), and one that is not
    this agency's to disclose needs the responsible agency unless the officer states it cannot be determined."""
    _render_after(actor, _commit_with_files(actor, application, released_files, lambda staged: _decide(
        actor, application, code, basis=basis, reason=reason, decided_on=decided_on, subject=subject,
        staged=staged, links=released.parse_links(released_links),
        responsible=((responsible_agency or "").strip(), (responsible_contact or "").strip()),
        not_held=(not_held_ground or "", responsible_unknown))))
    return Application.objects.get(pk=application.pk)


def _commit_with_files(actor, application: Application, uploads: list[released.ReleasedFile] | None, work
                       ) -> Application:
    """Stage `uploads`, then run `work(staged)` in one transaction; the stored files go if it fails."""
    staged = released.stage_files(application, uploads or [])
    try:
        with transaction.atomic():
            return work(staged)
    except BaseException:
        released.discard(staged)
        raise


def _render_after(actor, application: Application) -> None:
    """Render the letter after the commit; a failure leaves the case as committed and is said in its history."""
    try:
        generate_letter(actor, application)
    except DomainError as exc:  # e.g. another officer's letter got there first: the change stands anyway
        logger.warning("reply letter of application %s not generated: %s", application.pk, exc.message)
    except Exception:  # the renderer or the disk failed: keep the decision, say so, and let staff retry
        logger.exception("reply letter of application %s could not be rendered", application.pk)
        event(application, actor, "letter_failed", "答复书生成失败，请在案件页面重新生成。", public=False)


def _decide(actor, application: Application, code: str, *, basis: str | None, reason: str,
            decided_on: dt.date | None, subject: str, staged: list[released.StagedFile],
            links: list[tuple[str, str]], responsible: tuple[str, str] = ("", ""),
            not_held: tuple[str, bool] = ("", False)) -> Application:
    application = locked(application)
    transition = CASE.check(actor, application, "decide")
    decision = rules.decision(code)
    ground, unknown = not_held
    default_basis = decision.basis
    errors: dict[str, list[str]] = {}
    if code == "unable.not_held":
        if ground not in rules.NOT_HELD:
            errors["not_held_ground"] = ["请选择是本机关经检索没有该信息，还是该信息不属于本机关负责公开（第三十六条第（四）、（五）项）。"]
        else:
            default_basis = rules.NOT_HELD[ground][0]
    basis = (default_basis if basis is None else basis).strip()
    reason = (reason or "").strip()
    if not basis:
        errors["basis"] = ["请填写答复的法律依据。"]
    if decision.needs_reason and not reason:
        errors["reason"] = ["这类答复必须向申请人说明理由（《条例》第三十六条）。"]
    try:
        decided_on = handling_date(decided_on, application, "答复日期", "decided_on")
    except DomainError as exc:
        errors.update(exc.errors)
    documents = []
    try:
        documents = released.resolve_links(links)
    except DomainError as exc:
        errors.update(exc.errors)
    try:
        released.check_complete(application, code, reason, len(staged) + len(links))
    except DomainError as exc:
        errors.update(exc.errors)
    agency_name, contact = responsible
    if agency_name and (code != "unable.not_held" or ground != rules.NotHeldGround.ELSEWHERE):
        errors["responsible_agency"] = ["只有“该信息不属于本机关负责公开”的答复才告知负责公开的机关（第三十六条第（五）项）。"]
    elif ground == rules.NotHeldGround.ELSEWHERE and code == "unable.not_held" and not agency_name and not unknown:
        errors["responsible_agency"] = ["能够确定负责公开该信息的机关的，应当告知其名称和联系方式（第三十六条第（五）项）；"
                                        "确实无法确定的，请勾选“无法确定负责公开的机关”。"]
    elif agency_name and not contact:
        errors["responsible_contact"] = ["告知负责公开的机关时，请同时写明其联系方式（第三十六条第（五）项）。"]
    elif contact and not agency_name:
        errors["responsible_agency"] = ["请填写负责公开该信息的机关名称。"]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    _check_decision_fits(application, code, decided_on)
    application.responsible_agency, application.responsible_contact = agency_name[:200], contact[:200]
    application.not_held_ground = ground if code == "unable.not_held" else ""
    _void_page_fees(actor, application, code, decided_on)
    released.add_items(actor, application, staged, documents)
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


def _void_page_fees(actor, application: Application, code: str, decided_on: dt.date) -> None:
    """A reply that provides no information charges no pages (《收费办法》第五条): void such notices, and say that a
    paid one is to be refunded. Per-application fees stand for every decision (第四条)."""
    if rules.decision(code).group in rules.PROVIDING_GROUPS or code == "other.fee_unpaid":
        return
    for notice in application.fee_notices.filter(basis=rules.FeeBasis.PER_PAGE, voided_on__isnull=True):
        notice.voided_on = decided_on
        notice.void_reason = "答复未提供信息，不按量收费" + ("，已缴费用应予退还" if notice.paid_on else "")
        notice.save(update_fields=["voided_on", "void_reason"])
        event(application, actor, "fee_voided", f"本答复未向您提供政府信息，按量计收的信息处理费 {notice.amount_yuan} 元不再收取"
              + ("，已缴费用将予退还" if notice.paid_on else "") + "（《政府信息公开信息处理费管理办法》第五条）。", on=decided_on)


def _check_decision_fits(application: Application, code: str, decided_on: dt.date) -> None:
    """Decisions that depend on what happened before: correction overdue, fee unpaid, unclear after correction."""
    if application.state == State.CORRECTION_REQUESTED:
        if code != "other.correction_overdue":
            raise DomainError("申请人尚未补正：请先登记收到补正，或在补正期限届满后作“逾期不补正”处理。", field="decision")
        if decided_on <= application.correction_due_on:
            raise DomainError(f"补正期限 {fmt(application.correction_due_on)} 尚未届满。", field="decision")
    elif code == "other.correction_overdue":
        raise DomainError("只有告知补正且申请人逾期未补正的申请才能作此处理。", field="decision")
    if code == "not_processed.excessive" and not application.bulk_reason_requested_on:
        raise DomainError("作“无正当理由大量反复申请”处理前，应当先要求申请人说明理由（《条例》第三十五条）。",
                          field="decision")
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
    return _store_letter(actor, application, "generate_letter")


def _store_letter(actor, application: Application, move: str) -> ReplyLetter:
    text = letters.letter_text(application)
    titles = [item.title for item in application.released_items.all()]
    stem = f"disclosure/letters/{timezone.now():%Y}/reply-{application.pk}-{timezone.now():%Y%m%d%H%M%S%f}"
    stored: list[str] = []
    try:
        stored.append(default_storage.save(f"{stem}.docx", ContentFile(letters.render_docx(text))))
        stored.append(default_storage.save(f"{stem}.pdf", ContentFile(letters.render_pdf(text))))
        with transaction.atomic():
            application = locked(application)
            transition = CASE.check(actor, application, move)
            if [item.title for item in application.released_items.all()] != titles:
                raise DomainError("生成答复书期间附件被修改，请重新生成答复书。")
            letter = ReplyLetter(application=application, generated_by=user_or_none(actor), enclosures=titles)
            letter.docx.name, letter.pdf.name = stored
            letter.save()
            CASE.commit(actor, application, transition, letter=letter.pk)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return letter


def edit_released(actor, application: Application, *, files: list[released.ReleasedFile] | None = None,
                  links: str = "", remove: list[int] | None = None) -> Application:
    """Add or remove enclosures of a granted or partially granted reply before it is sent, then render the
    letter again so that its list of enclosures (附件：1. …) matches."""
    def work(staged: list[released.StagedFile]) -> Application:
        case = locked(application)
        transition = CASE.check(actor, case, "edit_released")
        documents = released.resolve_links(released.parse_links(links))
        gone = list(case.released_items.filter(pk__in=remove or []))
        for item in gone:
            if item.file:
                transaction.on_commit(lambda name=item.file.name: default_storage.delete(name))
            item.delete()
        added = released.add_items(actor, case, staged, documents)
        if not (added or gone):
            raise DomainError("请上传文件、填写已公开文件的网址，或勾选要删除的附件。", field=released.FILES_FIELD)
        released.check_complete(case, case.decision, case.decision_reason, case.released_items.count())
        CASE.commit(actor, case, transition, added=[i.pk for i in added], removed=[i.pk for i in gone])
        event(case, actor, "released_changed", f"修改答复附件：新增 {len(added)} 个，删除 {len(gone)} 个。",
              public=False)
        return case

    case = _commit_with_files(actor, application, files, work)
    _render_after(actor, case)
    return case


@transaction.atomic
def close_application(actor, application: Application, comment: str = "") -> Application:
    """File the delivered case (办结归档)."""
    application = locked(application)
    transition = CASE.check(actor, application, "close")
    application.closed_on = today()
    CASE.commit(actor, application, transition, comment=comment)
    event(application, actor, "closed", "办结归档。")
    return application
