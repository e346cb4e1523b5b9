"""The work list's rows and the answer ratings keyed again by services.question_key, which now drops the modal
particles a question ends with (谁管啊 and 谁管 are one question): rows that now share a key are merged into one."""

from django.db import migrations


def merge_rows(rows: list) -> dict:
    """What one row holding `rows` (one question asked with and without its particle) says: the question as first
    asked, the earliest first ask and the latest last ask; handled only when every row was, counting then all the
    asks, else counting the asks of the rows still waiting (a handled row counts the asks since it was handled,
    note_unanswered); filed as staff filed it (the row they filed most lately asked), else as the row asked last."""
    first = min(rows, key=lambda r: (r.first_asked, r.pk))
    last = max(rows, key=lambda r: (r.last_asked, r.pk))
    waiting = [r for r in rows if not r.resolved]
    filed = [r for r in rows if r.filed_by_staff]
    judged = max(filed, key=lambda r: (r.last_asked, r.pk)) if filed else last
    return {"question": first.question, "first_asked": first.first_asked, "last_asked": last.last_asked,
            "count": sum(r.count for r in (waiting or rows)), "resolved": not waiting,
            "about_the_world": judged.about_the_world, "filed_by_staff": bool(filed)}


def rekey(apps, schema_editor):
    from gongkai.qa.services import question_key

    UnansweredQuestion = apps.get_model("qa", "UnansweredQuestion")
    Feedback = apps.get_model("qa", "Feedback")
    groups: dict[str, list] = {}
    for row in UnansweredQuestion.objects.order_by("pk"):
        # The key was the stored question's (anonymised as asked), cut at 200: computed again from it.
        groups.setdefault(question_key(row.question), []).append(row)
    for key, rows in groups.items():
        if len(rows) == 1 and rows[0].key == key:
            continue
        keep = min(rows, key=lambda r: (r.first_asked, r.pk))
        merged = merge_rows(rows)
        # The others first: the key is unique, and one of them may hold it already.
        UnansweredQuestion.objects.filter(pk__in=[r.pk for r in rows if r.pk != keep.pk]).delete()
        # update(), not save(): save() would set last_asked to now (auto_now).
        UnansweredQuestion.objects.filter(pk=keep.pk).update(key=key, **merged)
    for rating in Feedback.objects.only("pk", "question", "question_key").iterator():
        key = question_key(rating.question)
        if key != rating.question_key:
            Feedback.objects.filter(pk=rating.pk).update(question_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ("qa", "0007_unanswered_filed_by_staff"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
