from django.urls import path

from gongkai.qa import views

urlpatterns = [path("unanswered/", views.staff_unanswered, name="staff-qa-unanswered")]
