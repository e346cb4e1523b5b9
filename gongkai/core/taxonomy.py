"""Controlled vocabularies of the policy-document library.

SUBJECTS is the national two-level subject classification (主题分类) used by the State Council policy
document library and local disclosure catalogues; DOC_TYPES follows 《党政机关公文处理工作条例》第八条
(15 kinds of official document) plus the legislative forms the library also holds.
"""

from __future__ import annotations

SUBJECTS: dict[str, list[str]] = {
    "国务院组织机构": ["国务院组成部门", "国务院直属特设机构", "国务院直属机构", "国务院办事机构",
                  "国务院直属事业单位", "国务院部委管理的国家局", "其他"],
    "综合政务": ["应急管理", "电子政务", "政务公开", "政务督查", "文秘工作", "信访", "其他"],
    "国民经济管理、国有资产监管": ["宏观经济", "经济体制改革", "节能与资源综合利用", "国有资产监管", "统计",
                          "物价", "其他"],
    "财政、金融、审计": ["财政", "税务", "银行", "保险", "证券", "审计", "其他"],
    "国土资源、能源": ["土地", "矿产", "海洋", "气象、水文、测绘、地震", "能源", "其他"],
    "农业、林业、水利": ["农业、畜牧业、渔业", "林业", "水利", "其他"],
    "工业、交通": ["工业", "信息产业（含电信）", "公路", "铁路", "民航", "水运", "邮政", "其他"],
    "商贸、海关、旅游": ["国内贸易（含供销）", "对外经贸合作", "海关", "旅游", "其他"],
    "市场监管、安全生产监管": ["市场监管", "质量监督", "食品药品监管", "安全生产监管", "其他"],
    "城乡建设、环境保护": ["城市规划", "城乡建设（含住房）", "节能减排", "环境监测、保护与治理", "其他"],
    "科技、教育": ["科技", "教育", "知识产权", "其他"],
    "文化、广电、新闻出版": ["文化", "广播影视", "新闻出版", "文物", "其他"],
    "卫生、体育": ["卫生", "医药管理", "体育", "其他"],
    "人口与计划生育、妇女儿童工作": ["人口与计划生育", "妇女儿童", "其他"],
    "劳动、人事、监察": ["劳动就业", "社会保障", "人事工作", "监察", "其他"],
    "公安、安全、司法": ["公安", "安全", "司法", "其他"],
    "民政、扶贫、救灾": ["减灾救灾", "社会福利", "扶贫", "社区建设", "行政区划与地名", "婚姻登记", "其他"],
    "民族、宗教": ["民族事务", "宗教事务", "其他"],
    "对外事务": ["外交、外事", "其他"],
    "港澳台侨工作": ["港澳工作", "对台工作", "侨务工作", "其他"],
    "国防": ["国防动员", "其他"],
    "其他": ["其他"],
}

SUBJECT_SEPARATOR = "\\"


def subject_code(top: str, sub: str) -> str:
    return f"{top}{SUBJECT_SEPARATOR}{sub}"


SUBJECT_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (top, [(subject_code(top, sub), sub) for sub in subs]) for top, subs in SUBJECTS.items()
]
ALL_SUBJECTS: set[str] = {code for _, group in SUBJECT_CHOICES for code, _ in group}


def subject_top(code: str) -> str:
    return code.split(SUBJECT_SEPARATOR, 1)[0]


def normalize_subject(value: str) -> str | None:
    """Accept '综合政务\\政务公开', '综合政务/政务公开', '综合政务' (→ its 其他) or a unique sub-category name."""
    value = (value or "").strip().replace("/", SUBJECT_SEPARATOR).replace("／", SUBJECT_SEPARATOR)
    if not value:
        return None
    if value in ALL_SUBJECTS:
        return value
    if value in SUBJECTS:
        return subject_code(value, "其他")
    matches = [subject_code(t, s) for t, subs in SUBJECTS.items() for s in subs if s == value and s != "其他"]
    return matches[0] if len(matches) == 1 else None


DOC_TYPES: list[str] = [
    # 《党政机关公文处理工作条例》第八条
    "决议", "决定", "命令（令）", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
    "议案", "函", "纪要",
    # legislative and other forms kept in the library
    "法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "司法解释", "行政规范性文件",
    "政策解读",
    # replies to people's-congress deputies' suggestions and CPPCC members' proposals (publishing.rules.MOTION_*)
    "建议办理复文", "提案办理复文",
    "其他",
]
DOC_TYPE_CHOICES = [(t, t) for t in DOC_TYPES]
# The forms in which a government states its own decisions, figures and services (the 15 kinds of 《党政机关公文
# 处理工作条例》第八条, normative documents, interpretations and replies): a county's notice holds this year's 低保
# amount; legislation (《立法法》's laws, regulations and rules, national and local, and the supreme courts'
# interpretations) sets rules for everyone in its area and holds no county's, village's or unit's own figures.
LEGISLATION_DOC_TYPES = frozenset({"法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "司法解释"})
GOVERNMENT_DOC_TYPES = frozenset(DOC_TYPES) - LEGISLATION_DOC_TYPES - {"其他"}
# Legislation made by a province or city (《立法法》第八十条、第九十三条): it binds only the area that made it, so an
# answer citing it tells the resident elsewhere that their own place's rule may differ.
LOCAL_LEGISLATION_DOC_TYPES = frozenset({"地方性法规", "地方政府规章"})
