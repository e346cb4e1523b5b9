"""Faults survived: a process killed with SIGKILL in the middle of an import, a search rebuild, a workflow
step or a reply letter leaves the data consistent, and running the job again finishes it.

Each job runs as a real `gongkai` process (or a Django script) on its own data folder; the test kills it at a
point it can observe (rows appearing, a marker file written from inside the transaction), never after a
fixed delay, so the outcome does not depend on the machine's speed.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.factories import credit_code
from tests.paths import ROOT

DEADLINE_SECONDS = 300
ROOT_CODE = credit_code(1)
RECORDS = 300


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_", "DATABASE_URL"))}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="immediate",
               DJANGO_SETTINGS_MODULE="gongkai.settings.prod", GONGKAI_SECRET_KEY="k" * 50)
    return env


def _gongkai(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=DEADLINE_SECONDS)


def _django(env: dict, script: str) -> dict:
    """Run a Django script in its own process; it prints one JSON object as its last line."""
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + textwrap.dedent(script)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE_SECONDS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _kill_when(process: subprocess.Popen, ready, what: str) -> None:
    """SIGKILL `process` as soon as `ready()` is true; fail if it ends or the deadline passes first."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not ready():
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"the process ended before {what}: {process.returncode}\n{errors}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{what} never happened")
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=DEADLINE_SECONDS)
    assert process.returncode == -signal.SIGKILL


def _script(env: dict, script: str, *args: object) -> subprocess.Popen:
    """Start a Django script in its own process (killed by the test), its errors kept for the report."""
    return subprocess.Popen([sys.executable, "-c", "import django; django.setup()\n" + textwrap.dedent(script),
                             *map(str, args)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _records(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(RECORDS):
            out.write(json.dumps({
                "external_id": f"fault-{n:05d}", "title": f"关于故障演练第{n}号事项的通知",
                "body": f"第一条 为做好第{n}号事项，制定本通知。\n第二条 本通知自发布之日起施行。",
                "doc_number": f"演练发〔2026〕{n + 1}号", "published_on": "2026-03-02", "status": "published",
            }, ensure_ascii=False) + "\n")
    return path


CONSISTENCY = """
    import json
    from collections import Counter
    from gongkai.publishing.models import Document
    from gongkai.publishing.visibility import public_documents
    docs = list(Document.objects.prefetch_related("revisions"))
    ids = Counter(d.external_id for d in docs)
    print(json.dumps({
        "documents": len(docs),
        "duplicates": [k for k, n in ids.items() if n > 1],
        "without_revision": [d.pk for d in docs if not d.revisions.all()],
        "published_without_live": [d.pk for d in docs if d.state == "published" and d.live_revision_id is None],
        "public": public_documents().count(),
    }))
"""


def _setup(data_dir: Path) -> dict:
    env = _env(data_dir)
    done = _gongkai(env, "setup", "--name", "故障演练县人民政府", "--code", ROOT_CODE)
    assert done.returncode == 0, done.stderr
    return env


IMPORT_UNTIL_KILLED = """
    import sys, time
    from pathlib import Path
    from gongkai.publishing.importer import import_lines
    marker, source = Path(sys.argv[1]), Path(sys.argv[2])

    def lines():
        with source.open("rb") as stream:
            for number, line in enumerate(stream, 1):
                if number == 60:
                    # 59 lines imported, each in its own committed transaction; the 60th never arrives.
                    marker.write_text("midway")
                    time.sleep(3600)
                yield line

    import_lines(lines())
"""


def test_import_killed_midway_is_consistent_and_resumes(tmp_path):
    env = _setup(tmp_path / "data")
    source = _records(tmp_path / "records.jsonl")
    marker = tmp_path / "marker"
    job = _script(env, IMPORT_UNTIL_KILLED, marker, source)
    _kill_when(job, marker.exists, "documents were imported")

    state = _django(env, CONSISTENCY)
    assert state["documents"] == 59
    assert not state["duplicates"] and not state["without_revision"] and not state["published_without_live"]
    assert state["public"] == state["documents"]

    again = _gongkai(env, "import", "documents", str(source))
    assert again.returncode == 0, again.stderr
    state = _django(env, CONSISTENCY)
    assert state["documents"] == state["public"] == RECORDS
    assert not state["duplicates"] and not state["without_revision"] and not state["published_without_live"]
    # The search index caught up with the documents imported before the kill, and with the rest.
    found = _django(env, f"""
        import json
        from gongkai.search import services
        from gongkai.search.indexing import sync_index
        sync_index()
        hits = [services.search(services.SearchParams(q=f"故障演练第{{n}}号事项")).count for n in (0, {RECORDS - 1})]
        print(json.dumps({{"hits": hits}}))
    """)
    assert all(n >= 1 for n in found["hits"]), found


REBUILD_UNTIL_KILLED = """
    import sys, time
    from pathlib import Path
    from gongkai.search.indexing import index_docs, rebuild_index
    marker = Path(sys.argv[1])

    def docs():
        for number, doc in enumerate(index_docs(), 1):
            if number == 100:
                # The new index is being written aside; the old one still serves.
                marker.write_text("midway")
                time.sleep(3600)
            yield doc

    rebuild_index(docs=docs())
"""


def test_search_rebuild_killed_midway_keeps_the_old_index_and_reruns(tmp_path):
    env = _setup(tmp_path / "data")
    assert _gongkai(env, "import", "documents", str(_records(tmp_path / "records.jsonl"))).returncode == 0
    marker = tmp_path / "marker"
    job = _script(env, REBUILD_UNTIL_KILLED, marker)
    _kill_when(job, marker.exists, "the new index was half built")
    query = """
        import json
        from gongkai.search import services
        print(json.dumps({"count": services.search(services.SearchParams(q="故障演练第7号事项")).count}))
    """
    assert _django(env, query)["count"] >= 1
    rerun = _gongkai(env, "search", "rebuild")
    assert rerun.returncode == 0, rerun.stderr
    assert _django(env, query)["count"] >= 1


STEP_UNTIL_KILLED = """
    import json, sys, time
    from pathlib import Path
    from django.db.models.signals import post_save
    from gongkai.core.models import AuditEntry
    from gongkai.publishing.models import Document
    from gongkai.publishing.services import publish_document
    from gongkai.publishing.states import REVIEW
    from django.contrib.auth import get_user_model
    marker = Path(sys.argv[1])
    document = Document.objects.get(external_id="demo-ready")
    actor = next(u for u in get_user_model().objects.filter(is_active=True).order_by("pk")
                 if REVIEW.allows(u, document, "publish"))

    def stop_here(sender, instance, **kwargs):
        # Inside the step's transaction, after its audit entry is written and before it commits.
        marker.write_text("in transaction")
        time.sleep(3600)

    post_save.connect(stop_here, sender=AuditEntry)
    publish_document(actor, document)
"""


def test_workflow_step_killed_inside_its_transaction_leaves_nothing_half_done(tmp_path):
    data_dir = tmp_path / "data"
    env = _env(data_dir)
    assert _gongkai(env, "demo").returncode == 0
    look = """
        import json
        from gongkai.core.models import AuditEntry
        from gongkai.publishing.models import Document
        from gongkai.publishing.visibility import public_documents
        d = Document.objects.get(external_id="demo-ready")
        print(json.dumps({"state": d.state, "public": public_documents().filter(pk=d.pk).exists(),
                          "audit": AuditEntry.objects.filter(object_type="document", object_id=str(d.pk)).count()}))
    """
    before = _django(env, look)
    marker = tmp_path / "marker"
    job = _script(env, STEP_UNTIL_KILLED, marker)
    _kill_when(job, marker.exists, "the step reached its transaction")
    assert _django(env, look) == before  # rolled back whole: same state, not public, no audit entry
    # And the step can simply be done again.
    after = _django(env, """
        import json
        from django.contrib.auth import get_user_model
        from gongkai.publishing.models import Document
        from gongkai.publishing.services import publish_document
        from gongkai.publishing.states import REVIEW
        d = Document.objects.get(external_id="demo-ready")
        actor = next(u for u in get_user_model().objects.filter(is_active=True).order_by("pk")
                     if REVIEW.allows(u, d, "publish"))
        publish_document(actor, d)
        d.refresh_from_db()
        print(json.dumps({"state": d.state}))
    """)
    assert after["state"] == "published"


LETTER_UNTIL_KILLED = """
    import sys, time
    from pathlib import Path
    from django.db.models.signals import post_save
    from gongkai.disclosure.models import Application, ReplyLetter
    from gongkai.disclosure.services import decide_application
    from gongkai.disclosure.states import CASE
    from django.contrib.auth import get_user_model
    marker = Path(sys.argv[1])
    application = Application.objects.get(pk=int(sys.argv[2]))
    actor = next(u for u in get_user_model().objects.filter(is_active=True).order_by("pk")
                 if CASE.allows(u, application, "decide"))

    def stop_here(sender, instance, **kwargs):
        # The decision is committed and the letter's files are rendered; its row is not committed yet.
        marker.write_text("rendered")
        time.sleep(3600)

    post_save.connect(stop_here, sender=ReplyLetter)
    decide_application(actor, application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。")
"""


def test_letter_generation_killed_midway_can_be_generated_again(tmp_path):
    data_dir = tmp_path / "data"
    env = _env(data_dir)
    assert _gongkai(env, "demo").returncode == 0
    case = _django(env, """
        import json
        from gongkai.disclosure.models import Application
        a = Application.objects.filter(state="in_progress").order_by("pk").first()
        print(json.dumps({"id": a.pk}))
    """)["id"]
    marker = tmp_path / "marker"
    job = _script(env, LETTER_UNTIL_KILLED, marker, case)
    _kill_when(job, marker.exists, "the letter was rendered")
    look = f"""
        import json
        from gongkai.disclosure.models import Application
        from gongkai.disclosure.states import CASE
        from django.contrib.auth import get_user_model
        a = Application.objects.get(pk={case})
        offered = any(CASE.allows(u, a, "generate_letter") for u in get_user_model().objects.filter(is_active=True))
        print(json.dumps({{"letters": a.letters.count(), "state": a.state, "decision": a.decision,
                           "offered": offered}}))
    """
    # The decision stands, no half-recorded letter, and the case page offers to generate it again.
    assert _django(env, look) == {"letters": 0, "state": "decided", "decision": "granted", "offered": True}
    regenerated = _django(env, f"""
        import json
        from django.contrib.auth import get_user_model
        from gongkai.disclosure.models import Application
        from gongkai.disclosure.services import generate_letter
        from gongkai.disclosure.states import CASE
        a = Application.objects.get(pk={case})
        actor = next(u for u in get_user_model().objects.filter(is_active=True).order_by("pk")
                     if CASE.allows(u, a, "generate_letter"))
        letter = generate_letter(actor, a)
        print(json.dumps({{"letters": a.letters.count(), "pdf": letter.pdf.open("rb").read(5).decode()}}))
    """)
    assert regenerated == {"letters": 1, "pdf": "%PDF-"}
