"""`gongkai import documents`: JSONL in, documents through the services, idempotent by external_id."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from gongkai import cli
from gongkai.core.audit import history
from gongkai.core.taxonomy import ALL_SUBJECTS
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.corpus import SUBJECT_RULES, law_issuers, law_signed_on, map_law
from gongkai.publishing.importer import ImportSummary, import_file
from gongkai.publishing.models import Document, Revision
from gongkai.publishing.rules import DisclosureMode, DisclosurePeriod, Validity, WithholdingGround
from gongkai.publishing.states import State
from gongkai.publishing.visibility import is_public, public_documents

ROOT_CODE = "11000000TEST00001X"
CHILD_CODE = "11000000TEST00002X"


def record(n: int = 1, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"external_id": f"ext-{n}", "title": f"关于第{n}项工作的通知",
                              "body": f"第一段，编号{n}。\n第二段。"}
    values.update(fields)
    return values


def write(tmp_path: Path, lines: list[dict[str, Any] | str], name: str = "docs.jsonl", *, gz: bool = False) -> Path:
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                   for line in lines)
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


def run(path: Path, **options: Any) -> tuple[ImportSummary, str]:
    out = io.StringIO()
    summary = import_file(path, out=out, **options)
    return summary, out.getvalue()


def doc(external_id: str = "ext-1") -> Document:
    return Document.objects.select_related("latest_revision", "live_revision", "agency").get(external_id=external_id)


def test_a_line_becomes_a_draft_with_its_metadata(agency, tmp_path):
    path = write(tmp_path, [record(
        doc_number="测政发〔2026〕3号", doc_type="意见", subject="综合政务/政务公开", signed_on="2026-03-02",
        effective_on="2026年4月1日", issuer="测试市财政局、某某省人民政府", tags="政务公开,惠企",
        body_format="markdown", body="## 总则\n\n第一条 为了**公开**。")])
    summary, output = run(path)
    assert (summary.created, summary.updated, summary.unchanged, summary.failed) == (1, 0, 0, 0)
    assert "新建 1，更新 0，未变 0，失败 0" in output
    document = doc()
    rev = document.latest_revision
    assert document.agency.code == ROOT_CODE  # no agency given: the root agency
    assert document.state == State.DRAFT and not is_public(document)
    assert document.effective_on == dt.date(2026, 4, 1) and document.validity == Validity.VALID
    assert (rev.title, rev.doc_number, rev.doc_type, rev.subject) == (
        "关于第1项工作的通知", "测政发〔2026〕3号", "意见", "综合政务\\政务公开")
    assert rev.signed_on == dt.date(2026, 3, 2) and rev.disclosure_mode == DisclosureMode.PROACTIVE
    assert [a.name for a in rev.issuing_agencies.all()] == ["测试市财政局"]
    assert rev.other_issuers == "某某省人民政府"
    assert rev.issuer == "测试市财政局、某某省人民政府"
    assert sorted(t.name for t in rev.tags.all()) == ["惠企", "政务公开"]
    assert "<h2>总则</h2>" in rev.body_html and "<strong>公开</strong>" in rev.body_html
    assert [e.action for e in history(document)] == ["create_document"]
    assert history(document).first().actor_name == "系统"


def test_defaults_text_body_other_subject_and_agency_option(agency, tmp_path):
    summary, _ = run(write(tmp_path, [record(issuer=["某某委员会", "某某局"])]), agency_code=CHILD_CODE)
    assert summary.created == 1
    document = doc()
    rev = document.latest_revision
    assert document.agency == agency
    assert (rev.subject, rev.doc_type) == ("其他\\其他", "其他")
    assert rev.body_html == "<p>第一段，编号1。</p><p>第二段。</p>"  # body_format defaults to text
    assert rev.other_issuers == "某某委员会、某某局"


def test_explicit_agency_code_wins_over_the_default(agency, tmp_path):
    run(write(tmp_path, [record(agency=CHILD_CODE)]))
    assert doc().agency == agency


def test_reimporting_the_same_file_changes_nothing(agency, tmp_path):
    path = write(tmp_path, [record(1, status="published", published_on="2026-01-05", tags=["甲"]),
                            record(2), record(3, disclosure_mode="不予公开", withheld_reason="涉及国家秘密",
                                              withholding_ground="art14_state_secret")])
    first, _ = run(path)
    assert (first.created, first.failed) == (3, 0)
    audit_count = sum(history(d).count() for d in Document.objects.all())
    second, output = run(path)
    assert (second.created, second.updated, second.unchanged, second.failed) == (0, 0, 3, 0)
    assert "新建 0，更新 0，未变 3，失败 0" in output
    assert Document.objects.count() == 3 and Revision.objects.count() == 3
    assert sum(history(d).count() for d in Document.objects.all()) == audit_count


def test_a_changed_published_line_gets_a_new_revision_that_goes_live(agency, tmp_path):
    run(write(tmp_path, [record(1, status="published", published_on="2026-01-05"), record(2)]))
    summary, output = run(write(tmp_path, [record(1, status="published", published_on="2026-01-05",
                                                  title="关于第1项工作的通知（修订）"), record(2)]))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert "新建 0，更新 1，未变 1，失败 0" in output
    document = doc()
    assert document.revisions.count() == 2
    assert document.live_revision_id == document.latest_revision_id
    assert document.live_revision.title == "关于第1项工作的通知（修订）"
    assert document.state == State.PUBLISHED and is_public(document)
    assert document.published_on == dt.date(2026, 1, 5)
    assert [e.action for e in history(document)] == [
        "create_document", "imported_as_published", "save_revision", "imported_as_published"]


def test_a_changed_line_of_a_public_document_is_dated_the_day_of_import(agency, tmp_path):
    # The source keeps the 成文日期 of the first version: the change must not be dated by it.
    run(write(tmp_path, [record(1, status="published", published_on="2026-01-05", signed_on="2026-01-02")]))
    changed = record(1, signed_on="2026-01-02", title="关于第1项工作的通知（修订）")
    summary, _ = run(write(tmp_path, [changed]))
    assert (summary.updated, summary.failed) == (1, 0), summary.errors
    assert doc().latest_revision.formed_on == timezone.localdate()
    summary, _ = run(write(tmp_path, [changed]))
    assert summary.unchanged == 1, "re-importing the same line writes no further revision"


def test_a_changed_line_dated_before_the_public_version_is_rejected(agency, tmp_path):
    run(write(tmp_path, [record(1, status="published", published_on="2026-01-05", formed_on="2026-01-02")]))
    summary, output = run(write(tmp_path, [record(1, title="改过的标题", formed_on="2026-01-04"),
                                           record(1, title="改过的标题", formed_on="2026-01-06")]))
    assert (summary.updated, summary.failed) == (1, 1)
    assert "第 1 行" in output and "不能早于现行公开版本的发布日期（2026-01-05）" in output
    assert doc().latest_revision.formed_on == dt.date(2026, 1, 6)


@pytest.mark.parametrize(("value", "expected"), [
    (None, DisclosurePeriod.REGULATION),
    ("budget_law_art14_2", DisclosurePeriod.DEPARTMENT_BUDGET),
    (DisclosurePeriod.GOVERNMENT_BUDGET.label, DisclosurePeriod.GOVERNMENT_BUDGET),
])
def test_disclosure_period_accepts_codes_and_chinese(agency, tmp_path, value, expected):
    fields = {} if value is None else {"disclosure_period": value}
    summary, _ = run(write(tmp_path, [record(1, **fields)]))
    assert summary.created == 1, summary.errors
    assert doc().latest_revision.disclosure_period == expected


def test_an_unknown_disclosure_period_is_a_line_error(agency, tmp_path):
    summary, output = run(write(tmp_path, [record(1, disclosure_period="三十日")]))
    assert summary.failed == 1
    assert "公开时限依据（disclosure_period）的值“三十日”无法识别" in output


def test_a_changed_draft_line_gets_a_new_draft_revision(agency, tmp_path):
    run(write(tmp_path, [record(1)]))
    summary, _ = run(write(tmp_path, [record(1, body="新的正文。")]))
    assert summary.updated == 1
    document = doc()
    assert [r.number for r in document.revisions.all()] == [2, 1]
    assert document.latest_revision.body_html == "<p>新的正文。</p>"
    assert document.state == State.DRAFT and document.live_revision is None


@pytest.mark.parametrize("change", [{"tags": ["甲", "乙"]}, {"issuer": "测试市财政局"}, {"issuer": "某某局"},
                                    {"subject": "财政、金融、审计"}, {"signed_on": "2026-01-02"},
                                    {"effective_on": "2026-02-01"}, {"disclosure_mode": "依申请公开",
                                                                     "withheld_reason": "仅涉及申请人"}])
def test_any_changed_field_counts_as_an_update(agency, tmp_path, change):
    run(write(tmp_path, [record(1, tags=["甲"])]))
    summary, _ = run(write(tmp_path, [record(1, **{"tags": ["甲"], **change})]))
    assert (summary.updated, summary.unchanged, summary.failed) == (1, 0, 0), summary.errors
    assert doc().revisions.count() == 2
    summary, _ = run(write(tmp_path, [record(1, **{"tags": ["甲"], **change})]))
    assert summary.unchanged == 1


def test_a_draft_archive_reimported_as_published_goes_live_without_a_new_revision(agency, tmp_path):
    run(write(tmp_path, [record(1)]))
    summary, _ = run(write(tmp_path, [record(1, status="published")]))
    assert summary.updated == 1
    document = doc()
    assert document.revisions.count() == 1 and is_public(document)


def test_published_status_is_audited_as_imported_and_public(agency, tmp_path):
    summary, _ = run(write(tmp_path, [record(1, status="已发布", published_on="2025-12-30")]))
    assert summary.created == 1
    document = doc()
    assert list(public_documents()) == [document]
    assert document.published_on == dt.date(2025, 12, 30)
    entry = history(document).get(action="imported_as_published")
    assert (entry.actor_id, entry.actor_name, entry.from_state, entry.to_state) == (
        None, "系统", State.DRAFT, State.PUBLISHED)


@pytest.mark.parametrize("mode", ["withheld", "不予公开", "on_application", "依申请公开"])
def test_a_non_proactive_line_marked_published_is_rejected(agency, tmp_path, mode):
    line = record(1, status="published", disclosure_mode=mode, withheld_reason="涉及第三方合法权益",
                  withholding_ground="art15_third_party")
    summary, output = run(write(tmp_path, [line]))
    assert summary.failed == 1 and summary.created == 0
    assert summary.errors[0].line == 1
    assert "不予公开或依申请公开的信息不能以已发布状态导入" in summary.errors[0].reason
    assert "第 1 行：" in output
    assert not Document.objects.exists()


def test_withholding_ground_defaults_for_on_application_but_not_for_withheld(agency, tmp_path):
    summary, _ = run(write(tmp_path, [
        record(1, disclosure_mode="依申请公开", withheld_reason="仅涉及特定申请人"),
        record(2, disclosure_mode="withheld", withheld_reason="涉及国家秘密"),
    ]))
    assert (summary.created, summary.failed) == (1, 1)
    assert doc("ext-1").latest_revision.withholding_ground == WithholdingGround.SPECIFIC_NEED
    assert summary.errors[0].line == 2 and "withholding_ground" in summary.errors[0].reason


@pytest.mark.parametrize(("value", "expected", "extra"), [
    ("valid", Validity.VALID, {}), ("有效", Validity.VALID, {}),
    ("expired", Validity.EXPIRED, {"expires_on": "2026-02-01"}), ("失效", Validity.EXPIRED, {"expires_on": "2026-02-01"}),
    ("repealed", Validity.REPEALED, {"repealed_on": "2026-02-01"}),
    ("废止", Validity.REPEALED, {"repealed_on": "2026-02-01"}),
    ("amended", Validity.AMENDED, {}), ("已修订", Validity.AMENDED, {}),
])
def test_validity_accepts_codes_and_chinese(agency, tmp_path, value, expected, extra):
    summary, _ = run(write(tmp_path, [record(1, validity=value, **extra)]))
    assert summary.created == 1, summary.errors
    assert doc().validity == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("proactive", DisclosureMode.PROACTIVE), ("主动公开", DisclosureMode.PROACTIVE),
    ("on_application", DisclosureMode.ON_APPLICATION), ("依申请公开", DisclosureMode.ON_APPLICATION),
    ("withheld", DisclosureMode.WITHHELD), ("不予公开", DisclosureMode.WITHHELD),
])
def test_disclosure_mode_accepts_codes_and_chinese(agency, tmp_path, value, expected):
    summary, _ = run(write(tmp_path, [record(1, disclosure_mode=value, withheld_reason="理由",
                                             withholding_ground="art16_process")]))
    assert summary.created == 1, summary.errors
    rev = doc().latest_revision
    assert rev.disclosure_mode == expected
    assert rev.withholding_ground == ("" if expected == DisclosureMode.PROACTIVE else "art16_process")


def test_every_bad_line_is_reported_with_its_number_and_the_rest_imports(agency, tmp_path):
    lines: list[dict[str, Any] | str] = [
        record(1),                                                   # 1 good
        '{"external_id": "x", "title": ',                            # 2 invalid JSON
        '["not", "an", "object"]',                                   # 3 not an object
        record(4, title=""),                                         # 4 missing title
        {"external_id": "ext-5", "title": "无正文"},                  # 5 missing body
        record(6, signed_on="2026-02-30"),                           # 6 bad date
        record(7, agency="NO-SUCH-AGENCY"),                          # 7 unknown agency
        record(8, disclosure_mode="不予公开", withheld_reason="涉密",
               withholding_ground="art14_state_secret", status="published"),  # 8 withheld + published
        record(9, subject="天文地理"),                                # 9 unknown subject
        record(10, doc_type="便条"),                                  # 10 unknown doc_type
        record(11, validity="废止"),                                  # 11 DomainError from validate
        record(12, validity="作废"),                                  # 12 unknown validity
        "",                                                          # 13 blank: skipped
        record(14, body_format="docx"),                              # 14 unknown body format
        {"title": "没有外部编号", "body": "正文"},                      # 15 missing external_id
        record(16, status="archived"),                               # 16 unknown status
        record(17),                                                  # 17 good
    ]
    summary, output = run(write(tmp_path, lines))
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    reasons = {e.line: e.reason for e in summary.errors}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16]
    assert "不是有效的 JSON" in reasons[2]
    assert "JSON 对象" in reasons[3]
    assert "缺少必填字段标题（title）" in reasons[4]
    assert "缺少必填字段正文（body）" in reasons[5]
    assert "成文日期（signed_on）不是有效日期" in reasons[6]
    assert "未知的机关代码" in reasons[7] and "NO-SUCH-AGENCY" in reasons[7]
    assert "不能以已发布状态导入" in reasons[8]
    assert "未知的主题分类" in reasons[9]
    assert "未知的公文种类" in reasons[10]
    assert "已废止的文件请填写废止日期" in reasons[11]
    assert "有效性（validity）的值“作废”无法识别" in reasons[12]
    assert "text、markdown 或 html" in reasons[14]
    assert "外部编号（external_id）" in reasons[15]
    assert "导入状态（status）" in reasons[16]
    assert f"失败 {summary.failed}" in output and summary.failed == 14
    for number in reasons:
        assert f"第 {number} 行：" in output
    assert sorted(Document.objects.values_list("external_id", flat=True)) == ["ext-1", "ext-17"]


def test_reimport_changes_the_validity_of_a_published_document(agency, tmp_path):
    run(write(tmp_path, [record(1, status="published")]))
    summary, _ = run(write(tmp_path, [record(1, status="published", validity="已修订")]))
    assert (summary.updated, summary.failed) == (1, 0)
    assert doc().validity == Validity.AMENDED and doc().revisions.count() == 1
    assert doc().live_revision_id is not None
    summary, _ = run(write(tmp_path, [record(1, status="published", validity="废止", repealed_on="2026-09-01")]))
    assert summary.updated == 1 and doc().validity == Validity.REPEALED
    assert doc().repealed_on == dt.date(2026, 9, 1)
    summary, _ = run(write(tmp_path, [record(1, status="published", validity="废止", repealed_on="2026-09-01")]))
    assert summary.unchanged == 1


def test_reimport_does_not_republish_a_withdrawn_document(team, agency, tmp_path):
    path = write(tmp_path, [record(1, agency=CHILD_CODE, status="published")])
    run(path)
    services.withdraw_document(team[Role.PUBLISHER], doc(), "内容有误")
    summary, _ = run(path)
    assert summary.failed == 1 and "已撤回" in summary.errors[0].reason
    assert doc().is_withdrawn and not is_public(doc())


def test_reimport_cannot_move_a_document_to_another_agency(agency, tmp_path):
    run(write(tmp_path, [record(1)]))
    summary, _ = run(write(tmp_path, [record(1, agency=CHILD_CODE)]))
    assert summary.failed == 1 and "公开主体" in summary.errors[0].reason


def test_gzip_is_read_by_suffix_and_by_magic_bytes(agency, tmp_path):
    summary, _ = run(write(tmp_path, [record(1), record(2)], "docs.jsonl.gz", gz=True))
    assert summary.created == 2
    summary, _ = run(write(tmp_path, [record(3)], "no-suffix.jsonl", gz=True))
    assert summary.created == 1
    assert Document.objects.count() == 3


def test_a_truncated_gzip_keeps_the_lines_before_the_damage(agency, tmp_path):
    # Varied bodies so that the compressed stream is long enough to cut into.
    lines = [record(n, body="".join(chr(0x4E00 + (n * i * 7919) % 20000) for i in range(2000))) for n in range(1, 40)]
    path = write(tmp_path, lines, "docs.jsonl.gz", gz=True)
    path.write_bytes(path.read_bytes()[:-200])
    summary, output = run(path)
    assert summary.failed == 1 and "文件读取中断" in summary.errors[0].reason
    assert summary.created == Document.objects.count() > 0


def test_invalid_utf8_is_a_line_error(agency, tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_bytes(json.dumps(record(1)).encode() + b"\n\xff\xfe{}\n")
    summary, _ = run(path)
    assert summary.created == 1 and summary.errors[0].line == 2 and "UTF-8" in summary.errors[0].reason


def _cli(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    return exit_info.value.code


def test_cli_imports_and_prints_the_summary(agency, tmp_path, capsys):
    path = write(tmp_path, [record(1), record(2, status="published"), "not json"])
    assert _cli(["import", "documents", str(path)]) == 1  # a failed line makes the exit status 1
    out = capsys.readouterr().out
    assert "第 3 行：不是有效的 JSON" in out
    assert "新建 2，更新 0，未变 0，失败 1" in out
    # The trial of 2026-12-02: after importing, a deployer was not told how search and the Q&A catch up.
    assert cli.IMPORT_NEXT_STEP in out and "gongkai qa sync" in out
    good = write(tmp_path, [record(1), record(2, status="published")], "good.jsonl")
    assert _cli(["import", "documents", str(good), "--agency", ROOT_CODE]) == 0
    out = capsys.readouterr().out
    assert "新建 0，更新 0，未变 2，失败 0" in out and cli.IMPORT_NEXT_STEP not in out  # nothing new: nothing to do


def test_cli_reports_a_missing_file_and_an_unknown_agency(agency, tmp_path, capsys):
    assert _cli(["import", "documents", str(tmp_path / "missing.jsonl")]) == 1
    assert "找不到文件" in capsys.readouterr().err
    path = write(tmp_path, [record(1)])
    assert _cli(["import", "documents", str(path), "--agency", "NOPE"]) == 1
    assert "NOPE" in capsys.readouterr().err
    assert not Document.objects.exists()


def test_laws_mapping_is_applied_before_the_native_checks(agency, tmp_path):
    law = {"id": "00000000000000aa", "title": "中华人民共和国政府信息公开条例", "category": "行政法规",
           "region": None, "doc_number": "中华人民共和国国务院令第711号",
           "issuer_lines": ["2007年4月5日 中华人民共和国国务院令第492号公布",
                            "2019年4月3日 中华人民共和国国务院令第711号修订", "2019年5月15日 施行"],
           "promulgated": "2007-04-05", "effective": "2019-05-15", "version_date": "2019-04-03",
           "body": "## 第一章 总则\n\n第一条 为了保障公民、法人和其他组织依法获取政府信息，制定本条例。",
           "source_path": "行政法规/政府信息公开条例(2019-04-03).md"}
    summary, _ = run(write(tmp_path, [law, {"id": "bad"}]), mapping="laws")
    assert (summary.created, summary.failed) == (1, 1)
    assert summary.errors[0].line == 2
    document = doc("law-00000000000000aa")
    rev = document.live_revision
    assert (rev.doc_type, rev.subject, rev.other_issuers) == ("行政法规", "综合政务\\政务公开", "国务院")
    # The 2019 revision is this version: its 成文日期 is the revision's, not the first adoption in 2007.
    assert (rev.signed_on, rev.formed_on) == (dt.date(2019, 4, 3), dt.date(2019, 4, 3))
    assert document.published_on == dt.date(2019, 4, 3) and document.effective_on == dt.date(2019, 5, 15)
    assert "<h2>第一章 总则</h2>" in rev.body_html
    assert [t.name for t in rev.tags.all()] == ["行政法规"]


@pytest.mark.parametrize(("fields", "issuers"), [
    ({"category": "地方性法规", "region": "北京", "issuer_lines": []}, ["北京市人民代表大会常务委员会"]),
    ({"category": "地方性法规", "region": "山东", "issuer_lines": []}, ["山东省人民代表大会常务委员会"]),
    ({"category": "地方性法规", "region": "浙江",
      "issuer_lines": ["2014年12月26日 宁波市第十四届人民代表大会常务委员会第十五次会议通过"]},
     ["宁波市人民代表大会常务委员会"]),
    ({"category": "地方性法规", "region": "河南", "issuer_lines": ["2001年1月1日 河南省第九届人民代表大会第四次会议通过"]},
     ["河南省人民代表大会"]),
    ({"category": "未知类别", "region": None, "issuer_lines": []}, []),
    ({"category": "行政法", "region": None, "issuer_lines": ["1989年4月4日 第七届全国人民代表大会第二次会议通过"]},
     ["全国人民代表大会"]),
    ({"category": "经济法", "region": None, "issuer_lines": []}, ["全国人民代表大会常务委员会"]),
    ({"category": "司法解释", "region": None,
      "issuer_lines": ["2018年9月3日 最高人民法院审判委员会第1747次会议、2018年12月12日最高人民检察院第十三届检察委员会第十一次会议通过"]},
     ["最高人民法院", "最高人民检察院"]),
    ({"category": "部门规章", "region": None, "issuer_lines": ["2021年8月26日 国家市场监督管理总局令第47号公布"]},
     ["国家市场监督管理总局"]),
    ({"category": "行政法规", "region": None,
      "issuer_lines": ["2004年8月1日 中华人民共和国国务院、中华人民共和国中央军事委员会令第413号公布"]},
     ["国务院", "中央军事委员会"]),
])
def test_law_issuers(fields, issuers):
    assert law_issuers({"title": "某某条例", **fields}) == issuers


@pytest.mark.parametrize(("fields", "issuers"), [
    # The ministry's folder name and its order lines spell it two ways: one issuer (issue #11).
    ({"category": "部门规章", "issuer_lines": ["劳社部发[2008]3号"],
      "source_path": "部门规章/人力资源社会保障部/关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).md"},
     ["人力资源和社会保障部"]),
    ({"category": "部门规章", "issuer_lines": ["2008年7月17日 经人力资源和社会保障部第6次部务会议通过"]},
     ["人力资源和社会保障部"]),
    ({"category": "部门规章", "issuer_lines": ["2003年8月18日 食品药品监管局、海关总署第4号令公布"]},
     ["国家食品药品监督管理局", "海关总署"]),
    # 经 (approved by) is not part of the congress's name.
    ({"category": "地方性法规", "region": "重庆",
      "issuer_lines": ["2005年3月1日 经酉阳土家族苗族自治县第十四届人民代表大会第三次会议通过"]},
     ["酉阳土家族苗族自治县人民代表大会"]),
])
def test_law_issuers_are_written_one_way(fields, issuers):
    assert law_issuers({"title": "某某办法", "region": None, **fields}) == issuers


def test_native_import_writes_issuers_one_way(agency, tmp_path):
    summary, _ = run(write(tmp_path, [record(1, status="published", published_on="2026-01-05",
                                             issuer="人社部、人力资源社会保障部、中华人民共和国海关总署")]))
    assert summary.created == 1
    assert doc("ext-1").live_revision.other_issuers == "人力资源和社会保障部、海关总署"


@pytest.mark.parametrize(("fields", "signed_on"), [
    # A first version: the adoption date, even when published (or approved by the province) months later.
    ({"promulgated": "2017-08-31", "version_date": "2017-10-11",
      "issuer_lines": ["2017年8月31日 东营市第八届人民代表大会常务委员会第5次会议通过",
                       "2017年9月30日 山东省第十二届人民代表大会常务委员会第三十二次会议批准"]}, "2017-08-31"),
    # Revised: the date of the revision this version is.
    ({"promulgated": "2011-11-17", "version_date": "2020-05-14",
      "issuer_lines": ["2011年11月17日 上海市第十三届人民代表大会常务委员会第三十次会议通过",
                       "2020年5月14日 上海市第十五届人民代表大会常务委员会第二十一次会议《关于修改本市部分地方性法规的决定》第一次修正"]},
     "2020-05-14"),
    # Adopted by the city, approved (经…批准) by the province later: the adoption of the revision.
    ({"promulgated": "2014-12-26", "version_date": "2020-01-17",
      "issuer_lines": ["2019年12月27日 威海市第十七届人民代表大会常务委员会第二十一次会议通过并经2020年1月15日山东省第十三届"
                       "人民代表大会常务委员会第十六次会议批准的《关于修改<威海市城市风貌保护条例>等五件地方性法规的决定》修正"]},
     "2019-12-27"),
    # A revision dated inside a line (…修订根据2017年11月23日…修正).
    ({"promulgated": "1993-02-06", "version_date": "2017-11-23",
      "issuer_lines": ["2013年11月21日 上海市第十四届人民代表大会常务委员会第九次会议修订根据2017年11月23日上海市第十四届"
                       "人民代表大会常务委员会第四十一次会议《关于修改本市部分地方性法规的决定》第二次修正"]}, "2017-11-23"),
    # The lines stop at an older revision, or list none: the version's own date, years after the first.
    ({"promulgated": "2003-08-08", "version_date": "2021-11-25",
      "issuer_lines": ["2017年11月23日 上海市第十四届人民代表大会常务委员会第四十一次会议《关于修改本市部分地方性法规的决定》第三次修正"]},
     "2021-11-25"),
    ({"promulgated": "2002-10-17", "version_date": "2019-07-26",
      "issuer_lines": ["2002年10月17日 北京市第十一届人民代表大会常务委员会第三十七次会议通过"]}, "2019-07-26"),
    # No version date: which version the text is cannot be told (its 发布日期 is the promulgation's), so the
    # promulgation; no dates at all stay empty.
    ({"promulgated": "2013-12-27", "version_date": None,
      "issuer_lines": ["2018年5月24日 上海市第十五届人民代表大会常务委员会第四次会议《关于修改本市部分地方性法规的决定》修正"]},
     "2013-12-27"),
    ({"promulgated": None, "version_date": "2020-06-01", "issuer_lines": []}, "2020-06-01"),
    ({"promulgated": None, "version_date": None, "issuer_lines": []}, None),
    # Dates that contradict each other (version before promulgation): the promulgation date the lines give.
    ({"promulgated": "2018-07-27", "version_date": "2012-01-13", "issuer_lines": []}, "2018-07-27"),
])
def test_law_signed_on_is_the_date_of_the_version(fields, signed_on):
    assert law_signed_on(fields) == signed_on


def test_law_mapping_types_subjects_and_tags():
    base = {"id": "1", "body": "正文", "doc_number": None, "promulgated": None, "effective": None,
            "version_date": None, "issuer_lines": [], "source_path": ""}
    mapped = map_law({**base, "title": "上海市环境保护条例", "category": "地方性法规", "region": "上海"})
    assert (mapped["doc_type"], mapped["subject"], mapped["tags"]) == (
        "地方性法规", "城乡建设、环境保护\\环境监测、保护与治理", ["地方性法规", "上海"])
    mapped = map_law({**base, "title": "中华人民共和国个人所得税法", "category": "经济法", "region": None})
    assert (mapped["doc_type"], mapped["subject"]) == ("法律", "财政、金融、审计\\税务")
    mapped = map_law({**base, "title": "中华人民共和国刑法修正案", "category": "刑法", "region": None})
    assert (mapped["doc_type"], mapped["subject"]) == ("法律", "公安、安全、司法\\司法")
    mapped = map_law({**base, "title": "某某攻略", "category": "其他", "region": None})
    assert (mapped["doc_type"], mapped["subject"], mapped["issuer"]) == ("其他", "其他\\其他", [])
    assert (mapped["status"], mapped["validity"], mapped["body_format"]) == ("published", "valid", "markdown")
    assert mapped["published_on"] is None and mapped["formed_on"] is None


def test_every_subject_rule_names_a_real_subject():
    assert {subject for _, subject in SUBJECT_RULES} <= ALL_SUBJECTS


def test_worker_processes_give_the_same_result(agency, tmp_path):
    lines: list[dict[str, Any] | str] = [record(n, body_format="markdown", body=f"## 第{n}章\n\n正文。")
                                         for n in range(1, 80)]
    lines[10] = "{broken"
    path = write(tmp_path, lines, "docs.jsonl.gz", gz=True)
    summary, _ = run(path, workers=1)
    assert (summary.created, summary.failed) == (78, 1) and summary.errors[0].line == 11
    assert doc("ext-79").latest_revision.body_html == "<h2>第79章</h2>\n<p>正文。</p>"
    summary, _ = run(path, workers=2)
    assert (summary.unchanged, summary.failed) == (78, 1)
