"""core.prepared: a queryset compiled once gives the same rows as the ORM, for any number of ids."""

from __future__ import annotations

import datetime as dt

from gongkai.core import prepared
from gongkai.core.prepared import PreparedQuery
from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents
from tests import factories

FIELDS = ("pk", "index_no", "published_on", "agency__name", "live_revision__title")


def test_prepared_rows_match_the_orm_for_every_list_size(team, agency, monkeypatch):
    docs = [factories.make_document(team, agency, title=f"关于第{i}项工作的通知") for i in range(5)]
    draft = factories.make_document(team, agency, publish=False, title="未公开的草稿")
    query = PreparedQuery(lambda ids: public_documents().filter(pk__in=ids).values(*FIELDS))
    monkeypatch.setattr(prepared, "CHUNK", 2)  # longer lists run in chunks
    for wanted in ([docs[0].pk], [d.pk for d in docs[:3]], [d.pk for d in docs] + [draft.pk, 999_999], []):
        expected = sorted(public_documents().filter(pk__in=wanted).values(*FIELDS), key=lambda r: r["pk"])
        got = sorted(query.dicts(wanted, FIELDS), key=lambda r: r["pk"])
        assert got == expected
    row = query.dicts([docs[0].pk], FIELDS)[0]
    assert isinstance(row["published_on"], dt.date), "database values are converted as the ORM does"
    assert draft.pk not in {r["pk"] for r in query.dicts([draft.pk], FIELDS)}, "the visibility rule still applies"


def test_prepared_query_takes_a_scalar_as_a_one_item_list(team, agency):
    docs = [factories.make_document(team, agency, title=f"关于第{i}项工作的通知") for i in range(3)]
    after = PreparedQuery(lambda ids: Document.objects.filter(pk__gt=ids[0]).values_list("pk"))
    assert sorted(pk for (pk,) in after.rows([docs[0].pk])) == [d.pk for d in docs[1:]]
    assert after.rows([docs[-1].pk]) == []


def test_a_query_without_ids_runs_as_compiled_and_sees_new_rows(team, agency):
    """PreparedQuery.all: a query that takes no ids (the superseded documents every search excludes) is compiled
    once and each run reads the rows as they are then."""
    query = PreparedQuery(lambda _ids: public_documents().order_by().values_list("pk", "published_on"))
    first = factories.make_document(team, agency, title="关于第一项工作的通知")
    assert query.all() == list(public_documents().order_by().values_list("pk", "published_on"))
    second = factories.make_document(team, agency, title="关于第二项工作的通知")
    assert sorted(pk for pk, _ in query.all()) == [first.pk, second.pk]
    assert all(isinstance(day, dt.date) for _, day in query.all())
