import datetime as dt

import pytest
from django.utils import timezone

from gongkai.assessment import services as assessment
from gongkai.catalog import services as catalog
from gongkai.orgs.roles import Role
from tests import factories
from tests.disclosure_factories import disclosure_team, make_application

GUIDE = {"how_to_apply": "通过网站在线申请。", "office_name": "办公室", "office_hours": "工作日 9:00-17:00"}


@pytest.fixture
def city(db):
    """A government (no guide, catalogue or negative list) over a finance bureau with every kind of lapse and an
    education bureau with none."""
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=90)
    government = factories.make_agency("11000000ASM000001X", "考评市人民政府", kind="government")
    finance = factories.make_agency("11000000ASM000002X", "考评市财政局", parent=government)
    education = factories.make_agency("11000000ASM000003X", "考评市教育局", parent=government)
    team, office = factories.make_team(finance), disclosure_team(finance)
    # Formed 90 days ago and published today: late, and a policy that needs an interpretation it never got.
    late = factories.make_document(team, finance, title="考评迟发的政策文件", signed_on=long_ago,
                                   needs_interpretation=True)
    on_time = factories.make_document(team, finance, title="考评按时发布的通知", signed_on=today,
                                      doc_number="测政发〔2026〕2号")
    overdue = factories.make_document(team, finance, publish=False, title="考评超期未发布的通知", signed_on=long_ago,
                                      doc_number="测政发〔2026〕3号")
    case, _ = make_application(finance, received_on=long_ago)
    item = catalog.save_item(office["officer"], finance, {"category": "budget", "content": "考评部门预算",
                                                          "basis": "《预算法》第十四条", "order": 1})
    guide = catalog.publish_entry(office["head"], catalog.save_guide(office["officer"], finance, GUIDE))
    type(guide).objects.filter(pk=guide.pk).update(reviewed_on=dt.date(today.year - 1, 6, 1))
    education_office = disclosure_team(education)
    catalog.publish_entry(education_office["head"], catalog.save_guide(education_office["officer"], education, GUIDE))
    # Education keeps a catalogue the library meets and a negative list, both public: nothing counts against it.
    factories.make_document(factories.make_team(education), education, title="考评教育通知", signed_on=today,
                            doc_number="测教发〔2026〕1号")
    catalog.publish_entry(education_office["head"], catalog.save_item(education_office["officer"], education, {
        "category": "other", "content": "考评教育通知公告", "basis": "《条例》第二十条", "doc_type": "通知"}))
    catalog.publish_entry(education_office["head"], catalog.save_negative_entry(
        education_office["officer"], education, {"category": "内部管理信息", "content": "内部人事管理信息",
                                                 "basis": "《条例》第十六条"}))
    general = factories.make_staff(government, Role.DISCLOSURE_HEAD, covers_subordinates=True)
    scheme = assessment.create_scheme(general, "测试考评方案", today.year)
    return {"government": government, "finance": finance, "education": education, "late": late,
            "on_time": on_time, "overdue": overdue, "case": case, "item": item, "guide": guide,
            "general": general, "scheme": scheme, "office": office, "today": today}
