"""Staff pages of the work plan (工作要点), mounted at /staff/workplans/."""

from django.urls import path

from gongkai.assessment import views_workplan as w

urlpatterns = [
    path("", w.plans, name="staff-workplans"),
    path("new/", w.plan_new, name="staff-workplan-new"),
    path("<int:pk>/", w.plan_detail, name="staff-workplan"),
    path("<int:pk>/tasks/new/", w.task_new, name="staff-workplan-task-new"),
    path("<int:pk>/import/", w.task_import, name="staff-workplan-import"),
    path("<int:pk>/tasks.xlsx", w.plan_export, name="staff-workplan-export"),
    path("tasks/<int:pk>/", w.task_detail, name="staff-workplan-task"),
    path("tasks/<int:pk>/action/", w.task_action, name="staff-workplan-task-action"),
    path("tasks/<int:pk>/evidence/", w.evidence_file, name="staff-workplan-evidence"),
]
