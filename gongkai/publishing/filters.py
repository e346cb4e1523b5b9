"""Filters shared by the public list page and the read API, always on top of the visibility rule."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from gongkai.core.forms import parse_number
from gongkai.core.taxonomy import ALL_SUBJECTS, DOC_TYPES, SUBJECTS, normalize_subject
from gongkai.orgs.models import Agency
from gongkai.publishing.models import Document
from gongkai.publishing.rules import Validity
from gongkai.publishing.visibility import public_documents


@dataclass
class DocumentFilters:
    agency: str = ""  # agency code; includes its subordinate agencies
    subject: str = ""  # a two-level code or a top-level name
    year: str = ""
    doc_type: str = ""
    validity: str = ""
    kind: str = ""

    def errors(self) -> dict[str, str]:
        """Chinese messages for values that cannot be applied."""
        errs = {}
        if self.agency and not Agency.objects.filter(code=self.agency).exists():
            errs["agency"] = "没有这个机关。"
        if self.subject and self.subject not in SUBJECTS and normalize_subject(self.subject) not in ALL_SUBJECTS:
            errs["subject"] = "没有这个主题分类。"
        if self.year and not 1949 <= (parse_number(self.year) or 0) <= 2100:
            errs["year"] = "年份应为四位数字。"
        if self.doc_type and self.doc_type not in DOC_TYPES:
            errs["doc_type"] = "没有这个公文种类。"
        if self.validity and self.validity not in Validity.values:
            errs["validity"] = "有效性只能是 valid、expired、repealed 或 amended。"
        return errs


def filter_public(f: DocumentFilters) -> QuerySet[Document]:
    """Public documents matching the filters, newest first. Invalid values match nothing."""
    qs = public_documents()
    if f.errors():
        return qs.none()
    if f.agency:
        agency = Agency.objects.get(code=f.agency)
        qs = qs.filter(agency_id__in=agency.descendant_ids())
    if f.subject:
        if f.subject in SUBJECTS:
            qs = qs.filter(Q(live_revision__subject__startswith=f.subject + "\\"))
        else:
            qs = qs.filter(live_revision__subject=normalize_subject(f.subject))
    if f.year:
        qs = qs.filter(published_on__year=int(f.year))
    if f.doc_type:
        qs = qs.filter(live_revision__doc_type=f.doc_type)
    if f.validity:
        qs = qs.filter(validity=f.validity)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.order_by(F("published_on").desc(nulls_last=True), "-id")
