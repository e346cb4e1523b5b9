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
