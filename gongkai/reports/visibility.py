"""What the public may see of the annual reports: the latest released revision of each agency, year and scope,
and only its frozen snapshot — never a draft, a revision in review, a returned one or a superseded release."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from gongkai.reports.models import AnnualReport
from gongkai.reports.states import ReportState


def public_reports() -> QuerySet[AnnualReport]:
    released = AnnualReport.objects.filter(state=ReportState.RELEASED)
    newer = released.filter(agency=OuterRef("agency"), year=OuterRef("year"), aggregate=OuterRef("aggregate"),
                            revision__gt=OuterRef("revision"))
    # A correction is a release after an earlier release; a first release after returned drafts is not one.
    older = released.filter(agency=OuterRef("agency"), year=OuterRef("year"), aggregate=OuterRef("aggregate"),
                            revision__lt=OuterRef("revision"))
    return released.exclude(Exists(newer)).annotate(corrected=Exists(older)).select_related("agency")
