"""Staff pages of the assessment, mounted at /staff/assessment/ (the work plan's under workplans/)."""

from django.urls import path

from gongkai.assessment import views_staff as v
from gongkai.assessment import views_workplan as w

urlpatterns = [
    path("", v.overview, name="staff-assessment"),
    path("ranking.xlsx", v.export, name="staff-assessment-export"),
    path("schemes/<int:pk>/", v.scheme_edit, name="staff-assessment-scheme"),
    path("workplans/", w.plans, name="staff-workplans"),
    path("workplans/new/", w.plan_new, name="staff-workplan-new"),
    path("workplans/<int:pk>/", w.plan_detail, name="staff-workplan"),
    path("workplans/<int:pk>/tasks/new/", w.task_new, name="staff-workplan-task-new"),
    path("workplans/<int:pk>/import/", w.task_import, name="staff-workplan-import"),
    path("workplans/<int:pk>/tasks.xlsx", w.plan_export, name="staff-workplan-export"),
    path("workplans/tasks/<int:pk>/", w.task_detail, name="staff-workplan-task"),
    path("workplans/tasks/<int:pk>/action/", w.task_action, name="staff-workplan-task-action"),
    path("workplans/tasks/<int:pk>/evidence/", w.evidence_file, name="staff-workplan-evidence"),
    # Last: two free segments would catch the paths above.
    path("<str:code>/<str:indicator>/", v.evidence, name="staff-assessment-evidence"),
]
