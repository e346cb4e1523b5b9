"""Filters shared by the public list page and the read API, always on top of the visibility rule."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from gongkai.core.forms import parse_number
from gongkai.core.taxonomy import ALL_SUBJECTS, DOC_TYPES, SUBJECTS, normalize_subject
from gongkai.orgs.models import Agency
from gongkai.publishing.models import Document, Revision
from gongkai.publishing.rules import Validity
from gongkai.publishing.visibility import public_documents

MAX_ISSUER = 100


def issued_by(name: str) -> Q:
    """Documents whose live revision names `name` among its issuers (models.issuer_names): a platform
    agency linked as issuer, a name in 其他发文机关, or the owning agency of a revision that names none."""
    linked = Revision.issuing_agencies.through.objects.filter(revision_id=OuterRef("live_revision_id"),
                                                               agency__name=name)
    named = Revision.issuing_agencies.through.objects.filter(revision_id=OuterRef("live_revision_id"))
    others = Q(live_revision__other_issuers=name)
    for sep in ("、", ","):
        others |= (Q(live_revision__other_issuers__startswith=name + sep)
                   | Q(live_revision__other_issuers__endswith=sep + name)
                   | Q(live_revision__other_issuers__contains=sep + name + sep))
    unnamed = Q(agency__name=name, live_revision__other_issuers="") & ~Exists(named)
    return Exists(linked) | others | unnamed


@dataclass
class DocumentFilters:
    agency: str = ""  # agency code; includes its subordinate agencies
    subject: str = ""  # a two-level code or a top-level name
    year: str = ""
    doc_type: str = ""
    validity: str = ""
    kind: str = ""
    issuer: str = ""  # 发文机关 by name, as models.issuer_names lists it

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
        if len(self.issuer) > MAX_ISSUER:
            errs["issuer"] = f"发文机关名称不能超过 {MAX_ISSUER} 个字。"
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
    if f.issuer:
        qs = qs.filter(issued_by(f.issuer))
    return qs.order_by(F("published_on").desc(nulls_last=True), "-id")
