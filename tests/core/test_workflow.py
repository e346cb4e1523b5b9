"""The shared workflow engine (gongkai.core.workflow): what every app's review steps have in common."""

from __future__ import annotations

import pytest

from gongkai.core.errors import DomainError
from gongkai.core.models import AuditEntry
from gongkai.core.workflow import MAX_COMMENT
from gongkai.qa import pairs
from gongkai.qa.states import PairState
from tests.qa.test_pairs import ANSWER, QUESTION, people, source  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("fresh_search")


def test_a_comment_longer_than_a_page_is_refused_and_nothing_moves(people, agency, source):  # noqa: F811
    # Found by the staff trial of 2026-12-02: a hand-made request put 100,000 characters into the audit log.
    pair = pairs.save_pair(people["drafter"], agency, {"question": QUESTION, "answer": ANSWER, "source": source.pk})
    pairs.move_pair(people["drafter"], pair, "submit")
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        pairs.move_pair(people["approver"], pair, "return", comment="改" * (MAX_COMMENT + 1))
    assert refused.value.field == "comment" and f"{MAX_COMMENT + 1} 个字" in refused.value.message
    pair.refresh_from_db()
    assert pair.state == PairState.REVIEW and AuditEntry.objects.count() == entries
    pairs.move_pair(people["approver"], pair, "return", comment="改" * MAX_COMMENT)
    pair.refresh_from_db()
    assert pair.state == PairState.DRAFT


def test_available_for_many_objects_answers_as_available_for_each(team, agency):
    # Workflow.available_for reads roles once per agency and review steps in one query for a list page; what it
    # offers must be what available() offers object by object (here a document's review, with its duties).
    from gongkai.orgs.roles import Role
    from gongkai.publishing import services as publishing
    from gongkai.publishing.models import Document
    from gongkai.publishing.states import REVIEW
    from tests import factories

    drafted = factories.make_document(team, agency, publish=False, title="起草中的文件")
    submitted = factories.make_document(team, agency, publish=False, title="送审的文件")
    publishing.submit_document(team[Role.DRAFTER], submitted)
    approved = factories.make_document(team, agency, publish=False, title="签发中的文件")
    factories.advance(team, approved)
    public = factories.make_document(team, agency, title="已公开的文件")
    other = factories.make_agency("11000000TEST00009X", "测试市民政局", parent=agency.parent)
    theirs = factories.make_document(factories.make_team(other), other, publish=False, title="他机关的文件")
    documents = list(Document.objects.filter(pk__in=[d.pk for d in (drafted, submitted, approved, public, theirs)])
                     .select_related("agency"))
    everyone = [*team.values(), factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER, Role.APPROVER),
                factories.make_staff(agency.parent, Role.PUBLISHER, covers_subordinates=True)]
    for user in everyone:
        assert [[t.name for t in offered] for offered in REVIEW.available_for(user, documents)] == [
            [t.name for t in REVIEW.available(user, d)] for d in documents], user
        assert REVIEW.duty_refusals_for(user, documents) == [REVIEW.duty_refusal(user, d) for d in documents], user
