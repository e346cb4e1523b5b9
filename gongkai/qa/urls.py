from django.urls import path

from gongkai.qa import views

urlpatterns = [path("", views.ask_page, name="qa-ask")]
