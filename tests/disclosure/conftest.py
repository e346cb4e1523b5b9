import pytest

from tests.disclosure_factories import disclosure_team


@pytest.fixture
def staff(agency):
    """An officer and the head of the disclosure office of the test agency."""
    return disclosure_team(agency)


@pytest.fixture
def case_in(agency, staff):
    """A factory of cases in each situation the case page leads through, made through the services: call it with
    one of CASE_SITUATIONS; the dates are relative to today, or far enough in the past to stay past."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.disclosure import services
    from gongkai.disclosure.rules import PauseKind
    from tests.disclosure_factories import make_application

    officer, today = staff["officer"], timezone.localdate()

    def make(situation: str):
        if situation == "correction_lapsed":  # told on 2026-03-03: the correction period is long over
            application, _ = make_application(agency, received_on=dt.date(2026, 3, 2))
            services.request_correction(officer, application, "请写明所需信息的年份。", requested_on=dt.date(2026, 3, 3))
            application.refresh_from_db()
            return application
        application, _ = make_application(agency, received_on=today - dt.timedelta(days=3))
        if situation == "received":
            return application
        if situation == "correction_requested":
            services.request_correction(officer, application, "请写明所需信息的年份。")
            application.refresh_from_db()
            return application
        services.accept_application(officer, application)
        if situation == "consultation":
            services.start_consultation(officer, application, PauseKind.THIRD_PARTY, party="某公司")
        elif situation == "fee_notice":
            services.issue_fee_notice(officer, application, "per_page", pages=400)
        elif situation == "extension_requested":
            services.request_extension(officer, application, 10, "需要协调多个部门。")
        elif situation in ("decided", "letter_missing", "delivered", "closed", "published_online", "posted"):
            services.decide_application(officer, application, "granted",
                                        reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。")
            if situation == "published_online":  # delivered by the applicant's first download, not by hand
                services.publish_reply(officer, application)
            if situation == "posted":  # the officer records the day it was signed for
                services.post_reply(officer, application, tracking_number="EA123456789CN")
            if situation == "letter_missing":
                application.letters.all().delete()
            if situation in ("delivered", "closed"):
                services.deliver_reply(officer, application, method="电子邮件")
            if situation == "closed":
                services.close_application(officer, application)
        application.refresh_from_db()
        return application

    return make


# Each situation, with the next step the officer is led to (None: nothing is waiting for them).
CASE_SITUATIONS = {
    "received": "accept",
    "correction_requested": "receive_correction",
    "correction_lapsed": "decide",
    "in_progress": "decide",
    "consultation": "end_consultation",
    "fee_notice": "record_fee_receipt",
    "extension_requested": "decide",  # the officer who asked goes on; the head is led to approve (see tests)
    "decided": "deliver",
    "published_online": None,
    "posted": "deliver",
    "letter_missing": "generate_letter",
    "delivered": "close",
    "closed": None,
}
