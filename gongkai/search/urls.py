from django.urls import path

from gongkai.search import views

urlpatterns = [
    path("", views.search_page, name="search"),
]
