"""Index consistency: publication, edits, validity changes, withdrawal and deletion reach search through
the real signal and task path; rebuilds swap atomically; a crash mid-update leaves nothing inconsistent."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import Document
from gongkai.search import services
from gongkai.search.backends import get_backend
from gongkai.search.indexing import index_docs, rebuild_index, stale_ids, sync_index
from gongkai.search.models import IndexChange
from tests import factories
from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("fresh_search")


def found(q: str, **kwargs) -> list[str]:
    return [r.title for r in services.search(services.SearchParams(q=q, **kwargs), record=False).results]


def test_lifecycle_reaches_search_through_signals_and_tasks(team, agency, django_capture_on_commit_callbacks):
    rebuild_index()
    with django_capture_on_commit_callbacks(execute=True):
        doc = factories.make_document(team, agency, title="关于发放高龄津贴的通知", body="<p>高龄津贴按月发放。</p>")
    assert found("高龄津贴") == ["关于发放高龄津贴的通知"], "published: searchable once the task ran"
    with django_capture_on_commit_callbacks(execute=True):
        publishing.set_validity(team[Role.PUBLISHER], doc, "repealed", repealed_on=dt.date(2026, 1, 1))
    assert found("高龄津贴", validity="repealed") == ["关于发放高龄津贴的通知"], "repeal is reflected"
    with django_capture_on_commit_callbacks(execute=True):
        publishing.save_revision(team[Role.DRAFTER], doc, factories.data(title="关于发放尊老金的通知",
                                                                          body="<p>尊老金按月发放。</p>"))
        factories.advance(team, doc)
        publishing.publish_document(team[Role.PUBLISHER], doc)
    assert found("尊老金") == ["关于发放尊老金的通知"] and found("高龄津贴") == [], "an edit replaces the old text"
    with django_capture_on_commit_callbacks(execute=True):
        publishing.withdraw_document(team[Role.PUBLISHER], doc, "撤回")
    assert found("尊老金") == [] and doc.pk not in get_backend().indexed_ids()
    assert stale_ids() == set()


def test_pending_revision_does_not_reach_search_until_published(team, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = factories.make_document(team, agency, title="关于垃圾分类的通知", body="<p>垃圾分类。</p>")
    rebuild_index()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.save_revision(team[Role.DRAFTER], doc, factories.data(title="关于垃圾分类的通知（待审修订）",
                                                                          body="<p>尚未公开的新内容甲乙。</p>"))
    sync_index()
    assert found("尚未公开的新内容甲乙") == []
    assert found("垃圾分类") == ["关于垃圾分类的通知"], "the live revision stays searchable"


def test_deleting_a_document_removes_it(team, agency, django_capture_on_commit_callbacks):
    doc = factories.make_document(team, agency, title="关于测试删除的通知")
    rebuild_index()
    assert found("测试删除") == ["关于测试删除的通知"]
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.filter(pk=doc.pk).delete()
    assert doc.pk not in get_backend().indexed_ids()


def test_sync_builds_a_missing_index(team, agency):
    factories.make_document(team, agency, title="关于首次建立索引的通知")
    assert get_backend().applied_change() == -1
    sync_index()
    assert found("首次建立索引") == ["关于首次建立索引的通知"]


def test_changes_made_during_a_rebuild_are_applied_after_the_swap(team, agency):
    keep = factories.make_document(team, agency, title="关于保留的通知")
    gone = factories.make_document(team, agency, title="关于重建时撤回的通知")

    def docs_while_someone_withdraws():
        for number, doc in enumerate(index_docs()):
            if number == 0:
                publishing.withdraw_document(team[Role.PUBLISHER], gone, "重建期间撤回")
            yield doc

    assert rebuild_index(docs=docs_while_someone_withdraws()) == 2, "the snapshot read had both"
    assert get_backend().indexed_ids() == {keep.pk}, "the withdrawal made meanwhile was applied after the swap"


def test_a_failed_rebuild_keeps_the_live_index(team, agency):
    factories.make_document(team, agency, title="关于原有索引的通知")
    rebuild_index()
    live = os.readlink(Path(get_backend().root) / "current")

    def broken():
        yield from index_docs()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        rebuild_index(docs=broken())
    assert os.readlink(Path(get_backend().root) / "current") == live
    assert [p.name for p in Path(get_backend().root).glob("index-*")] == [live], "the half-built index is removed"
    assert found("原有索引") == ["关于原有索引的通知"]


def test_a_rebuild_leaves_an_index_another_process_is_still_building(team, agency):
    # Two rebuilds at once (two evaluations on one folder) failed: the first to finish removed the other's folder.
    factories.make_document(team, agency, title="关于并行重建索引的通知")
    root = Path(get_backend().root)
    building = root / f"index-00000000T000000000000-{os.getpid()}"  # a live process, nothing applied yet
    building.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = root / f"index-00000000T000000000001-{dead.stdout.strip()}"  # its process has exited
    left.mkdir()
    rebuild_index()
    live = os.readlink(root / "current")
    assert sorted(p.name for p in root.glob("index-*")) == sorted([building.name, live])
    assert found("并行重建") == ["关于并行重建索引的通知"]
    (building / "applied").write_text("0")  # finished and swapped out by a later rebuild: removed
    rebuild_index()
    assert [p.name for p in root.glob("index-*")] == [os.readlink(root / "current")]


def test_a_rebuild_finishing_while_another_swaps_in_keeps_its_folder(team, agency, monkeypatch):
    # The other rebuild took the lock just as this one had finished writing: it must not take this one's folder
    # for a finished one swapped out, or `current` is made to point at a folder removed.
    factories.make_document(team, agency, title="关于同时完成重建的通知")
    rebuild_index()
    backend = get_backend()
    other = type(backend)(backend.root)
    taken = backend.write_lock

    @contextmanager
    def other_swaps_first():
        monkeypatch.setattr(backend, "write_lock", taken)
        other.rebuild([], 0)
        with taken():
            yield

    monkeypatch.setattr(backend, "write_lock", other_swaps_first)
    backend.rebuild(index_docs(), 0)
    # Checked before anything else runs: sync_index would build the missing index again, a whole rebuild later.
    assert (Path(backend.root) / "current").resolve().is_dir(), "current points at a folder removed"
    assert found("同时完成") == ["关于同时完成重建的通知"]


CRASH = textwrap.dedent("""
    import os, sys
    from gongkai.search.backends.base import IndexDoc
    from gongkai.search.backends.embedded import EmbeddedBackend

    def docs():
        for n in range(3):
            yield IndexDoc(id=1000 + n, revision_id=1, title=f"崩溃前写入的文件{n}", body="正文", keys=[], agency=1,
                           issuers=["测试"], subject="其他\\\\其他", doc_type="通知", validity="valid", kind="policy",
                           published_on=None)
        os._exit(137)  # the process dies with documents added but not committed

    EmbeddedBackend(sys.argv[1]).apply(docs(), [int(sys.argv[2])], 999999)
""")


def test_a_crash_mid_update_leaves_the_index_and_its_bookkeeping_consistent(team, agency):
    doc = factories.make_document(team, agency, title="关于崩溃测试的通知")
    rebuild_index()
    backend = get_backend()
    before = backend.applied_change()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CRASH, str(backend.root), str(doc.pk)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 137, result.stderr
    assert backend.applied_change() == before, "nothing was recorded as applied"
    assert backend.indexed_ids() == {doc.pk}, "neither the deletion nor the additions were committed"
    # The next writer gets the lock and the change log brings the index up to date.
    publishing.withdraw_document(team[Role.PUBLISHER], doc, "撤回")
    sync_index()
    assert backend.indexed_ids() == set()
    assert IndexChange.objects.filter(pk__gt=backend.applied_change()).count() == 0


def test_renaming_an_agency_reindexes_its_documents_as_issuer(team, agency, django_capture_on_commit_callbacks):
    rebuild_index()
    with django_capture_on_commit_callbacks(execute=True):
        doc = factories.make_document(team, agency, title="关于发放高龄津贴的通知", body="<p>高龄津贴按月发放。</p>")
    old_name = agency.name
    assert found("高龄津贴", issuer=old_name) == [doc.live_revision.title]
    with django_capture_on_commit_callbacks(execute=True):
        agency.name = "示例市民政和养老服务局"
        agency.save()
    assert found("高龄津贴", issuer="示例市民政和养老服务局") == ["关于发放高龄津贴的通知"]
    assert found("高龄津贴", issuer=old_name) == []
    response = services.search(services.SearchParams(q="高龄津贴"), record=False)
    assert [v.value for v in response.facets["issuer"]] == ["示例市民政和养老服务局"]
    before = IndexChange.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        agency.save()  # saved without a new name: nothing to reindex
    assert IndexChange.objects.count() == before
