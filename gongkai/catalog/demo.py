"""Demo guide, catalogue, negative list and ledger, so the 政府信息公开 column is not empty after `make run`.
Run after the demo agencies, users and documents exist; running it again changes nothing that exists."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gongkai.catalog import services
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry, NegativeListEntry
from gongkai.orgs.models import Agency
from gongkai.publishing.rules import WithholdingGround

# The town's guide stays a draft: the general office sees it among the guides not reviewed this year.
DRAFT_GUIDE = "11339900MB0000009J"
CATALOGUED = ("11339900MB0000001A", "11339900MB0000004D", "11339900MB0000005E")
NEGATIVE = [
    ("国家秘密", "依法确定为国家秘密的政府信息，如涉密的应急物资储备布局", "《中华人民共和国政府信息公开条例》第十四条；"
     "《中华人民共和国保守国家秘密法》", WithholdingGround.STATE_SECRET),
    ("内部事务信息", "人事管理、后勤管理、内部工作流程等方面的信息", "《中华人民共和国政府信息公开条例》第十六条第一款",
     WithholdingGround.INTERNAL_AFFAIRS),
    ("过程性信息", "讨论记录、过程稿、磋商信函、请示报告等", "《中华人民共和国政府信息公开条例》第十六条第二款",
     WithholdingGround.PROCESS_INFORMATION),
]


def _guide(agency: Agency) -> dict[str, str]:
    return {
        "classification": "本机关主动公开的政府信息分为机构职能、政策文件、规划计划、财政预决算、行政许可和行政处罚、"
                          "统计信息等类别，按类别和发布日期编排，每条信息有唯一的索引号。",
        "how_to_obtain": "主动公开的政府信息通过示例市人民政府门户网站“政府信息公开”专栏、政府公报、新闻发布会及"
                         "市档案馆、图书馆的政府信息查阅点公开。",
        "how_to_apply": "申请人可通过门户网站“依申请公开”栏目在线提交申请，也可以信函或当面递交书面申请。申请时请提供"
                        "身份证明、联系方式、所需政府信息的名称或文号等特征描述，以及获取信息的方式。",
        "office_name": f"{agency.name}政府信息公开工作机构",
        "address": agency.address or "示例市人民大道1号",
        "office_hours": "工作日上午 9:00—12:00，下午 13:30—17:30（法定节假日除外）",
        "phone": agency.phone or "0571-12345678",
        "fax": "0571-12345679",
        "email": "gk@example.gov.cn",
        "postcode": "310000",
    }


def load_demo_catalog() -> dict[str, int]:
    """Guides for every demo agency (one left as a draft), a reviewed catalogue and negative list for three
    agencies, and the ledger generated from the library."""
    users = get_user_model().objects
    officer, head = users.get(username="officer"), users.get(username="head")
    agencies = list(Agency.objects.filter(code__startswith="11339900MB"))
    for agency in agencies:
        if Guide.objects.filter(agency=agency).exists():
            continue
        guide = services.save_guide(officer, agency, _guide(agency))
        if agency.code != DRAFT_GUIDE:
            services.publish_entry(head, guide, "年度审核")
    for agency in (a for a in agencies if a.code in CATALOGUED):
        if not CatalogItem.objects.filter(agency=agency).exists():
            for item in services.seed_default_catalog(officer, agency):
                services.publish_entry(head, item)
        if not NegativeListEntry.objects.filter(agency=agency).exists():
            for category, content, basis, ground in NEGATIVE:
                entry = services.save_negative_entry(officer, agency, {"category": category, "content": content,
                                                                       "basis": basis, "ground": ground})
                services.publish_entry(head, entry, "年度审核")
        if not LedgerEntry.objects.filter(agency=agency).exists():
            services.generate_ledger(officer, agency)
    return {"guides": Guide.objects.count(), "catalog_items": CatalogItem.objects.count(),
            "negative_entries": NegativeListEntry.objects.count(), "ledger": LedgerEntry.objects.count()}
