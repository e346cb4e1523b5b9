"""Public pages of participation, mounted at /hdjl/ (互动交流): consultations, the mailbox and error reports."""

from django.urls import path

from gongkai.participation import views_messages as m
from gongkai.participation import views_public as v
from gongkai.participation import views_public_records as r

urlpatterns = [
    path("", v.home, name="participation-home"),
    path("yjzj/", v.index, name="consultations"),
    path("yjzj/<int:pk>/", v.detail, name="consultation"),
    path("yjzj/<int:pk>/yj/", v.comments, name="consultation-comments"),
    path("yjzj/<int:pk>/fk/", v.feedback, name="consultation-feedback"),
    path("zdjcml/", v.decisions, name="major-decisions"),
    path("lxhy/", r.meetings, name="meetings"),
    path("lxhy/<int:pk>/", r.meeting, name="meeting"),
    path("zcpg/", r.evaluations, name="evaluations"),
    path("zcpg/<int:pk>/", r.evaluation, name="evaluation"),
    path("jyta/", r.motion_replies, name="motion-replies"),
    path("xx/", m.write, name="mailbox"),
    path("xx/cx/", m.query, name="message-query"),
    path("xx/zh/", m.recover, name="message-recover"),
    path("xx/cx/<str:code>/", m.status, name="message-status"),
    path("xx/hf/", m.replies, name="message-replies"),
    path("xx/hf/<int:pk>/", m.reply, name="message-reply"),
    path("zc/", m.error_report, name="error-report"),
]
