"""Statutory rules of the annual report 《政府信息公开工作年度报告》, each with its source.

《条例》 is 《中华人民共和国政府信息公开条例》(国务院令第711号, 2019年修订); the layout is
《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号). Pure data, no database access.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from gongkai.disclosure.rules import DECISIONS, DecisionGroup

# 《条例》第四十九条：县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门提交本行政机关上一年度
# 政府信息公开工作年度报告并向社会公布；县级以上地方人民政府的政府信息公开工作主管部门应当在每年3月31日前
# 向社会公布本级政府上一年度政府信息公开工作年度报告。 (month, day) of the year after the report's year.
DEPARTMENT_DEADLINE = (1, 31)
GOVERNMENT_DEADLINE = (3, 31)


def deadline(year: int, is_government: bool) -> dt.date:
    """The day by which the report for `year` must be published (《条例》第四十九条)."""
    month, day = GOVERNMENT_DEADLINE if is_government else DEPARTMENT_DEADLINE
    return dt.date(year + 1, month, day)


class Section(models.TextChoices):
    # The six sections of the report (国办公开办函〔2021〕30号).
    OVERVIEW = "overview", "一、总体情况"
    PROACTIVE = "proactive", "二、主动公开政府信息情况"
    APPLICATIONS = "applications", "三、收到和处理政府信息公开申请情况"
    REMEDIES = "remedies", "四、政府信息公开行政复议、行政诉讼情况"
    PROBLEMS = "problems", "五、存在的主要问题及改进情况"
    OTHER = "other", "六、其他需要报告的事项"


# Table 3 (三、收到和处理政府信息公开申请情况): columns and rows, by code.
TABLE3_COLUMNS: list[tuple[str, str]] = [
    ("natural_person", "自然人"),
    ("legal_person.commercial", "商业企业"),
    ("legal_person.research", "科研机构"),
    ("legal_person.public_interest", "社会公益组织"),
    ("legal_person.legal_service", "法律服务机构"),
    ("legal_person.other", "其他"),
    ("total", "总计"),
]
_GROUP_NUMBERS = "一二三四五六"


def table3_rows() -> list[tuple[str, str, int]]:
    """(code, label, level) of every row of table 3, in the official order; level 0 section, 1 group, 2 item."""
    rows: list[tuple[str, str, int]] = [("new", "一、本年新收政府信息公开申请数量", 0),
                                        ("carried_over", "二、上年结转政府信息公开申请数量", 0)]
    for i, group in enumerate(DecisionGroup):
        label = f"（{_GROUP_NUMBERS[i]}）{group.label}"
        if group == DecisionGroup.PARTIALLY_GRANTED:
            label += "（区分处理的，只计这一情形，不计其他情形）"
        rows.append((group.value, label, 1))
        members = [d for d in DECISIONS.values() if d.group == group.value and d.code != group.value]
        rows += [(d.code, f"{n}. {d.label}", 2) for n, d in enumerate(members, start=1)]
    rows.append(("total_processed", "（七）总计", 1))
    rows.append(("carried_forward", "四、结转下年度继续办理", 0))
    return rows


# disclosure.stats' row keys → the report's codes.
STATS_ROW_CODES = {"carried_in": "carried_over", "results_total": "total_processed", "carried_out": "carried_forward"}

# Table 2 (二、主动公开政府信息情况), 《条例》第二十条.
class Table2Item(models.TextChoices):
    RULES = "rules", "规章"
    NORMATIVE = "normative", "行政规范性文件"
    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    FEES = "fees", "行政事业性收费"


# 第二十条第（一）项: the publishing document types counted in each row.
TABLE2_DOC_TYPES = {Table2Item.RULES: ("部门规章", "地方政府规章"), Table2Item.NORMATIVE: ("行政规范性文件",)}
TABLE2_DOCUMENT_COLUMNS = [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")]
# Rows entered by staff, with the one figure each carries.
ENTERED_ITEMS = {Table2Item.LICENSING: "本年处理决定数量", Table2Item.PENALTY: "本年处理决定数量",
                 Table2Item.COERCION: "本年处理决定数量", Table2Item.FEES: "本年收费金额（万元）"}
TABLE2_SECTIONS = {Table2Item.RULES: "第二十条第（一）项", Table2Item.NORMATIVE: "第二十条第（一）项",
                   Table2Item.LICENSING: "第二十条第（五）项", Table2Item.PENALTY: "第二十条第（六）项",
                   Table2Item.COERCION: "第二十条第（六）项", Table2Item.FEES: "第二十条第（八）项"}

# Bounds of an entered figure, so that a slip of the keyboard (1e20) is refused at entry instead of breaking the
# report: counts of decisions are whole numbers, fees are 万元 with at most FEES_DECIMALS places; both fit the
# database column (max_digits=14, decimal_places=4).
MAX_COUNT = 10**9
MAX_FEES = 10**9
FEES_DECIMALS = 4
# 《条例》 took effect on 2008-05-01 (国务院令第492号): there is no annual report before 2008.
FIRST_YEAR = 2008


def year_in_range(year: int, today_year: int) -> bool:
    """Whether `year` can have an annual report: from 2008 (《条例》施行) to next year."""
    return FIRST_YEAR <= year <= today_year + 1


# Table 4 (四、政府信息公开行政复议、行政诉讼情况).
TABLE4_GROUPS = [("review", "行政复议"), ("direct", "行政诉讼 未经复议直接起诉"), ("after_review", "行政诉讼 复议后起诉")]
TABLE4_COLUMNS = [("maintained", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                  ("pending", "尚未审结"), ("total", "总计")]


def cell_label(table: str, row: str, column: str) -> str:
    """The name of one cell of the report, e.g. 表三 · 一、本年新收政府信息公开申请数量 · 自然人; empty if unknown."""
    if table == "table3":
        rows = {code: label for code, label, _ in table3_rows()}
        columns = dict(TABLE3_COLUMNS)
        if row in rows and column in columns:
            return f"表三 · {rows[row]} · {columns[column]}"
    elif table == "table4":
        groups, columns = dict(TABLE4_GROUPS), dict(TABLE4_COLUMNS)
        if row in groups and column in columns:
            return f"表四 · {groups[row]} · {columns[column]}"
    elif table == "table2" and row in Table2Item.values:
        item = Table2Item(row)
        column_label = dict(TABLE2_DOCUMENT_COLUMNS).get(column) or ENTERED_ITEMS.get(item, "")
        return f"表二 · {TABLE2_SECTIONS[item]} · {item.label} · {column_label}"
    elif table == "fees":
        return "第六部分 · 本年收取的信息处理费"
    return ""
