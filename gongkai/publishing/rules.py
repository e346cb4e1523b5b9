"""Statutory rules of proactive disclosure, each with its source.

《中华人民共和国政府信息公开条例》(国务院令第711号, 2019年修订) is cited as 《条例》.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from gongkai.core.workdays import WorkCalendar, WorkdayResult

# 《条例》第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开。
PROACTIVE_DISCLOSURE_WORKDAYS = 20


def disclosure_deadline(formed_on: dt.date, calendar: WorkCalendar | None = None) -> WorkdayResult:
    """The last day to publish information formed or changed on `formed_on` (《条例》第二十六条)."""
    return (calendar or WorkCalendar.load()).add_workdays(formed_on, PROACTIVE_DISCLOSURE_WORKDAYS)


class DisclosureMode(models.TextChoices):
    # 公开属性 is set when the document is drafted and sent for approval with it (长办发〔2017〕7号 (三十四)).
    PROACTIVE = "proactive", "主动公开"
    ON_APPLICATION = "on_application", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class WithholdingGround(models.TextChoices):
    """Legal grounds for not disclosing proactively; required whenever the mode is not 主动公开."""

    STATE_SECRET = "art14_state_secret", "《条例》第十四条：依法确定为国家秘密"
    PROHIBITED_BY_LAW = "art14_prohibited", "《条例》第十四条：法律、行政法规禁止公开"
    THREE_SECURITIES = "art14_security", "《条例》第十四条：公开后可能危及国家安全、公共安全、经济安全、社会稳定"
    THIRD_PARTY = "art15_third_party", "《条例》第十五条：涉及商业秘密、个人隐私等，公开会损害第三方合法权益"
    INTERNAL_AFFAIRS = "art16_internal", "《条例》第十六条第一款：人事管理、后勤管理、内部工作流程等内部事务信息"
    PROCESS_INFORMATION = "art16_process", "《条例》第十六条第二款：讨论记录、过程稿、磋商信函、请示报告等过程性信息"
    LAW_ENFORCEMENT_FILE = "art16_enforcement", "《条例》第十六条第二款：行政执法案卷信息"
    SPECIFIC_NEED = "art27_on_application", "《条例》第二十七条：不属于主动公开范围，可依申请公开"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"
    AMENDED = "amended", "已修订"


def lifecycle_errors(validity: str, effective_on: dt.date | None, expires_on: dt.date | None,
                     repealed_on: dt.date | None) -> dict[str, list[str]]:
    """What is wrong with a validity and its dates, by field (empty when they agree)."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if validity not in Validity.values:
        err("validity", "请选择有效性。")
    if validity == Validity.REPEALED and not repealed_on:
        err("repealed_on", "已废止的文件请填写废止日期。")
    if validity == Validity.EXPIRED and not expires_on:
        err("expires_on", "已失效的文件请填写失效日期。")
    if effective_on and repealed_on and repealed_on < effective_on:
        err("repealed_on", "废止日期不能早于施行日期。")
    if effective_on and expires_on and expires_on < effective_on:
        err("expires_on", "失效日期不能早于施行日期。")
    return errors


class RelationKind(models.TextChoices):
    AMENDS = "amends", "修改"
    REPEALS = "repeals", "废止"
    INTERPRETS = "interprets", "解读"


# How each relation reads from the other side, for the "shown both ways" rule.
RELATION_LABELS = {
    RelationKind.AMENDS: ("本文件修改了", "本文件已被修改，修改文件"),
    RelationKind.REPEALS: ("本文件废止了", "本文件已被废止，废止文件"),
    RelationKind.INTERPRETS: ("本文是对以下文件的解读", "相关解读"),
}
