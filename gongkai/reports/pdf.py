"""The annual report as PDF (WeasyPrint, the system's CJK fonts), from the same layout as the public page."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from gongkai.reports import layout

# WeasyPrint narrates every rendering step at INFO; the site logs at INFO, so keep it to warnings.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def document(report: dict, released_at: str = "") -> bytes:
    """The report (computed, or a released snapshot) as PDF bytes: tables repeat their header on each page."""
    from weasyprint import HTML

    html = render_to_string("reports/report_pdf.html", {**layout.context(report), "released_at": released_at})
    return HTML(string=html).write_pdf()
