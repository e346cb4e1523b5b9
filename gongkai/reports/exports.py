"""A report (computed or a frozen snapshot) as a downloadable file: DOCX, PDF or XLSX in the official layout."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse

from gongkai.reports import docx, pdf, xlsx

FORMATS = {
    "xlsx": (xlsx.workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (docx.document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (pdf.document, "application/pdf"),
}


def download(report: dict, fmt: str) -> HttpResponse:
    """The file as an attachment named after the report; 404 for an unknown format."""
    if fmt not in FORMATS:
        raise Http404("没有这种格式")
    render_file, content_type = FORMATS[fmt]
    response = HttpResponse(render_file(report), content_type=content_type)
    name = quote(f"{report['agency_name']}{report['year']}年政府信息公开工作年度报告.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
