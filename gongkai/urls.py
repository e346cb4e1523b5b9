from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from gongkai import api
from gongkai.catalog.sitemaps import ColumnSitemap, GuideSitemap
from gongkai.orgs.forms import AdminLoginForm
from gongkai.participation.sitemaps import MessageReplySitemap
from gongkai.portal import views as portal_views
from gongkai.publishing.feeds import LatestDocumentsFeed
from gongkai.publishing.sitemaps import SITEMAPS
from gongkai.reports.sitemaps import ReportSitemap
from gongkai.staff import views as staff_views

admin.site.site_header = "公开平台管理"
admin.site.site_title = "公开平台管理"
admin.site.login_form = AdminLoginForm
# The admin door asks for the second factor too (gongkai/staff/views.py).
admin.site.login = staff_views.admin_login

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("wzdt/", portal_views.site_map, name="site-map"),
    path("xxgk/", include("gongkai.publishing.urls_public")),
    path("ysqgk/", include("gongkai.disclosure.urls_public")),
    path("zfxxgk/ndbg/", include("gongkai.reports.urls_public")),
    path("zfxxgk/", include("gongkai.catalog.urls_public")),
    path("hdjl/", include("gongkai.participation.urls_public")),
    path("staff/applications/", include("gongkai.disclosure.urls_staff")),
    path("staff/reports/", include("gongkai.reports.urls_staff")),
    path("staff/catalog/", include("gongkai.catalog.urls_staff")),
    path("staff/assessment/", include("gongkai.assessment.urls_staff")),
    path("staff/workplans/", include("gongkai.assessment.urls_workplan")),
    path("staff/participation/", include("gongkai.participation.urls_staff")),
    path("search/", include("gongkai.search.urls")),
    path("staff/search/", include("gongkai.search.urls_staff")),
    path("wdk/", include("gongkai.qa.urls")),
    path("staff/qa/", include("gongkai.qa.urls_staff")),
    path("staff/", include("gongkai.staff.urls")),
    path("staff/", include("gongkai.publishing.urls_staff")),
    path("api/v1/", api.urls()),
    path("feeds/latest.xml", LatestDocumentsFeed(), name="feed-latest"),
    path("sitemap.xml", sitemap, {"sitemaps": {**SITEMAPS, "column": ColumnSitemap, "guides": GuideSitemap,
                                                 "reports": ReportSitemap, "replies": MessageReplySitemap}},
         name="sitemap"),
    path("admin/", admin.site.urls),
]

handler400 = "gongkai.portal.views.bad_request"
handler404 = "gongkai.portal.views.not_found"
handler500 = "gongkai.portal.views.server_error"
