"""Guide, catalogue, negative list and ledger through the services: roles, validation, review, audit."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalog import queries, rules, services
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry
from gongkai.catalog.states import CatalogState
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.rules import DisclosurePeriod, Validity
from tests import factories

GUIDE = {"how_to_apply": "通过网站在线申请或到受理点书面申请。", "office_name": "目录市财政局办公室",
         "office_hours": "工作日 9:00-12:00，13:30-17:30", "fax": "0571-88880001", "email": "gk@example.gov.cn",
         "postcode": "310000"}


def test_guide_draft_is_reviewed_then_public_with_the_agency_address(office):
    guide = services.save_guide(office["officer"], office["agency"], GUIDE)
    assert guide.state == CatalogState.DRAFT and guide.published == {}
    with pytest.raises(PermissionDenied):
        services.publish_entry(office["team"][Role.DRAFTER], guide)
    guide = services.publish_entry(office["head"], guide)
    assert guide.state == CatalogState.PUBLIC
    assert guide.reviewed_on == timezone.localdate() and guide.reviewed_by == office["head"]
    # Address and phone come from the agency where the guide gives none.
    assert guide.published["address"] == "目录市人民路1号" and guide.published["phone"] == "0571-88880000"
    services.save_guide(office["officer"], office["agency"], {**GUIDE, "office_hours": "每周一至周五"})
    guide = Guide.objects.get(pk=guide.pk)
    assert guide.has_unpublished_changes and guide.published["office_hours"] == GUIDE["office_hours"]
    assert AuditEntry.objects.filter(action="catalog.save_guide", object_id=str(guide.pk)).count() == 2
    assert AuditEntry.objects.filter(action="publish", object_id=str(guide.pk)).count() == 1


def test_a_bad_guide_is_refused_field_by_field_and_nothing_is_stored(office):
    with pytest.raises(DomainError) as caught:
        services.save_guide(office["officer"], office["agency"], {**GUIDE, "postcode": "31000", "email": "不是邮箱"})
    assert set(caught.value.errors) == {"postcode", "email"}
    assert "6位数字" in caught.value.errors["postcode"][0]
    assert not Guide.objects.exists()


def test_a_guide_without_its_required_content_cannot_be_published(office):
    guide = services.save_guide(office["officer"], office["agency"], {"office_name": "办公室"})
    with pytest.raises(DomainError) as caught:
        services.publish_entry(office["head"], guide)
    assert "申请方式" in caught.value.message and Guide.objects.get().state == CatalogState.DRAFT


def test_staff_of_another_agency_cannot_edit(office):
    stranger = factories.make_staff(office["government"], Role.DISCLOSURE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.save_guide(stranger, office["agency"], GUIDE)


def test_stale_guides_for_the_general_office(office):
    general = factories.make_staff(office["government"], Role.DISCLOSURE_HEAD, covers_subordinates=True)
    from gongkai.disclosure.queries import handling_agencies

    agencies = handling_agencies(general)
    today = timezone.localdate()
    assert [a for a, _ in queries.stale_guides(agencies, today)] == agencies
    guide = services.publish_entry(office["head"], services.save_guide(office["officer"], office["agency"], GUIDE))
    assert office["agency"] not in [a for a, _ in queries.stale_guides(agencies, today)]
    Guide.objects.filter(pk=guide.pk).update(reviewed_on=dt.date(today.year - 1, 6, 1))
    assert office["agency"] in [a for a, _ in queries.stale_guides(agencies, today)]


def test_default_catalogue_seeds_article_20_once(office):
    made = services.seed_default_catalog(office["officer"], office["agency"])
    # A department makes no 规章: its default catalogue has every item of 第二十条 but that one.
    assert len(made) == len(rules.DEFAULT_ITEMS) - 1
    assert not CatalogItem.objects.filter(agency=office["agency"], category=rules.Category.RULES).exists()
    assert services.seed_default_catalog(office["officer"], office["agency"]) == []
    government = services.seed_default_catalog(factories.make_staff(office["government"], Role.DISCLOSURE_OFFICER),
                                               office["government"])
    assert len(government) == len(rules.DEFAULT_ITEMS)
    assert all(i.level_county and not i.level_local and i.mode == "proactive" for i in made)
    licensing = CatalogItem.objects.get(agency=office["agency"], category=rules.Category.LICENSING)
    assert licensing.period == DisclosurePeriod.LICENSING_PENALTY
    assert licensing.time_limit == rules.time_limit_text(DisclosurePeriod.LICENSING_PENALTY)
    assert "第二十条" in licensing.basis
    assert all(i.state == CatalogState.DRAFT for i in made)


def test_an_item_with_an_unknown_mapping_is_refused(office):
    with pytest.raises(DomainError) as caught:
        services.save_item(office["officer"], office["agency"], {
            "category": "budget", "content": "部门预算", "basis": "《预算法》", "doc_type": "公函", "subject": "火星"})
    assert set(caught.value.errors) == {"doc_type", "subject"}
    assert not CatalogItem.objects.exists()


def test_item_met_on_time_and_late(office):
    agency, team = office["agency"], office["team"]
    item = services.save_item(office["officer"], agency, {
        "category": "normative", "content": "行政规范性文件", "basis": "《条例》第二十条第（一）项",
        "period": DisclosurePeriod.REGULATION, "doc_type": "行政规范性文件"})
    status = queries.item_status(item)
    assert status.mapped and status.count == 0 and not status.met
    today = timezone.localdate()
    on_time = factories.make_document(team, agency, title="按时文件", doc_type="行政规范性文件", signed_on=today,
                                      doc_number="目财规〔2026〕1号")
    status = queries.item_status(item)
    assert status.count == 1 and status.met and status.label == "已按时公开"
    late = factories.make_document(team, agency, title="超期文件", doc_type="行政规范性文件",
                                   signed_on=today - dt.timedelta(days=120), doc_number="目财规〔2026〕2号")
    status = queries.item_status(item)
    assert status.count == 2 and not status.met and [d.pk for d, _ in status.late] == [late.pk]
    assert on_time.pk not in [d.pk for d, _ in status.late]
    # A draft never counts.
    factories.make_document(team, agency, publish=False, title="草稿", doc_type="行政规范性文件")
    assert queries.item_status(item).count == 2


def test_documents_no_item_takes_in_are_listed_until_one_does(office, client):
    agency, team = office["agency"], office["team"]
    normative = factories.make_document(team, agency, title="未归目录的规范性文件", doc_type="行政规范性文件",
                                        doc_number="目财规〔2026〕9号")
    notice = factories.make_document(team, agency, title="未归目录的通知", doc_type="通知", doc_number="")
    factories.make_document(team, agency, publish=False, title="未归目录的草稿", doc_type="通知")
    assert set(queries.unfiled_documents(agency)) == {normative, notice}  # a draft is no published document
    item = services.save_item(office["officer"], agency, {
        "category": "normative", "content": "行政规范性文件", "basis": "《条例》第二十条第（一）项",
        "doc_type": "行政规范性文件"})
    assert list(queries.unfiled_documents(agency)) == [notice]
    client.force_login(office["officer"])
    page = client.get(f"/staff/catalog/?agency={agency.code}").content.decode()
    assert "未归入任何目录事项的已公开文件（1 件）" in page and "未归目录的通知" in page
    services.retire_entry(office["head"], services.publish_entry(office["head"], item), "不再适用")
    assert set(queries.unfiled_documents(agency)) == {normative, notice}  # a retired item takes in nothing


def test_ledger_generated_edited_and_cross_checked(office):
    agency, team = office["agency"], office["team"]
    a = factories.make_document(team, agency, title="规范性文件甲", doc_type="行政规范性文件", doc_number="目财规〔2026〕3号")
    b = factories.make_document(team, agency, title="规范性文件乙", doc_type="行政规范性文件", doc_number="目财规〔2026〕4号")
    made = services.generate_ledger(office["officer"], agency)
    assert {e.document_id for e in made} == {a.pk, b.pk}
    assert services.generate_ledger(office["officer"], agency) == []
    assert queries.ledger_differences(agency).total == 0
    # The ledger says 已废止 where the library says 有效; a row names a document never published; and a new
    # normative document is published without a ledger row.
    row = LedgerEntry.objects.get(document=a)
    services.save_ledger_entry(office["officer"], agency, {"validity": rules.LedgerValidity.REPEALED}, row)
    ghost = services.save_ledger_entry(office["officer"], agency, {
        "title": "未公开的规范性文件", "doc_number": "目财规〔2025〕9号", "doc_type": "行政规范性文件"})
    c = factories.make_document(team, agency, title="规范性文件丙", doc_type="行政规范性文件", doc_number="目财规〔2026〕5号")
    diff = queries.ledger_differences(agency)
    assert [e.pk for e in diff.not_published] == [ghost.pk]
    assert [d.pk for d in diff.not_in_ledger] == [c.pk]
    assert [(e.pk, d.pk) for e, d in diff.validity] == [(row.pk, a.pk)]
    publishing.set_validity(team[Role.PUBLISHER], b, Validity.REPEALED, repealed_on=timezone.localdate(),
                            comment="已废止")
    assert len(queries.ledger_differences(agency).validity) == 2


def test_a_ledger_row_of_another_type_is_refused(office):
    with pytest.raises(DomainError) as caught:
        services.save_ledger_entry(office["officer"], office["agency"], {"title": "通知", "doc_type": "通知"})
    assert "doc_type" in caught.value.errors and not LedgerEntry.objects.exists()


def test_retire_needs_a_reason_and_takes_it_off(office):
    entry = services.save_negative_entry(office["officer"], office["agency"], {
        "category": "国家秘密", "content": "涉密的财政专项资金安排", "basis": "《条例》第十四条"})
    entry = services.publish_entry(office["head"], entry)
    with pytest.raises(DomainError):
        services.retire_entry(office["head"], entry, "")
    entry = services.retire_entry(office["head"], entry, "已解密")
    assert entry.state == CatalogState.RETIRED


def test_a_document_withheld_on_a_ground_off_the_list_is_flagged(office):
    from gongkai.publishing.rules import DisclosureMode, WithholdingGround

    agency, team = office["agency"], office["team"]
    withheld = factories.make_document(team, agency, publish=False, title="内部管理制度",
                                       disclosure_mode=DisclosureMode.WITHHELD,
                                       withholding_ground=WithholdingGround.INTERNAL_AFFAIRS,
                                       withholding_reason="机关内部管理")
    factories.make_document(team, agency, title="公开的通知")
    assert [d.pk for d in queries.withheld_off_list([agency])] == [withheld.pk]
    entry = services.save_negative_entry(office["officer"], agency, {
        "category": "内部事务信息", "content": "人事、后勤管理和内部工作流程", "basis": "《条例》第十六条第一款",
        "ground": WithholdingGround.INTERNAL_AFFAIRS})
    assert queries.withheld_off_list([agency]) != []  # a draft entry does not cover it yet
    services.publish_entry(office["head"], entry)
    assert queries.withheld_off_list([agency]) == []
