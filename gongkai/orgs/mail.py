"""Initial passwords by e-mail (`gongkai users import --send-mail`), sent only after the accounts are committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection

from gongkai.core.outbox import mail_enabled  # noqa: F401 — the users command asks here
from gongkai.orgs.services import StaffImport
from gongkai.orgs.site import site_name


def welcome_message(account: StaffImport) -> EmailMessage:
    """The Chinese message that hands a new staff user their username and initial password."""
    user, base, site = account.user, settings.GONGKAI_BASE_URL, site_name()
    body = (
        f"{user.first_name or user.username}，您好：\n\n"
        f"您在{site}政务公开平台的工作台账号已开通。\n\n"
        f"用户名：{user.username}\n"
        f"初始密码：{account.password}\n"
        f"登录地址：{base}/staff/login/\n\n"
        f"请登录后立即在 {base}/admin/password_change/ 修改密码。"
        "本邮件含有初始密码，请勿转发；修改密码后可删除本邮件。\n\n"
        f"{site}\n"
    )
    return EmailMessage(f"【{site}】工作台账号已开通", body, to=[user.email])


def send_initial_passwords(accounts: list[StaffImport]) -> dict[str, str]:
    """Mail each account with an address its password; return username → Chinese reason for those not mailed."""
    if connection.in_atomic_block:
        # A rolled-back account would leave a password in someone's inbox for a user that does not exist.
        raise RuntimeError("send_initial_passwords must run after the accounts are committed")
    unsent = {a.user.username: "未填写邮箱" for a in accounts if not a.user.email}
    to_mail = [a for a in accounts if a.user.email]
    if not to_mail:
        return unsent
    try:
        smtp = get_connection(fail_silently=False)
        smtp.open()
    except OSError as exc:
        return {**unsent, **{a.user.username: f"无法连接邮件服务器（{exc}）" for a in to_mail}}
    try:
        for account in to_mail:
            try:
                smtp.send_messages([welcome_message(account)])
            except (OSError, ValueError) as exc:  # one refused message leaves the others to send
                unsent[account.user.username] = f"邮件发送失败（{exc}）"
    finally:
        try:
            smtp.close()
        except OSError:
            pass
    return unsent
