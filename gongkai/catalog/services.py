"""The only write path of the catalogue: guide, catalogue items, negative list and ledger. Every write checks
the actor's role in the agency, validates, runs in one transaction and is audited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from gongkai.catalog import rules
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry, NegativeListEntry, Reviewed
from gongkai.catalog.states import REVIEW
from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.taxonomy import ALL_SUBJECTS, DOC_TYPES, SUBJECTS, normalize_subject
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import require_any_role
from gongkai.orgs.roles import Role
from gongkai.publishing.visibility import public_documents

# The disclosure office keeps the guide, catalogue, negative list and ledger of its agency.
audit.register_labels({"catalog.save_guide": "保存指南草稿", "catalog.save_item": "保存目录事项草稿",
                       "catalog.save_negative_entry": "保存负面清单事项草稿", "catalog.save_ledger_entry": "保存台帐记录"})
EDITORS = (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD)
_POSTCODE = re.compile(r"\d{6}")


def _actor(actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _check_editor(actor, agency: Agency) -> None:
    if actor is not None:
        require_any_role(actor, EDITORS, agency)


def _assign(obj, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _validate(obj, extra: dict[str, list[str]]) -> None:
    """Run the model's own checks and the service's; raise one DomainError naming every field at fault."""
    errors = dict(extra)
    try:
        obj.full_clean(exclude=["agency", "reviewed_by", "updated_by", "document", "published"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name not in extra:  # the service's own message (in Chinese) stands for the field
                errors.setdefault(name, []).extend(messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)


def _diff(before: dict, after: dict) -> dict[str, list[str]]:
    return {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}


# -- guide -------------------------------------------------------------------------------------------------------

GUIDE_FIELDS = Guide.PUBLIC_FIELDS


def guide_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The guide's own checks on typed values (the form shows them with the required fields, all at once):
    a 6-digit postcode, an e-mail address, a web address starting with http:// or https://."""
    errors: dict[str, list[str]] = {}
    postcode = str(values.get("postcode") or "").strip()
    if postcode and not _POSTCODE.fullmatch(postcode):
        errors["postcode"] = ["邮政编码应为6位数字。"]
    email = str(values.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["请输入有效的电子邮箱地址。"]
    website = str(values.get("website") or "").strip()
    if website:
        try:
            # Only web addresses: a javascript: or data: link on the public guide would run in readers' browsers.
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = ["请输入以 http:// 或 https:// 开头的网址。"]
    return errors


@transaction.atomic
def save_guide(actor, agency: Agency, data: Mapping[str, Any]) -> Guide:
    """Save the draft of `agency`'s guide; it goes public at the next review (publish_entry)."""
    _check_editor(actor, agency)
    guide = Guide.objects.select_for_update().filter(agency=agency).first() or Guide(agency=agency)
    before = {n: str(getattr(guide, n) or "") for n in GUIDE_FIELDS}
    _assign(guide, data, GUIDE_FIELDS)
    _validate(guide, guide_errors({n: getattr(guide, n) for n in GUIDE_FIELDS}))
    guide.updated_by = _actor(actor)
    guide.save()
    after = {n: str(getattr(guide, n) or "") for n in GUIDE_FIELDS}
    audit.record(actor, "catalog.save_guide", guide, changes=_diff(before, after))
    return guide


# -- catalogue items -----------------------------------------------------------------------------------------------

ITEM_FIELDS = ("category", "category_name", "subcategory", "content", "basis", "period", "time_limit", "publisher",
               "office", "channel", "audience", "mode", "level_county", "level_local", "doc_type", "subject", "order",
               "column_kind")


def _item_errors(item: CatalogItem) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if item.doc_type and item.doc_type not in DOC_TYPES:
        errors["doc_type"] = [f"没有“{item.doc_type}”这个公文种类。"]
    if item.subject:
        subject = item.subject if item.subject in SUBJECTS else normalize_subject(item.subject)
        if subject is None or (subject not in SUBJECTS and subject not in ALL_SUBJECTS):
            errors["subject"] = [f"没有“{item.subject}”这个主题分类。"]
        else:
            item.subject = subject
    return errors


@transaction.atomic
def save_item(actor, agency: Agency, data: Mapping[str, Any], item: CatalogItem | None = None) -> CatalogItem:
    """Create or edit a catalogue item of `agency` (a draft until reviewed)."""
    _check_editor(actor, agency)
    if item is not None:
        item = CatalogItem.objects.select_for_update().get(pk=item.pk, agency=agency)
    else:
        item = CatalogItem(agency=agency)
    before = item.snapshot() if item.pk else {}
    if "period" in data and "time_limit" not in data:
        item.time_limit = ""  # regenerated from the new period
    _assign(item, data, ITEM_FIELDS)
    if item.order in (None, ""):
        item.order = 100
    _validate(item, _item_errors(item))
    item.updated_by = _actor(actor)
    item.save()
    audit.record(actor, "catalog.save_item", item, changes=_diff(before, item.snapshot()))
    return item


@transaction.atomic
def seed_default_catalog(actor, agency: Agency) -> list[CatalogItem]:
    """Add the items of 《条例》第二十条 that `agency`'s catalogue lacks and that an agency of its kind produces
    (no 规章 for a department or a town), as drafts to edit and review."""
    _check_editor(actor, agency)
    have = set(CatalogItem.objects.filter(agency=agency).values_list("category", flat=True))
    level = rules.agency_level(agency.kind)
    made = []
    for n, (category, number, content, doc_type, subject, period) in enumerate(rules.DEFAULT_ITEMS, start=1):
        if category in have or not rules.item_applies(category, agency.kind):
            continue
        made.append(save_item(actor, agency, {
            "category": category, "content": content, "basis": f"{rules.ARTICLE_20_SOURCE}第{number}项",
            "period": period, "doc_type": doc_type, "subject": subject, "order": n * 10,
            "channel": "政府网站政府信息公开专栏", "audience": rules.Audience.PUBLIC, "mode": rules.Mode.PROACTIVE,
            "level_county": level == "county", "level_local": level == "local"}))
    return made


# -- negative list ---------------------------------------------------------------------------------------------------

NEGATIVE_FIELDS = NegativeListEntry.PUBLIC_FIELDS


@transaction.atomic
def save_negative_entry(actor, agency: Agency, data: Mapping[str, Any],
                        entry: NegativeListEntry | None = None) -> NegativeListEntry:
    """Create or edit an entry of `agency`'s negative list (a draft until reviewed)."""
    _check_editor(actor, agency)
    if entry is not None:
        entry = NegativeListEntry.objects.select_for_update().get(pk=entry.pk, agency=agency)
    else:
        entry = NegativeListEntry(agency=agency)
    before = entry.snapshot() if entry.pk else {}
    _assign(entry, data, NEGATIVE_FIELDS)
    _validate(entry, {})
    entry.updated_by = _actor(actor)
    entry.save()
    audit.record(actor, "catalog.save_negative_entry", entry, changes=_diff(before, entry.snapshot()))
    return entry


# -- review ------------------------------------------------------------------------------------------------------------

@transaction.atomic
def publish_entry(actor, obj: Reviewed, comment: str = "") -> Reviewed:
    """Review and publish a guide, catalogue item or negative-list entry: the public now sees its current text."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    transition = REVIEW.check(actor, obj, "publish")
    obj.published = obj.snapshot()
    obj.reviewed_on = timezone.localdate()
    obj.reviewed_by = _actor(actor)
    REVIEW.commit(actor, obj, transition, comment=comment)
    return obj


@transaction.atomic
def retire_entry(actor, obj: Reviewed, comment: str) -> Reviewed:
    """Take a public entry off the public pages (it can be published again later)."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    REVIEW.apply(actor, obj, "retire", comment=comment)
    return obj


# -- ledger ------------------------------------------------------------------------------------------------------------

LEDGER_FIELDS = ("title", "doc_number", "doc_type", "signed_on", "validity", "note")


@transaction.atomic
def save_ledger_entry(actor, agency: Agency, data: Mapping[str, Any],
                      entry: LedgerEntry | None = None) -> LedgerEntry:
    """Create or edit a ledger row of `agency`."""
    _check_editor(actor, agency)
    if entry is not None:
        entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk, agency=agency)
    else:
        entry = LedgerEntry(agency=agency)
    _assign(entry, data, LEDGER_FIELDS)
    if "document" in data:
        entry.document = data["document"]
    extra = {}
    if entry.doc_type not in rules.LEDGER_DOC_TYPES:
        extra["doc_type"] = [f"类别应为：{'、'.join(rules.LEDGER_DOC_TYPES)}。"]
    _validate(entry, extra)
    entry.updated_by = _actor(actor)
    entry.save()
    audit.record(actor, "catalog.save_ledger_entry", entry, title=entry.title, validity=entry.validity)
    return entry


@transaction.atomic
def generate_ledger(actor, agency: Agency) -> list[LedgerEntry]:
    """Add a ledger row for each public rule or normative document of `agency` the ledger does not hold yet."""
    _check_editor(actor, agency)
    held = set(LedgerEntry.objects.filter(agency=agency, document__isnull=False).values_list("document_id",
                                                                                             flat=True))
    numbers = set(LedgerEntry.objects.filter(agency=agency).exclude(doc_number="").values_list("doc_number",
                                                                                              flat=True))
    made = []
    for doc in public_documents().filter(agency=agency, live_revision__doc_type__in=rules.LEDGER_DOC_TYPES):
        rev = doc.live_revision
        if doc.pk in held or (rev.doc_number and rev.doc_number in numbers):
            continue
        made.append(save_ledger_entry(actor, agency, {
            "title": rev.title, "doc_number": rev.doc_number, "doc_type": rev.doc_type, "signed_on": rev.signed_on,
            "validity": rules.LEDGER_VALIDITY_OF.get(doc.validity, rules.LedgerValidity.CURRENT),
            "document": doc, "note": "由政策文件库生成"}))
    return made

