"""Pieces every disclosure service uses: today, the case lock, the case history, handling dates and moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.workflow import SYSTEM
from gongkai.disclosure.models import Application, CaseEvent
from gongkai.disclosure.states import CASE, HANDLERS
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import has_role

__all__ = ["SYSTEM", "handles", "move", "require_handler"]


def today() -> dt.date:
    return timezone.localdate()


def fmt(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


def handles(user, agency: Agency) -> bool:
    """Whether `user` handles applications of `agency` (disclosure officer or head of the disclosure office)."""
    return any(has_role(user, role, agency) for role in HANDLERS)


def require_handler(actor, agency: Agency) -> None:
    """For reads that need no transition (viewing personal data): the same people who may handle the case."""
    if not handles(actor, agency):
        raise PermissionDenied(f"您不是“{agency.name}”的依申请公开经办人或政府信息公开工作机构负责人。")


def locked(application: Application) -> Application:
    # of=("self",): on PostgreSQL a plain FOR UPDATE would lock the agency row too, serialising every case of it.
    return Application.objects.select_for_update(of=("self",)).select_related("agency").get(pk=application.pk)


def move(actor, application: Application, name: str, *, comment: str = "", target: str | None = None,
         **data: Any) -> None:
    """Take one transition of the case workflow (state, role, guard and audit in one place)."""
    CASE.apply(actor, application, name, comment=comment, target=target, **data)


def event(application: Application, actor, kind: str, message: str, *, public: bool = True,
          on: dt.date | None = None, **data: Any) -> CaseEvent:
    """One line of the case history; public lines form the applicant's timeline (never personal data)."""
    name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_full_name() or actor.get_username()
    return CaseEvent.objects.create(application=application, actor=actor if getattr(actor, "pk", None) else None,
                                    actor_name=name or "系统", kind=kind, message=message, public=public,
                                    on=on or today(), data=data)


def notify_applicant(application: Application, what: str, text: str) -> None:
    """Mail the applicant a notice the 条例 says they must be told (补正, 延期, 收费, 说明理由), when they left an
    e-mail address and a mail server is configured; queued in the caller's transaction, sent after it commits.
    The tracking page shows the same notice either way."""
    from django.conf import settings

    from gongkai.core import outbox
    from gongkai.orgs.site import site_name

    if not application.email:
        return
    site = site_name()
    body = (f"{application.name}，您好：\n\n关于您的政府信息公开申请（查询码 {application.tracking_code}，"
            f"案件编号 {application.case_no}）：\n\n{text}\n\n"
            f"请在 {settings.GONGKAI_BASE_URL}/ysqgk/track/ 输入查询码和查询密码查看详情。本邮件不含查询密码。\n\n"
            f"{application.agency.name}\n{site}\n")
    outbox.queue_mail(application.email, f"【{site}】{what}（{application.tracking_code}）", body,
                      purpose=f"disclosure_{what}")


def handling_date(value: dt.date | None, application: Application, label: str, field: str,
                  not_before: dt.date | None = None) -> dt.date:
    """A handling date: default today, never in the future, never before receipt (or `not_before`)."""
    value = value or today()
    floor = not_before or application.received_on
    if value > today():
        raise DomainError(f"{label}不能晚于今天。", field=field)
    if value < floor:
        raise DomainError(f"{label}不能早于 {fmt(floor)}。", field=field)
    return value


def user_or_none(actor):
    """The actor as a user to store on a row, or None for the system."""
    return actor if getattr(actor, "pk", None) else None
