"""Reading an upload before any database work: its name, size, kind, hash and the text for search (bounded)."""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import time
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from lxml import etree

from gongkai.core.errors import DomainError

if TYPE_CHECKING:
    from pypdf import PdfReader

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
# The first bytes each kind must start with: an extension alone is not trusted.
MAGIC = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
MAX_TEXT = 2_000_000
# Attachment.name holds at most this many characters.
MAX_NAME = 200

# Structural limits: what a real government file stays far below, and what keeps the work of a
# hostile one small. The operator's knobs (decompressed size, time) are in gongkai/conf.py.
#
# Word writes text parts at 5-30x compression, a long blank form (3,000 empty rows) at about 130x;
# deflate cannot exceed about 1,030x. An entry of over 10 MB that expands more than 100x is machine-made
# repetition, the shape of a zip bomb. Smaller entries are exempt: whatever their ratio, they are read in
# about a second, and the other limits still apply to them.
MAX_ZIP_RATIO = 100
ZIP_RATIO_FLOOR = 10 * 1024 * 1024
# A 1,000-page report has about 30,000 paragraphs. Counted as they stream past, before their text is read.
MAX_DOCX_PARAGRAPHS = 100_000
# openpyxl reads 100,000-200,000 cells a second, so a million fit in the time budget; a workbook with more
# is a data set, not an attachment.
MAX_XLSX_CELLS = 1_000_000
# Excel's own limits for one sheet: a forged sheet may skip to a far row, and openpyxl still yields the
# rows in between one by one; a row may not hold more cells than Excel has columns.
MAX_XLSX_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
# pypdf reads a dense page of Chinese text in about 10 ms, so this many fit in the time budget.
MAX_PDF_PAGES = 2_000
# Bytes of XML handed to a parser between two looks at the clock.
_CHUNK = 64 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _R, _HYPERLINK, _TBL, _TR, _TC = (f"{_W}{t}" for t in ("body", "p", "r", "hyperlink", "tbl", "tr", "tc"))
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _ROW = f"{_S}c", f"{_S}row"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class ExtractedFile:
    """An upload that passed every check, with the text it adds to search ('' when it has none)."""

    name: str
    ext: str
    content_type: str
    size: int
    sha256: str
    text: str


def clean_name(name: str) -> str:
    """The file name as stored: no path separators, at most MAX_NAME characters, extension kept."""
    name = (name or "").replace("/", "_").replace("\\", "_").strip()
    if len(name) <= MAX_NAME:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and 0 < len(ext) < 10:
        # Cutting the end would cut the extension, and the file would then be refused as a wrong kind.
        return stem[: MAX_NAME - len(ext) - 1] + "." + ext
    return name[:MAX_NAME]


def check_file(name: str, head: bytes) -> tuple[str, str]:
    """Return (extension, content type) or raise DomainError if the file is not an allowed kind."""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED_TYPES:
        raise DomainError("附件只能是 PDF、DOCX、XLSX 或图片（PNG、JPG、GIF、WEBP）。", field="attachments")
    if not any(head.startswith(m) for m in MAGIC[ext]):
        raise DomainError(f"文件“{name}”的内容与扩展名不符，请确认文件未损坏。", field="attachments")
    return ext, ALLOWED_TYPES[ext]


def read_upload(name: str, content: bytes) -> ExtractedFile:
    """Check an upload and extract its text, all before any database work; raise DomainError if refused."""
    name = clean_name(name)
    if not content:
        raise DomainError(f"文件“{name}”是空文件。", field="attachments")
    if len(content) > settings.GONGKAI_MAX_UPLOAD_BYTES:
        raise DomainError(f"文件“{name}”超过大小上限。", field="attachments")
    ext, content_type = check_file(name, content[:16])
    return ExtractedFile(name=name, ext=ext, content_type=content_type, size=len(content),
                         sha256=hashlib.sha256(content).hexdigest(), text=extract_text(ext, content, name=name))


def extract_text(ext: str, data: bytes, *, name: str = "") -> str:
    """Text of the file for search, or '' when it has none or is damaged; raise DomainError over the limits."""
    label = f"文件“{name}”" if name else "该文件"
    budget = _Budget(label, settings.GONGKAI_EXTRACT_SECONDS)
    text = _Text()
    try:
        if ext == ".pdf":
            _read_pdf(label, data, budget, text)
        elif ext in (".docx", ".xlsx"):
            archive = _open_zip(label, data)
            if archive is None:
                return ""
            with archive:
                if ext == ".docx":
                    _read_docx(label, archive, budget, text)
                else:
                    _count_cells(label, archive, budget)
                    _read_xlsx(label, data, budget, text)
        else:
            return ""  # images carry no text
        # The last stretch of work ran after the last look at the clock.
        budget.check()
    except DomainError:
        raise
    except Exception as exc:  # a damaged file still uploads; it just adds nothing to search
        logger.warning("text extraction failed for %s: %s", ext, exc)
        return ""
    return text.value()


def _refuse(label: str, problem: str) -> DomainError:
    return DomainError(f"{label}{problem}", field="attachments")


def _amount(n: int, unit: str) -> str:
    """A limit as a Chinese reader says it: (100000, "段") → “10 万段”, (2000, "页") → “2000 页”."""
    return f"{n // 10_000} 万{unit}" if n >= 10_000 and n % 10_000 == 0 else f"{n} {unit}"


class _Budget:
    """The time one extraction may take, looked at between runs, rows, chunks of XML and PDF operators.

    A thread cannot be stopped from outside, so the readers ask; `>=` makes a budget of 0 refuse at the first look.
    """

    def __init__(self, label: str, seconds: float):
        self.label = label
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() >= self.deadline:
            raise _refuse(self.label, f"的文字未能在 {self.seconds:g} 秒内提取完，请拆分后再上传。")


class _Text:
    """Lines of text up to MAX_TEXT characters; once full, reading further would add nothing that is kept."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0

    def add(self, line: str) -> None:
        if line.strip():
            self.lines.append(line)
            self.size += len(line) + 1

    @property
    def full(self) -> bool:
        return self.size >= MAX_TEXT

    def value(self) -> str:
        return "\n".join(self.lines)[:MAX_TEXT]


def _open_zip(label: str, data: bytes) -> zipfile.ZipFile | None:
    """The archive after its directory passed the size and ratio limits, or None if it is damaged.

    zipfile never inflates an entry past the size its directory declares (a lie fails the CRC check),
    so the declared sizes bound the work before any parser opens an entry.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        logger.warning("damaged zip container: %s", exc)
        return None
    entries = archive.infolist()
    limit = settings.GONGKAI_EXTRACT_MAX_BYTES
    if sum(e.file_size for e in entries) > limit:
        archive.close()
        raise _refuse(label, f"解压后超过 {limit / 1024 / 1024:g} MB，无法提取文字，请拆分或压缩其中的图片后再上传。")
    for entry in entries:
        if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size > MAX_ZIP_RATIO * entry.compress_size:
            archive.close()
            raise _refuse(label, "的压缩比异常，可能是恶意构造的文件，请用 Office 或 WPS 重新保存后再上传。")
    return archive


def _docx_main_part(archive: zipfile.ZipFile) -> str:
    """The path of the main document part, as the package relationships name it."""
    root = etree.fromstring(archive.read("_rels/.rels"), etree.XMLParser(resolve_entities=False, no_network=True))
    for rel in root.iter(f"{_REL}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return posixpath.normpath(rel.get("Target", "")).lstrip("/")
    raise ValueError("no officeDocument relationship")


def _read_docx(label: str, archive: zipfile.ZipFile, budget: _Budget, text: _Text) -> None:
    """Body paragraphs and tables in document order, streamed so a huge body is refused early and never held."""
    # Importing docx registers its element classes: each streamed <w:r> is a CT_R whose .text follows
    # python-docx's rules (tabs, breaks, non-breaking hyphens).
    import docx  # noqa: F401
    from docx.oxml.parser import element_class_lookup

    parser = etree.XMLPullParser(events=("end",), tag=(_P, _TBL), remove_blank_text=True,
                                 resolve_entities=False, no_network=True)
    parser.set_element_class_lookup(element_class_lookup)
    paragraphs = 0
    with archive.open(_docx_main_part(archive)) as stream:
        while chunk := stream.read(_CHUNK):
            budget.check()
            parser.feed(chunk)
            for _event, element in parser.read_events():
                if element.tag == _P:
                    # Every paragraph counts, those in tables and text boxes too: each is work to read.
                    paragraphs += 1
                    if paragraphs > MAX_DOCX_PARAGRAPHS:
                        raise _refuse(label, f"的段落超过 {_amount(MAX_DOCX_PARAGRAPHS, '段')}，无法提取文字，"
                                             "请拆分后再上传。")
                body = element.getparent()
                if body is None or body.tag != _BODY:
                    continue  # nested: read with the table it belongs to, as python-docx does
                if element.tag == _P:
                    text.add(_paragraph_text(element, budget))
                else:
                    for row in element.iterchildren(_TR):
                        budget.check()
                        # As python-docx's cell.text: a cell's own paragraphs; cells joined by tabs.
                        text.add("\t".join("\n".join(_paragraph_text(p, budget) for p in cell.iterchildren(_P))
                                           for cell in row.iterchildren(_TC)))
                # What is read is dropped, so memory stays flat however long the body is.
                element.clear()
                while element.getprevious() is not None:
                    del body[0]
                if text.full:
                    return
    parser.close()


def _paragraph_text(paragraph: etree._Element, budget: _Budget) -> str:
    """python-docx's paragraph text (its runs and its hyperlinks' runs, in order), looking at the clock per run.

    One paragraph may hold a million runs; reading it in one call could not be stopped.
    """
    parts = []
    for child in paragraph.iterchildren(_R, _HYPERLINK):
        for run in (child,) if child.tag == _R else child.iterchildren(_R):
            budget.check()
            parts.append(run.text)
    return "".join(parts)


class _CellCounter:
    """An lxml parser target that counts cells as their tags open; it builds no tree, so memory stays flat."""

    def __init__(self, label: str):
        self.label = label
        self.cells = 0
        self.in_row = 0

    def start(self, tag: str, attrib: object) -> None:
        if tag == _ROW:
            self.in_row = 0
        elif tag == _CELL:
            self.cells += 1
            self.in_row += 1
            if self.cells > MAX_XLSX_CELLS:
                raise _refuse(self.label, f"的单元格超过 {_amount(MAX_XLSX_CELLS, '个')}，无法提取文字，请拆分后再上传。")
            if self.in_row > EXCEL_COLUMNS:
                # Excel cannot write such a row, and openpyxl would hold it whole: a damaged file.
                raise ValueError(f"a row of more than {EXCEL_COLUMNS} cells")

    def close(self) -> int:
        return self.cells


def _count_cells(label: str, archive: zipfile.ZipFile, budget: _Budget) -> None:
    """Count the cells of every sheet before openpyxl reads one (it cannot be stopped inside a row)."""
    counter = _CellCounter(label)
    for entry in archive.infolist():
        # Sheets are found by their cells, not by their conventional path, which a forged file need not use.
        if not entry.filename.endswith(".xml"):
            continue
        parser = etree.XMLParser(target=counter, resolve_entities=False, no_network=True)
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                budget.check()
                parser.feed(chunk)
        parser.close()


def _read_xlsx(label: str, data: bytes, budget: _Budget, text: _Text) -> None:
    """Every sheet's non-empty cells, one line per row, streamed by openpyxl's read-only mode."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = 0
    try:
        for sheet in book.worksheets:
            # A forged <dimension> would pad every row to 16,384 empty cells; read the rows as they are.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                # Rows a sheet skips over come out empty, one by one: they are counted as work too.
                rows += 1
                if rows > MAX_XLSX_ROWS:
                    raise _refuse(label, f"的行数超过 {_amount(MAX_XLSX_ROWS, '行')}，无法提取文字，请拆分后再上传。")
                budget.check()
                text.add("\t".join(str(c) for c in row if c is not None))
                if text.full:
                    return
    finally:
        book.close()


def _read_pdf(label: str, data: bytes, budget: _Budget, text: _Text) -> None:
    """Each page's text via pypdf; the declared page count is checked before the page tree is walked."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    too_many = _refuse(label, f"超过 {_amount(MAX_PDF_PAGES, '页')}，无法提取文字，请拆分后再上传。")
    if _declared_pages(reader) > MAX_PDF_PAGES:
        raise too_many
    pages = reader.pages
    if len(pages) > MAX_PDF_PAGES:  # the declared count may understate what the page tree holds
        raise too_many

    def before_operator(*_args: object) -> None:
        # pypdf calls this before each drawing operator, inside form XObjects too: one page that draws
        # a form thousands of times is stopped mid-page, not after it. (pypdf logs and skips a form whose
        # reading raised; the next operator, or the check after the last page, raises again.)
        budget.check()

    for page in pages:
        budget.check()
        text.add(page.extract_text(visitor_operand_before=before_operator) or "")
        if text.full:
            return


def _declared_pages(reader: PdfReader) -> int:
    """The /Count the PDF states for its page tree (0 when missing or unreadable: the walk then decides)."""
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:
        return 0
