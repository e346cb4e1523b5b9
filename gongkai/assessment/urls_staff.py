"""Staff pages of the assessment, mounted at /staff/assessment/."""

from django.urls import path

from gongkai.assessment import views_staff as v

urlpatterns = [
    path("", v.overview, name="staff-assessment"),
    path("ranking.xlsx", v.export, name="staff-assessment-export"),
    path("schemes/<int:pk>/", v.scheme_edit, name="staff-assessment-scheme"),
    path("columns/", v.columns, name="staff-assessment-columns"),
    path("<str:code>/<str:indicator>/", v.evidence, name="staff-assessment-evidence"),
]
