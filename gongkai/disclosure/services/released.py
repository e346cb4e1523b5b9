"""The information released with a granted or partially granted reply (答复附件): uploaded files, checked and
stored before any transaction, or documents already public on the site, referenced by their address."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.disclosure import rules
from gongkai.disclosure.models import Application, ReleasedItem
from gongkai.disclosure.services.common import user_or_none

FILES_FIELD, LINKS_FIELD = "released_files", "released_links"
RELEASING_GROUPS = (rules.DecisionGroup.GRANTED, rules.DecisionGroup.PARTIALLY_GRANTED)
MAX_ITEMS = 50
# File kinds an office releases: scans and documents. The first bytes must match (an extension alone lies).
KINDS = {".pdf": ("application/pdf", (b"%PDF",)),
         ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
         ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
         ".zip": ("application/zip", (b"PK\x03\x04",)),
         ".ofd": ("application/ofd", (b"PK\x03\x04",)),
         ".png": ("image/png", (b"\x89PNG",)),
         ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
         ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",))}
NO_REASON = ("予以公开或部分公开而不随答复附送信息的，请在“理由与说明”中写明获取该政府信息的方式、途径和时间"
             "（《条例》第三十六条第（一）项、第（二）项）。")


@dataclass(frozen=True)
class ReleasedFile:
    """An uploaded enclosure as received: its file name, bytes and the title the letter lists (default: name)."""

    name: str
    content: bytes
    title: str = ""


@dataclass(frozen=True)
class StagedFile:
    title: str
    name: str
    content_type: str
    size: int
    stored_as: str


def releases_information(code: str) -> bool:
    return code.split(".")[0] in RELEASING_GROUPS


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def check_file(upload: ReleasedFile) -> tuple[str, str, str]:
    """(clean name, title, content type) of an acceptable upload, or a DomainError at the files field."""
    name = (upload.name or "").replace("/", "_").replace("\\", "_").strip()[-200:] or "附件"
    if not upload.content:
        raise DomainError(f"文件“{name}”是空文件。", field=FILES_FIELD)
    if len(upload.content) > settings.GONGKAI_MAX_UPLOAD_BYTES:
        raise DomainError(f"文件“{name}”有 {_size_text(len(upload.content))}，超过单个附件的大小上限 "
                          f"{_size_text(settings.GONGKAI_MAX_UPLOAD_BYTES)}。", field=FILES_FIELD)
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in KINDS:
        raise DomainError(f"文件“{name}”的类型不能作为答复附件：只能是 PDF、OFD、DOCX、XLSX、ZIP 或图片（PNG、JPG）。",
                          field=FILES_FIELD)
    content_type, magic = KINDS[ext]
    if not any(upload.content.startswith(m) for m in magic):
        raise DomainError(f"文件“{name}”的内容与扩展名不符，请确认文件未损坏。", field=FILES_FIELD)
    title = (upload.title or "").strip() or name.rsplit(".", 1)[0]
    return name, title[:200], content_type


def stage_files(application: Application, uploads: list[ReleasedFile]) -> list[StagedFile]:
    """Check and store every upload, outside any transaction; a refused file removes those already stored."""
    from django.core.files.base import ContentFile

    staged: list[StagedFile] = []
    try:
        for upload in uploads:
            name, title, content_type = check_file(upload)
            digest = hashlib.sha256(upload.content).hexdigest()[:16]
            ext = name.rsplit(".", 1)[-1].lower()
            path = f"disclosure/released/{application.pk}/{timezone.now():%Y%m%d}-{digest}.{ext}"
            staged.append(StagedFile(title, name, content_type, len(upload.content),
                                     default_storage.save(path, ContentFile(upload.content))))
    except BaseException:
        discard(staged)
        raise
    return staged


def discard(staged: list[StagedFile]) -> None:
    for item in staged:
        default_storage.delete(item.stored_as)


def public_document(address: str):
    """The publishing Document a link points at, if the public may see it; else a DomainError at the links field.

    Only the site's own document pages count, and only while public by the platform's one visibility rule."""
    from gongkai.publishing.visibility import public_document_at

    address = address.strip()
    document = public_document_at(address)
    if document is None:
        raise DomainError(f"“{address[:80]}”不是本站已公开的政府信息，不能作为答复附件引用；请上传文件，"
                          "或引用本站政府信息公开栏目中已公开文件的网址。", field=LINKS_FIELD)
    return document


def parse_links(text: str) -> list[tuple[str, str]]:
    """Lines of "标题 | 网址" or just "网址" as (title, address); empty lines skipped."""
    links = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        title, bar, address = line.rpartition("|")
        if not bar:
            title, address = "", line
        links.append((title.strip(), address.strip()))
    return links


def resolve_links(links: list[tuple[str, str]]) -> list[tuple[str, object]]:
    """(title, Document) for each link, every refusal collected for the links field."""
    found, problems = [], []
    for title, address in links:
        try:
            document = public_document(address)
        except DomainError as exc:
            problems.append(exc.message)
        else:
            found.append(((title or document.live_revision.title)[:200], document))
    if problems:
        raise DomainError(problems[0], errors={LINKS_FIELD: problems})
    return found


def add_items(actor, application: Application, staged: list[StagedFile], links: list[tuple[str, object]]
              ) -> list[ReleasedItem]:
    """Attach staged files and public documents to the case (inside the caller's transaction)."""
    position = (application.released_items.order_by("-position").values_list("position", flat=True).first() or 0)
    if application.released_items.count() + len(staged) + len(links) > MAX_ITEMS:
        raise DomainError(f"每件答复最多附送 {MAX_ITEMS} 个附件；内容较多的请打包为 ZIP 文件。", field=FILES_FIELD)
    items = []
    for item in staged:
        position += 1
        released = ReleasedItem(application=application, position=position, title=item.title, file_name=item.name,
                                content_type=item.content_type, size=item.size, added_by=user_or_none(actor))
        released.file.name = item.stored_as
        released.save()
        items.append(released)
    for title, document in links:
        position += 1
        items.append(ReleasedItem.objects.create(
            application=application, position=position, title=title, document=document,
            url=reverse("public-document", kwargs={"pk": document.pk}), added_by=user_or_none(actor)))
    return items


def check_complete(application: Application, code: str, reason: str, count: int) -> None:
    """A granted or partially granted reply either carries the information or says how to obtain it.

    《条例》第三十六条第（一）项、第（二）项 let the office either provide the information or tell the applicant the
    way, place and time to obtain it; the second needs those words in the letter, so without any enclosure the
    reason and explanation (which the letter prints) must not be empty. Other decisions release nothing."""
    if not releases_information(code):
        if count:
            raise DomainError("只有予以公开或部分公开的答复才能附送公开的信息。", field=FILES_FIELD)
        return
    if not count and not reason.strip():
        raise DomainError(NO_REASON, field="reason")
