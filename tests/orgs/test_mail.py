"""Initial-password mail: the message itself, and never sent from inside a transaction."""

import pytest

from gongkai.orgs import mail, services
from gongkai.orgs.roles import Role
from gongkai.orgs.services import StaffData


def test_welcome_message_in_chinese(agency, settings):
    settings.GONGKAI_SITE_NAME, settings.GONGKAI_BASE_URL = "测试市人民政府", "https://xxgk.example.gov.cn"
    account = services.import_staff_user(StaffData("zhangsan", "张三", agency, [Role.DRAFTER],
                                                   email="zs@example.gov.cn"))
    message = mail.welcome_message(account)
    assert message.to == ["zs@example.gov.cn"] and message.subject == "【测试市人民政府】工作台账号已开通"
    assert f"初始密码：{account.password}" in message.body and "用户名：zhangsan" in message.body
    assert "https://xxgk.example.gov.cn/admin/password_change/" in message.body


def test_mail_is_refused_inside_a_transaction(agency):
    # The db fixture runs the test inside a transaction, as a careless caller would.
    account = services.import_staff_user(StaffData("lisi", "李四", agency, [Role.DRAFTER], email="ls@example.gov.cn"))
    with pytest.raises(RuntimeError, match="committed"):
        mail.send_initial_passwords([account])


def test_mail_enabled_follows_the_smtp_host(settings):
    settings.GONGKAI_SMTP_HOST = ""
    assert not mail.mail_enabled()
    settings.GONGKAI_SMTP_HOST = "smtp.example.gov.cn"
    assert mail.mail_enabled()

