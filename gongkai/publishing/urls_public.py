from django.urls import path

from gongkai.publishing import views_public as v

urlpatterns = [
    path("", v.column, name="public-column"),
    path("documents/", v.document_list, name="public-documents"),
    path("documents/<int:pk>/", v.document_detail, name="public-document"),
    path("agencies/<str:code>/", v.agency_page, name="public-agency"),
    path("attachments/<int:pk>/<str:name>", v.attachment_download, name="public-attachment"),
]
