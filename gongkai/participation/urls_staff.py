"""Staff pages of participation, mounted at /staff/participation/: consultations, and the mailbox under messages/."""

from django.urls import path

from gongkai.participation import views_messages_staff as m
from gongkai.participation import views_staff as v

urlpatterns = [
    path("", v.overview, name="staff-consultations"),
    path("new/<str:code>/", v.create, name="staff-consultation-new"),
    path("c/<int:pk>/", v.detail, name="staff-consultation"),
    path("c/<int:pk>/edit/", v.edit, name="staff-consultation-edit"),
    path("c/<int:pk>/action/", v.action, name="staff-consultation-action"),
    path("c/<int:pk>/feedback/", v.feedback, name="staff-consultation-feedback"),
    path("c/<int:pk>/comment/", v.add_comment, name="staff-consultation-comment"),
    path("c/<int:pk>/comments.<str:fmt>", v.export, name="staff-consultation-export"),
    path("comment/<int:pk>/moderate/", v.moderate, name="staff-consultation-moderate"),
    path("messages/", m.inbox, name="staff-messages"),
    path("messages/m/<int:pk>/", m.detail, name="staff-message"),
    path("messages/m/<int:pk>/action/", m.action, name="staff-message-action"),
    path("messages/m/<int:pk>/attachment/", m.attachment, name="staff-message-attachment"),
]
