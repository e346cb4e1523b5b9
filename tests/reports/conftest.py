import datetime as dt

import pytest

from tests import factories
from tests.disclosure_factories import disclosure_team, make_application


@pytest.fixture
def city(db):
    """A government with two departments, each with its disclosure office."""
    government = factories.make_agency("11000000RPT000001X", "示例市人民政府", kind="government")
    finance = factories.make_agency("11000000RPT000002X", "示例市财政局", parent=government)
    health = factories.make_agency("11000000RPT000003X", "示例市卫生健康委员会", parent=government)
    return {"government": government, "finance": finance, "health": health,
            "teams": {a.pk: disclosure_team(a) for a in (government, finance, health)}}


@pytest.fixture
def case(city):
    """A factory of cases made through the disclosure services: received on a day, decided (or not) on another."""
    from gongkai.disclosure import services

    def make(agency, received_on: dt.date, decided_on: dt.date | None = None, code: str = "granted", **applicant):
        officer = city["teams"][agency.pk]["officer"]
        application, _ = make_application(agency, received_on=received_on, **applicant)
        if decided_on is not None:
            services.accept_application(officer, application)
            services.decide_application(officer, application, code, decided_on=decided_on,
                                        reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。")
        application.refresh_from_db()
        return application

    return make
