"""An open consultation can be extended, never shortened, with its reason published; once ended it stays ended."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.core.errors import DomainError
from gongkai.orgs.roles import Role
from gongkai.participation import rules, services
from gongkai.participation.models import Comment, Consultation
from tests import factories
from tests.participation.conftest import end, make_consultation


def test_an_open_consultation_is_extended_and_takes_comments_until_the_new_end(office, open_consultation):
    first_end = open_consultation.ends_on
    extended = services.extend_consultation(office["officer"], open_consultation, first_end + dt.timedelta(days=10),
                                            "收到多家企业请求延长，以便充分研究。")
    assert extended.ends_on == first_end + dt.timedelta(days=10)
    assert extended.extended_from_on == first_end and extended.extension_reason.startswith("收到多家企业")
    # Past the first end, before the new one: still accepted.
    moment = timezone.make_aware(dt.datetime.combine(first_end + dt.timedelta(days=1), dt.time(10)))
    assert extended.accepting(moment)
    # A second extension keeps the end first published.
    again = services.extend_consultation(office["head"], extended, first_end + dt.timedelta(days=20), "再次延长。")
    assert again.extended_from_on == first_end and again.extension_reason == "再次延长。"


@pytest.mark.parametrize(("shift", "reason", "field", "message"), [
    (0, "理由", "ends_on", "应晚于现在的截止日期"),
    (-5, "理由", "ends_on", "不能缩短"),
    (rules.MAX_EXTENSION_DAYS + 1, "理由", "ends_on", f"一次最多延长{rules.MAX_EXTENSION_DAYS}日"),
    (5, "  ", "reason", "请填写延长期限的理由"),
    (5, "长" * (rules.MAX_EXTENSION_REASON_CHARS + 1), "reason", "理由不能超过"),
])
def test_bad_extensions_are_refused_at_their_field_and_change_nothing(office, open_consultation, shift, reason,
                                                                       field, message):
    before = open_consultation.ends_at
    with pytest.raises(DomainError) as refused:
        services.extend_consultation(office["officer"], open_consultation,
                                     open_consultation.ends_on + dt.timedelta(days=shift), reason)
    assert message in refused.value.errors[field][0]
    fresh = Consultation.objects.get(pk=open_consultation.pk)
    assert fresh.ends_at == before and fresh.extended_from is None and fresh.extension_reason == ""


def test_an_ended_or_unpublished_consultation_cannot_be_extended(office, open_consultation):
    ended = end(open_consultation)
    with pytest.raises(DomainError, match="不能再延长"):
        services.extend_consultation(office["officer"], ended, ended.ends_on + dt.timedelta(days=10), "补充")
    assert not Consultation.objects.get(pk=ended.pk).accepting()
    services.close_ended()
    with pytest.raises(DomainError, match="正在进行"):
        services.extend_consultation(office["officer"], Consultation.objects.get(pk=ended.pk),
                                     ended.ends_on + dt.timedelta(days=10), "补充")
    draft = make_consultation(office, open_it=False)
    with pytest.raises(DomainError, match="正在进行"):
        services.extend_consultation(office["officer"], draft, draft.ends_on + dt.timedelta(days=10), "补充")


def test_only_the_agency_s_editors_may_extend(office, open_consultation):
    from gongkai.core.errors import PermissionDenied

    publisher = factories.make_staff(office["agency"], Role.PUBLISHER)
    with pytest.raises(PermissionDenied):
        services.extend_consultation(publisher, open_consultation, open_consultation.ends_on + dt.timedelta(days=3),
                                     "理由")
    assert not services.may_extend(publisher, open_consultation)
    assert services.may_extend(office["officer"], open_consultation)


def test_staff_extend_on_the_detail_page_and_the_public_page_and_api_tell_it(client, office, open_consultation):
    client.force_login(office["officer"])
    url = f"/staff/participation/c/{open_consultation.pk}/"
    assert "延长征求意见期限" in client.get(url).content.decode()
    bad = client.post(url + "extend/", {"ends_on": f"{open_consultation.ends_on:%Y-%m-%d}", "reason": "征求更多意见"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "应晚于现在的截止日期" in text and "征求更多意见" in text  # kept as typed
    new_end = open_consultation.ends_on + dt.timedelta(days=7)
    done = client.post(url + "extend/", {"ends_on": f"{new_end:%Y-%m-%d}", "reason": "应企业请求延长。"}, follow=True)
    assert f"征求意见已延长至 {new_end:%Y-%m-%d} 24时" in done.content.decode()
    page = client.get(f"/hdjl/yjzj/{open_consultation.pk}/").content.decode()
    assert "延长征求意见期限的说明" in page and "应企业请求延长。" in page
    assert f"原定 {open_consultation.ends_on:%Y-%m-%d} 截止" in page
    detail = client.get(f"/api/v1/consultations/{open_consultation.pk}").json()
    assert detail["extension_reason"] == "应企业请求延长。" and detail["extended_from"] is not None
    history = client.get(url).content.decode()
    assert "延长征求意见期限" in history and "participation.extend" not in history


def test_the_extension_form_is_gone_once_the_consultation_has_ended(client, office, open_consultation):
    client.force_login(office["officer"])
    ended = end(open_consultation)
    page = client.get(f"/staff/participation/c/{ended.pk}/").content.decode()
    assert "延长期限</button>" not in page
    late = client.post(f"/staff/participation/c/{ended.pk}/extend/",
                       {"ends_on": f"{ended.ends_on + dt.timedelta(days=5):%Y-%m-%d}", "reason": "补充"})
    assert late.status_code == 400 and "不能再延长" in late.content.decode()
    assert Comment.objects.count() == 0 and Consultation.objects.get(pk=ended.pk).extended_from is None
