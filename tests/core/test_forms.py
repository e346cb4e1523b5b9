"""The shared form helpers bound every field: ids, integers, dates and text out of range are field errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from gongkai.core.forms import MAX_BOX, MAX_LINE, ServiceForm, date_field, parse_number, text_field, today
from gongkai.orgs.models import Agency


class Sample(ServiceForm):
    agencies = forms.ModelMultipleChoiceField(label="机关", queryset=Agency.objects.all(), required=False)
    agency = forms.ModelChoiceField(label="主办机关", queryset=Agency.objects.all(), required=False)
    count = forms.IntegerField(label="份数", required=False)
    day = date_field("日期")
    happened = date_field("发生日期", latest=today)
    line = text_field("名称")
    box = text_field("说明", rows=3)


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), [
    ("agencies", ["99999999999999999999"], "请从列表中选择有效的选项。"),
    ("agencies", ["1", "abc"], "请从列表中选择有效的选项。"),
    ("agency", "99999999999999999999", "有效的选项"),  # Django's own message, in Chinese
    ("count", "99999999999999999999", "份数太大了"),
    ("count", "-99999999999999999999", "份数太小了"),
    ("day", "0001-01-01", "日期不能早于1949年10月1日"),
    ("day", "9999-12-31", "日期不能晚于2100年12月31日"),
    ("happened", (dt.date.today() + dt.timedelta(days=3)).isoformat(), "发生日期不能晚于今天"),
    ("line", "长" * (MAX_LINE + 1), f"名称不能超过 {MAX_LINE} 个字"),
    ("box", "长" * (MAX_BOX + 1), f"说明不能超过 {MAX_BOX} 个字"),
])
def test_values_out_of_range_are_chinese_field_errors(agency, field, value, message):
    form = Sample({field: value})
    assert not form.is_valid()
    assert set(form.errors) == {field}
    assert message in form.errors[field][0]


@pytest.mark.django_db
def test_values_in_range_pass(agency):
    form = Sample({"agencies": [str(agency.pk)], "agency": str(agency.pk), "count": "12", "day": "1949-10-01",
                   "happened": today().isoformat(), "line": "长" * MAX_LINE, "box": "长" * MAX_BOX})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["agencies"]) == [agency]


def test_parse_number_refuses_what_no_column_holds():
    assert parse_number("9223372036854775807") is None  # more than 15 digits: never an id or page typed
    assert parse_number("12") == 12 and parse_number("-1") is None and parse_number("²") is None


def test_focus_goes_to_the_first_invalid_field_or_nowhere():
    """focus_first_error: the summary keeps the focus when the errors concern no single field."""
    from django import forms as django_forms

    from gongkai.core.forms import ServiceForm, focus_first_error, text_field

    class NoteForm(ServiceForm):
        note = text_field("备注", rows=2, required=True)
        other = django_forms.CharField(required=False)

    form = NoteForm({"note": "已联系。"})
    assert form.is_valid()
    form.add_error(None, "答复书生成失败。")
    assert focus_first_error(form) == "" and not any(f.widget.attrs.get("autofocus") for f in form.fields.values())
    form = NoteForm({"note": ""})
    assert not form.is_valid()
    assert focus_first_error(form) == "id_note" and form.fields["note"].widget.attrs["autofocus"]
    assert "autofocus" not in form.fields["other"].widget.attrs


@pytest.mark.django_db
def test_submit_runs_the_service_only_for_a_valid_form_and_shows_its_refusal_at_the_field(agency):
    """ServiceForm.submit: the service's answer when it accepts; None and the service's DomainError beside the
    field (or above the form) when it refuses; the service is never called with invalid input."""
    from gongkai.core.errors import DomainError

    calls = []

    def accept(data):
        calls.append(data)
        return data["line"]

    def refuse(data):
        raise DomainError("名称已被使用。", errors={"line": ["名称已被使用。"], "elsewhere": ["另有问题。"]})

    assert Sample({"count": "abc"}).submit(accept) is None and calls == []
    assert Sample({"line": "养犬管理"}).submit(accept) == "养犬管理" and len(calls) == 1
    refused = Sample({"line": "养犬管理"})
    assert refused.submit(refuse) is None
    assert refused.errors["line"] == ["名称已被使用。"] and refused.non_field_errors() == ["另有问题。"]
    assert refused["line"].value() == "养犬管理"  # what was typed stays in the form
