from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "gongkai.assessment"
    label = "assessment"
    verbose_name = "考评"

    def ready(self) -> None:
        from gongkai.assessment import dashboard

        dashboard.register()
