"""立改废: validity changes and the relations by which one document amends or repeals another.

A relation declared by a revision takes effect when that revision is published: at once when it concerns the
same agency's document (or is an interpretation), otherwise only after the other agency's publisher confirms
it — one agency never changes another agency's document on its own.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.workflow import SYSTEM
from gongkai.publishing.models import Document, Relation, Revision
from gongkai.publishing.rules import RelationKind, Validity, lifecycle_errors
from gongkai.publishing.signals import announce
from gongkai.publishing.states import RELATION, VALIDITY, RelationStatus


def announce_after_commit(document_ids: list[int]) -> None:
    """Tell listeners (search, feeds) once the transaction commits that these documents' public view changed."""
    for pk in document_ids:
        transaction.on_commit(lambda pk=pk: announce(pk))


def _change_validity(actor, document: Document, validity: str, *, effective_on: dt.date | None,
                     expires_on: dt.date | None, repealed_on: dt.date | None, comment: str, **data) -> None:
    transition = VALIDITY.check(actor, document, "set_validity")
    document.effective_on = effective_on or document.effective_on
    document.expires_on = expires_on
    document.repealed_on = repealed_on
    VALIDITY.commit(actor, document, transition, target=validity, comment=comment, **data)
    announce_after_commit([document.pk])


@transaction.atomic
def set_validity(actor, document: Document, validity: str, *, effective_on: dt.date | None = None,
                 expires_on: dt.date | None = None, repealed_on: dt.date | None = None,
                 comment: str = "") -> Document:
    """Change a document's validity (有效/失效/废止/已修订) without a new revision; audited."""
    document = Document.objects.select_for_update(of=("self",)).select_related("agency").get(pk=document.pk)
    VALIDITY.check(actor, document, "set_validity")
    errors = lifecycle_errors(validity, effective_on or document.effective_on, expires_on, repealed_on)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], field=next(iter(errors)), errors=errors)
    _change_validity(actor, document, validity, effective_on=effective_on, expires_on=expires_on,
                     repealed_on=repealed_on, comment=comment)
    return document


def _put_into_effect(relation: Relation, source: Document) -> None:
    """Apply what an effective relation means for its target: repealed, or marked amended."""
    target = Document.objects.select_for_update(of=("self",)).select_related("agency").get(pk=relation.target_id)
    comment = f"因《{relation.revision.title}》发布而变更有效性"
    if relation.kind == RelationKind.REPEALS and target.validity != Validity.REPEALED:
        _change_validity(SYSTEM, target, Validity.REPEALED, effective_on=target.effective_on,
                         expires_on=target.expires_on,
                         repealed_on=source.effective_on or timezone.localdate(), comment=comment,
                         by_document=source.pk)
    elif relation.kind == RelationKind.AMENDS and target.validity == Validity.VALID:
        _change_validity(SYSTEM, target, Validity.AMENDED, effective_on=target.effective_on,
                         expires_on=target.expires_on, repealed_on=target.repealed_on, comment=comment,
                         by_document=source.pk)


def apply_relations(source: Document, revision: Revision) -> None:
    """Put the relations of a revision just made live into effect, or ask the other agency (in a transaction)."""
    for relation in revision.relations.select_related("target__agency", "revision").filter(
            status=RelationStatus.DECLARED):
        if relation.needs_confirmation():
            RELATION.apply(SYSTEM, relation, "ask_confirmation")
            audit.record(SYSTEM, "relation_pending", relation.target,
                         comment=f"《{revision.title}》（{source.agency.name}）拟{relation.get_kind_display()}本文件，"
                                 "待本机关发布人确认", relation=relation.pk)
        else:
            RELATION.apply(SYSTEM, relation, "take_effect")
            _put_into_effect(relation, source)


# How each answer reads in the two documents' histories.
ANSWERS = {"confirm_relation": "relation_confirmed", "decline_relation": "relation_declined"}


def _decide(actor, relation: Relation, name: str, comment: str) -> Relation:
    """The target agency's publisher answers (confirm_relation or decline_relation), recorded on both documents."""
    # Lock the declaring document first (the order publication takes), so it cannot be withdrawn or
    # republished between the check that its revision is still public and the change to the target.
    source_id = Relation.objects.filter(pk=relation.pk).values_list("revision__document_id", flat=True).get()
    Document.objects.select_for_update(of=("self",)).filter(pk=source_id).first()
    relation = (Relation.objects.select_for_update(of=("self",))
                .select_related("target__agency", "revision__document__agency").get(pk=relation.pk))
    transition = RELATION.check(actor, relation, name)
    relation.decided_by = actor
    relation.decided_at = timezone.now()
    relation.decision_comment = (comment or "").strip()
    RELATION.commit(actor, relation, transition, comment=relation.decision_comment)
    source = relation.revision.document
    if relation.status == RelationStatus.EFFECTIVE:
        _put_into_effect(relation, source)
    for document in (relation.target, source):
        audit.record(actor, ANSWERS[name], document, comment=relation.decision_comment, relation=relation.pk)
    return relation


@transaction.atomic
def confirm_relation(actor, relation: Relation, comment: str = "") -> Relation:
    """The target agency's publisher agrees: the repeal or amendment takes effect now."""
    return _decide(actor, relation, "confirm_relation", comment)


@transaction.atomic
def decline_relation(actor, relation: Relation, comment: str) -> Relation:
    """The target agency's publisher does not agree; the target document stays as it is."""
    return _decide(actor, relation, "decline_relation", comment)
