"""The public 政府信息公开 column, mounted at /zfxxgk/ (ndbg/ — the annual reports — belongs to the reports app)."""

from django.urls import path

from gongkai.catalog import views_public as v

urlpatterns = [
    path("", v.index, name="zfxxgk"),
    path("zn/", v.guides, name="zfxxgk-guides"),
    path("zn/<str:code>/", v.guide, name="zfxxgk-guide"),
    path("ml/", v.catalogue, name="zfxxgk-catalogue"),
    path("fmqd/", v.negative_list, name="zfxxgk-negative-list"),
]
