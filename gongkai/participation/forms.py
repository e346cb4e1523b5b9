"""Forms of consultations: the public comment form (with a honeypot and a submission id) and the staff forms.
They check shapes only; the rules live in services."""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from django import forms

from gongkai.core.forms import CHOICE_ERRORS, ServiceForm, date_field, text_field
from gongkai.participation import rules
from gongkai.participation.messages import MessageData
from gongkai.participation.models import (
    OFFLINE_CHANNELS,
    EvaluationMethod,
    OpinionHandling,
    Rating,
    RepresentativeCategory,
)
from gongkai.publishing.models import Document

HONEYPOT_MESSAGE = "提交未成功，请稍后重试，或通过其他方式提交意见。"


class CommentForm(ServiceForm):
    """A comment on the whole draft or on one numbered paragraph."""

    paragraph = forms.TypedChoiceField(label="针对", required=False, coerce=int, empty_value=None, choices=[],
                                       error_messages=CHOICE_ERRORS)
    content = text_field("意见内容", rows=6, required=True, max_length=rules.MAX_COMMENT_CHARS,
                         help_text=f"不超过{rules.MAX_COMMENT_CHARS}个字。")
    name = text_field("姓名（可不填）", max_length=rules.MAX_NAME_CHARS,
                      help_text="署名意见便于我们联系您；姓名不会公开显示。")
    contact = text_field("联系方式（可不填）", max_length=rules.MAX_CONTACT_CHARS,
                         help_text="电话或电子邮箱，仅工作人员可见，加密保存。")
    attachment = forms.FileField(label="附件（可不填）", required=False,
                                 help_text="PDF、DOCX、XLSX 或图片，一个文件；附件仅工作人员可见。",
                                 error_messages={"invalid": "请选择要上传的文件。", "empty": "上传的附件是空文件。"})
    # Off-screen, out of the keyboard order and hidden from screen readers: only a robot fills it.
    website = forms.CharField(label="网址（请勿填写）", required=False, max_length=200, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))
    submission = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, paragraphs: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].choices = [("", "全文")] + [(str(n), f"第 {n} 段") for n in range(1, paragraphs + 1)]
        if not self.is_bound:
            self.initial.setdefault("submission", secrets.token_urlsafe(16))


class StaffCommentForm(ServiceForm):
    """A comment received by letter, fax or in person, entered by staff while the consultation is open."""

    paragraph = CommentForm.base_fields["paragraph"]
    content = CommentForm.base_fields["content"]
    name = text_field("姓名", max_length=rules.MAX_NAME_CHARS)
    contact = text_field("联系方式", max_length=rules.MAX_CONTACT_CHARS)

    def __init__(self, *args: Any, paragraphs: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"] = forms.TypedChoiceField(
            label="针对", required=False, coerce=int, empty_value=None, error_messages=CHOICE_ERRORS,
            choices=[("", "全文")] + [(str(n), f"第 {n} 段") for n in range(1, paragraphs + 1)])


def _document_field(label: str, required: bool, help_text: str = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, required=required, queryset=Document.objects.none(),
                                  help_text=help_text, error_messages={**CHOICE_ERRORS,
                                                                       "required": "请选择文件库中的草案文件。"})


def _latest_title(document: Document) -> str:
    return document.latest_revision.title if document.latest_revision else document.index_no


def _offer(field: forms.ModelChoiceField, documents) -> None:
    """Offer `documents` (none when not given) in a choice of documents, each by its latest title."""
    field.queryset = documents if documents is not None else Document.objects.none()
    field.label_from_instance = _latest_title


class ConsultationForm(ServiceForm):
    document = _document_field("草案（征求意见稿）", True, "先在文件库中起草并经审核发布征求意见稿，再在此选择。")
    title = text_field("标题", max_length=300, help_text="不填则为“关于《草案标题》公开征求意见”。")
    kind = forms.ChoiceField(label="草案类别", choices=[("", "请选择"), *rules.ConsultationKind.choices],
                             error_messages=CHOICE_ERRORS,
                             help_text="类别决定最短征求意见期限：" + "；".join(
                                 f"{rules.ConsultationKind(k).label}{p.text}" for k, p in rules.MINIMUM_PERIODS.items()))
    explanation = text_field("起草说明", rows=5, help_text="草案的起草背景、依据和主要内容；也可在下面选择文件库中的起草说明。")
    explanation_document = _document_field("起草说明（文件库中的文件）", False)
    interpretation = text_field("草案解读", rows=5)
    interpretation_document = _document_field("草案解读（文件库中的文件）", False)
    starts_on = date_field("开始日期", required=True)
    ends_on = date_field("截止日期", required=True, help_text="截止日期当天24时结束。")
    emergency_reason = text_field("缩短期限的理由", rows=2,
                                  help_text="期限短于最短期限时必填，将随征求意见公布。" + rules.EMERGENCY_SOURCE)
    other_channels = text_field("其他提交意见的方式", rows=2, help_text="如电子邮箱、通信地址、传真。")

    def __init__(self, *args: Any, documents=None, drafts=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("document", "explanation_document", "interpretation_document"):
            _offer(self.fields[name], drafts if name == "document" else documents)


def _count_field(label: str) -> forms.IntegerField:
    bounds = f"{label}应为0至{rules.MAX_FEEDBACK_COUNT}之间的整数。"
    return forms.IntegerField(label=label, min_value=0, max_value=rules.MAX_FEEDBACK_COUNT, error_messages={
        "required": f"请填写{label}。", "invalid": bounds, "min_value": f"{label}不能小于0：{bounds}",
        "max_value": f"{label}不能超过{rules.MAX_FEEDBACK_COUNT}：{bounds}"})


class FeedbackForm(ServiceForm):
    received_count = _count_field("收到意见条数")
    adopted_count = _count_field("采纳意见条数")
    feedback_text = text_field("意见采纳情况说明", rows=6, required=True,
                               help_text="意见的总体情况、采纳的主要意见及修改情况。")
    unadopted = text_field("未采纳的集中意见及理由", rows=6,
                           help_text="每条一段：第一行写意见，下一行写不予采纳的理由；条与条之间空一行。")
    decision_document = _document_field("作出的决策（文件库中的文件）", False,
                                         help_text="重大行政决策作出后，选择文件库中公开的决策文件，将显示在重大行政决策目录中。")

    def __init__(self, *args: Any, documents=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self.fields["decision_document"], documents)


class DecisionForm(ServiceForm):
    """Only the decision document: what stays editable once the feedback is published."""

    decision_document = FeedbackForm.base_fields["decision_document"]

    def __init__(self, *args: Any, documents=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self.fields["decision_document"], documents)


class ExtensionForm(ServiceForm):
    """Extend an open consultation: a later last day and the reason, published beside it."""

    ends_on = date_field("新的截止日期", required=True, help_text="只能延长，不能缩短；新的截止日期当天24时结束。")
    reason = text_field("延长期限的理由", rows=3, required=True, max_length=rules.MAX_EXTENSION_REASON_CHARS,
                        help_text="将随征求意见公布。")


class ModerateForm(ServiceForm):
    reason = text_field("理由", max_length=500, required=True)


# -- meetings and evaluations (issue #13 section 3) ----------------------------------------------------------------

def _choice(label: str, choices, required: bool = True, blank: str = "请选择") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=[("", blank), *choices],
                             error_messages={**CHOICE_ERRORS, "required": f"请选择{label}。"})


class MeetingForm(ServiceForm):
    title = text_field("会议名称", required=True, max_length=200, help_text="例如：市政府第12次常务会议。")
    held_on = date_field("会议日期", required=True)
    place = text_field("会议地点", max_length=200)
    topics = text_field("会议议题", rows=4, help_text="列席代表参与讨论的议题，每行一项。")
    summary = text_field("列席情况说明", rows=4, help_text="邀请范围和方式、列席代表参与讨论的情况等。")


class AttendeeForm(ServiceForm):
    name = text_field("姓名", required=True, max_length=rules.MAX_ATTENDEE_NAME_CHARS,
                      help_text="列席代表的姓名随会议记录公开。")
    category = _choice("身份类别", RepresentativeCategory.choices)
    affiliation = text_field("单位或身份", max_length=200, help_text="例如：市人大代表、某某社区居民。随会议记录公开。")
    contact = text_field("联系方式", max_length=100, help_text="仅工作人员可见，加密保存，不公开。")
    opinion = text_field("发表的意见", rows=3, help_text="未发表意见的不填。")
    handling = _choice("采纳情况", OpinionHandling.choices, required=False, blank="（未发表意见的不填）")
    handling_note = text_field("采纳或办理情况说明", rows=3)


def _documents_field(label: str, required: bool, help_text: str = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, required=required, queryset=Document.objects.none(),
                                  help_text=help_text, error_messages={**CHOICE_ERRORS,
                                                                       "required": f"请选择{label}。"})


class EvaluationForm(ServiceForm):
    policy = _documents_field("评估的政策", True, "本机关文件库中已公开的政策文件。")
    title = text_field("评估名称", max_length=300, help_text="不填则为“《政策标题》执行效果评估”。")
    method = _choice("评估方式", EvaluationMethod.choices)
    evaluator = text_field("评估主体", max_length=200, help_text="第三方评估填写机构名称；不填为本机关。")
    period_from = date_field("评估期间（起）")
    period_to = date_field("评估期间（止）")
    completed_on = date_field("评估完成日期", help_text="计入该日期所在年度的评估次数。")
    findings = text_field("执行情况", rows=6, help_text="围绕政策执行标准、适用范围、取得成效、存在问题。")
    conclusions = text_field("评估结论和建议", rows=5)
    application = text_field("评估结果运用情况", rows=4, help_text="如修改、废止、继续执行或加强宣传解读。")
    report_document = _documents_field("评估报告（文件库中的文件）", False,
                                       "评估报告已在文件库中发布的，可在此关联；公开页面只链接已公开的文件。")

    def __init__(self, *args: Any, policies=None, documents=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("policy", policies), ("report_document", documents)):
            self.fields[name].queryset = queryset if queryset is not None else Document.objects.none()
            self.fields[name].label_from_instance = lambda d: (
                (d.live_revision or d.latest_revision).title if (d.live_revision_id or d.latest_revision_id)
                else d.index_no)


class WithdrawForm(ServiceForm):
    comment = text_field("撤回理由", max_length=500, required=True)


# -- messages (政府信箱, 找错) ------------------------------------------------------------------------------------------
# The forms collect what was typed; messages.check_message() decides, so the web form and the API give the same
# Chinese message for the same mistake.

def _agency_choices() -> list[tuple[str, str]]:
    from gongkai.orgs.models import Agency

    return [("", "请选择")] + [(a.code, a.name) for a in Agency.objects.order_by("order", "id")]


_ATTACHMENT_ERRORS = {"invalid": "请选择要上传的文件。", "empty": "上传的附件是空文件。"}


class _PublicMessageForm(ServiceForm):
    publish_reply = forms.BooleanField(label="同意公开答复（公开时不显示姓名和联系方式）", required=False)
    # Off-screen, out of the keyboard order and hidden from screen readers: only a robot fills it.
    website = forms.CharField(label="网址（请勿填写）", required=False, max_length=200, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))
    submission = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", secrets.token_urlsafe(16))


class MessageForm(_PublicMessageForm):
    """A message to an agency (政府信箱, 领导信箱, 咨询, 建言献策, 投诉举报)."""

    category = forms.ChoiceField(label="留言类别", required=False, error_messages=CHOICE_ERRORS, choices=[
        ("", "请选择"), *[(k, v) for k, v in rules.MessageCategory.choices if k != rules.MessageCategory.ERROR_REPORT]])
    agency = forms.ChoiceField(label="写信对象", required=False, choices=[], error_messages=CHOICE_ERRORS)
    title = text_field("标题", max_length=rules.MAX_MESSAGE_TITLE_CHARS)
    content = text_field("留言内容", rows=8, max_length=rules.MAX_MESSAGE_CHARS,
                         help_text=f"不超过{rules.MAX_MESSAGE_CHARS}个字。")
    name = text_field("姓名", max_length=rules.MAX_NAME_CHARS, help_text="仅工作人员可见，加密保存，任何时候都不公开。")
    phone = text_field("联系电话", max_length=rules.MAX_PHONE_CHARS, help_text="联系电话和电子邮箱至少填一项。")
    email = text_field("电子邮箱", max_length=rules.MAX_EMAIL_CHARS, help_text="填写后，收到和答复时会发邮件告知您。")
    attachment = forms.FileField(label="附件（可不填）", required=False, error_messages=_ATTACHMENT_ERRORS,
                                 help_text="PDF、DOCX、XLSX 或图片，一个文件；仅工作人员可见。")
    field_order = ["category", "agency", "title", "content", "name", "phone", "email", "attachment", "publish_reply"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = _agency_choices()


class ErrorReportForm(_PublicMessageForm):
    """我为政府网站找错: the page, what is wrong, a screenshot."""

    page_url = text_field("出错页面的网址", max_length=rules.MAX_PAGE_URL_CHARS,
                          help_text="如 https://www.example.gov.cn/xxgk/；从出错页面点“我为政府网站找错”会自动填入。")
    content = text_field("错误描述", rows=6, max_length=rules.MAX_MESSAGE_CHARS,
                         help_text="如错别字、链接打不开、内容过时；描述和截图至少填一项。")
    title = text_field("标题（可不填）", max_length=rules.MAX_MESSAGE_TITLE_CHARS,
                       help_text="不填则按出错页面和错误描述的开头生成，如“纠错：《某某办法》——第三条有错别字”。")
    attachment = forms.FileField(label="截图（可不传）", required=False, error_messages=_ATTACHMENT_ERRORS,
                                 help_text="PNG、JPG、GIF 或 WEBP 图片。")
    name = text_field("姓名（可不填）", max_length=rules.MAX_NAME_CHARS, help_text="仅工作人员可见，不公开。")
    email = text_field("电子邮箱（可不填）", max_length=rules.MAX_EMAIL_CHARS, help_text="填写后，处理结果会发邮件告知您。")
    phone = text_field("联系电话（可不填）", max_length=rules.MAX_PHONE_CHARS)
    field_order = ["page_url", "content", "title", "attachment", "name", "email", "phone", "publish_reply"]


class StaffMessageForm(ServiceForm):
    """A message received by letter, telephone or in person, entered by the office that received it."""

    channel = forms.ChoiceField(label="收到方式", error_messages={**CHOICE_ERRORS, "required": "请选择来信、来电或来访。"},
                                choices=[("", "请选择"), *[(c.value, c.label) for c in OFFLINE_CHANNELS]])
    received_on = date_field("收到日期", required=True, help_text="来信签收、来电或来访的日期，不能晚于今天；答复期限自该日起计算。")
    category = forms.ChoiceField(label="留言类别", required=False, error_messages=CHOICE_ERRORS,
                                 choices=[("", "请选择"), *rules.MessageCategory.choices])
    title = text_field("标题", max_length=rules.MAX_MESSAGE_TITLE_CHARS, help_text="“我为政府网站找错”可不填，按页面和描述生成。")
    content = text_field("留言内容", rows=8, max_length=rules.MAX_MESSAGE_CHARS, help_text="来信照录，来电、来访记录要点。")
    page_url = text_field("出错页面的网址", max_length=rules.MAX_PAGE_URL_CHARS, help_text="仅“我为政府网站找错”填写。")
    name = text_field("姓名", max_length=rules.MAX_NAME_CHARS, help_text="加密保存，任何时候都不公开。")
    phone = text_field("联系电话", max_length=rules.MAX_PHONE_CHARS)
    email = text_field("电子邮箱", max_length=rules.MAX_EMAIL_CHARS, help_text="填写后，登记和答复时会发邮件告知留言人。")
    address = text_field("通信地址", max_length=rules.MAX_ADDRESS_CHARS, help_text="联系电话、电子邮箱和通信地址至少填一项。")
    attachment = forms.FileField(label="附件（可不传）", required=False, error_messages=_ATTACHMENT_ERRORS,
                                 help_text="来信的扫描件或照片：PDF、DOCX、XLSX 或图片，一个文件。")
    publish_reply = forms.BooleanField(label="留言人同意公开答复（公开时不显示姓名和联系方式）", required=False)


def typed_message(form, category: str | None = None, **extra) -> MessageData:
    """The message as typed into a bound form that did not validate (text as sent, the file if it passed)."""
    raw = form.data
    upload = getattr(form, "cleaned_data", {}).get("attachment")
    fields = {f.name: raw.get(f.name, "") for f in dataclasses.fields(MessageData)
              if f.type in ("str", str) and f.name in form.fields}
    return MessageData(**{**fields, **({"category": category} if category else {}), **extra},
                       attachment_name=upload.name if upload else "", attachment=upload.read() if upload else None)


class RatingForm(ServiceForm):
    rating = forms.ChoiceField(label="您对答复是否满意", choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={**CHOICE_ERRORS, "required": "请选择满意、基本满意或不满意。"})
    comment = text_field("评价意见（可不填）", rows=3, max_length=500)


class ReplyForm(ServiceForm):
    reply = text_field("答复内容", rows=8, required=True, max_length=rules.MAX_REPLY_CHARS)


class TransferForm(ServiceForm):
    to_agency = forms.ChoiceField(label="转办给", choices=[], error_messages={**CHOICE_ERRORS,
                                                                           "required": "请选择转办的机关。"})
    reason = text_field("转办理由", max_length=500, required=True)

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from gongkai.orgs.models import Agency

        self.fields["to_agency"].choices = [("", "请选择")] + [
            (a.code, a.name) for a in Agency.objects.exclude(pk=exclude).order_by("order", "id")]


class DuplicateForm(ServiceForm):
    original = text_field("所重复的留言的查询码", max_length=20, required=True)
    reason = text_field("理由", max_length=500, required=True)


class InvalidForm(ServiceForm):
    reason = text_field("理由", max_length=500, required=True,
                        help_text="如：广告、辱骂、与政府工作无关、无实际内容。留言不会被删除，仍保留在列表中。")


class ReplyWithdrawForm(ServiceForm):
    reason = text_field("撤下理由", max_length=500, required=True)


class FixForm(ServiceForm):
    fix_note = text_field("纠错情况", rows=4, required=True, help_text="改正了什么、何时改正。")
    fix_revision = forms.TypedChoiceField(label="改正后的文件版本（可不选）", required=False, coerce=int,
                                          empty_value=None, choices=[], error_messages=CHOICE_ERRORS)

    def __init__(self, *args: Any, revisions=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fix_revision"].choices = [("", "不关联")] + [
            (str(r.pk), f"{r.title}（第 {r.number} 版）") for r in revisions]
