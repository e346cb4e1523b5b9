from gongkai.publishing.states import State
from gongkai.publishing.visibility import public_documents


def test_published_document_is_public(published):
    assert published.state == State.PUBLISHED
    assert list(public_documents()) == [published]
    assert published.index_no == "11000000TEST00002X/2026-00001"
