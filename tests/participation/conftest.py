import datetime as dt

import pytest
from django.utils import timezone

from gongkai.participation import services
from gongkai.participation.models import Consultation
from gongkai.participation.rules import ConsultationKind
from tests import factories
from tests.disclosure_factories import disclosure_team

DRAFT_BODY = ("<p>第一条 为了规范城市养犬管理，制定本办法。</p><p>第二条 本办法适用于本市城市建成区。</p>"
              "<p>第三条 养犬人应当为犬只办理登记。</p><p>第四条 本办法自发布之日起施行。</p>")


@pytest.fixture
def office(db):
    """A department with its disclosure office, its document team and a public draft (征求意见稿)."""
    government = factories.make_agency("11000000PAR000001X", "参与市人民政府", kind="government")
    agency = factories.make_agency("11000000PAR000002X", "参与市城市管理局", parent=government)
    team = factories.make_team(agency)
    draft = factories.make_document(team, agency, title="参与市养犬管理办法（征求意见稿）", body=DRAFT_BODY,
                                    doc_number="")
    return {"government": government, "agency": agency, "team": team, "draft": draft, **disclosure_team(agency)}


def make_consultation(office, *, kind=ConsultationKind.RULE, days=40, start=None, open_it=True, **extra):
    """A consultation of the office's draft starting today (or `start`) for `days` days, opened unless told."""
    start = start or timezone.localdate()
    data = {"document": office["draft"].pk, "kind": kind, "explanation": "为规范养犬行为，起草本办法。",
            "starts_on": start, "ends_on": start + dt.timedelta(days=days), **extra}
    consultation = services.save_consultation(office["officer"], office["agency"], data)
    if open_it:
        consultation = services.open_consultation(office["officer"], consultation)
    return Consultation.objects.get(pk=consultation.pk)


def end(consultation: Consultation, days_ago: int = 1) -> Consultation:
    """Move an opened consultation into the past, as if its period had run out `days_ago` days ago."""
    ends_at = timezone.now() - dt.timedelta(days=days_ago)
    Consultation.objects.filter(pk=consultation.pk).update(starts_at=ends_at - dt.timedelta(days=40), ends_at=ends_at)
    return Consultation.objects.get(pk=consultation.pk)


@pytest.fixture
def open_consultation(office):
    return make_consultation(office)
