"""Public pages of disclosure on application, mounted at /ysqgk/."""

from django.urls import path

from gongkai.disclosure import views_public as v

urlpatterns = [
    path("", v.apply, name="ysq-apply"),
    path("submitted/", v.submitted, name="ysq-submitted"),
    path("track/", v.track, name="ysq-track"),
    path("recover/", v.recover, name="ysq-recover"),
    path("track/<str:code>/", v.case, name="ysq-case"),
    path("track/<str:code>/letter.pdf", v.letter, name="ysq-letter"),
    path("track/<str:code>/released/<int:item>/", v.released, name="ysq-released"),
]
