"""Public pages of consultations, mounted at /hdjl/ (互动交流)."""

from django.urls import path

from gongkai.participation import views_public as v
from gongkai.participation import views_public_records as r

urlpatterns = [
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
]
