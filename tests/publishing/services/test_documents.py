"""Drafting (services.documents): index numbers, validation, sanitising, revisions, interpretations."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.core.workdays import WorkCalendar
from gongkai.orgs.roles import Role
from gongkai.publishing import queries, services
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.rules import DisclosureMode, DisclosurePeriod, RelationKind
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


# --- the proactive-disclosure clock after a change (《条例》第二十六条“变更之日”) --------------------------------


def _overdue_titles(agency, today: dt.date) -> list[str]:
    return [d.document.latest_revision.title for d in queries.timeliness([agency], today=today)["overdue"]]


def test_a_change_to_a_public_document_starts_its_own_period(team, agency, published, settings):
    settings.GONGKAI_TIMELINESS_WARN_DAYS = 100_000  # list every pending item, so its deadline can be read
    # The data still carries the 成文日期 of 2026-03-02 and no change date: the change is dated the day it is saved.
    today = timezone.localdate()
    revision = services.save_revision(team[Role.DRAFTER], published, factories.data(title="修订后的通知"))
    assert revision.formed_on == today
    clock = queries.timeliness([agency], today=today + dt.timedelta(days=1))
    assert clock["overdue"] == []
    [item] = clock["approaching"]
    assert (item.formed_on, item.due_on) == (today, WorkCalendar.load().add_workdays(today, 20).due_on)


def test_a_change_dated_before_the_public_version_was_published_is_refused(team, agency, published):
    with pytest.raises(DomainError) as err:
        services.save_revision(team[Role.DRAFTER], published,
                               factories.data(title="带旧日期的修订", formed_on=dt.date(2026, 3, 2)))
    [message] = err.value.errors["formed_on"]
    assert f"不能早于现行公开版本的发布日期（{timezone.localdate():%Y-%m-%d}）" in message
    assert "《条例》第二十六条" in message
    assert Document.objects.get(pk=published.pk).latest_revision.number == 1
    assert _overdue_titles(agency, timezone.localdate() + dt.timedelta(days=1)) == []


def test_a_change_cannot_be_dated_in_the_future(team, published):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as err:
        services.save_revision(team[Role.DRAFTER], published, factories.data(formed_on=tomorrow))
    assert "不能晚于今天" in err.value.errors["formed_on"][0]


def _archive(**overrides) -> services.DocumentData:
    return factories.data(**{"signed_on": dt.date(2026, 1, 2), **overrides})


def _imported(agency, published_on: dt.date) -> Document:
    """A document imported as already published elsewhere on `published_on`."""
    document = services.create_document(services.SYSTEM, agency, _archive(signed_on=published_on),
                                        external_id="ext-clock")
    return services.import_published(document, published_on=published_on)


def test_a_change_of_an_archive_counts_from_its_recorded_publication(team, agency):
    # Imported today as published on 2026-01-05 elsewhere: a change of 2026-02-01 is after that publication.
    document = _imported(agency, dt.date(2026, 1, 5))
    revision = services.save_revision(team[Role.DRAFTER], document,
                                      _archive(title="二月修订", formed_on=dt.date(2026, 2, 1)))
    assert revision.formed_on == dt.date(2026, 2, 1)
    with pytest.raises(DomainError) as err:
        services.save_revision(team[Role.DRAFTER], document, _archive(formed_on=dt.date(2026, 1, 4)))
    assert "2026-01-05" in err.value.errors["formed_on"][0]


def test_resaving_a_pending_change_keeps_its_clock(team, agency):
    document = _imported(agency, dt.date(2026, 1, 5))
    drafter = team[Role.DRAFTER]
    services.save_revision(drafter, document, _archive(title="二月修订", formed_on=dt.date(2026, 2, 1)))
    # Saving the draft again (no date given) does not restart the period of the change under way ...
    again = services.save_revision(drafter, document, _archive(title="二月修订（改错字）"))
    assert again.formed_on == dt.date(2026, 2, 1)
    assert _overdue_titles(agency, timezone.localdate()) == ["二月修订（改错字）"]
    # ... and it cannot be dated before it either.
    with pytest.raises(DomainError) as err:
        services.save_revision(drafter, document, _archive(formed_on=dt.date(2026, 1, 20)))
    assert "不能早于上一版本的形成或变更日期（2026-02-01）" in err.value.errors["formed_on"][0]


def test_a_draft_never_published_keeps_its_formation_date(team, agency):
    document = factories.make_document(team, agency, publish=False)
    revision = services.save_revision(team[Role.DRAFTER], document,
                                      factories.data(title="草稿再改", formed_on=dt.date(2026, 3, 3)))
    assert revision.formed_on == dt.date(2026, 3, 3)


@pytest.mark.parametrize(("period", "due_on"), [
    (DisclosurePeriod.REGULATION, None),
    (DisclosurePeriod.DEPARTMENT_BUDGET, dt.date(2026, 3, 22)),
    (DisclosurePeriod.GOVERNMENT_BUDGET, dt.date(2026, 3, 22)),
])
def test_each_period_drives_the_dashboard_clock(team, agency, period, due_on, settings):
    settings.GONGKAI_TIMELINESS_WARN_DAYS = 100_000
    document = factories.make_document(team, agency, publish=False, disclosure_period=period)
    assert document.latest_revision.disclosure_period == period
    [item] = [d for ds in queries.timeliness([agency], today=dt.date(2026, 3, 3)).values() for d in ds]
    expected = due_on or WorkCalendar.load().add_workdays(dt.date(2026, 3, 2), 20).due_on
    assert item.due_on == expected
    assert ("日（自然日）" in item.summary) == (period != DisclosurePeriod.REGULATION)


def test_an_unknown_period_is_refused_at_its_field(team, agency):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency, factories.data(disclosure_period="三十日"))
    assert err.value.errors["disclosure_period"] == ["请选择公开时限依据。"]


def test_overdue_on_a_holiday_is_overdue_on_the_dashboard(team, agency):
    """Issue #10: one definition of overdue — a limit that ended before a holiday is overdue during it."""
    # Formed 2026-01-19: the 20th working day is the make-up Saturday 2026-02-14; 02-20 is in the Spring Festival.
    document = factories.make_document(team, agency, publish=False, signed_on=dt.date(2026, 1, 19),
                                      formed_on=dt.date(2026, 1, 19))
    clock = queries.timeliness([agency], today=dt.date(2026, 2, 20))
    [item] = clock["overdue"]
    assert item.document == document and item.due_on == dt.date(2026, 2, 14)
    assert item.status.overdue and item.status.label.startswith("已超期") and clock["approaching"] == []
