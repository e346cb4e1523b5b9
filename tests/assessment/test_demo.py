"""The demo's work plan: this year's tasks in every state, one overdue, made once however often the demo runs;
the demo's general office sees it on the dashboard."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from gongkai.assessment import workplan
from gongkai.assessment.models import WorkPlan, WorkTask
from gongkai.assessment.rules import TaskState
from gongkai.demo import load_demo


def test_demo_work_plan_has_every_state_and_one_overdue(db, client):
    load_demo()
    load_demo()
    plan = WorkPlan.objects.get()
    today = timezone.localdate()
    assert plan.year == today.year
    states = sorted(WorkTask.objects.values_list("state", flat=True))
    assert set(states) == set(TaskState.values)
    overdue = [t for t in plan.tasks.all() if workplan.is_overdue(t, today)]
    assert [t.state for t in overdue] == [TaskState.IN_PROGRESS]
    client.force_login(get_user_model().objects.get(username="head"))
    assert "逾期 1 项" in client.get(reverse("staff-dashboard")).content.decode()
