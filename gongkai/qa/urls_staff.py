from django.urls import path

from gongkai.qa import views

urlpatterns = [
    path("unanswered/", views.staff_unanswered, name="staff-qa-unanswered"),
    path("pairs/", views.staff_pairs, name="staff-qa-pairs"),
    path("pairs/new/", views.staff_pair_new, name="staff-qa-pair-new"),
    path("pairs/<str:code>/<int:pk>/", views.staff_pair_edit, name="staff-qa-pair-edit"),
    path("pairs/<str:code>/sources/", views.staff_pair_sources, name="staff-qa-pair-sources"),
    path("pairs/<str:code>/articles/", views.staff_pair_articles, name="staff-qa-pair-articles"),
    path("pairs/<int:pk>/action/", views.staff_pair_action, name="staff-qa-pair-action"),
    path("pairs/<int:pk>/history/", views.staff_pair_view, name="staff-qa-pair-view"),
    path("pairs/<str:code>/export.xlsx", views.staff_pairs_export, name="staff-qa-pairs-export"),
    path("pairs/<str:code>/import/", views.staff_pairs_import, name="staff-qa-pairs-import"),
]
