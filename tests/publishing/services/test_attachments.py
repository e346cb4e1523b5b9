"""Uploads (services.attachments): read and stored before the transaction opens, removed if it rolls back.

Found when tried: extracting a large DOCX inside the write transaction held SQLite's write lock for 37 s, and a
resident's application filed meanwhile failed with “database is locked”."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gongkai.core.errors import DomainError
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Attachment, Document
from gongkai.publishing.services import attachments
from tests import disclosure_factories, factories
from tests.samples import docx_bytes, minimal_pdf


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def spy_extraction(monkeypatch):
    """Record, each time the real extractor runs, whether a database transaction was open."""
    seen: list[bool] = []
    real = attachments.read_upload

    def read(name: str, content: bytes):
        seen.append(connection.in_atomic_block)
        return real(name, content)

    monkeypatch.setattr(attachments, "read_upload", read)
    return seen


@pytest.mark.django_db(transaction=True)
def test_text_is_extracted_outside_any_transaction(team, agency, spy_extraction):
    document = services.create_document(team[Role.DRAFTER], agency, factories.data(),
                                        uploads=[("说明.docx", docx_bytes("附件正文"))])
    services.save_revision(team[Role.DRAFTER], document, factories.data(title="修订"),
                           uploads=[("补充.pdf", minimal_pdf("extra"))])
    services.add_attachment(team[Role.DRAFTER], document, "另一份.docx", docx_bytes("另一份"))
    assert spy_extraction == [False, False, False]
    assert Attachment.objects.get(name="说明.docx").text == "附件正文"


@pytest.mark.django_db(transaction=True)
def test_an_application_filed_while_an_upload_is_read_goes_through(team, agency, monkeypatch):
    """While one drafter's upload is being read, a resident files an application: it must not wait or fail."""
    reading, filed = threading.Event(), threading.Event()
    real = attachments.read_upload
    outcome: dict[str, object] = {}

    def slow_read(name: str, content: bytes):
        reading.set()
        # Hold the extraction until the application is in (bounded: the test fails, it never hangs).
        filed.wait(timeout=60)
        return real(name, content)

    monkeypatch.setattr(attachments, "read_upload", slow_read)

    def upload() -> None:
        try:
            services.create_document(team[Role.DRAFTER], agency, factories.data(),
                                     uploads=[("大文件.docx", docx_bytes("正文"))])
        except Exception as exc:  # reported to the main thread
            outcome["upload"] = exc
        finally:
            connection.close()

    worker = threading.Thread(target=upload)
    worker.start()
    assert reading.wait(timeout=60), "the upload started reading its file"
    try:
        application, _ = disclosure_factories.make_application(agency)
        outcome["application"] = application
    finally:
        filed.set()
        worker.join(timeout=120)
    assert "upload" not in outcome, outcome.get("upload")
    assert outcome["application"].pk is not None
    assert Document.objects.filter(attachment_files__name="大文件.docx").exists()


@pytest.mark.django_db
def test_a_refused_revision_leaves_no_stray_files(team, agency):
    document = factories.make_document(team, agency, publish=False)
    before = _files()
    with pytest.raises(DomainError):
        # The title is refused inside the transaction, after the upload was stored.
        services.save_revision(team[Role.DRAFTER], document, factories.data(title=""),
                               uploads=[("说明.pdf", minimal_pdf("x"))])
    assert _files() == before
    assert not Attachment.objects.filter(name="说明.pdf").exists()


@pytest.mark.django_db
def test_one_bad_file_refuses_the_whole_batch(team, agency):
    before = _files()
    with pytest.raises(DomainError) as exc:
        services.create_document(team[Role.DRAFTER], agency, factories.data(),
                                 uploads=[("好文件.pdf", minimal_pdf("x")), ("坏文件.pdf", b"not a pdf")])
    assert exc.value.field == "attachments"
    assert _files() == before and not Document.objects.exists()
