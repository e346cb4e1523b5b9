from django.contrib import admin

from gongkai.search.models import SearchQueryStat, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """The back office for the plain-language dictionary: changes take effect without a deploy."""

    list_display = ("term", "equivalents", "kind", "two_way", "enabled", "updated_at")
    list_filter = ("kind", "two_way", "enabled")
    search_fields = ("term", "equivalents", "note")
    list_editable = ("enabled",)


@admin.register(SearchQueryStat)
class SearchQueryStatAdmin(admin.ModelAdmin):
    """Anonymised daily counts of queries; read-only (they are written by searches)."""

    list_display = ("day", "query", "searches", "zero_results", "last_count")
    list_filter = ("day",)
    search_fields = ("query",)
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
