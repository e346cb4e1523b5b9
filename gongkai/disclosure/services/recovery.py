"""A forgotten tracking password (查询密码): a new one is mailed to the e-mail on file, never shown on the page.

The platform has no SMS gateway (no SMS setting exists), so recovery by phone is done by the office in person
or by telephone; the page says so. Whether the code and e-mail matched is never revealed to the asker.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import transaction

from gongkai.core import outbox
from gongkai.disclosure import privacy
from gongkai.disclosure.models import Application
from gongkai.disclosure.services.common import event, locked
from gongkai.orgs.site import site_name

MAIL_PURPOSE = "disclosure_token_reset"


def recovery_mail(application: Application, token: str) -> tuple[str, str]:
    """Subject and body of the mail carrying the new password: to the address on file, and only there."""
    site, base = site_name(), settings.GONGKAI_BASE_URL.rstrip("/")
    body = (f"{application.name}，您好：\n\n"
            f"有人在 {site} 为您的政府信息公开申请（查询码 {application.tracking_code}）申请找回查询密码，"
            "系统已重新设置查询密码，原查询密码不再有效。\n\n"
            f"新的查询密码：{token}\n\n"
            f"请在 {base}/ysqgk/track/ 输入查询码和新的查询密码查看办理进度。"
            "如果这不是您本人的操作，您的申请仍然安全：新密码只发送到本邮箱。\n\n"
            f"{site}\n")
    return f"【{site}】政府信息公开申请查询密码已重新设置（{application.tracking_code}）", body


@transaction.atomic
def recover_access_token(tracking_code: str, email: str) -> bool:
    """If the code exists and `email` is the one on file (keyed hashes compared), issue a new password and queue
    it to that address. Returns whether a mail was queued — for tests and logs, never for the asker."""
    code = privacy.format_tracking_code(tracking_code)
    wanted = privacy.lookup_hash("email", email or "")
    application = Application.objects.filter(tracking_code=code).first() if code and wanted else None
    if application is None or not application.email_hash:
        return False
    if not hmac.compare_digest(application.email_hash, wanted) or not outbox.mail_enabled():
        # Without a mail server a new password could not reach the applicant: keep the old one working.
        return False
    application = locked(application)
    token = privacy.new_access_token()
    application.access_token_hash = privacy.hash_token(token)
    application.save(update_fields=["access_token_hash", "updated_at"])
    outbox.queue_mail(application.email, *recovery_mail(application, token), purpose=MAIL_PURPOSE)
    event(application, None, "token_reset", "查询密码已重新设置，新密码已发送到申请时填写的电子邮箱。")
    return True
