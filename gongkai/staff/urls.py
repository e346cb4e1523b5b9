"""The staff shell, mounted at /staff/; each app mounts its own pages below it."""

from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.staff import views

urlpatterns = [
    path("", views.dashboard, name="staff-dashboard"),
    path("login/", views.StaffLoginView.as_view(), name="staff-login"),
    path("login/code/", views.login_code, name="staff-login-code"),
    path("two-factor/", views.two_factor, name="staff-two-factor"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff-login"), name="staff-logout"),
]
