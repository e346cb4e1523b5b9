"""The officer's case page (views_staff): the next step first, the other allowed actions collapsed, refusals
beside the field of the form they concern, which stays open."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure.models import Application, CaseEvent
from gongkai.disclosure.states import CASE, EXTENSION_PROMPT_WORKDAYS, State
from gongkai.disclosure.views_staff import ACTIONS
from tests.disclosure.conftest import CASE_SITUATIONS
from tests.disclosure_factories import make_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def page(client, application):
    return client.get(reverse("staff-application", args=[application.pk]))


def action_urls(html: str, application) -> set[str]:
    """The names of the actions whose forms the page shows."""
    prefix = re.escape(reverse("staff-application", args=[application.pk]) + "action/")
    return set(re.findall(rf'action="{prefix}([a-z_]+)/"', html))


def section(html: str, element_id: str) -> str:
    """The HTML of the element with `element_id` up to its closing tag (sections and details do not nest here)."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[tag:html.index(f"</{name}>", start)]


@pytest.mark.parametrize(("situation", "expected"), list(CASE_SITUATIONS.items()))
def test_the_case_page_leads_with_the_next_step_and_offers_only_what_is_allowed(client, staff, case_in,
                                                                                situation, expected):
    application = case_in(situation)
    client.force_login(staff["officer"])
    response = page(client, application)
    html = response.content.decode()
    assert response.status_code == 200
    allowed = {t.name for t in CASE.available(staff["officer"], application)} & set(ACTIONS)
    assert action_urls(html, application) == allowed, "exactly the allowed actions, each once"
    lead = response.context["next"]
    assert (lead.action.name if lead else None) == expected
    next_step = section(html, "next-step")
    if expected:
        assert f'id="action-{expected}"' in next_step and f'id="more-{expected}"' not in html
        assert re.search(rf'<button type="submit">{re.escape(lead.title)}</button>', next_step)
    others = {o.action.name for o in response.context["others"]}
    assert others == allowed - {expected} - {o.action.name for o in response.context["pressed"]}
    for name in others:  # each other action collapsed under its name, in a details of its own
        assert re.search(rf'<details class="action" id="more-{name}">\s*<summary><h3 id="action-{name}-h">', html)
    # The state and the clock come before the next step, the next step before the other actions.
    assert html.index('id="case-state"') < html.index('id="next-step"')
    if others:
        assert html.index('id="next-step"') < html.index('id="others-h"')


def test_a_lapsed_correction_leads_to_the_overdue_decision_prefilled(client, staff, case_in):
    application = case_in("correction_lapsed")
    client.force_login(staff["officer"])
    html = section(page(client, application).content.decode(), "next-step")
    assert "下一步：逾期不补正" in html and "<button type=\"submit\">逾期不补正</button>" in html
    assert '<option value="other.correction_overdue" selected>' in html
    response = client.post(reverse("staff-application-action", args=[application.pk, "decide"]),
                           {"decide-decision": "other.correction_overdue"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DECIDED and application.decision == "other.correction_overdue"


def test_the_head_is_led_to_approve_or_refuse_the_extension_and_the_officer_never_sees_them(client, staff, case_in):
    application = case_in("extension_requested")
    client.force_login(staff["head"])
    response = page(client, application)
    html = response.content.decode()
    assert response.context["next"].action.name == "approve_extension"
    assert "下一步：批准延期" in html
    assert [o.action.name for o in response.context["others"]][0] == "refuse_extension"
    client.force_login(staff["officer"])
    html = page(client, application).content.decode()
    assert "approve_extension" not in html and "refuse_extension" not in html and "批准延期" not in html
    assert "延期申请待政府信息公开工作机构负责人审批" not in section(html, "next-step")
    assert "待政府信息公开工作机构负责人审批" in html  # said once, beside the clock


def test_the_extension_is_not_pushed_on_day_0_but_beside_the_next_step_when_the_date_is_near(client, staff, agency):
    calendar, today = WorkCalendar.load(), timezone.localdate()
    fresh, _ = make_application(agency, received_on=today)
    client.force_login(staff["officer"])
    response = page(client, fresh)
    assert response.context["pressed"] == []
    assert "request_extension" in {o.action.name for o in response.context["others"]}
    assert re.search(r'<details class="action" id="more-request_extension">', response.content.decode())
    # Received so long ago that the period ends within EXTENSION_PROMPT_WORKDAYS working days, not yet passed.
    received = today
    while calendar.workdays_between(today, calendar.add_workdays(received, 20).due_on) > EXTENSION_PROMPT_WORKDAYS:
        received -= dt.timedelta(days=1)
    near, _ = make_application(agency, received_on=received)
    response = page(client, near)
    html = response.content.decode()
    assert [o.action.name for o in response.context["pressed"]] == ["request_extension"]
    assert response.context["status"].remaining <= EXTENSION_PROMPT_WORKDAYS
    assert re.search(r'<details class="action pressed" id="more-request_extension" open>', html)
    assert 'id="more-request_extension"' in section(html, "next-step")
    assert response.context["status"].label in section(html, "case-due")


def test_a_refused_action_comes_back_open_with_the_error_beside_the_field_and_nothing_saved(client, staff, case_in):
    application = case_in("received")
    events = CaseEvent.objects.filter(application=application).count()
    client.force_login(staff["officer"])
    url = reverse("staff-application-action", args=[application.pk, "request_correction"])
    response = client.post(url, {"request_correction-items": "", "request_correction-requested_on": ""})
    html = response.content.decode()
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.RECEIVED and not application.correction_items
    assert CaseEvent.objects.filter(application=application).count() == events
    # The form is open where it was, not pushed to the top; the next step keeps its place.
    assert re.search(r'<details class="action" id="more-request_correction" open>', html)
    assert response.context["next"].action.name == "accept"
    form = section(html, "more-request_correction")
    row = re.search(r'<div class="form-row field-error[^"]*">(.*?)</div>\s*(?=<div class="form-row|<button)',
                    form, re.S).group(1)
    assert "请填写" in row and 'id="id_request_correction-items"' in row, "the error sits beside its field"
    field = re.search(r'<textarea[^>]*id="id_request_correction-items"[^>]*>', form).group(0)
    assert "autofocus" in field and 'aria-invalid="true"' in field
    assert html.count("autofocus") == 1, "one place to land"
    # The summary above the case names the action and links to the field.
    summary = section(html, "form-errors")
    assert "“告知补正”未完成" in summary and 'href="#id_request_correction-items"' in summary
    assert html.index('id="form-errors"') < html.index('id="next-step"')
    assert 'src="/static/disclosure/case.js"' in html


def test_a_refusal_by_the_service_lands_beside_its_field_of_the_next_step(client, staff, case_in):
    application = case_in("in_progress")
    client.force_login(staff["officer"])
    # The form accepts the choice; the service refuses it for this case (no correction was ever asked for).
    response = client.post(reverse("staff-application-action", args=[application.pk, "decide"]),
                           {"decide-decision": "other.correction_overdue"})
    assert response.status_code == 400
    html = response.content.decode()
    assert response.context["failed"].action.name == "decide"
    assert "只有告知补正且申请人逾期未补正的申请才能作此处理" in section(html, "action-decide")
    assert 'id="id_decide-decision"' in re.search(r'<select[^>]*autofocus[^>]*>', html).group(0)
    assert Application.objects.get(pk=application.pk).state == State.IN_PROGRESS


def test_the_head_finds_the_extensions_to_approve_on_the_case_list_they_land_on(client, staff, case_in):
    application = case_in("extension_requested")
    client.force_login(staff["head"])
    html = client.get(reverse("staff-applications")).content.decode()
    link = f'href="{reverse("staff-application", args=[application.pk])}#next-step"'
    assert "待我审批的延期申请（1）" in html and link in html
    client.force_login(staff["officer"])  # who asked cannot approve: nothing waits for them
    assert "待我审批的延期申请" not in client.get(reverse("staff-applications")).content.decode()


def test_a_reply_published_online_waits_for_the_download(client, staff, case_in):
    """The first download delivers it: the page says so instead of leading to a delivery typed by hand."""
    application = case_in("published_online")
    client.force_login(staff["officer"])
    response = page(client, application)
    assert response.context["next"] is None
    assert "等待申请人下载" in section(response.content.decode(), "next-step")
