"""Staff pages of the catalogue, mounted at /staff/catalog/."""

from django.urls import path

from gongkai.catalog import views_staff as v

urlpatterns = [
    path("", v.overview, name="staff-catalog"),
    # Before the agency routes: “review” would otherwise be read as an agency code.
    path("review/<str:kind>/<int:pk>/", v.action, name="staff-catalog-action"),
    path("<str:code>/guide/", v.guide_edit, name="staff-catalog-guide"),
    path("<str:code>/<str:kind>/<int:pk>/", v.entry_edit, name="staff-catalog-entry"),
    path("<str:code>/seed/", v.seed, name="staff-catalog-seed"),
    path("<str:code>/ledger/", v.ledger, name="staff-catalog-ledger"),
    path("<str:code>/ledger/generate/", v.ledger_generate, name="staff-catalog-ledger-generate"),
    path("<str:code>/<str:what>.xlsx", v.export, name="staff-catalog-export"),
    path("<str:code>/<str:what>/import/", v.import_xlsx, name="staff-catalog-import"),
]
