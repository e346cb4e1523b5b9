from django.apps import AppConfig


class QAConfig(AppConfig):
    name = "gongkai.qa"
    label = "qa"
    verbose_name = "政策问答"

    def ready(self) -> None:
        # Connect the receiver that keeps the article index in step with what the public may see.
        from django.conf import settings

        from gongkai.qa import receivers  # noqa: F401
        from gongkai.qa.places import check_setting
        from gongkai.qa.views import search_aside
        from gongkai.search.asides import Aside, register_aside
        from gongkai.staff.registry import MenuEntry, register_menu

        # A misspelt place stops every process at start, as a bad setting does (gongkai.conf).
        check_setting(settings.GONGKAI_QA_PLACES)
        register_aside(Aside("qa-answer", "qa/_search_answer.html", search_aside, order=10))

        register_menu(MenuEntry("qa-pairs", "政策问答", "staff-qa-pairs", order=61))
        register_menu(MenuEntry("qa-unanswered", "未答问题", "staff-qa-unanswered", order=62))
