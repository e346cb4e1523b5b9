"""Drafting (services.documents): index numbers, validation, sanitising, revisions, interpretations."""

import datetime as dt

import pytest

from gongkai.core.errors import DomainError
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.rules import DisclosureMode, RelationKind
from gongkai.publishing.visibility import is_public
from tests import factories


def test_index_numbers_are_per_agency_and_year(team, agency):
    a = factories.make_document(team, agency, publish=False)
    b = factories.make_document(team, agency, publish=False)
    c = factories.make_document(team, agency, publish=False, formed_on=dt.date(2025, 12, 1),
                                signed_on=dt.date(2025, 12, 1))
    assert a.index_no.endswith("/2026-00001")
    assert b.index_no.endswith("/2026-00002")
    assert c.index_no == f"{agency.code}/2025-00001"


def test_revision_cannot_be_edited_during_review(team, agency):
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    with pytest.raises(DomainError, match="不能修改"):
        services.save_revision(team[Role.DRAFTER], document, factories.data(title="偷偷修改"))


def test_non_proactive_needs_ground_and_reason(team, agency):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency,
                                 factories.data(disclosure_mode=DisclosureMode.ON_APPLICATION))
    assert set(err.value.errors) == {"withholding_ground", "withholding_reason"}
    assert not Document.objects.exists()


def test_validation_reports_every_field(team, agency):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency,
                                 factories.data(title="", body="<script>x</script>", subject="乱写", doc_type="?"))
    assert {"title", "body", "subject", "doc_type"} <= set(err.value.errors)
    assert err.value.errors["title"] == ["请填写标题。"]


def test_body_is_sanitised(team, agency):
    document = factories.make_document(team, agency, body='<p onclick="evil()">正文<script>alert(1)</script></p>')
    html = document.live_revision.body_html
    assert "script" not in html and "onclick" not in html and "正文" in html


def test_interpretation_requires_a_target(team, agency, published):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency,
                                 factories.data(title="解读", doc_type="政策解读", interpretation_format="text"),
                                 kind=DocumentKind.INTERPRETATION)
    assert "relations" in err.value.errors
    interp = factories.make_document(
        team, agency, kind=DocumentKind.INTERPRETATION, title="解读", doc_type="政策解读",
        interpretation_format="qa", qa=[{"q": "问什么", "a": "答什么"}],
        relations=[(RelationKind.INTERPRETS, published.pk)])
    assert is_public(interp)
