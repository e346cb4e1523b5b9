"""Uploads: read, checked and stored before any database transaction, linked to a document inside one.

Extracting the text of a PDF or DOCX can take seconds; doing it while the write lock is held would make every
other writer (a resident filing an application) wait or fail. So a service first stages its uploads — type
check, limits, text extraction, the file written to storage — and only then opens its transaction, which just
adds rows. If the transaction fails, the staged files are removed: a rollback leaves no stray files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from gongkai.core import audit
from gongkai.orgs.permissions import require_role
from gongkai.orgs.roles import Role
from gongkai.publishing.extract import ExtractedFile, read_upload
from gongkai.publishing.models import Attachment, Document

Upload = tuple[str, bytes]


@dataclass(frozen=True)
class StagedFile:
    """An upload already checked, read and written to storage, waiting to be linked to a document."""

    upload: ExtractedFile
    stored_as: str


def _stage(name: str, content: bytes) -> StagedFile:
    """Check, read and store one upload (outside any transaction)."""
    upload = read_upload(name, content)
    path = f"attachments/{dt.date.today():%Y/%m}/{upload.sha256[:16]}{upload.ext}"
    return StagedFile(upload, default_storage.save(path, ContentFile(content)))


def discard(staged: list[StagedFile]) -> None:
    """Remove staged files from storage (their rows were never written or were rolled back)."""
    for item in staged:
        default_storage.delete(item.stored_as)


def stage_all(uploads: list[Upload] | None) -> list[StagedFile]:
    """Stage every upload or none: a refused file removes those already staged."""
    staged: list[StagedFile] = []
    try:
        for name, content in uploads or []:
            staged.append(_stage(name, content))
    except BaseException:
        discard(staged)
        raise
    return staged


@contextmanager
def staged_uploads(uploads: list[Upload] | None) -> Iterator[list[StagedFile]]:
    """Stage `uploads` for the block (which opens the transaction); on any failure the files are removed."""
    staged = stage_all(uploads)
    try:
        yield staged
    except BaseException:
        discard(staged)
        raise


def link(actor, document: Document, staged: list[StagedFile]) -> list[Attachment]:
    """Create the attachment rows of `document` for staged files, audited (inside the transaction)."""
    created = []
    for item in staged:
        upload = item.upload
        attachment = Attachment(document=document, name=upload.name, content_type=upload.content_type,
                                size=upload.size, sha256=upload.sha256, text=upload.text)
        attachment.file.name = item.stored_as
        attachment.save()
        audit.record(actor, "add_attachment", document, comment=attachment.name, attachment=attachment.pk)
        created.append(attachment)
    return created


def in_transaction(uploads: list[Upload] | None, work: Callable[[list[StagedFile]], object]):
    """Stage `uploads`, then run `work(staged)` in one transaction; the files go if the transaction does."""
    with staged_uploads(uploads) as staged, transaction.atomic():
        return work(staged)


def add_attachment(actor, document: Document, name: str, content: bytes) -> Attachment:
    """Store an uploaded file for `document` (not yet on any revision) with its text extracted."""
    require_role(actor, Role.DRAFTER, document.agency)

    def work(staged: list[StagedFile]) -> Attachment:
        return link(actor, document, staged)[0]

    return in_transaction([(name, content)], work)
