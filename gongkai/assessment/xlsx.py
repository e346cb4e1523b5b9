"""The ranking as an XLSX workbook: the scores on the first sheet, every deduction's evidence on the second."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from gongkai.assessment.indicators import Period
from gongkai.assessment.models import Scheme
from gongkai.assessment.scoring import Row

RANKING_SHEET = "考评排名"
EVIDENCE_SHEET = "扣分依据"


def workbook(scheme: Scheme, period: Period, rows: list[Row], base_url: str = "") -> bytes:
    """The workbook's bytes; evidence links are absolute (`base_url`, else the site's GONGKAI_BASE_URL), so they
    open from the file. An indicator's deduction is written once, on its first evidence row."""
    base_url = (base_url or settings.GONGKAI_BASE_URL).rstrip("/")
    book = Workbook()
    sheet = book.active
    sheet.title = RANKING_SHEET
    indicators = list(scheme.indicators.all())
    sheet.append([f"{scheme.name}（{scheme.year} 年） {period.label}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["名次", "机关", "总分", "扣分", *(f"{i.get_indicator_display()}（{i.weight} 分）"
                                                for i in indicators)])
    for row in rows:
        sheet.append([row.rank, row.agency.name, float(row.score), float(row.deduction),
                      *(float(line.score) for line in row.lines)])
    evidence = book.create_sheet(EVIDENCE_SHEET)
    evidence.append(["机关", "指标", "扣分", "依据", "说明", "链接"])
    for row in rows:
        for line in row.lines:
            if not line.deduction:
                continue
            for n, item in enumerate(line.measure.evidence or [None]):
                link = (base_url + item.url if item.url.startswith("/") else item.url) if item else ""
                evidence.append([row.agency.name, line.indicator.get_indicator_display(),
                                 float(line.deduction) if n == 0 else None,
                                 item.label if item else "", item.detail if item else "", link])
                if link:
                    evidence.cell(row=evidence.max_row, column=6).hyperlink = link
    for ws in (sheet, evidence):
        for cell in ws[2 if ws is sheet else 1]:
            cell.font = Font(bold=True)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
