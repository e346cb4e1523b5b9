"""The staff back office (工作台), mounted at /staff/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.publishing import views_staff as v

urlpatterns = [
    path("", v.dashboard, name="staff-dashboard"),
    path("login/", v.StaffLoginView.as_view(), name="staff-login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff-login"), name="staff-logout"),
    path("documents/new/", v.document_new, name="staff-document-new"),
    path("documents/<int:pk>/", v.document_detail, name="staff-document"),
    path("documents/<int:pk>/edit/", v.document_edit, name="staff-document-edit"),
    path("documents/<int:pk>/preview/", v.document_preview, name="staff-document-preview"),
    path("documents/<int:pk>/action/", v.document_action, name="staff-document-action"),
    path("documents/<int:pk>/validity/", v.document_validity, name="staff-document-validity"),
    path("attachments/<int:pk>/", v.attachment_download, name="staff-attachment"),
]
