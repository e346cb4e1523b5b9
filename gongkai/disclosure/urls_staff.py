"""The disclosure office's back office, mounted at /staff/applications/."""

from django.urls import path

from gongkai.disclosure import views_staff as v

urlpatterns = [
    path("", v.case_list, name="staff-applications"),
    path("new/", v.register, name="staff-application-new"),
    path("report/", v.report, name="staff-applications-report"),
    path("<int:pk>/", v.case_detail, name="staff-application"),
    path("<int:pk>/applicant/", v.reveal_applicant, name="staff-application-applicant"),
    path("<int:pk>/action/<str:name>/", v.case_action, name="staff-application-action"),
    path("<int:pk>/letter.<str:fmt>", v.letter_download, name="staff-application-letter"),
    path("<int:pk>/released/<int:item>/", v.released_download, name="staff-application-released"),
    path("<int:pk>/evidence/<int:item>/", v.evidence_download, name="staff-application-evidence"),
]
