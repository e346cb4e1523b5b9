"""Versions of one document (历史版本): grouped by title and issuer, the newest public one current, older ones
已修订 and listed under it — on the library, the detail page and through imports — never a non-public one."""

from __future__ import annotations

import datetime as dt
import json

from gongkai.core.audit import history
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.corpus import law_title, map_law
from gongkai.publishing.importer import import_lines
from gongkai.publishing.models import Document
from gongkai.publishing.rules import Validity
from gongkai.publishing.versions import (
    current_documents,
    document_versions,
    normalized_title,
    older_versions,
    version_key,
)
from tests import factories

RULE = dict(title="测试市物业管理办法", doc_type="地方政府规章", doc_number="")


def _publish(team, agency, on: dt.date, **overrides):
    document = factories.make_document(team, agency, publish=False, **{**RULE, **overrides})
    factories.advance(team, document)
    services.publish_document(team[Role.PUBLISHER], document, published_on=on)
    return Document.objects.get(pk=document.pk)


def test_the_key_ignores_spacing_punctuation_and_the_country_name_but_not_the_issuer():
    key = dict(issuers=["最高人民法院", "最高人民检察院"], doc_type="司法解释", doc_number="", kind="policy")
    assert (version_key(title="最高人民法院 最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释", **key)
            == version_key(title="最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释", **key))
    assert normalized_title("中华人民共和国 公司法") == normalized_title("公司法") == "公司法"
    assert version_key(title="公司法", **key) != version_key(title="公司法", **{**key, "issuers": ["最高人民法院"]})
    # Parts and numbered interpretations stay apart.
    assert version_key(title="关于适用婚姻家庭编的解释（一）", **key) != version_key(title="关于适用婚姻家庭编的解释（二）", **key)
    # A regulation keeps its title through revisions whatever its order number; a notice is one act.
    law = dict(title="道路运输条例", issuers=["国务院"], doc_type="行政法规", kind="policy")
    assert version_key(doc_number="国务院令第406号", **law) == version_key(doc_number="国务院令第666号", **law)
    notice = dict(title="关于做好春节期间安全工作的通知", issuers=["测试市人民政府"], doc_type="通知", kind="policy")
    assert version_key(doc_number="测政发〔2025〕1号", **notice) != version_key(doc_number="测政发〔2026〕1号", **notice)
    assert version_key(title="", issuers=[], doc_type="通知", doc_number="", kind="policy") == ""


def test_the_laws_mapping_keeps_the_part_of_a_code_in_its_title():
    part = {"id": "x", "title": "中华人民共和国民法典", "category": "民法典", "body": "正文",
            "source_path": "民法典/合同编.md"}
    assert map_law(part)["title"] == "中华人民共和国民法典（合同编）"
    assert law_title({**part, "source_path": "民法典/总则.md"}) == "中华人民共和国民法典（总则编）"
    # A file named after its law (with or without the country name, a version date or different spacing) is not a part.
    for path in ("民法商法/公司法(2023-12-29).md", "宪法相关法/中华人民共和国立法法.md"):
        title = "中华人民共和国公司法" if "公司法" in path else "中华人民共和国立法法"
        assert law_title({**part, "title": title, "category": "民法商法", "source_path": path}) == title
    joint = {"title": "最高人民法院 最高人民检察院关于办理非法从事资金支付结算业务、非法买卖外汇刑事案件适用法律若干问题的解释",
             "category": "司法解释",
             "source_path": "司法解释/最高人民法院、最高人民检察院关于办理非法从事资金支付结算业务、非法买卖外汇刑事案件适用法律若干问题的解释.md"}
    assert law_title(joint) == joint["title"]


def test_the_newest_version_is_current_and_older_ones_become_amended(team, agency):
    old = _publish(team, agency, dt.date(2020, 1, 1))
    assert old.version_group and not old.superseded and old.validity == Validity.VALID
    new = _publish(team, agency, dt.date(2024, 5, 1))
    old.refresh_from_db()
    assert new.version_group == old.version_group
    assert old.superseded and not new.superseded
    assert old.validity == Validity.AMENDED and new.validity == Validity.VALID
    entry = list(history(old))[-1]
    assert entry.action == "set_validity" and "已有新版本《测试市物业管理办法》（2024-05-01）" in entry.comment
    assert list(current_documents()) == [new]
    assert [(v.id, v.current) for v in document_versions(old)] == [(new.pk, True), (old.pk, False)]
    assert [v.id for v in older_versions([new.pk])[new.pk]] == [old.pk]
    # A different issuer's rule of the same title is another document.
    other = factories.make_agency("11000000TEST00003X", "测试市住建局")
    other_team = factories.make_team(other)
    theirs = _publish(other_team, other, dt.date(2025, 1, 1))
    assert theirs.version_group != new.version_group and not theirs.superseded


def test_an_older_version_published_after_the_newer_one_is_amended_at_once(team, agency):
    new = _publish(team, agency, dt.date(2024, 5, 1))
    old = _publish(team, agency, dt.date(2020, 1, 1))
    assert old.superseded and old.validity == Validity.AMENDED
    new.refresh_from_db()
    assert not new.superseded and new.validity == Validity.VALID


def test_withdrawing_the_current_version_makes_the_previous_one_current(team, agency):
    old = _publish(team, agency, dt.date(2020, 1, 1))
    new = _publish(team, agency, dt.date(2024, 5, 1))
    services.withdraw_document(team[Role.PUBLISHER], new, "发现差错")
    old.refresh_from_db()
    assert not old.superseded
    assert list(current_documents()) == [old]
    # Its one other version is not public, so it has no versions to list.
    assert document_versions(old) == [] and older_versions([old.pk]) == {}


def test_a_renamed_revision_leaves_its_old_group(team, agency):
    old = _publish(team, agency, dt.date(2020, 1, 1))
    new = _publish(team, agency, dt.date(2024, 5, 1))
    services.save_revision(team[Role.DRAFTER], new, factories.data(**{**RULE, "title": "测试市住宅物业管理办法"}))
    factories.advance(team, new)
    services.publish_document(team[Role.PUBLISHER], new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.version_group != old.version_group and not old.superseded and not new.superseded


def test_library_and_detail_list_older_versions_under_the_current_one(client, team, agency):
    old = _publish(team, agency, dt.date(2020, 1, 1))
    new = _publish(team, agency, dt.date(2024, 5, 1))
    draft = factories.make_document(team, agency, publish=False, **RULE)  # never public: never listed
    listing = client.get("/xxgk/documents/").content.decode()
    assert "共 1 条" in listing and listing.count("测试市物业管理办法") == 2  # the current one, and one 历史版本
    assert "历史版本（1）" in listing and f"/xxgk/documents/{old.pk}/" in listing
    assert f"/xxgk/documents/{draft.pk}/" not in listing
    current = client.get(f"/xxgk/documents/{new.pk}/").content.decode()
    assert "历史版本" in current and "现行版本" in current and "2020-01-01" in current
    assert f"/xxgk/documents/{old.pk}/" in current and f"/xxgk/documents/{draft.pk}/" not in current
    older = client.get(f"/xxgk/documents/{old.pk}/").content.decode()
    assert "本文件已被修订，现行版本为" in older and f'href="/xxgk/documents/{new.pk}/"' in older
    column = client.get("/xxgk/").content.decode()
    assert column.count(f"/xxgk/documents/{old.pk}/") <= 1  # only as a 历史版本, not as a newest document


def test_import_groups_versions_and_reimport_keeps_them_amended(db):
    factories.make_agency("11000000TEST00001X", "测试市人民政府", kind="government")
    lines = [json.dumps({"external_id": f"v-{n}", "title": "测试市养犬管理条例", "body": f"第{n}版正文。", "doc_type": "地方性法规",
              "issuer": ["测试市人民代表大会常务委员会"], "published_on": on, "status": "published"},
                        ensure_ascii=False) for n, on in ((2, "2024-03-01"), (1, "2015-06-01"), (0, None))]
    summary = import_lines(lines)
    assert summary.created == 3 and not summary.errors, summary
    docs = {d.external_id: d for d in Document.objects.all()}
    assert not docs["v-2"].superseded and docs["v-2"].validity == Validity.VALID
    for older in ("v-1", "v-0"):  # dated earlier, or undated: both older than the dated current version
        assert docs[older].superseded and docs[older].validity == Validity.AMENDED
    assert [v.published_on for v in document_versions(docs["v-2"])] == [dt.date(2024, 3, 1), dt.date(2015, 6, 1), None]
    again = import_lines(lines)
    assert again.unchanged == 3, again
    assert Document.objects.get(external_id="v-1").validity == Validity.AMENDED


def test_same_day_duplicates_are_grouped_but_not_marked_amended(team, agency):
    first = _publish(team, agency, dt.date(2021, 1, 1))
    second = _publish(team, agency, dt.date(2021, 1, 1))
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert first.validity == second.validity == Validity.VALID
