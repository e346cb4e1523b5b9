"""One question, one row on the staff work list: typed with or without the modal particle it ends with (谁管啊,
谁管), it is counted and rated under one key, and rows keyed before the particles were dropped are merged."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from gongkai.qa import services
from gongkai.qa.models import Feedback, UnansweredQuestion
from tests.qa.test_ask import library  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("fresh_search")
FALL = "下雨天上下班路上摔了谁管"


def test_a_trailing_particle_and_punctuation_do_not_make_another_question():
    # The trial of 2026-12-02 found 下雨天上下班路上摔了谁管啊 and …谁管 on two rows of the work list.
    keys = {services.question_key(q) for q in (FALL, f"{FALL}啊", f"{FALL}呀？", f"{FALL}呢!", f"{FALL}吗？？", f" {FALL}。")}
    assert keys == {FALL}
    # The same form off_topic reads: a particle changes neither judgment.
    assert services.off_topic("明天天气怎么样啊") == services.off_topic("明天天气怎么样")
    assert services.off_topic("他是谁呀") and services.off_topic("他是谁")
    # A question of particles only keeps them (not an empty key).
    assert services.question_key("啊啊") == "啊啊"


def test_a_question_asked_with_and_without_its_particle_is_one_row(library):  # noqa: F811
    for asked in (FALL, f"{FALL}啊", f"{FALL}啊？"):
        assert services.note_unanswered(asked)
    row = UnansweredQuestion.objects.get()
    assert row.count == 3 and row.question == FALL
    assert services.is_listed(f"{FALL}呀")


@pytest.mark.django_db
def test_rows_keyed_the_old_way_are_merged_and_ratings_keyed_again():
    migration = importlib.import_module("gongkai.qa.migrations.0008_question_keys_without_particles")
    now = timezone.now()

    def row(question, key, count, first, last, **flags):
        made = UnansweredQuestion.objects.create(key=key, question=question, count=count, **flags)
        UnansweredQuestion.objects.filter(pk=made.pk).update(first_asked=now - dt.timedelta(days=first),
                                                             last_asked=now - dt.timedelta(days=last))
        return made

    # As the old key had it: the particle kept, punctuation dropped.
    plain = row(FALL, FALL, 4, first=10, last=5)
    particle = row(f"{FALL}啊", f"{FALL}啊", 3, first=20, last=1, about_the_world=True, filed_by_staff=True)
    handled = row(f"{FALL}呢？", f"{FALL}呢", 7, first=30, last=8, resolved=True)
    alone = row("宅基地能不能卖", "宅基地能不能卖", 2, first=3, last=2)
    lone_particle = row("低保怎么申请啊", "低保怎么申请啊", 1, first=1, last=1)
    Feedback.objects.create(question_key=f"{FALL}啊", question=f"{FALL}啊", source="article:1", helpful=False)
    migration.rekey(apps, None)
    merged = UnansweredQuestion.objects.get(key=FALL)
    # The earliest ask's row is kept, with its text; the asks of the rows still waiting are counted (the handled
    # row's asks were dealt with), first and last asks span them all; filed as staff filed it.
    assert merged.pk == handled.pk and merged.question == f"{FALL}呢？"
    assert merged.count == 7 - 7 + 4 + 3 and not merged.resolved
    assert merged.first_asked == now - dt.timedelta(days=30) and merged.last_asked == now - dt.timedelta(days=1)
    assert merged.about_the_world and merged.filed_by_staff
    assert not UnansweredQuestion.objects.filter(pk__in=[plain.pk, particle.pk]).exists()
    assert UnansweredQuestion.objects.get(pk=alone.pk).count == 2
    assert UnansweredQuestion.objects.get(pk=lone_particle.pk).key == "低保怎么申请"
    assert Feedback.objects.get().question_key == FALL
    # Handled everywhere: handled, counting every ask.
    UnansweredQuestion.objects.all().delete()
    row("谁管啊", "谁管啊", 2, first=2, last=2, resolved=True)
    row("谁管", "谁管", 5, first=1, last=1, resolved=True)
    migration.rekey(apps, None)
    both = UnansweredQuestion.objects.get()
    assert both.key == "谁管" and both.resolved and both.count == 7 and not both.filed_by_staff
