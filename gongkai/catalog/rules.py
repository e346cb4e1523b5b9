"""The catalogue's statutory content: the default catalogue of 《条例》第二十条, the guide's contents of 第十二条,
when a guide or negative list counts as stale, and the ledger's document types.

The timeliness rules (how long after formation each kind of information must be public) are not repeated here:
they live in gongkai/publishing/rules.py (DisclosurePeriod, PERIOD_RULES, DOC_TYPE_PERIODS), the one module the
publishing clock reads. The catalogue takes each item's time limit from there.

《中华人民共和国政府信息公开条例》(国务院令第711号, 2019年修订) is cited as 《条例》.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from gongkai.publishing.rules import PERIOD_RULES, DisclosurePeriod, Validity

# 《条例》第十二条：行政机关编制、公布的政府信息公开指南和政府信息公开目录应当及时更新。政府信息公开指南包括政府信息的
# 分类、编排体系、获取方式和政府信息公开工作机构的名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式等内容。
GUIDE_SOURCE = ("《政府信息公开条例》第十二条：政府信息公开指南包括政府信息的分类、编排体系、获取方式和政府信息公开工作"
                "机构的名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式等内容，并应当及时更新。")

# “及时更新” sets no period; the general office checks once a year (the annual report of 第四十九条 covers the
# calendar year), so a guide or negative list not reviewed in the current calendar year is stale.
# 长办发〔2017〕7号（三十五）asks that the negative list be 动态调整; the same yearly check applies to it.
REVIEW_EVERY_YEAR = True


def is_stale(reviewed_on: dt.date | None, today: dt.date) -> bool:
    """Whether a guide or negative-list entry reviewed on `reviewed_on` needs its yearly review."""
    return reviewed_on is None or reviewed_on.year < today.year


# 《条例》第二十条：行政机关应当主动公开本行政机关的下列政府信息 — the fifteen items, with the library filter each
# maps to (公文种类 or 主题分类) and its time limit. Agencies edit the seeded items; the text of each item is the
# article's.
ARTICLE_20_SOURCE = "《政府信息公开条例》第二十条"


class Category(models.TextChoices):
    """一级事项 of the 法定主动公开内容, as the column shows them."""

    RULES = "rules", "规章"
    NORMATIVE = "normative", "规范性文件"
    FUNCTIONS = "functions", "机构职能"
    PLANS = "plans", "规划计划"
    STATISTICS = "statistics", "统计信息"
    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚和行政强制"
    BUDGET = "budget", "财政预决算"
    FEES = "fees", "行政事业性收费"
    PROCUREMENT = "procurement", "政府采购"
    PROJECTS = "projects", "重大建设项目"
    LIVELIHOOD = "livelihood", "民生保障"
    EMERGENCY = "emergency", "应急管理"
    SUPERVISION = "supervision", "监督检查"
    RECRUITMENT = "recruitment", "公务员招考"
    DECISIONS = "decisions", "重大行政决策"
    MOTIONS = "motions", "建议提案办理结果"
    ENTERPRISE = "enterprise", "涉企政策"
    INTERPRETATIONS = "interpretations", "政策解读"
    OTHER = "other", "其他"


# (category, item of 第二十条, 公开内容, 公文种类 filter, 主题分类 filter, period)
DEFAULT_ITEMS: list[tuple[str, str, str, str, str, str]] = [
    (Category.RULES, "（一）", "规章（行政法规、规章和规范性文件之规章）", "地方政府规章", "", DisclosurePeriod.REGULATION),
    (Category.NORMATIVE, "（一）", "规范性文件（行政法规、规章和规范性文件之规范性文件）", "行政规范性文件", "", DisclosurePeriod.REGULATION),
    (Category.FUNCTIONS, "（二）", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名", "", "", ""),
    (Category.PLANS, "（三）", "国民经济和社会发展规划、专项规划、区域规划及相关政策", "",
     "国民经济管理、国有资产监管", DisclosurePeriod.REGULATION),
    (Category.STATISTICS, "（四）", "国民经济和社会发展统计信息", "", "国民经济管理、国有资产监管\\统计",
     DisclosurePeriod.REGULATION),
    (Category.LICENSING, "（五）", "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果", "", "",
     DisclosurePeriod.LICENSING_PENALTY),
    (Category.PENALTY, "（六）", "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
     "", "", DisclosurePeriod.LICENSING_PENALTY),
    (Category.BUDGET, "（七）", "财政预算、决算信息", "", "财政、金融、审计\\财政", DisclosurePeriod.DEPARTMENT_BUDGET),
    (Category.FEES, "（八）", "行政事业性收费项目及其依据、标准", "", "国民经济管理、国有资产监管\\物价",
     DisclosurePeriod.REGULATION),
    (Category.PROCUREMENT, "（九）", "政府集中采购项目的目录、标准及实施情况", "", "", DisclosurePeriod.REGULATION),
    (Category.PROJECTS, "（十）", "重大建设项目的批准和实施情况", "", "城乡建设、环境保护\\城乡建设（含住房）",
     DisclosurePeriod.REGULATION),
    (Category.LIVELIHOOD, "（十一）", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", "",
     "劳动、人事、监察\\社会保障", DisclosurePeriod.REGULATION),
    (Category.EMERGENCY, "（十二）", "突发公共事件的应急预案、预警信息及应对情况", "", "综合政务\\应急管理",
     DisclosurePeriod.REGULATION),
    (Category.SUPERVISION, "（十三）", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况", "",
     "市场监管、安全生产监管", DisclosurePeriod.REGULATION),
    (Category.RECRUITMENT, "（十四）", "公务员招考的职位、名额、报考条件等事项以及录用结果", "",
     "劳动、人事、监察\\人事工作", DisclosurePeriod.REGULATION),
    # 人大代表建议和政协委员提案办理结果 are among 第二十条（十五）'s 国家有关规定 (2018年上海市政务公开工作要点
    # 七（一）: 承办单位原则上要公开答复全文); each kind of reply is a 公文种类 of the library (publishing.rules).
    (Category.MOTIONS, "（十五）", "人大代表建议办理复文（建议编号、代表、办理类型、答复类型和答复全文）", "建议办理复文", "",
     DisclosurePeriod.REGULATION),
    (Category.MOTIONS, "（十五）", "政协委员提案办理复文（提案编号、委员、办理类型、答复类型和答复全文）", "提案办理复文", "",
     DisclosurePeriod.REGULATION),
    (Category.OTHER, "（十五）", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息", "", "", ""),
]

# The column's 法定主动公开内容 in the order every government site shows them (issue #12 section 3).
COLUMN_ORDER = [Category.FUNCTIONS, Category.RULES, Category.NORMATIVE, Category.PLANS, Category.STATISTICS,
                Category.BUDGET, Category.LICENSING, Category.PENALTY, Category.FEES, Category.PROCUREMENT,
                Category.PROJECTS, Category.LIVELIHOOD, Category.EMERGENCY, Category.SUPERVISION,
                Category.RECRUITMENT, Category.DECISIONS, Category.MOTIONS, Category.ENTERPRISE, Category.INTERPRETATIONS,
                Category.OTHER]


def time_limit_text(period: str) -> str:
    """The time limit of an item in words, from the rules module; empty when the item has none."""
    rule = PERIOD_RULES.get(period)
    if rule is None:
        return ""
    unit = "个工作日" if rule.workdays else "日"
    return f"自{rule.start_event}之日起{rule.days}{unit}内"


# 宁政办发〔2019〕40号（二）：建立政府规章和行政规范性文件公开台帐, checked against what is published.
LEDGER_DOC_TYPES = ("地方政府规章", "部门规章", "行政规范性文件")


class LedgerValidity(models.TextChoices):
    CURRENT = "current", "现行有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


# The library's 有效性 read as the ledger's.
LEDGER_VALIDITY_OF = {Validity.VALID: LedgerValidity.CURRENT, Validity.AMENDED: LedgerValidity.AMENDED,
                      Validity.REPEALED: LedgerValidity.REPEALED, Validity.EXPIRED: LedgerValidity.EXPIRED}
