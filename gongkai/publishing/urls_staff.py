"""The publishing pages of the staff back office, mounted at /staff/."""

from django.urls import path

from gongkai.publishing import views_staff as v

urlpatterns = [
    path("documents/", v.document_list, name="staff-documents"),
    path("documents/new/", v.document_new, name="staff-document-new"),
    path("documents/<int:pk>/", v.document_detail, name="staff-document"),
    path("documents/<int:pk>/edit/", v.document_edit, name="staff-document-edit"),
    path("documents/<int:pk>/preview/", v.document_preview, name="staff-document-preview"),
    path("documents/<int:pk>/action/", v.document_action, name="staff-document-action"),
    path("documents/<int:pk>/validity/", v.document_validity, name="staff-document-validity"),
    path("relations/<int:pk>/action/", v.relation_action, name="staff-relation-action"),
    path("attachments/<int:pk>/", v.attachment_download, name="staff-attachment"),
]
