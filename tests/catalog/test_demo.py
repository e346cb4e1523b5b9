"""The demo fills the column: guides, a reviewed catalogue and negative list, a ledger; it runs twice unchanged."""

from django.urls import reverse

from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry
from gongkai.catalog.states import CatalogState
from gongkai.demo import load_demo


def test_demo_fills_the_column(db, client):
    load_demo()
    counts = (Guide.objects.count(), CatalogItem.objects.count(), LedgerEntry.objects.count())
    load_demo()
    assert (Guide.objects.count(), CatalogItem.objects.count(), LedgerEntry.objects.count()) == counts
    assert Guide.objects.filter(state=CatalogState.DRAFT).count() == 1
    page = client.get(reverse("zfxxgk")).content.decode()
    assert "示例市人民政府政府信息公开指南" in page and "财政预决算" in page
    assert "国家秘密" in client.get(reverse("zfxxgk-negative-list")).content.decode()
    client.force_login(Guide.objects.first().updated_by)
    assert "示例市青山镇人民政府" in client.get(reverse("staff-dashboard")).content.decode()
