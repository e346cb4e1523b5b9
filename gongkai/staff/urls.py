"""The staff shell, mounted at /staff/; each app mounts its own pages below it."""

from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.staff import views, views_apikeys

urlpatterns = [
    path("", views.dashboard, name="staff-dashboard"),
    path("login/", views.StaffLoginView.as_view(), name="staff-login"),
    path("login/code/", views.login_code, name="staff-login-code"),
    path("two-factor/", views.two_factor, name="staff-two-factor"),
    path("api-keys/", views_apikeys.api_keys, name="staff-api-keys"),
    path("api-keys/<int:pk>/", views_apikeys.api_key_action, name="staff-api-key-action"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff-login"), name="staff-logout"),
]
