"""Mapping of the laws corpus (`laws.jsonl.gz`) onto the import format: `gongkai import documents --mapping laws`.

`map_law(record)` turns one corpus record into one native import line (see `gongkai.publishing.importer`);
the importer then checks it exactly like a hand-written line.

| corpus field | import field | rule |
|---|---|---|
| `id` | `external_id` | `"law-" + id`, so re-importing the corpus updates instead of duplicating |
| `title`, `source_path` | `title` | as is; a record that is one part of a code (the corpus files the 民法典 one 编 a file, all under the code's title) gets the part's file name added, `中华人民共和国民法典（合同编）`, so the parts stay distinct documents rather than eight versions of one |
| `body` | `body` | as is, with `body_format` = `markdown` |
| `doc_number` | `doc_number` | as is, empty where the promulgation lines carry none |
| `promulgated`, `version_date`, `issuer_lines` | `signed_on` | 成文日期 = the date this version was adopted: for a revised version (a line saying 修订 / 修正 / 修改, or a `version_date` more than a year after `promulgated`, which the lines of some records do not list) the latest revision date in those lines up to `version_date` (not an approval date, 经…批准) when it is at most 180 days before it, else `version_date`; for a first version, and where there is no `version_date` (which version the text is cannot be told), `promulgated` |
| `version_date`, `promulgated` | `published_on` | 发布日期 = the date of this version, else of promulgation |
| `version_date` | `formed_on` | 形成或变更日期 = the date of this version, when not before `promulgated` |
| `effective` | `effective_on` | 施行日期 |
| `category` | `doc_type` | 行政法规 / 地方性法规 / 部门规章 / 司法解释 kept; the branches of national law (宪法, 宪法相关法, 民法典, 民法商法, 行政法, 经济法, 社会法, 刑法, 诉讼与非诉讼程序法) → 法律; anything else → 其他 |
| `category`, `region`, `issuer_lines` | `issuer` | names go through the issuer table `gongkai/search/data/issuer_short_names.tsv` (人力资源社会保障部 → 人力资源和社会保障部, 食品药品监管局 → 国家食品药品监督管理局), and a leading 经 (经…批准) is not part of a name; 行政法规 → 国务院 (、中央军事委员会 where the lines name it); 司法解释 → 最高人民法院 and/or 最高人民检察院 as named in the lines or title (最高人民法院 for an unsigned one about 审理); 地方性法规 → the congress or its standing committee named in the adoption line (e.g. 宁波市人民代表大会常务委员会), else `<region>省/市人民代表大会常务委员会` (北京、上海、天津、重庆 are 市); 法律 → 全国人民代表大会常务委员会, or 全国人民代表大会 where the adoption line says so; 部门规章 → the ministry named in the lines (e.g. 国家市场监督管理总局), else the ministry folder of `source_path`; 其他 → empty (the platform then records the owning agency as issuer) |
| `title`, `category` | `subject` | keyword rules on the title, first match wins (税 → 财政、金融、审计\\税务, 教育 → 科技、教育\\教育, 污染 → 城乡建设、环境保护\\环境监测、保护与治理, 公开 → 综合政务\\政务公开 …, see `SUBJECT_RULES`); judicial interpretations, criminal and procedural law → 公安、安全、司法\\司法; no match → 其他\\其他 |
| — | `validity` | `valid` (the corpus holds laws in force) |
| — | `status` | `published`: the laws are already public, so they go live at once (audited as imported-as-published) |
| `category`, `region` | `tags` | the category, and the region where there is one |
| `source_path` | — | only read for the ministry of a 部门规章 whose lines name none |

Records carry no `agency`: they go to the `--agency` given on the command line, else the root agency.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from gongkai.search.docnumbers import issuer_name

DIRECT_TYPES = {"行政法规", "地方性法规", "部门规章", "司法解释"}
# The branches of national law in the corpus's own classification; all are statutes of the NPC or its committee.
LAW_BRANCHES = {"宪法", "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法",
                "诉讼与非诉讼程序法"}
MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}
# Categories whose documents are about the courts and criminal justice whatever words their titles use.
JUDICIAL_CATEGORIES = {"司法解释", "刑法", "诉讼与非诉讼程序法"}

_S = "\\"
# (title keywords, subject): the first rule with a keyword in the title wins, so narrower words come first
# (社会保险 before 保险, 农药 before 药, 水污染 before 水).
SUBJECT_RULES: list[tuple[tuple[str, ...], str]] = [
    (("政府信息公开", "政务公开", "信息公开"), f"综合政务{_S}政务公开"),
    (("信访",), f"综合政务{_S}信访"),
    (("突发事件", "应急"), f"综合政务{_S}应急管理"),
    (("电子政务", "电子签名"), f"综合政务{_S}电子政务"),
    (("档案",), f"综合政务{_S}文秘工作"),
    (("国务院组织", "国务院行政机构"), f"国务院组织机构{_S}其他"),
    (("养犬", "居住证", "赌博", "电动自行车", "保安", "群众性活动", "道路交通安全", "机动车", "驾驶"), f"公安、安全、司法{_S}公安"),
    (("密码", "国家安全", "反间谍", "反恐怖", "保守国家秘密", "保密"), f"公安、安全、司法{_S}安全"),
    (("遗址", "长城", "古城", "故城", "传统村落", "红色资源", "革命文物", "文物", "考古"), f"文化、广电、新闻出版{_S}文物"),
    (("社区", "村民委员会", "居民委员会", "街道办事处", "网格化"), f"民政、扶贫、救灾{_S}社区建设"),
    (("童工",), f"劳动、人事、监察{_S}劳动就业"),
    (("安置帮教",), f"公安、安全、司法{_S}司法"),
    (("解放军", "文职人员"), f"国防{_S}其他"),
    (("税",), f"财政、金融、审计{_S}税务"),
    (("审计",), f"财政、金融、审计{_S}审计"),
    (("社会保险", "养老保险", "医疗保险", "工伤", "失业保险", "住房公积金", "社会保障", "社会救助",
      "抚恤", "优待"), f"劳动、人事、监察{_S}社会保障"),
    (("保险",), f"财政、金融、审计{_S}保险"),
    (("证券", "期货", "基金", "信托"), f"财政、金融、审计{_S}证券"),
    (("银行", "人民币", "货币", "外汇", "洗钱", "信用卡", "票据", "金融", "贷款", "存款"),
     f"财政、金融、审计{_S}银行"),
    (("预算", "财政", "国债", "会计", "政府采购", "彩票", "发票", "国库", "金库"), f"财政、金融、审计{_S}财政"),
    (("国有资产", "国有企业"), f"国民经济管理、国有资产监管{_S}国有资产监管"),
    (("统计",), f"国民经济管理、国有资产监管{_S}统计"),
    (("价格", "物价", "收费"), f"国民经济管理、国有资产监管{_S}物价"),
    (("节约能源", "节能", "循环经济", "资源综合利用", "清洁生产"),
     f"国民经济管理、国有资产监管{_S}节能与资源综合利用"),
    (("污染", "环境", "生态", "排污", "废物", "噪声", "大气", "辐射", "自然保护区", "碳", "垃圾", "水体", "臭氧", "气候", "秸秆"),
     f"城乡建设、环境保护{_S}环境监测、保护与治理"),
    (("农药", "兽药", "种子", "农业", "农村", "农民专业", "农产品", "畜牧", "渔业", "动物防疫", "粮食",
      "耕地", "农机", "植物检疫", "蚕", "农田", "储备粮", "水产"), f"农业、林业、水利{_S}农业、畜牧业、渔业"),
    (("森林", "林业", "林木", "草原", "湿地", "野生", "绿化", "古树"), f"农业、林业、水利{_S}林业"),
    (("水利", "防洪", "河道", "水土保持", "水资源", "河湖", "河长", "抗旱", "水库", "水法", "节约用水",
      "供水", "排水", "灌溉", "长江", "黄河", "湖泊"), f"农业、林业、水利{_S}水利"),
    (("土地", "不动产", "国土"), f"国土资源、能源{_S}土地"),
    (("矿",), f"国土资源、能源{_S}矿产"),
    (("海洋", "海域", "海岛", "领海", "海底"), f"国土资源、能源{_S}海洋"),
    (("气象", "水文", "测绘", "地震", "地图"), f"国土资源、能源{_S}气象、水文、测绘、地震"),
    (("电力", "能源", "煤炭", "石油", "天然气", "原子能", "核安全", "核材料", "可再生", "供电", "燃气"),
     f"国土资源、能源{_S}能源"),
    (("公路", "道路", "客运", "货运", "出租汽车"), f"工业、交通{_S}公路"),
    (("铁路",), f"工业、交通{_S}铁路"),
    (("轨道交通",), f"工业、交通{_S}其他"),
    (("航空", "机场", "飞行"), f"工业、交通{_S}民航"),
    (("港口", "航道", "海上交通", "船舶", "船员", "内河", "航运", "水路", "海商", "海事"), f"工业、交通{_S}水运"),
    (("邮政", "快递"), f"工业、交通{_S}邮政"),
    (("电信", "互联网", "网络", "数据", "信息化", "无线电", "计算机", "信息"),
     f"工业、交通{_S}信息产业（含电信）"),
    (("海关", "进出口", "出口", "进口", "口岸", "出入境检验"), f"商贸、海关、旅游{_S}海关"),
    (("对外贸易", "外商", "外资", "对外", "境外投资", "反倾销", "反补贴", "保障措施"), f"商贸、海关、旅游{_S}对外经贸合作"),
    (("旅游", "导游", "旅馆"), f"商贸、海关、旅游{_S}旅游"),
    (("中医", "中药"), f"卫生、体育{_S}医药管理"),
    (("食品", "药品", "药", "医疗器械", "化妆品", "疫苗"), f"市场监管、安全生产监管{_S}食品药品监管"),
    (("安全生产", "消防", "危险化学品", "特种设备", "烟花爆竹", "矿山安全", "电梯", "事故"),
     f"市场监管、安全生产监管{_S}安全生产监管"),
    (("质量", "标准化", "计量", "认证认可", "检验检测"), f"市场监管、安全生产监管{_S}质量监督"),
    (("专利", "商标", "著作权", "版权", "知识产权", "植物新品种", "布图设计"), f"科技、教育{_S}知识产权"),
    (("消费者", "不正当竞争", "垄断", "广告", "市场", "公司", "企业", "个体工商户", "合伙", "拍卖",
      "招标投标", "商品", "产品", "合同", "电子商务", "标价"), f"市场监管、安全生产监管{_S}市场监管"),
    (("专营", "预付", "商业", "零售", "供销", "烟草", "盐业", "食盐"), f"商贸、海关、旅游{_S}国内贸易（含供销）"),
    (("信用", "民营经济", "经济", "开发区", "营商环境"), f"国民经济管理、国有资产监管{_S}宏观经济"),
    (("城乡规划", "城市规划", "规划", "历史文化名城", "风景名胜"), f"城乡建设、环境保护{_S}城市规划"),
    (("建筑", "住房", "住宅", "房屋", "房地产", "物业", "城市", "市容", "建设", "市政", "园林", "公园", "墙体", "管线"),
     f"城乡建设、环境保护{_S}城乡建设（含住房）"),
    (("科学", "科技", "技术"), f"科技、教育{_S}科技"),
    (("教育", "学校", "教师", "学位", "高等", "学前", "义务教", "幼儿园"), f"科技、教育{_S}教育"),
    (("广播", "电影", "电视"), f"文化、广电、新闻出版{_S}广播影视"),
    (("出版", "印刷", "新闻", "音像", "报刊"), f"文化、广电、新闻出版{_S}新闻出版"),
    (("文化", "图书馆", "博物馆", "演出", "娱乐", "非物质"), f"文化、广电、新闻出版{_S}文化"),
    (("体育", "全民健身"), f"卫生、体育{_S}体育"),
    (("人口", "计划生育", "生育"), f"人口与计划生育、妇女儿童工作{_S}人口与计划生育"),
    (("妇女", "儿童", "未成年人", "母婴"), f"人口与计划生育、妇女儿童工作{_S}妇女儿童"),
    (("医疗", "医师", "护士", "卫生", "传染病", "疾病", "献血", "血液", "精神", "健康", "医院", "病", "器官", "免疫", "吸烟"),
     f"卫生、体育{_S}卫生"),
    (("劳动", "就业", "工资", "职工", "休假", "工时", "农民工"), f"劳动、人事、监察{_S}劳动就业"),
    (("公务员", "人事", "事业单位", "干部", "法官", "检察官", "人才", "退休"), f"劳动、人事、监察{_S}人事工作"),
    (("监察", "行政监督"), f"劳动、人事、监察{_S}监察"),
    (("公安", "治安", "警察", "户口", "户籍", "身份证", "出境入境", "出入境", "枪支", "毒品", "禁毒",
      "集会", "游行", "犯罪", "刑事"), f"公安、安全、司法{_S}公安"),
    (("司法", "法院", "检察院", "律师", "公证", "仲裁", "诉讼", "监狱", "人民调解", "法律援助", "审判",
      "刑法", "法治"), f"公安、安全、司法{_S}司法"),
    (("救灾", "减灾", "防灾", "灾害"), f"民政、扶贫、救灾{_S}减灾救灾"),
    (("慈善", "福利", "养老", "残疾人", "老年人", "殡葬", "志愿服务", "社会组织"), f"民政、扶贫、救灾{_S}社会福利"),
    (("扶贫", "乡村振兴"), f"民政、扶贫、救灾{_S}扶贫"),
    (("行政区划", "地名", "区域界线"), f"民政、扶贫、救灾{_S}行政区划与地名"),
    (("婚姻", "收养", "家庭"), f"民政、扶贫、救灾{_S}婚姻登记"),
    (("民族", "自治"), f"民族、宗教{_S}民族事务"),
    (("宗教",), f"民族、宗教{_S}宗教事务"),
    (("香港", "澳门"), f"港澳台侨工作{_S}港澳工作"),
    (("台湾", "台胞"), f"港澳台侨工作{_S}对台工作"),
    (("华侨", "归侨", "侨"), f"港澳台侨工作{_S}侨务工作"),
    (("外交", "领事", "条约", "外国", "国籍", "国旗", "国徽", "国歌"), f"对外事务{_S}外交、外事"),
    (("国防动员", "人民防空", "兵役", "征兵", "民兵"), f"国防{_S}国防动员"),
    (("国防", "军事", "军人", "武器装备", "退役", "军队", "军用"), f"国防{_S}其他"),
    (("人民代表大会", "选举", "立法", "法规", "政务服务", "文明行为", "行政许可", "行政处罚", "行政复议", "行政强制", "政府", "规章"),
     f"综合政务{_S}其他"),
]
DEFAULT_SUBJECT = f"其他{_S}其他"
JUDICIAL_SUBJECT = f"公安、安全、司法{_S}司法"

_DATE_PREFIX = re.compile(r"^\s*\S*?[0-9０-９]+日\s*")
_CONGRESS_PLACE = re.compile(r"^经?([\u4e00-\u9fa5]{2,12}?(?:省|市|自治区|自治州|自治县|县|区))第?[一二三四五六七八九十]+届")
_TITLE_PLACE = re.compile(r"^([\u4e00-\u9fa5]{2,8}?(?:省|市|自治区|自治州|自治县))")
# A ministry's name ends in 部/局/署/委员会/银行 and is followed by its order number or its meeting.
_MINISTRY = re.compile(r"^经?([\u4e00-\u9fa5、]+?(?:部|局|署|委员会|银行))(?:令|第|部长|局长|署长|主任|务会议)")
_PRC = "中华人民共和国"
_REVISION = re.compile(r"修订|修正|修改")
_LINE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# A revision adopted on a day and approved (经…批准) or published later: the corpus's version_date is the later
# date, at most this many days after adoption (the lines of 283 records show it; the rest share the day).
REVISION_TO_VERSION_DAYS = 180
# A first version is published within months of its adoption, approval by the province included: of the 1,246
# records without a revision line whose version_date is later than promulgated, 922 fall within six months, 17
# between six months and a year, 307 more than a year later — revisions the lines do not list (北京市公园条例:
# adopted 2002, this version 2019).
FIRST_VERSION_MAX_DAYS = 365
_VERSION_SUFFIX = re.compile(r"\(\d{4}-\d{2}-\d{2}\)$")
_NON_WORD = re.compile(r"[\W_]+")
# A part's file name where it is not what the part is called: the 民法典's first 编 is filed as 总则.
PART_NAMES = {"总则": "总则编"}


def law_title(record: dict[str, Any]) -> str:
    """The title of a corpus record, with the part of a code it holds when its file is named after the part."""
    title = record["title"]
    if (record.get("category") or "") not in LAW_BRANCHES:
        return title
    stem = _VERSION_SUFFIX.sub("", (record.get("source_path") or "").rsplit("/", 1)[-1].removesuffix(".md"))
    plain_stem = _NON_WORD.sub("", stem).replace(_PRC, "")
    plain_title = _NON_WORD.sub("", title).replace(_PRC, "")
    if not plain_stem or plain_stem in plain_title or plain_title in plain_stem:
        return title
    return f"{title}（{PART_NAMES.get(stem, stem)}）"


def law_subject(title: str, category: str) -> str:
    """The subject code for a corpus record: judicial categories first, then the first keyword rule."""
    if category in JUDICIAL_CATEGORIES:
        return JUDICIAL_SUBJECT
    for keywords, subject in SUBJECT_RULES:
        if any(word in title for word in keywords):
            return subject
    return DEFAULT_SUBJECT


def law_doc_type(category: str) -> str:
    """The 公文种类 for a corpus category."""
    if category in DIRECT_TYPES:
        return category
    if category in LAW_BRANCHES:
        return "法律"
    return "其他"


def _adoption_line(lines: list[str]) -> str | None:
    """The first line naming a people's congress (人民代表大会 / 人大) or a government."""
    return next((line for line in lines if "人民代表" in line or "人大" in line or "人民政府" in line), None)


def _local_issuer(title: str, region: str | None, lines: list[str]) -> str:
    line = _adoption_line(lines)
    place = None
    if line is not None:
        match = _CONGRESS_PLACE.match(_DATE_PREFIX.sub("", line))
        place = match.group(1) if match else None
    if place is None:
        # Adoption lines sometimes drop the place ("市十四届人大常委会"); the title always starts with it.
        match = _TITLE_PLACE.match(title)
        place = match.group(1) if match else None
    if place is None and region:
        place = region + ("市" if region in MUNICIPALITIES else "省")
    if place is None:
        return ""
    if line is not None and "人民政府" in line and "人民代表" not in line and "人大" not in line:
        return f"{place}人民政府"
    if line is not None and "常务委员会" not in line and "常委会" not in line:
        return f"{place}人民代表大会"
    return f"{place}人民代表大会常务委员会"


def _national_law_issuer(lines: list[str]) -> str:
    line = next((line for line in lines if "全国人民代表大会" in line), None)
    if line is not None and "常务委员会" not in line:
        return "全国人民代表大会"
    return "全国人民代表大会常务委员会"


def _judicial_issuer(title: str, lines: list[str]) -> list[str]:
    for text in (" ".join(lines), title):
        found = sorted((text.find(name), name) for name in ("最高人民法院", "最高人民检察院") if name in text)
        if found:
            return [name for _, name in found]
    # Only a court tries cases (审理), so an unsigned interpretation about trying cases is the court's.
    return ["最高人民法院"] if "审理" in title else []


def _ministry_issuer(lines: list[str], source_path: str) -> list[str]:
    for line in lines:
        match = _MINISTRY.match(_DATE_PREFIX.sub("", line))
        if match:
            return [name.removeprefix(_PRC) for name in match.group(1).split("、") if name]
    # The collection files each ministry's rules in a folder named after it: 部门规章/公安部/….
    parts = source_path.split("/")
    return [parts[1]] if len(parts) > 2 and parts[0] == "部门规章" else []


def law_issuers(record: dict[str, Any]) -> list[str]:
    """The 发文机关 names of a corpus record, read from its category, region and promulgation lines, each in the
    one spelling the issuer table gives (人力资源社会保障部 and 人力资源和社会保障部 are one issuer)."""
    return list(dict.fromkeys(issuer_name(name) for name in _law_issuers(record) if name))


def _law_issuers(record: dict[str, Any]) -> list[str]:
    category = record.get("category") or ""
    lines = [str(line) for line in record.get("issuer_lines") or []]
    title = record.get("title") or ""
    if category == "行政法规":
        joint = any("中央军事委员会" in line for line in lines)
        return ["国务院", "中央军事委员会"] if joint else ["国务院"]
    if category == "司法解释":
        return _judicial_issuer(title, lines)
    if category == "地方性法规":
        issuer = _local_issuer(title, record.get("region"), lines)
        return [issuer] if issuer else []
    if category == "部门规章":
        return _ministry_issuer(lines, record.get("source_path") or "")
    if category in LAW_BRANCHES:
        return [_national_law_issuer(lines)]
    return []


def _iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(unicodedata.normalize("NFKC", value)) if value else None
    except ValueError:
        return None


def law_signed_on(record: dict[str, Any]) -> str | None:
    """成文日期 of a corpus record: the adoption date of the version it holds (see the table above)."""
    promulgated, version = _iso(record.get("promulgated")), _iso(record.get("version_date"))
    first = promulgated.isoformat() if promulgated else (record.get("promulgated") or None)
    if version is None or (promulgated is not None and version < promulgated):
        # Which version the text is cannot be told (the 发布日期 stays the promulgation's too), or the two dates
        # contradict each other: keep the one the lines give.
        return first
    revised: list[dt.date] = []
    for line in record.get("issuer_lines") or []:
        line = unicodedata.normalize("NFKC", str(line))
        if not _REVISION.search(line):
            continue
        for match in _LINE_DATE.finditer(line):
            if line[max(0, match.start() - 1):match.start()] == "经":
                continue  # the date a higher congress approved it, not the date it was adopted
            try:
                revised.append(dt.date(int(match[1]), int(match[2]), int(match[3])))
            except ValueError:
                continue
    revised = [d for d in revised if (promulgated is None or d >= promulgated) and d <= version]
    if revised and (version - max(revised)).days <= REVISION_TO_VERSION_DAYS:
        return max(revised).isoformat()
    if revised or promulgated is None or (version - promulgated).days > FIRST_VERSION_MAX_DAYS:
        return version.isoformat()
    return first


def map_law(record: dict[str, Any]) -> dict[str, Any]:
    """Turn one corpus record into one native import line (see the table in this module's docstring)."""
    category = record.get("category") or ""
    region = record.get("region") or ""
    promulgated = record.get("promulgated") or None
    version_date = record.get("version_date") or None
    formed_on = version_date if version_date and (not promulgated or version_date >= promulgated) else None
    return {
        "external_id": f"law-{record['id']}",
        "title": law_title(record),
        "body": record["body"],
        "body_format": "markdown",
        "doc_number": record.get("doc_number") or "",
        "doc_type": law_doc_type(category),
        "subject": law_subject(record["title"], category),
        "issuer": law_issuers(record),
        "signed_on": law_signed_on(record),
        "formed_on": formed_on,
        "published_on": version_date or promulgated,
        "effective_on": record.get("effective") or None,
        "validity": "valid",
        "status": "published",
        "tags": [tag for tag in (category, region) if tag],
    }
