"""Public status apart from review state (issue #8), the data, for a database that ran the old code.

- A document in the old `withdrawn` state was published and then taken down: its latest revision went through
  review (state `published`), and it is not public (no live revision), withdrawn when its last withdraw entry says.
- Relations of a revision that was ever made public took effect then (the old rule applied them at publication).
- Review steps recorded before the upgrade are marked with their duty and revision, so 一事一审 holds for a
  revision that is half-way through review at the moment of the upgrade.
- Index-number counters move to the core serial allocator.

Going back restores the old states and counters; the old code cannot tell a relation waiting for another
agency's confirmation from one in effect, so after a rollback such relations show as if in effect.
"""

from django.db import migrations

# What each old audit action of a document was, as a review step (separation of duties).
STEP_DUTIES = {
    "create_document": "draft", "save_revision": "draft", "submit": "draft",
    "pass_secrecy_review": "secrecy_review", "reject_secrecy_review": "secrecy_review",
    "approve": "approval", "reject_approval": "approval",
    "sign_off": "signoff", "reject_signoff": "signoff",
    "publish": "publication", "schedule": "publication", "cancel_schedule": "publication",
    "reject_publication": "publication",
}
PUBLICATIONS = ("publish", "publish_scheduled", "imported_as_published")


def _revision_at(Revision, document_id, entry):
    """The revision an old entry was about: the number it names, else the newest saved before it."""
    number = (entry.data or {}).get("revision")
    revisions = Revision.objects.filter(document_id=document_id)
    if number is not None:
        return revisions.filter(number=number).first()
    return revisions.filter(created_at__lte=entry.created_at).order_by("-number").first()


def forwards(apps, schema_editor):
    Document = apps.get_model("publishing", "Document")
    Revision = apps.get_model("publishing", "Revision")
    Relation = apps.get_model("publishing", "Relation")
    IndexCounter = apps.get_model("publishing", "IndexCounter")
    SerialCounter = apps.get_model("core", "SerialCounter")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for counter in IndexCounter.objects.all():
        SerialCounter.objects.update_or_create(series=f"publishing.index_no:{counter.agency_id}", year=counter.year,
                                               defaults={"last": counter.last})
    entries = AuditEntry.objects.filter(object_type="publishing.document").order_by("created_at", "id")
    last_withdrawal: dict[int, object] = {}
    for entry in entries.iterator():
        document_id = int(entry.object_id)
        if entry.action == "withdraw":
            last_withdrawal[document_id] = entry.created_at
            continue
        duty = STEP_DUTIES.get(entry.action)
        published = entry.action in PUBLICATIONS
        if duty is None and not published:
            continue
        revision = _revision_at(Revision, document_id, entry)
        if revision is None:
            continue
        if duty and not entry.duty:
            # The historical model has no append-only guard: this marks, it changes nothing that was said.
            AuditEntry.objects.filter(pk=entry.pk).update(duty=duty,
                                                          duty_subject=f"publishing.revision:{revision.pk}")
        if published:
            Relation.objects.filter(revision=revision).update(status="effective")
    for document in Document.objects.filter(state="withdrawn"):
        document.state = "published"
        document.live_revision = None
        document.withdrawn_at = last_withdrawal.get(document.pk, document.updated_at)
        document.save(update_fields=["state", "live_revision", "withdrawn_at"])
    # Documents edited after a withdrawal carry their review state already; they too are no longer public.
    for document_id, at in last_withdrawal.items():
        Document.objects.filter(pk=document_id, live_revision__isnull=True,
                                withdrawn_at__isnull=True).update(withdrawn_at=at)
    Relation.objects.filter(revision_id__in=Document.objects.exclude(live_revision=None)
                            .values("live_revision_id")).update(status="effective")


def backwards(apps, schema_editor):
    Document = apps.get_model("publishing", "Document")
    IndexCounter = apps.get_model("publishing", "IndexCounter")
    SerialCounter = apps.get_model("core", "SerialCounter")
    Document.objects.filter(state="published", live_revision__isnull=True,
                            withdrawn_at__isnull=False).update(state="withdrawn")
    for counter in SerialCounter.objects.filter(series__startswith="publishing.index_no:"):
        IndexCounter.objects.update_or_create(agency_id=int(counter.series.split(":")[1]), year=counter.year,
                                              defaults={"last": counter.last})


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0002_public_status_apart_from_review"),
        ("core", "0002_serial_counters_and_duties"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
