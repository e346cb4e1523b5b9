"""The public column and the staff pages through the test client: what shows, what is refused, XLSX round trip."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongkai.catalog import services
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry
from gongkai.catalog.states import CatalogState
from gongkai.core.errors import DomainError
from gongkai.orgs.roles import Role
from tests import factories
from tests.catalog.test_services import GUIDE
from tests.disclosure_factories import disclosure_team


def _public_catalogue(office):
    agency = office["agency"]
    services.seed_default_catalog(office["officer"], agency)
    for item in CatalogItem.objects.filter(agency=agency):
        services.publish_entry(office["head"], item)
    services.publish_entry(office["head"], services.save_guide(office["officer"], agency, GUIDE))
    factories.make_document(office["team"], agency, title="目录市财政局行政规范性文件", doc_type="行政规范性文件",
                            doc_number="目财规〔2026〕7号")


def test_the_column_has_the_statutory_structure(client, office):
    _public_catalogue(office)
    agency = office["agency"]
    page = client.get(reverse("zfxxgk") + f"?agency={agency.code}").content.decode()
    for heading in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年度报告", "依申请公开",
                    "机构职能", "规章", "规范性文件", "规划计划", "统计信息", "财政预决算", "行政许可"):
        assert heading in page, heading
    assert "/zfxxgk/ndbg/" in page and reverse("ysq-apply") in page
    # The normative item links into the library with its filter, and counts the public document.
    assert f"/xxgk/documents/?agency={agency.code}&amp;doc_type=%E8%A1%8C%E6%94%BF%E8%A7%84%E8%8C%83%E6%80%A7" \
           in page
    assert "（1 件）" in page
    guide = client.get(reverse("zfxxgk-guide", args=[agency.code])).content.decode()
    assert GUIDE["office_hours"] in guide and "目录市人民路1号" in guide
    assert agency.name in client.get(reverse("zfxxgk-guides")).content.decode()
    catalogue = client.get(reverse("zfxxgk-catalogue") + f"?agency={agency.code}").content.decode()
    assert "规范性文件（行政法规" in catalogue and ">全部 1 件</a>" in catalogue
    assert "目录市财政局行政规范性文件" in catalogue


def test_unknown_agency_and_missing_guide_are_404(client, office):
    assert client.get(reverse("zfxxgk") + "?agency=NOPE").status_code == 404
    assert client.get(reverse("zfxxgk-guide", args=[office["agency"].code])).status_code == 404


def test_site_map_lists_the_column(client, office):
    page = client.get("/wzdt/").content.decode()
    for path in ("/zfxxgk/", "/zfxxgk/zn/", "/zfxxgk/ml/", "/zfxxgk/fmqd/", "/zfxxgk/ndbg/"):
        assert f'href="{path}"' in page, path


def test_sitemap_lists_the_column_and_only_public_guides(client, office, settings):
    """/sitemap.xml carries the column's pages, each agency's index and catalogue, and the public guides."""
    settings.GONGKAI_BASE_URL = "https://xxgk.example.gov.cn"
    agency = office["agency"]
    other = factories.make_agency("11000000CAT000003X", "目录市教育局", parent=office["government"])
    services.save_guide(disclosure_team(other)["officer"], other, GUIDE)  # a draft: not public
    before = client.get("/sitemap.xml").content.decode()
    assert "/zfxxgk/ml/?agency=" not in before and "/zfxxgk/zn/" + agency.code not in before
    _public_catalogue(office)
    sitemap = client.get("/sitemap.xml").content.decode()
    base = "https://xxgk.example.gov.cn"
    for path in ("/zfxxgk/", "/zfxxgk/zn/", "/zfxxgk/ml/", "/zfxxgk/fmqd/", "/zfxxgk/ndbg/",
                 f"/zfxxgk/?agency={agency.code}", f"/zfxxgk/ml/?agency={agency.code}",
                 f"/zfxxgk/zn/{agency.code}/"):
        assert f"<loc>{base}{path}</loc>" in sitemap, path
    assert f"/zfxxgk/zn/{other.code}/" not in sitemap and f"agency={other.code}" not in sitemap


def test_staff_edit_guide_keeps_typed_values_on_error(client, office):
    client.force_login(office["officer"])
    url = reverse("staff-catalog-guide", args=[office["agency"].code])
    response = client.post(url, {**GUIDE, "postcode": "abc"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "邮政编码应为6位数字" in body and GUIDE["office_name"] in body
    assert not Guide.objects.exists()
    assert client.post(url, GUIDE).status_code == 302
    assert Guide.objects.get().office_name == GUIDE["office_name"]


def test_staff_review_through_the_view(client, office):
    guide = services.save_guide(office["officer"], office["agency"], GUIDE)
    client.force_login(office["officer"])
    overview = client.get(reverse("staff-catalog")).content.decode()
    assert "本年度尚未审核" in overview and "审核并公开" not in overview
    client.post(reverse("staff-catalog-action", args=["guide", guide.pk]), {"action": "publish"})
    assert Guide.objects.get().state == CatalogState.DRAFT
    client.force_login(office["head"])
    assert "审核并公开" in client.get(reverse("staff-catalog")).content.decode()
    client.post(reverse("staff-catalog-action", args=["guide", guide.pk]), {"action": "publish"})
    assert Guide.objects.get().state == CatalogState.PUBLIC


def test_staff_without_a_disclosure_role_are_refused(client, office):
    client.force_login(office["team"][Role.DRAFTER])
    assert client.get(reverse("staff-catalog")).status_code == 403


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "catalog.xlsx"
    return out


def test_catalogue_xlsx_round_trip(client, office):
    agency = office["agency"]
    services.seed_default_catalog(office["officer"], agency)
    client.force_login(office["officer"])
    response = client.get(reverse("staff-catalog-export", args=[agency.code, "catalog"]))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    # The 54号 layout: a title row, then 公开事项 / 公开对象 / 公开方式 / 公开层级 over their sub-columns.
    assert "标准目录" in sheet["A1"].value
    top, sub = [c.value for c in sheet[2]], [c.value for c in sheet[3]]
    assert top[:2] == ["序号", "公开事项"] and sub[1:3] == ["一级事项", "二级事项"]
    for group, subs in (("公开对象", ["全社会", "特定群体"]), ("公开方式", ["主动", "依申请"]),
                        ("公开层级", ["县级", "乡、村级"])):
        assert sub[top.index(group):top.index(group) + 2] == subs
    assert "B2:C2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.max_row == CatalogItem.objects.count() + 3
    # 公开时限依据 has a drop-down of its allowed values.
    period_column = top.index("公开时限依据")
    validations = sheet.data_validations.dataValidation
    assert any(sheet.cell(row=4, column=period_column + 1).coordinate in v.sqref for v in validations)
    assert "《预算法》第十四条第二款" in [c.value for c in book["可选值"]["A"]]
    # Edit one row and import it back: the item is updated, none is added.
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    licensing = next(r for r in rows if r[1] == "行政许可")
    assert licensing[top.index("公开对象")] == "√" and licensing[top.index("公开方式")] == "√"
    licensing[top.index("责任科室")] = "行政审批科"
    upload = _xlsx(rows)
    client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]), {"file": upload})
    assert CatalogItem.objects.count() == len(rows) - 3
    assert CatalogItem.objects.get(category="licensing").office == "行政审批科"


def _standard_layout_rows():
    """A sheet drawn as 国办发〔2019〕54号's 社会救助 standard catalogue: title, two-row header, √ marks, merged 一级事项."""
    return [["社会救助领域基层政务公开标准目录", *[None] * 13],
            ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象",
             None, "公开方式", None, "公开层级", None],
            [None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群体", "主动", "依申请", "县级",
             "乡、村级"],
            [1, "社会救助", "最低生活保障", "低保对象认定条件、办理流程", "《社会救助暂行办法》", "20个工作日",
             "县级民政部门、乡镇人民政府", "■政府网站 ■公开查阅点", "√", None, "√", None, "√", "√"],
            [2, None, "特困人员救助供养", "特困人员名单", "《社会救助暂行办法》", "20个工作日", "县级民政部门",
             "■公开查阅点", None, "√", None, "√", None, "√"]]


def test_catalogue_import_takes_the_standard_layout_of_54(client, office):
    agency = office["agency"]
    client.force_login(office["officer"])
    response = client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]),
                           {"file": _xlsx(_standard_layout_rows())}, follow=True)
    assert "表头缺少" not in response.content.decode()
    first, second = CatalogItem.objects.order_by("id")
    assert (first.category_name, first.subcategory, first.category) == ("社会救助", "最低生活保障", "other")
    assert first.publisher == "县级民政部门、乡镇人民政府" and first.audience == "全社会" and first.mode == "proactive"
    assert first.level_county and first.level_local
    # The merged 一级事项 carries down; √ in 特定群体 / 依申请 / 乡、村级 only.
    assert second.category_name == "社会救助" and second.audience == "特定群体" and second.mode == "on_request"
    assert not second.level_county and second.level_local
    for item in (first, second):
        services.publish_entry(office["head"], item)
    page = client.get(reverse("zfxxgk-catalogue") + f"?agency={agency.code}").content.decode()
    for text in ("社会救助 / 最低生活保障", "县级民政部门、乡镇人民政府", "特定群体", "依申请", "乡、村级"):
        assert text in page, text
    api = client.get(f"/api/v1/catalog/{agency.code}").json()
    found = {r["subcategory"]: r for r in api["results"]}
    assert found["特困人员救助供养"]["audience"] == "特定群体" and found["特困人员救助供养"]["mode"] == "依申请"
    assert found["最低生活保障"]["levels"] == ["县级", "乡、村级"] and found["最低生活保障"]["category_name"] == "社会救助"
    # Exported again in the same layout, the items come back unchanged.
    exported = load_workbook(io.BytesIO(client.get(reverse("staff-catalog-export", args=[agency.code, "catalog"]))
                                        .content)).active
    rows = [[c.value for c in r] for r in exported.iter_rows()]
    client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]), {"file": _xlsx(rows)})
    assert CatalogItem.objects.count() == 2


def test_period_is_taken_by_its_short_name_and_a_wrong_one_lists_the_allowed(client, office):
    agency = office["agency"]
    client.force_login(office["officer"])
    header = ["一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限依据"]
    ok = _xlsx([header, ["财政预决算", "部门预算", "部门预算及报表", "《预算法》第十四条", "部门预算、决算及报表"],
                [header[0] and "财政预决算", "部门决算", "部门决算", "《预算法》第十四条", "《预算法》第十四条第二款"]])
    client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]), {"file": ok})
    assert set(CatalogItem.objects.values_list("period", flat=True)) == {"budget_law_art14_2"}
    bad = _xlsx([header, ["财政预决算", "部门预算", "部门预算及报表", "《预算法》第十四条", "随便写的时限"]])
    response = client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]), {"file": bad},
                           follow=True)
    body = response.content.decode()
    assert "第 2 行" in body and "《条例》第二十六条" in body and "涉企政策" in body


def test_a_bad_row_refuses_the_whole_import(client, office):
    agency = office["agency"]
    client.force_login(office["officer"])
    upload = _xlsx([["一级事项", "二级事项", "公开内容（要素）", "公开依据", "对应公文种类"],
                    ["财政预决算", "部门预算", "部门预算及说明", "《预算法》第十四条", ""],
                    ["财政预决算", "部门决算", "部门决算及说明", "", ""]])
    response = client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]), {"file": upload},
                           follow=True)
    assert "第 3 行" in response.content.decode()
    assert not CatalogItem.objects.exists()
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    response = client.post(reverse("staff-catalog-import", args=[agency.code, "catalog"]), {"file": junk},
                           follow=True)
    assert response.status_code == 200 and "无法读取该文件" in response.content.decode()


def test_ledger_import_and_page(client, office):
    agency = office["agency"]
    factories.make_document(office["team"], agency, title="已公开规范性文件", doc_type="行政规范性文件",
                            doc_number="目财规〔2026〕8号")
    client.force_login(office["officer"])
    upload = _xlsx([["文件名称", "发文字号", "类别", "成文日期", "有效性"],
                    ["已公开规范性文件", "目财规〔2026〕8号", "行政规范性文件", "2026-03-02", "现行有效"],
                    ["旧办法", "目财规〔2020〕1号", "行政规范性文件", "2020-01-05", "已废止"]])
    client.post(reverse("staff-catalog-import", args=[agency.code, "ledger"]), {"file": upload})
    assert LedgerEntry.objects.count() == 2
    page = client.get(reverse("staff-catalog-ledger", args=[agency.code])).content.decode()
    assert "台帐中有、文件库未公开（1）" in page and "旧办法" in page


def test_typed_text_is_exported_as_text_not_a_formula(client, office):
    agency = office["agency"]
    services.save_item(office["officer"], agency, {"category": "other", "content": "=HYPERLINK(\"http://x\")",
                                                   "basis": "《条例》第二十条"})
    client.force_login(office["officer"])
    response = client.get(reverse("staff-catalog-export", args=[agency.code, "catalog"]))
    cell = load_workbook(io.BytesIO(response.content)).active["D4"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"


def test_review_of_a_huge_or_unknown_id_is_404(client, office):
    client.force_login(office["head"])
    for path in ("/staff/catalog/review/item/99999999999999999999/", "/staff/catalog/review/nope/1/"):
        assert client.post(path, {"action": "publish"}).status_code == 404, path
    assert client.get(f"/staff/catalog/{office['agency'].code}/nope/0/").status_code == 404
    assert client.get(f"/staff/catalog/{office['agency'].code}/catalog/import/").status_code == 405


def test_histories_and_help_show_no_internal_names(client, office):
    agency = office["agency"]
    item = services.save_item(office["officer"], agency, {"category": "other", "content": "其他信息",
                                                          "basis": "《条例》第二十条"})
    services.publish_entry(office["head"], item)
    services.publish_entry(office["head"], services.save_guide(office["officer"], agency, GUIDE))
    client.force_login(office["officer"])
    for url in (reverse("staff-catalog-entry", args=[agency.code, "item", item.pk]),
                reverse("staff-catalog-guide", args=[agency.code])):
        page = client.get(url).content.decode()
        for internal in ("catalog.save_", "publish（", "draft", "public）", "rules.py"):
            assert internal not in page, (url, internal)
        assert "审核并公开（草稿（未公开） → 已公开）" in page
    assert "保存目录事项草稿" in client.get(reverse("staff-catalog-entry", args=[agency.code, "item", item.pk])
                                        ).content.decode()


def test_the_guide_form_reports_every_bad_field_at_once_in_chinese(client, office):
    agency = office["agency"]
    client.force_login(office["officer"])
    response = client.post(reverse("staff-catalog-guide", args=[agency.code]), {
        "how_to_apply": "", "office_name": "", "office_hours": "", "email": "not-an-email", "postcode": "12ab",
        "website": "javascript:alert(1)"})
    body = response.content.decode()
    assert response.status_code == 400
    for message in ("请填写依申请公开的申请方式。", "请输入有效的电子邮箱地址。", "邮政编码应为6位数字。", "http:// 或 https://"):
        assert message in body, message
    assert "Email" not in body and 'value="javascript:alert(1)"' in body
    assert not Guide.objects.filter(agency=agency).exists()
    with pytest.raises(DomainError, match="http"):
        services.save_guide(office["officer"], agency, {**GUIDE, "website": "javascript:alert(1)"})


def test_dashboard_warns_of_a_missing_catalogue_or_negative_list(client, office):
    client.force_login(office["officer"])
    page = client.get(reverse("staff-dashboard")).content.decode()
    assert 'id="no-catalogue"' in page and 'id="no-negative"' in page and office["agency"].name in page
    _public_catalogue(office)
    page = client.get(reverse("staff-dashboard")).content.decode()
    assert 'id="no-catalogue"' not in page and 'id="no-negative"' in page


def test_a_new_ledger_row_has_no_category_until_chosen(client, office):
    client.force_login(office["officer"])
    page = client.get(reverse("staff-catalog-entry", args=[office["agency"].code, "ledger", 0])).content.decode()
    assert '<option value="" selected>请选择</option>' in page
