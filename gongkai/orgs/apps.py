from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gongkai.orgs"
    label = "orgs"
    verbose_name = "机关与人员"

    def ready(self) -> None:
        from gongkai.orgs import site

        site.connect()
