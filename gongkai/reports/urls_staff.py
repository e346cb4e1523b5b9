from django.urls import path

from gongkai.reports import views_staff as v

urlpatterns = [
    path("annual/", v.annual_report, name="staff-annual-report"),
    path("annual/<str:code>/cell/", v.annual_cell, name="staff-annual-report-cell"),
    path("annual/<str:code>/report.<str:fmt>", v.annual_download, name="staff-annual-report-download"),
    path("annual/<str:code>/narrative/", v.save_narrative, name="staff-annual-report-narrative"),
]
