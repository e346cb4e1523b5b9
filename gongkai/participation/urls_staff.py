"""Staff pages of participation, mounted at /staff/participation/: consultations, and the mailbox under messages/."""

from django.urls import path

from gongkai.participation import views_messages_staff as m
from gongkai.participation import views_staff as v
from gongkai.participation import views_staff_records as r

urlpatterns = [
    path("", v.overview, name="staff-consultations"),
    path("new/<str:code>/", v.create, name="staff-consultation-new"),
    path("c/<int:pk>/", v.detail, name="staff-consultation"),
    path("c/<int:pk>/edit/", v.edit, name="staff-consultation-edit"),
    path("c/<int:pk>/action/", v.action, name="staff-consultation-action"),
    path("c/<int:pk>/extend/", v.extend, name="staff-consultation-extend"),
    path("c/<int:pk>/feedback/", v.feedback, name="staff-consultation-feedback"),
    path("c/<int:pk>/comment/", v.add_comment, name="staff-consultation-comment"),
    path("c/<int:pk>/comments.<str:fmt>", v.export, name="staff-consultation-export"),
    path("comment/<int:pk>/moderate/", v.moderate, name="staff-consultation-moderate"),
    path("meetings/", r.meetings, name="staff-meetings"),
    path("meetings/new/<str:code>/", r.meeting_new, name="staff-meeting-new"),
    path("meetings/<int:pk>/", r.meeting, name="staff-meeting"),
    path("meetings/<int:pk>/edit/", r.meeting_edit, name="staff-meeting-edit"),
    path("meetings/<int:pk>/action/", r.meeting_action, name="staff-meeting-action"),
    path("meetings/<int:pk>/attendee/", r.meeting_attendee, name="staff-meeting-attendee"),
    path("attendee/<int:pk>/edit/", r.attendee_edit, name="staff-attendee-edit"),
    path("attendee/<int:pk>/remove/", r.attendee_remove, name="staff-attendee-remove"),
    path("evaluations/", r.evaluations, name="staff-evaluations"),
    path("evaluations/minimum/", r.evaluation_minimum, name="staff-evaluation-minimum"),
    path("evaluations/new/<str:code>/", r.evaluation_new, name="staff-evaluation-new"),
    path("evaluations/<int:pk>/", r.evaluation, name="staff-evaluation"),
    path("evaluations/<int:pk>/edit/", r.evaluation_edit, name="staff-evaluation-edit"),
    path("evaluations/<int:pk>/action/", r.evaluation_action, name="staff-evaluation-action"),
    path("messages/", m.inbox, name="staff-messages"),
    path("messages/export.<str:fmt>", m.export, name="staff-messages-export"),
    path("messages/new/<str:code>/", m.register, name="staff-message-new"),
    path("messages/m/<int:pk>/", m.detail, name="staff-message"),
    path("messages/m/<int:pk>/action/", m.action, name="staff-message-action"),
    path("messages/m/<int:pk>/attachment/", m.attachment, name="staff-message-attachment"),
]
