from django.urls import path

from gongkai.reports import views_staff as v
from gongkai.reports import views_timeliness as t

urlpatterns = [
    path("annual/", v.annual_report, name="staff-annual-report"),
    path("annual/<str:code>/cell/", v.annual_cell, name="staff-annual-report-cell"),
    path("annual/<str:code>/report.<str:fmt>", v.annual_download, name="staff-annual-report-download"),
    path("annual/<str:code>/narrative/", v.save_narrative, name="staff-annual-report-narrative"),
    path("annual/<str:code>/figures/", v.save_figures, name="staff-annual-report-figures"),
    path("annual/<str:code>/figures/import/", v.import_figures, name="staff-annual-report-figures-import"),
    path("annual/<str:code>/release/", v.report_action, name="staff-annual-report-action"),
    path("annual/<str:code>/revisions/<int:pk>/", v.revision_page, name="staff-annual-report-revision"),
    path("annual/<str:code>/revisions/<int:pk>/report.<str:fmt>", v.revision_download,
         name="staff-annual-report-revision-download"),
    path("timeliness/", t.timeliness_page, name="staff-timeliness"),
    path("timeliness/<str:code>/rows/", t.timeliness_rows, name="staff-timeliness-rows"),
    path("timeliness/<str:code>/rows.csv", t.timeliness_csv, name="staff-timeliness-csv"),
]
