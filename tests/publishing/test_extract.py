"""Reading an upload: real PDF, DOCX and XLSX files built here, and hostile ones refused with a Chinese message."""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import zipfile
import zlib

import docx
import pytest
from openpyxl import Workbook
from pypdf import PdfWriter
from weasyprint import HTML

from gongkai.core.errors import DomainError
from gongkai.publishing.extract import (
    EXCEL_COLUMNS,
    MAX_DOCX_PARAGRAPHS,
    MAX_PDF_PAGES,
    MAX_TEXT,
    MAX_XLSX_CELLS,
    MAX_ZIP_RATIO,
    ExtractedFile,
    check_file,
    read_upload,
)
from tests.samples import docx_bytes, minimal_pdf

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
COLUMNS = [f"{a}{b}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ"]  # 100 two-letter column names


def word_package(body: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A DOCX written entry by entry with zipfile: the package parts and a document.xml around `body`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>'))
        package.writestr("word/document.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" xmlns:r="{R}">'
            f"<w:body>{body}</w:body></w:document>"))
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def workbook_bytes(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(xlsx: bytes, sheet_data: str) -> bytes:
    """The workbook with its first sheet's rows replaced by `sheet_data` (rows too many to build with openpyxl)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = f'<?xml version="1.0"?><worksheet xmlns="{S}"><sheetData>{sheet_data}</sheetData></worksheet>'
            target.writestr(entry.filename, data)
    return buffer.getvalue()


def refusal(name: str, content: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        read_upload(name, content)
    assert caught.value.field == "attachments"
    assert caught.value.errors == {"attachments": [caught.value.message]}
    return caught.value


# --- text comes out of each kind --------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order():
    document = docx.Document()
    document.add_paragraph("第一条 为了规范政府信息公开工作，制定本办法。")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["项目", "金额", "备注"], strict=True):
        cell.text = value
    table.cell(1, 0).text = "办公经费"
    table.cell(1, 1).text = "12.5 万元"
    document.add_paragraph("第二条\t本办法自发布之日起施行。")
    buffer = io.BytesIO()
    document.save(buffer)

    upload = read_upload("实施办法.docx", buffer.getvalue())

    assert upload.text.splitlines() == [
        "第一条 为了规范政府信息公开工作，制定本办法。",
        "项目\t金额\t备注",
        "办公经费\t12.5 万元\t",
        "第二条\t本办法自发布之日起施行。",
    ]


def test_docx_text_follows_python_docx_rules_for_runs_hyperlinks_tabs_and_breaks():
    body = ('<w:p><w:r><w:t>见</w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t>附件一</w:t></w:r></w:hyperlink>'
            "<w:r><w:tab/><w:t>第二行前</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
            "<w:p><w:pPr/></w:p>"
            "<w:sectPr/>")
    assert read_upload("a.docx", word_package(body)).text == "见附件一\t第二行前\n第二行"


def test_xlsx_every_sheet():
    xlsx = workbook_bytes(("收入", [["科目", "金额"], ["税收收入", 1200]]),
                          ("支出", [["一般公共服务", 300.5], [None, "合计"]]))

    upload = read_upload("预算表.xlsx", xlsx)

    assert upload.text.splitlines() == ["科目\t金额", "税收收入\t1200", "一般公共服务\t300.5", "合计"]
    assert upload.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_pdf_text_of_every_page():
    html = ("<html><body><p>第一页：政府信息公开年度报告</p>"
            '<p style="page-break-before: always">第二页：主动公开情况</p></body></html>')
    pdf = HTML(string=html).write_pdf()

    upload = read_upload("年度报告.pdf", pdf)

    assert "政府信息公开年度报告" in upload.text and "主动公开情况" in upload.text
    assert read_upload("notice.pdf", minimal_pdf("Gongkai 2026")).text == "Gongkai 2026"


def test_read_upload_returns_what_the_attachment_row_needs():
    content = docx_bytes("内容")
    upload = read_upload("说明.docx", content)
    assert isinstance(upload, ExtractedFile)
    assert (upload.name, upload.ext, upload.size, upload.text) == ("说明.docx", ".docx", len(content), "内容")
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    with pytest.raises(AttributeError):
        upload.text = "changed"  # type: ignore[misc]


def test_an_image_has_no_text():
    upload = read_upload("现场.png", PNG)
    assert (upload.ext, upload.content_type, upload.text) == (".png", "image/png", "")


# --- hostile and over-limit files ---------------------------------------------------------------------------


def test_the_small_docx_of_600000_paragraphs_is_refused():
    # Like the 133 KB file of issue #8: empty paragraphs with short ones among them, about 170 KB zipped.
    rng = random.Random(8)
    paragraphs = "".join(rng.choice(["<w:p/>"] * 7 + ["<w:p><w:r><w:t>x</w:t></w:r></w:p>"] * 3)
                         for _ in range(600_000))
    content = word_package(paragraphs)
    assert len(content) < 200 * 1024

    error = refusal("大量段落.docx", content)

    assert error.message == f"文件“大量段落.docx”的段落超过 {MAX_DOCX_PARAGRAPHS // 10_000} 万段，无法提取文字，请拆分后再上传。"


def test_paragraphs_inside_tables_count_too():
    rng = random.Random(3)
    cell = ["<w:tc><w:p/></w:tc>"] * 7 + ["<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"] * 3
    row = "<w:tr>{}</w:tr>".format
    rows = "".join(row("".join(rng.choice(cell) for _ in range(100))) for _ in range(MAX_DOCX_PARAGRAPHS // 100 + 1))
    assert "段落超过" in refusal("表格.docx", word_package(f"<w:tbl>{rows}</w:tbl>")).message


def zip_bomb() -> bytes:
    """A DOCX whose document.xml is 12 MB of empty paragraphs, about 20 KB zipped."""
    return word_package("<w:p/>" * 2_000_000)


def test_a_zip_bomb_is_refused():
    content = zip_bomb()
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("word/document.xml")
    assert info.file_size > MAX_ZIP_RATIO * info.compress_size

    error = refusal("炸弹.docx", content)

    assert error.message == "文件“炸弹.docx”的压缩比异常，可能是恶意构造的文件，请用 Office 或 WPS 重新保存后再上传。"


def test_a_zip_bomb_is_refused_from_the_directory_without_being_decompressed():
    # Ruin the compressed data of the huge entry: decompressing it would fail, and a file that fails to
    # decompress is stored as damaged. Refused all the same, so the decision came from the zip directory.
    content = bytearray(zip_bomb())
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("word/document.xml")
    name_length, extra_length = struct.unpack("<HH", content[info.header_offset + 26:info.header_offset + 30])
    data_start = info.header_offset + 30 + name_length + extra_length
    content[data_start + 100:data_start + 5000] = os.urandom(4900)
    with pytest.raises((zipfile.BadZipFile, zlib.error)):
        zipfile.ZipFile(io.BytesIO(bytes(content))).read("word/document.xml")

    assert "压缩比异常" in refusal("炸弹.docx", bytes(content)).message


def test_a_long_blank_form_is_not_taken_for_a_zip_bomb():
    header = "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{h}</w:t></w:r></w:p></w:tc>"
                                for h in ["序号", "姓名", "单位", "电话"]) + "</w:tr>"
    blank = "<w:tr>" + '<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr><w:p/></w:tc>' * 4 + "</w:tr>"
    content = word_package(f"<w:p><w:r><w:t>登记表</w:t></w:r></w:p><w:tbl>{header}{blank * 3000}</w:tbl>")
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("word/document.xml")
    assert info.file_size > MAX_ZIP_RATIO * info.compress_size, "as repetitive as a bomb, but small"

    assert read_upload("登记表.docx", content).text == "登记表\n序号\t姓名\t单位\t电话"


def test_over_the_decompressed_size_limit(settings):
    settings.GONGKAI_EXTRACT_MAX_BYTES = 1024 * 1024
    # Incompressible bytes: the ratio is fine, only the total is too much.
    content = word_package("<w:p><w:r><w:t>正文</w:t></w:r></w:p>",
                           extra={"word/media/image1.png": os.urandom(2 * 1024 * 1024)})

    error = refusal("带图片.docx", content)

    assert error.message.startswith("文件“带图片.docx”解压后超过 1 MB，无法提取文字")


def test_over_the_xlsx_cell_limit():
    rows_needed = MAX_XLSX_CELLS // 100 + 1
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r % 97}</v></c>' for c in COLUMNS) + "</row>"
                   for r in range(1, rows_needed + 1))
    content = with_sheet_xml(workbook_bytes(("数据", [[1]])), rows)

    error = refusal("台账.xlsx", content)

    assert error.message == "文件“台账.xlsx”的单元格超过 100 万个，无法提取文字，请拆分后再上传。"


def test_a_row_wider_than_excel_is_stored_as_damaged():
    row = '<row r="1">' + "<c><v>1</v></c>" * (EXCEL_COLUMNS + 1) + "</row>"
    assert read_upload("宽表.xlsx", with_sheet_xml(workbook_bytes(("表", [[1]])), row)).text == ""


def pdf_of_blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_over_the_pdf_page_limit():
    error = refusal("汇编.pdf", pdf_of_blank_pages(MAX_PDF_PAGES + 1))
    assert error.message == f"文件“汇编.pdf”超过 {MAX_PDF_PAGES} 页，无法提取文字，请拆分后再上传。"


def test_a_pdf_understating_its_page_count_is_still_refused():
    content = pdf_of_blank_pages(MAX_PDF_PAGES + 1)
    declared = b"/Count %d" % (MAX_PDF_PAGES + 1)
    assert declared in content
    # Same length, so the cross-reference offsets stay right.
    content = content.replace(declared, b"/Count 1".ljust(len(declared)))

    assert "页，无法提取文字" in refusal("汇编.pdf", content).message


def test_a_budget_of_no_time_refuses_any_file_with_text_to_read(settings):
    settings.GONGKAI_EXTRACT_SECONDS = 0
    files = {
        "通知.docx": docx_bytes("第一段"),
        "报表.xlsx": workbook_bytes(("表", [["甲", 1]])),
        "公告.pdf": minimal_pdf("Gongkai"),
    }
    for name, content in files.items():
        assert refusal(name, content).message == f"文件“{name}”的文字未能在 0 秒内提取完，请拆分后再上传。"
    # An image has no text to read, so no clock to run out.
    assert read_upload("现场.png", PNG).text == ""


def test_text_is_cut_at_the_cap():
    rng = random.Random(2)
    # Random characters: they compress like real text, not like a bomb.
    paragraph = "".join(chr(0x4E00 + rng.randrange(20_000)) for _ in range(50_000))
    body = "".join(f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>" for _ in range(MAX_TEXT // 50_000 + 5))

    text = read_upload("长文.docx", word_package(body)).text

    assert len(text) == MAX_TEXT


# --- damaged files, wrong files, names ----------------------------------------------------------------------


def test_a_damaged_docx_still_uploads_without_text():
    assert read_upload("损坏.docx", b"PK\x03\x04" + os.urandom(2000)).text == ""
    cut_short = docx_bytes("内容")[:-200]
    assert read_upload("截断.docx", cut_short).text == ""
    malformed = word_package("<w:p><w:r><w:t>未闭合</w:r></w:p>")
    assert read_upload("坏XML.docx", malformed).text == ""


def test_a_damaged_xlsx_and_pdf_still_upload_without_text():
    assert read_upload("损坏.xlsx", b"PK\x03\x04" + os.urandom(2000)).text == ""
    assert read_upload("损坏.pdf", b"%PDF-1.4\n" + os.urandom(2000)).text == ""


def test_wrong_magic_bytes_are_refused():
    error = refusal("通知.pdf", PNG)
    assert error.message == "文件“通知.pdf”的内容与扩展名不符，请确认文件未损坏。"
    assert "内容与扩展名不符" in refusal("表.xlsx", b"%PDF-1.4 not a zip").message
    assert "只能是 PDF、DOCX、XLSX 或图片" in refusal("脚本.exe", b"MZ\x90\x00").message
    with pytest.raises(DomainError):
        check_file("a.docx", b"%PDF")


def test_names_are_cleaned():
    assert read_upload("../../etc\\passwd.pdf", minimal_pdf("x")).name == ".._.._etc_passwd.pdf"
    assert read_upload("  通知.pdf  ", minimal_pdf("x")).name == "通知.pdf"
    long = read_upload("长" * 300 + ".pdf", minimal_pdf("x"))
    assert len(long.name) == 200 and long.name.endswith("长.pdf") and long.ext == ".pdf"


def test_an_empty_file_is_refused():
    assert refusal("空.pdf", b"").message == "文件“空.pdf”是空文件。"


def test_a_file_over_the_upload_size_is_refused(settings):
    settings.GONGKAI_MAX_UPLOAD_BYTES = 1024
    assert refusal("大.pdf", minimal_pdf("x") + b" " * 1024).message == "文件“大.pdf”超过大小上限。"
