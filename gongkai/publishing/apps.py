from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "gongkai.publishing"
    label = "publishing"
    verbose_name = "政府信息发布"

    def ready(self) -> None:
        from gongkai.publishing import dashboard

        dashboard.register()
