"""The real laws corpus imports completely through `--mapping laws`, and re-imports as unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai import cli
from gongkai.publishing import library
from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents
from tests import factories
from tests.paths import CORPUS

LAWS = 3419

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_file(),
                       reason=f"laws corpus not found at {CORPUS} (../shared/corpus/laws.jsonl.gz beside the project)"),
]


def _import(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["import", "documents", str(CORPUS), "--mapping", "laws"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0, out[-2000:]
    return out


def test_the_whole_corpus_imports_and_reimports_unchanged(db, capsys):
    factories.make_agency("11000000CORPUS001X", "语料市人民政府", kind="government")

    assert f"新建 {LAWS}，更新 0，未变 0，失败 0" in _import(capsys)
    assert public_documents().count() == LAWS
    regulation = public_documents().get(live_revision__title="中华人民共和国政府信息公开条例")
    assert regulation.live_revision.doc_number == "中华人民共和国国务院令第711号"
    assert regulation.live_revision.doc_type == "行政法规"
    assert regulation.live_revision.subject == "综合政务\\政务公开"
    # The 2019 revision's 成文日期 is its own, not the first adoption in 2007 (issue #11).
    assert regulation.live_revision.signed_on == dt.date(2019, 4, 3)
    # One spelling per issuer, and no stray 经 (经…批准) taken for part of a name.
    issuers = {name for options in [library.facets(library.LibraryQuery(), library.matches(library.LibraryQuery()))]
               for name in (o.value for o in options["issuer"])}
    assert "人力资源和社会保障部" in issuers and "人力资源社会保障部" not in issuers
    assert not [name for name in issuers if name.startswith("经")]

    assert f"新建 0，更新 0，未变 {LAWS}，失败 0" in _import(capsys)
    assert Document.objects.count() == LAWS
