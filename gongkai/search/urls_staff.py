from django.urls import path

from gongkai.search import views

urlpatterns = [
    path("", views.staff_report, name="staff-search-report"),
    path("hot/", views.staff_hot, name="staff-search-hot"),
]
