"""Forms of disclosure on application: the public application form, staff registration and case actions.

Forms only check shapes (dates, numbers, choices); the rules stay in the services, whose field errors are
put back beside the matching fields by `apply_domain_error`.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from gongkai.core.forms import CHOICE_ERRORS, ServiceForm, date_field, text_field, today
from gongkai.core.taxonomy import SUBJECT_CHOICES
from gongkai.disclosure import rules
from gongkai.disclosure.models import (
    ApplicantType,
    Delivery,
    LitigationRoute,
    OrganizationKind,
    RemedyOutcome,
)
from gongkai.disclosure.rules import (
    AssistanceHelp,
    AssistanceNeed,
    Channel,
    FeeBasis,
    PauseKind,
    RecordCorrectionOutcome,
    RequestKind,
)
from gongkai.orgs.models import Agency


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class ReleasedFilesField(forms.FileField):
    """Several uploaded enclosures at once; too large ones are refused here, before the service reads them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.ofd,.docx,.xlsx,.zip,.png,.jpg,.jpeg"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid": "请选择要上传的文件。", "empty": "上传的文件是空文件。"})
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = settings.GONGKAI_MAX_UPLOAD_BYTES
        too_big = [f.name for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError(f"文件“{too_big[0]}”超过单个附件的大小上限 {limit // 1024 // 1024} MB，"
                                        "请压缩或拆分后再上传。")
        return [super(ReleasedFilesField, self).clean(f, initial) for f in files]


def agency_choices(agencies) -> list[tuple[str, str]]:
    return [("", "请选择受理机关")] + [(a.code, a.name) for a in agencies]


class ApplicantFields(ServiceForm):
    """The applicant's fields, shared by the public form and staff registration (《条例》第二十九条)."""

    applicant_type = forms.ChoiceField(label="申请人类型", choices=ApplicantType.choices, required=False,
                                       widget=forms.RadioSelect, initial=ApplicantType.NATURAL_PERSON,
                                       error_messages=CHOICE_ERRORS)
    organization_kind = forms.ChoiceField(label="组织类型", required=False,
                                          choices=[("", "（自然人不填）"), *OrganizationKind.choices],
                                          help_text="法人或其他组织填写。", error_messages=CHOICE_ERRORS)
    name = text_field("姓名或名称", max_length=100)
    id_number = text_field("身份证明号码", max_length=40,
                           help_text="自然人填写身份证件号码；法人或其他组织填写统一社会信用代码。")
    phone = text_field("联系电话", max_length=40)
    email = text_field("电子邮箱", max_length=254, help_text="以电子方式获取信息时必填。")
    address = text_field("通信地址", max_length=200, help_text="邮寄纸质件时必填。")
    agency = forms.ChoiceField(label="受理机关", required=False, choices=[], error_messages=CHOICE_ERRORS)
    description = text_field("所需政府信息的描述", rows=5, max_length=5000,
                             help_text="写明政府信息的名称、文号，或便于查询的其他特征（如时间、地点、事项）。")
    delivery = forms.ChoiceField(label="获取信息的方式", choices=Delivery.choices, required=False,
                                 widget=forms.RadioSelect, initial=Delivery.EMAIL, error_messages=CHOICE_ERRORS)
    request_kind = forms.ChoiceField(label="申请类型", choices=RequestKind.choices, required=False,
                                     widget=forms.RadioSelect, initial=RequestKind.DISCLOSURE,
                                     error_messages=CHOICE_ERRORS,
                                     help_text="有证据证明行政机关提供的与本人相关的政府信息记录不准确的，可以要求更正"
                                               "（《条例》第四十一条），在“所需政府信息的描述”中写明需要更正的记录。")
    # 《条例》第四十一条: only for a correction request.
    inaccuracy = text_field("记录不准确之处", rows=3, max_length=2000, help_text="要求更正时填写：记录中哪些内容不准确。")
    correct_content = text_field("正确的内容", rows=3, max_length=2000, help_text="要求更正时填写：正确的内容应当是什么。")
    evidence_note = text_field("证据说明", rows=2, max_length=2000,
                               help_text="证明记录不准确的证据；不便上传的，说明将如何提交（如当面提交原件）。")
    evidence_files = ReleasedFilesField(label="证据材料", help_text="PDF、OFD、DOCX、XLSX、ZIP 或图片，可选多个。网上提交的，"
                                                               "全部内容合计不超过 1 MB；更大的材料请当面或邮寄提交。")
    # 《条例》第四十三条: health data, seen only by the staff handling the case.
    assistance_needs = forms.MultipleChoiceField(
        label="需要的帮助", required=False, choices=AssistanceNeed.choices, widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
        help_text="有阅读困难或者视听障碍的，我们将提供必要的帮助（《条例》第四十三条）。此项仅经办人员可见，不会公开。")
    assistance_detail = text_field("需要的帮助（具体说明）", max_length=500,
                                   help_text="例如：请电话告知办理结果；需要手语翻译。")

    def correction_values(self):
        """The correction request's content (read now: the service opens its transaction after)."""
        from gongkai.disclosure.services import EvidenceFile, RecordCorrectionData

        c = self.cleaned_data
        return RecordCorrectionData(
            inaccuracy=c.get("inaccuracy") or "", correct_content=c.get("correct_content") or "",
            evidence_note=c.get("evidence_note") or "",
            evidence=[EvidenceFile(f.name, f.read()) for f in c.get("evidence_files") or []])

    def assistance_values(self):
        from gongkai.disclosure.services import AssistanceData

        c = self.cleaned_data
        return AssistanceData(needs=list(c.get("assistance_needs") or []), detail=c.get("assistance_detail") or "",
                              help_given=list(c.get("assistance_help") or []),
                              help_note=c.get("assistance_note") or "")

    def __init__(self, *args: Any, agencies=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.order_by("order", "id") if agencies is None else agencies
        self.fields["agency"].choices = agency_choices(agencies)

    def applicant_values(self) -> dict[str, str]:
        names = ("applicant_type", "organization_kind", "name", "id_number", "phone", "email", "address",
                 "description", "delivery", "agency", "request_kind")
        return {n: self.cleaned_data.get(n) or "" for n in names}


# Only robots fill the hidden field; they are refused without being told why.
HONEYPOT_MESSAGE = "提交未成功，请稍后重试，或致电政府信息公开工作机构。"


class ApplicationForm(ApplicantFields):
    """The public application form, with a honeypot field that people never see or fill, and a random
    submission id, so that reloading the receipt (which is the answer to the POST) registers no second case."""

    # Off-screen and out of the keyboard order, hidden from screen readers (aria-hidden on its wrapper), and
    # never autofilled: only a robot that fills every input finds it.
    website = forms.CharField(label="网址（请勿填写）", required=False, max_length=200, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))
    submission = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", secrets.token_urlsafe(16))


def receipt_date(label: str, help_text: str):
    """A date an application reached the agency: not before the 条例 took effect, not after today."""
    return date_field(label, help_text, earliest=rules.IN_FORCE_SINCE, latest=today,
                      why="（《政府信息公开条例》施行之日）")


def case_date(label: str, help_text: str = "", required: bool = False):
    """A date in a case's handling: never before the 条例 took effect."""
    return date_field(label, help_text, required, earliest=rules.IN_FORCE_SINCE, why="（《政府信息公开条例》施行之日）")


class RegisterForm(ApplicantFields):
    """Staff register a letter, fax or walk-in application; the date of receipt follows 《条例》第三十一条."""

    channel = forms.ChoiceField(label="提交方式", choices=[("", "请选择"), *Channel.choices], required=False,
                                error_messages=CHOICE_ERRORS)
    handed_in_on = receipt_date("当面提交日期", "当面提交的，以提交之日为收到申请之日。")
    signed_for_on = receipt_date("签收日期", "邮寄的，以本机关签收之日为收到申请之日。")
    confirmed_on = receipt_date("确认日期", "平常信函、网上或传真提交的，以双方确认之日为收到申请之日。")
    assistance_help = forms.MultipleChoiceField(label="已提供的帮助", required=False, choices=AssistanceHelp.choices,
                                                widget=forms.CheckboxSelectMultiple, error_messages=CHOICE_ERRORS)
    assistance_note = text_field("帮助说明", max_length=500, help_text="例如：已当面朗读并协助填写申请表。")


class AssistanceForm(ServiceForm):
    """登记便利需求 (《条例》第四十三条): what the applicant needs and what help was given."""

    assistance_needs = ApplicantFields.base_fields["assistance_needs"]
    assistance_detail = ApplicantFields.base_fields["assistance_detail"]
    assistance_help = RegisterForm.base_fields["assistance_help"]
    assistance_note = RegisterForm.base_fields["assistance_note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assistance_needs"].help_text = "仅经办人员可见；不写入公开的办理记录、导出文件或审计日志。"


class RecordCorrectionDecisionForm(ServiceForm):
    """作出更正答复 (《条例》第四十一条)."""

    outcome = forms.ChoiceField(label="处理结果", choices=[("", "请选择"), *RecordCorrectionOutcome.choices],
                                error_messages={**CHOICE_ERRORS, "required": "请选择更正申请的处理结果。"})
    reason = text_field("更正情况或理由", rows=3, max_length=4000,
                        help_text="已更正的写明更正了哪些内容；不予更正的写明理由。将写入答复书。")
    competent_agency = text_field("有权更正的行政机关", max_length=200, help_text="转送或告知向其提出时必填。")
    competent_contact = text_field("有权机关的联系方式", max_length=200, help_text="告知向其提出时必填：地址或电话。")
    decided_on = case_date("答复日期", "不填为今天。")


# ---------------------------------------------------------------------------------------------------------------
# Case actions on the staff detail page

class EmptyForm(ServiceForm):
    """An action that needs nothing typed."""


class CommentForm(ServiceForm):
    comment = text_field("说明", rows=2)


class AssignForm(ServiceForm):
    assignee = forms.ChoiceField(label="经办人", choices=[], error_messages=CHOICE_ERRORS)

    def __init__(self, *args: Any, officers=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "请选择")] + [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in officers]


class NoteForm(ServiceForm):
    note = text_field("内部备注", rows=2, required=True, max_length=2000)


class CorrectionForm(ServiceForm):
    items = text_field("需要补正的事项", rows=3, required=True,
                       help_text="一次性写明全部需要补正的事项（《条例》第三十条）。")
    requested_on = case_date("告知补正日期", "不填为今天。")
    due_on = case_date("补正期限", f"不填为告知之日起 {rules.DEFAULT_CORRECTION_WORKDAYS} 个工作日。")


class ReceiveCorrectionForm(ServiceForm):
    corrected_on = case_date("收到补正日期", "不填为今天；答复期限自此日重新起算。")
    comment = text_field("说明", rows=2, help_text="补正逾期但申请人有正当理由的，请写明理由。")


class ConsultationForm(ServiceForm):
    kind = forms.ChoiceField(label="类型", error_messages=CHOICE_ERRORS,
                             choices=[(k, PauseKind(k).label) for k in rules.CONSULTATION_KINDS],
                             help_text=f"征求第三方或其他机关意见的时间不计入答复期限，但以对方的 {rules.CONSULTATION_WORKDAYS} "
                                       "个工作日答复期为限（《条例》第三十二条、第三十四条），超出部分照常计时；"
                                       "会商法律顾问照常计时。")
    party = text_field("征求意见对象", max_length=200, help_text="第三方、其他机关或法律顾问的名称（仅内部可见）。")
    started_on = case_date("开始日期", "发出征求意见书之日，不填为今天。")
    reason = text_field("事由", rows=2, help_text="征求意见的事项（仅内部可见）。")


class PickForm(ServiceForm):
    """A form acting on one item of the case (a pause, a fee notice, a remedy) chosen from a list."""

    pick_label = ""

    def __init__(self, *args: Any, items=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"item": forms.ChoiceField(label=self.pick_label, error_messages=CHOICE_ERRORS,
                                                 choices=[(str(pk), text) for pk, text in items]),
                       **self.fields}


class EndConsultationForm(PickForm):
    pick_label = "征求意见事项"
    ended_on = case_date("结束日期", "收到意见之日，不填为今天。")
    outcome = text_field("结果", rows=2, help_text="例如：第三方同意公开 / 不同意公开并说明理由。")


class ExtensionRequestForm(ServiceForm):
    days = forms.IntegerField(label="延长工作日数", min_value=1, max_value=rules.MAX_EXTENSION_WORKDAYS,
                              initial=rules.MAX_EXTENSION_WORKDAYS, error_messages={
                                  "required": "请填写延长的工作日数。", "invalid": "请填写整数。",
                                  "min_value": "至少延长 1 个工作日。",
                                  "max_value": f"延长的期限最长不得超过 {rules.MAX_EXTENSION_WORKDAYS} 个工作日。"})
    reason = text_field("延期理由", rows=2, required=True)


class ExtensionApprovalForm(ExtensionRequestForm):
    approved_on = case_date("批准日期", "不填为今天。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["reason"].help_text = "不填则采用经办人提出的理由。"


class RefuseExtensionForm(ServiceForm):
    comment = text_field("不同意的意见", rows=2, required=True)


# A request counted by the page beyond this is a typo; the fee tiers (《收费办法》) end long before it.
MAX_PAGES = 1_000_000


class FeeNoticeForm(ServiceForm):
    basis = forms.ChoiceField(label="计收方式", choices=FeeBasis.choices, widget=forms.RadioSelect,
                              error_messages=CHOICE_ERRORS,
                              help_text="每件申请只能选择一种标准（《收费办法》第三条）。按件计收按本申请人本月向本机关"
                                        "提出的第几件申请自动计算。")
    pages = forms.IntegerField(label="页数（按量计收）", required=False, min_value=1, max_value=MAX_PAGES,
                               error_messages={"invalid": "请填写整数。", "min_value": "页数至少为 1。",
                                               "max_value": f"页数不能超过 {MAX_PAGES}，请核对。"})
    issued_on = case_date("发出日期", "不填为今天。应当在答复期限内发出（《收费办法》第七条）。")
    served_by = forms.ChoiceField(label="送达方式", required=False, error_messages=CHOICE_ERRORS,
                                  choices=[("", "尚未送达，稍后登记"), *rules.NoticeChannel.choices])
    received_on = case_date("申请人收到日期", f"缴费期限自收到次日起 {rules.FEE_PAYMENT_WORKDAYS} 个工作日；"
                                            "尚未收到的，收到后再在“登记收费通知送达”中填写。")


class FeeReceiptForm(PickForm):
    pick_label = "收费通知"
    served_by = forms.ChoiceField(label="送达方式", choices=rules.NoticeChannel.choices, error_messages=CHOICE_ERRORS)
    received_on = case_date("申请人收到日期", "当面或邮寄以签收之日为准，电子送达以申请人确认收到之日为准。",
                            required=True)


class PaymentForm(PickForm):
    pick_label = "收费通知"
    paid_on = case_date("缴费日期", "不填为今天。")


RELEASED_FILES_HELP = "随答复提供的政府信息（PDF、OFD、DOCX、XLSX、ZIP 或图片），可选多个；文件名即附件名称。"
RELEASED_LINKS_HELP = ("已在本站公开的文件不必再上传：每行一个，写“附件名称 | 网址”或只写网址，"
                       "例如 /xxgk/documents/123/。只能引用公众可见的文件。")


class DecisionForm(ServiceForm):
    decision = forms.ChoiceField(label="答复类型", choices=[("", "请选择"), *rules.DECISION_CHOICES],
                                 error_messages={**CHOICE_ERRORS, "required": "请选择答复类型。"})
    basis = text_field("法律依据", max_length=300, help_text="不填则采用该答复类型的法定依据。")
    reason = text_field("理由与说明", rows=4,
                        help_text="不予公开、部分公开、无法提供等答复必须说明理由；将写入答复书。")
    decided_on = case_date("答复日期", "不填为今天。")
    subject = forms.ChoiceField(label="主题分类", required=False, choices=[("", "（可不选）"), *SUBJECT_CHOICES],
                                help_text="用于统计申请集中的领域。", error_messages=CHOICE_ERRORS)
    not_held_ground = forms.ChoiceField(label="不掌握的情形", required=False, error_messages=CHOICE_ERRORS,
                                        choices=[("", "（“本机关不掌握”时必选）"), *rules.NotHeldGround.choices])
    responsible_unknown = forms.BooleanField(label="无法确定负责公开的机关", required=False)
    responsible_agency = text_field("负责公开该信息的机关", max_length=200,
                                    help_text="“本机关不掌握相关政府信息”且能够确定负责公开的机关的，写明其名称和联系方式，"
                                              "将写入答复书（《条例》第三十六条第（五）项）。")
    responsible_contact = text_field("该机关的联系方式", max_length=200, help_text="例如地址和电话。")
    released_files = ReleasedFilesField(label="公开的信息：上传文件", help_text=RELEASED_FILES_HELP)
    released_links = text_field("公开的信息：引用本站已公开的文件", rows=2, max_length=4000,
                                help_text=RELEASED_LINKS_HELP + "予以公开、部分公开而不附送信息的，请在“理由与说明”中"
                                "写明获取的方式、途径和时间。")


class SplitForm(ServiceForm):
    item_count = forms.IntegerField(label="计算件数", min_value=1, max_value=100, initial=2, error_messages={
        "required": "请填写件数。", "invalid": "请填写整数。", "min_value": "件数至少为 1。",
        "max_value": "件数不能超过 100，请核对。"},
        help_text="申请包含多项内容的，可以按“一事一申请”原则以合理的最小单位拆分计算件数（《收费办法》第四条），"
                  "只影响按件计收。")
    reason = text_field("拆分说明", rows=2, help_text="写明本申请包含的不同事项，申请人可以看到。")


class BulkReasonForm(ServiceForm):
    note = text_field("超过合理范围的情况", rows=2, required=True,
                      help_text="例如：该申请人本月已提出 40 件内容相近的申请（仅内部可见）。")
    asked_on = case_date("要求说明理由日期", "不填为今天。要求说明理由期间答复期限照常计算。")


class DeferForm(ServiceForm):
    reason_given = text_field("申请人说明的理由", rows=2, required=True)
    deferred_to = date_field("延迟答复的合理期限", "理由合理但无法在法定期限内答复的，确定一个合理的日期并告知申请人"
                             "（《条例》第三十五条）；理由不合理的，请作“无正当理由大量反复申请”答复。", required=True)
    decided_on = case_date("决定日期", "不填为今天。")


class ReleasedForm(ServiceForm):
    released_files = ReleasedFilesField(label="上传文件", help_text=RELEASED_FILES_HELP)
    released_links = text_field("引用本站已公开的文件", rows=2, max_length=4000, help_text=RELEASED_LINKS_HELP)
    remove = forms.MultipleChoiceField(label="删除附件", required=False, widget=forms.CheckboxSelectMultiple,
                                       error_messages=CHOICE_ERRORS)

    def __init__(self, *args: Any, items=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(str(pk), text) for pk, text in items]
        if not items:
            del self.fields["remove"]


class PostForm(ServiceForm):
    tracking_number = text_field("邮件单号", max_length=40, required=True, help_text="例如 EMS 挂号信的单号。")
    posted_on = case_date("邮寄日期", "不填为今天；申请人签收后请再“登记送达”签收日期。")


class DeliveryForm(ServiceForm):
    channel = forms.ChoiceField(label="送达方式", error_messages=CHOICE_ERRORS,
                                choices=[(v, label) for v, label in Delivery.choices if v != Delivery.ONLINE],
                                help_text="网上查询下载以申请人首次下载之日为送达日期，由系统自动登记。")
    delivered_on = case_date("送达日期", "当面领取或交付存储介质之日、邮件签收之日；不填为今天。")
    method = text_field("说明", max_length=200, help_text="例如：申请人当面签收送达回证；EMS 签收人。")


class RemedyForm(ServiceForm):
    filed_on = case_date("申请或起诉日期", required=True)
    authority = text_field("复议机关或法院", max_length=200)
    reference = text_field("案号", max_length=100)
    outcome = forms.ChoiceField(label="结果", choices=RemedyOutcome.choices, initial=RemedyOutcome.PENDING,
                                error_messages=CHOICE_ERRORS)
    concluded_on = case_date("审结日期")
    note = text_field("备注", rows=2)


class LitigationForm(RemedyForm):
    route = forms.ChoiceField(label="起诉方式", choices=LitigationRoute.choices, error_messages=CHOICE_ERRORS)

    field_order = ["route"]


class RemedyOutcomeForm(PickForm):
    pick_label = "复议或诉讼"
    outcome = forms.ChoiceField(label="结果", choices=RemedyOutcome.choices, error_messages=CHOICE_ERRORS)
    concluded_on = case_date("审结日期")
    note = text_field("备注", rows=2)


class ConvertForm(ServiceForm):
    title = text_field("标题", max_length=300, required=True)
    body = text_field("正文", rows=6, required=True, help_text="已向申请人公开的信息内容；转为草稿后仍须经保密审查等流程。")
    subject = forms.ChoiceField(label="主题分类", choices=[("", "请选择主题分类"), *SUBJECT_CHOICES],
                                error_messages={**CHOICE_ERRORS, "required": "请选择主题分类。"})
