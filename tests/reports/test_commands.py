"""`gongkai report annual` as JSON and as XLSX read back."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook

from gongkai import cli
from gongkai.reports import rules

D = dt.date


def run(*argv: str) -> int:
    args = cli.build_parser().parse_args(["report", "annual", *argv])
    return args.func(args)


def _cases(city, case):
    finance = city["finance"]
    case(finance, D(2025, 12, 22), D(2026, 1, 12))
    case(finance, D(2026, 3, 2), D(2026, 3, 16), code="withheld.state_secret")
    case(finance, D(2026, 12, 21))
    case(city["health"], D(2026, 5, 5), D(2026, 5, 8))


def test_json_nests_rows_and_columns_by_code(city, case, tmp_path, capsys):
    _cases(city, case)
    assert run("--year", "2026", "--agency", city["government"].code, "--aggregate", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["table3"]["new"]["natural_person"] == 3
    assert report["table3"]["carried_over"]["total"] == 1
    assert report["table3"]["carried_forward"]["total"] == 1
    assert report["table3"]["withheld.state_secret"]["total"] == 1
    assert set(report["table3"]["new"]) == {c for c, _ in rules.TABLE3_COLUMNS}
    assert set(report["table4"]) == {"review", "direct", "after_review"}
    assert set(report["table2"]) == {t.value for t in rules.Table2Item}
    out = tmp_path / "r.json"
    assert run("--year", "2026", "--format", "json", "--out", str(out)) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["table3"] == report["table3"]


def test_unknown_agency_is_a_message(db, capsys):
    assert run("--year", "2026", "--agency", "NOPE") == 2
    assert "没有机构代码为 NOPE 的机关" in capsys.readouterr().err


def test_xlsx_reads_back_in_the_official_layout(city, case, tmp_path):
    _cases(city, case)
    out = tmp_path / "r.xlsx"
    assert run("--year", "2026", "--agency", city["finance"].code, "--format", "xlsx", "--out", str(out)) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["表二 主动公开", "表三 申请情况", "表四 复议诉讼", "说明"]
    t3 = book["表三 申请情况"]
    assert t3["A1"].value == "三、收到和处理政府信息公开申请情况"
    rows = {r[0] or r[1]: r[2:] for r in t3.iter_rows(min_row=5, values_only=True)}
    assert rows["一、本年新收政府信息公开申请数量"][0] == 2  # natural persons
    assert rows["二、上年结转政府信息公开申请数量"][-1] == 1
    assert rows["四、结转下年度继续办理"][-1] == 1
    assert rows["（七）总计"][-1] == 2
    assert "三、本年度办理结果" in rows
    t4 = book["表四 复议诉讼"]
    assert [c.value for c in t4[4]][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [c.value for c in t4[5]] == [0] * 15
    t2 = book["表二 主动公开"]
    labels = [r[0] for r in t2.iter_rows(values_only=True)]
    assert "规章" in labels and "行政规范性文件" in labels and "行政事业性收费" in labels
    info = dict(r[:2] for r in book["说明"].iter_rows(values_only=True))
    assert info["勾稽关系"] == "成立" and info["公布期限"] == "2027-01-31"


def test_figures_are_imported_from_the_command_line(city, tmp_path, capsys):
    from gongkai.reports.models import EnteredFigure

    path = tmp_path / "f.csv"
    path.write_text(f"机关代码,年度,事项,数值\n{city['finance'].code},2026,行政许可,42\n", encoding="utf-8")
    args = cli.build_parser().parse_args(["report", "figures", str(path)])
    assert args.func(args) == 0
    assert "已导入 1 项" in capsys.readouterr().out
    assert EnteredFigure.objects.get().entered_by is None  # the command runs as 系统 in the audit log


def test_docx_reads_back_with_sections_tables_and_narrative(city, case, tmp_path):
    from docx import Document

    from gongkai.reports import services

    _cases(city, case)
    officer = city["teams"][city["finance"].pk]["officer"]
    services.save_narrative(officer, city["finance"], 2026, "overview", "本局全年主动公开政府信息。")
    out = tmp_path / "r.docx"
    assert run("--year", "2026", "--agency", city["finance"].code, "--format", "docx", "--out", str(out)) == 0
    doc = Document(str(out))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "示例市财政局2026年政府信息公开工作年度报告"
    assert [t for t in text if t[:2] in {s.label[:2] for s in rules.Section}] == [s.label for s in rules.Section]
    assert "本局全年主动公开政府信息。" in text
    t3 = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("本列数据的勾稽关系"))
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in t3.rows}
    assert rows["二、上年结转政府信息公开申请数量"][-1] == "1"
    assert rows["四、结转下年度继续办理"][-1] == "1"
    header = t3.rows[0]._tr.trPr
    assert header is not None and "tblHeader" in header.xml  # repeated on every page the table runs over
    assert [c.text for c in doc.tables[-1].rows[1].cells][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_pdf_from_the_command_line_reads_back(city, case, tmp_path, capsys):
    import io
    import re

    from pypdf import PdfReader

    _cases(city, case)
    out = tmp_path / "r.pdf"
    assert run("--year", "2026", "--agency", city["finance"].code, "--format", "pdf", "--out", str(out)) == 0
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages))
    assert text.startswith("示例市财政局2026年政府信息公开工作年度报告")
    assert "二、上年结转政府信息公开申请数量" in text and "三、本年度办理结果" in text
    assert run("--year", "2026", "--agency", city["finance"].code, "--format", "pdf") == 2
    assert "PDF 格式须用 --out" in capsys.readouterr().err


def test_docx_and_xlsx_table_2_follow_the_official_blocks_and_headings(city, tmp_path):
    from docx import Document

    from gongkai.reports import services

    services.record_figure(None, city["finance"], 2026, "penalty", "7")
    docx_out, xlsx_out = tmp_path / "r.docx", tmp_path / "r.xlsx"
    for fmt, out in (("docx", docx_out), ("xlsx", xlsx_out)):
        assert run("--year", "2026", "--agency", city["finance"].code, "--format", fmt, "--out", str(out)) == 0
    doc = Document(str(docx_out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.label for s in rules.Section]
    blocks = {t.rows[0].cells[0].text: [[c.text for c in r.cells] for r in t.rows[2:]] for t in doc.tables
              if t.rows[0].cells[0].text.startswith("第二十条")}
    assert list(blocks) == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert blocks["第二十条第（六）项"] == [["行政处罚", "7"], ["行政强制", "未填报"]]
    labels = [r[0] for r in load_workbook(xlsx_out)["表二 主动公开"].iter_rows(values_only=True)]
    assert labels.count("第二十条第（六）项") == 1 and labels.count("第二十条第（一）项") == 1
