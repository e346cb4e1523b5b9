"""Attachment checks and text extraction (PDF, DOCX, XLSX; images carry no text)."""

from __future__ import annotations

import io
import logging

from gongkai.core.errors import DomainError

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


def check_file(name: str, head: bytes) -> tuple[str, str]:
    """Return (extension, content type) or raise DomainError if the file is not an allowed kind."""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED_TYPES:
        raise DomainError("附件只能是 PDF、DOCX、XLSX 或图片（PNG、JPG、GIF、WEBP）。", field="attachments")
    if not any(head.startswith(m) for m in MAGIC[ext]):
        raise DomainError(f"文件“{name}”的内容与扩展名不符，请确认文件未损坏。", field="attachments")
    return ext, ALLOWED_TYPES[ext]


def extract_text(ext: str, data: bytes) -> str:
    """Text of the file for search, or '' when it has none or cannot be read."""
    try:
        if ext == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages)[:MAX_TEXT]
        if ext == ".docx":
            import docx

            document = docx.Document(io.BytesIO(data))
            parts = [p.text for p in document.paragraphs]
            for table in document.tables:
                for row in table.rows:
                    parts.append("\t".join(cell.text for cell in row.cells))
            return "\n".join(p for p in parts if p)[:MAX_TEXT]
        if ext == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = []
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    cells = [str(c) for c in row if c is not None]
                    if cells:
                        rows.append("\t".join(cells))
            return "\n".join(rows)[:MAX_TEXT]
    except Exception as exc:  # a damaged file still uploads; it just adds nothing to search
        logger.warning("text extraction failed for %s: %s", ext, exc)
    return ""
