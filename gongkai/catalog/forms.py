"""Staff forms of the catalogue; the services validate, the forms only carry what was typed."""

from __future__ import annotations

from django import forms

from gongkai.assessment.rules import ColumnKind
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry, NegativeListEntry
from gongkai.catalog.rules import LEDGER_DOC_TYPES, Audience, Category, LedgerValidity, Mode
from gongkai.core.forms import ServiceForm, date_field
from gongkai.core.taxonomy import DOC_TYPES
from gongkai.publishing.rules import DisclosurePeriod, WithholdingGround

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _text(model, name: str, box: bool = False, required: bool = False) -> forms.CharField:
    field = model._meta.get_field(name)
    return forms.CharField(label=field.verbose_name, required=required, help_text=field.help_text,
                           max_length=getattr(field, "max_length", None),
                           widget=TEXTAREA if box else forms.TextInput,
                           error_messages={"required": f"请填写{field.verbose_name}。"})


class GuideForm(ServiceForm):
    classification = _text(Guide, "classification", box=True)
    how_to_obtain = _text(Guide, "how_to_obtain", box=True)
    how_to_apply = _text(Guide, "how_to_apply", box=True, required=True)
    office_name = _text(Guide, "office_name", required=True)
    address = _text(Guide, "address")
    office_hours = _text(Guide, "office_hours", required=True)
    phone = _text(Guide, "phone")
    fax = _text(Guide, "fax")
    email = _text(Guide, "email")
    postcode = _text(Guide, "postcode")
    website = _text(Guide, "website")
    website.help_text = "以 http:// 或 https:// 开头，如 https://www.example.gov.cn/。"
    notes = _text(Guide, "notes", box=True)

    def clean(self) -> dict:
        # The service's own checks too, so a bad e-mail shows together with an empty required field.
        from gongkai.catalog.services import guide_errors

        cleaned = super().clean()
        for name, messages in guide_errors({**{k: self.data.get(k) for k in self.fields}, **cleaned}).items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned


class ItemForm(ServiceForm):
    category_name = _text(CatalogItem, "category_name")
    category = forms.ChoiceField(label="专栏归类", choices=Category.choices,
                                 help_text=CatalogItem._meta.get_field("category").help_text,
                                 error_messages={"invalid_choice": "请选择专栏归类。", "required": "请选择专栏归类。"})
    subcategory = _text(CatalogItem, "subcategory")
    content = _text(CatalogItem, "content", box=True, required=True)
    basis = _text(CatalogItem, "basis", box=True, required=True)
    period = forms.ChoiceField(label="公开时限依据", choices=[("", "无法定时限"), *DisclosurePeriod.choices],
                               required=False, help_text=CatalogItem._meta.get_field("period").help_text,
                               error_messages={"invalid_choice": "请选择公开时限依据。"})
    time_limit = _text(CatalogItem, "time_limit")
    publisher = _text(CatalogItem, "publisher")
    office = _text(CatalogItem, "office")
    channel = _text(CatalogItem, "channel")
    audience = forms.ChoiceField(label="公开对象", choices=Audience.choices, initial=Audience.PUBLIC, required=False,
                                 error_messages={"invalid_choice": "请选择公开对象。"})
    mode = forms.ChoiceField(label="公开方式", choices=Mode.choices, initial=Mode.PROACTIVE, required=False,
                             error_messages={"invalid_choice": "请选择公开方式。"})
    level_county = forms.BooleanField(label="公开层级：县级", required=False)
    level_local = forms.BooleanField(label="公开层级：乡、村级", required=False)
    doc_type = forms.ChoiceField(label="对应公文种类", choices=[("", "不限"), *[(t, t) for t in DOC_TYPES]],
                                 required=False, error_messages={"invalid_choice": "请选择公文种类。"})
    subject = _text(CatalogItem, "subject")
    subject.help_text = "主题分类，如“财政、金融、审计\\财政”或一级分类名称；与公文种类一起决定本事项对应哪些已公开信息。"
    order = forms.IntegerField(label="排序", min_value=0, max_value=10000, initial=100,
                               error_messages={"invalid": "排序应为整数。"})
    column_kind = forms.ChoiceField(label="栏目更新要求", choices=[("", "按事项名称自动判断"), *ColumnKind.choices],
                                    required=False, help_text=CatalogItem._meta.get_field("column_kind").help_text,
                                    error_messages={"invalid_choice": "请选择栏目更新要求。"})

    def clean_audience(self) -> str:
        return self.cleaned_data.get("audience") or Audience.PUBLIC  # 全社会 unless said otherwise

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or Mode.PROACTIVE


class NegativeForm(ServiceForm):
    category = _text(NegativeListEntry, "category", required=True)
    content = _text(NegativeListEntry, "content", box=True, required=True)
    basis = _text(NegativeListEntry, "basis", box=True, required=True)
    ground = forms.ChoiceField(label="对应的不予主动公开依据", choices=[("", "（不对应）"), *WithholdingGround.choices],
                               required=False, help_text=NegativeListEntry._meta.get_field("ground").help_text,
                               error_messages={"invalid_choice": "请选择不予主动公开依据。"})


class LedgerForm(ServiceForm):
    title = _text(LedgerEntry, "title", required=True)
    doc_number = _text(LedgerEntry, "doc_number")
    doc_type = forms.ChoiceField(label="类别", choices=[("", "请选择"), *[(t, t) for t in LEDGER_DOC_TYPES]],
                                 error_messages={"invalid_choice": "请选择类别。", "required": "请选择类别。"})
    signed_on = date_field("成文日期")
    validity = forms.ChoiceField(label="有效性", choices=LedgerValidity.choices,
                                 error_messages={"invalid_choice": "请选择有效性。", "required": "请选择有效性。"})
    note = _text(LedgerEntry, "note")


class UploadForm(ServiceForm):
    file = forms.FileField(label="XLSX 文件", error_messages={"required": "请选择要导入的 XLSX 文件。"})
