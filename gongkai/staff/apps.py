from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "gongkai.staff"
    label = "staff"
    verbose_name = "工作台"

    def ready(self) -> None:
        from gongkai.staff import middleware  # noqa: F401 - stamps each login's time in its session
        from gongkai.staff.registry import MenuEntry, register_menu

        register_menu(MenuEntry("dashboard", "工作台", "staff-dashboard", order=0))
        # The holiday table, synonyms and user accounts are kept in Django's admin, for superusers.
        register_menu(MenuEntry("two-factor", "两步验证", "staff-two-factor", order=85))
        register_menu(MenuEntry("api-keys", "接口密钥", "staff-api-keys", order=89,
                                visible=lambda user: user.is_active and user.is_superuser))
        register_menu(MenuEntry("admin", "系统管理", "admin:index", order=90,
                                visible=lambda user: user.is_active and user.is_superuser))
