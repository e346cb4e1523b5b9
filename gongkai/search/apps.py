from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = "站内检索"

    def ready(self) -> None:
        # Connect the receivers that keep the index in step with what the public may see.
        from gongkai.search import receivers  # noqa: F401
        from gongkai.staff.registry import MenuEntry, register_menu

        register_menu(MenuEntry("search-report", "检索统计", "staff-search-report", order=60))
