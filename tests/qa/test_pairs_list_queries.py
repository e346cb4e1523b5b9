"""The staff list of pairs reads the same number of queries for a page of 8 rows as for a page of 50: what each row
is offered (Workflow.available_for) is worked out for the page at once, not row by row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.orgs.roles import Role
from gongkai.qa import pairs
from gongkai.qa.models import QAPair
from gongkai.qa.states import REVIEW, PairState
from tests import factories
from tests.qa.test_pairs import ANSWER, QUESTION, _published, people, source  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("fresh_search")
STATES = (PairState.DRAFT, PairState.REVIEW, PairState.PUBLISHED, PairState.REVIEW)


def _rows(agency, source, start, count):  # noqa: F811
    QAPair.objects.bulk_create([QAPair(agency=agency, question=f"{QUESTION}（{n}）", answer=ANSWER, source=source,
                                       state=STATES[n % len(STATES)]) for n in range(start, start + count)])


def _queries(client, user) -> int:
    client.force_login(user)
    client.get("/staff/qa/pairs/")  # the session and the caches of the first request aside
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/staff/qa/pairs/").status_code == 200
    return len(captured.captured_queries)


def test_the_pairs_list_reads_as_many_queries_for_8_rows_as_for_50(client, people, agency, source, team):  # noqa: F811
    # The trial of 2026-12-02: 55 queries for 8 rows and 157 for 50 (an approver): each row asked who may act,
    # whether its source is valid and what its reader had done on it.
    both = factories.make_staff(agency, Role.DRAFTER, Role.APPROVER, username="both-roles")
    drafted = pairs.save_pair(both, agency, {"question": "加班费怎么算", "answer": ANSWER, "source": source.pk})
    pairs.move_pair(both, drafted, "submit")  # both-roles is offered no 审核通过 on it (一事一审): its row says why
    _rows(agency, source, 0, 7)
    assert QAPair.objects.count() == 8
    few = {who: _queries(client, user) for who, user in
           (("drafter", people["drafter"]), ("approver", people["approver"]), ("both", both))}
    _rows(agency, source, 7, 42)
    assert QAPair.objects.count() == 50
    many = {who: _queries(client, user) for who, user in
            (("drafter", people["drafter"]), ("approver", people["approver"]), ("both", both))}
    assert many == few, (few, many)


def test_what_the_list_offers_is_what_each_row_would_be_offered_alone(people, agency, source, team):  # noqa: F811
    both = factories.make_staff(agency, Role.DRAFTER, Role.APPROVER, username="both-roles")
    drafted = pairs.save_pair(both, agency, {"question": "加班费怎么算", "answer": ANSWER, "source": source.pk})
    pairs.move_pair(both, drafted, "submit")
    _published(people, agency, source)
    _rows(agency, source, 0, 8)
    other = factories.make_agency("11000000TEST00009X", "测试市民政局", parent=agency.parent)
    rows = list(QAPair.objects.select_related("agency"))
    for user in (people["drafter"], people["approver"], both, team[Role.PUBLISHER],
                 factories.make_staff(other, Role.APPROVER)):
        batched = REVIEW.available_for(user, rows)
        assert [[t.name for t in offered] for offered in batched] == [
            [t.name for t in REVIEW.available(user, p)] for p in rows], user
        assert REVIEW.duty_refusals_for(user, rows) == [REVIEW.duty_refusal(user, p) for p in rows], user
    assert any(REVIEW.duty_refusals_for(both, rows)) and any(REVIEW.available_for(both, rows))
