"""The released annual reports (政府信息公开年度报告), mounted at /zfxxgk/ndbg/ in the public column."""

from django.urls import path

from gongkai.reports import views_public as v

urlpatterns = [
    path("", v.report_list, name="zfxxgk-annual-reports"),
    path("<str:code>/<int:year>/", v.report_page, name="zfxxgk-annual-report"),
    path("<str:code>/<int:year>/hz/", v.report_page, {"aggregate": True}, name="zfxxgk-annual-report-aggregate"),
    path("<str:code>/<int:year>/report.<str:fmt>", v.report_download, name="zfxxgk-annual-report-download"),
    path("<str:code>/<int:year>/hz/report.<str:fmt>", v.report_download, {"aggregate": True},
         name="zfxxgk-annual-report-aggregate-download"),
]
