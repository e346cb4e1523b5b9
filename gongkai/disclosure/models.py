"""Disclosure on application (依申请公开): the case, its pauses, fee notices, reply letters, remedies and timeline.

The reply due date is never the only truth: the facts it follows from (receipt, correction, pauses, extension)
are stored, and `due_on` is a cache recomputed by the services on every event and on holiday-table changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.core.crypto import EncryptedTextField
from gongkai.disclosure import privacy
from gongkai.disclosure.rules import (
    CORRECTION_NOTICE_WORKDAYS,
    DECISION_CHOICES,
    DECISIONS,
    STOPS_CLOCK,
    AssistanceHelp,
    AssistanceNeed,
    Channel,
    FeeBasis,
    NotHeldGround,
    NoticeChannel,
    PauseKind,
    RecordCorrectionOutcome,
    RemedyKind,
    RequestKind,
)
from gongkai.disclosure.states import OPEN_STATES, State
from gongkai.orgs.models import Agency


class ApplicantType(models.TextChoices):
    # The two column groups of the annual report's table 3.
    NATURAL_PERSON = "natural_person", "自然人"
    LEGAL_PERSON = "legal_person", "法人或其他组织"


class OrganizationKind(models.TextChoices):
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER = "other", "其他"


class Delivery(models.TextChoices):
    # 《条例》第二十九条（三）：获取信息的方式、途径 — the channels offices actually use.
    EMAIL = "email", "电子邮件"
    ONLINE = "online", "网上查询下载"
    PAPER = "paper", "当面领取纸质件"
    POST = "post", "邮寄"
    MEDIA = "media", "复制到光盘等存储介质"


# Before migration 0006 one choice covered both e-mail and download; old API clients may still send it.
LEGACY_ELECTRONIC = "electronic"


class Clock(models.TextChoices):
    RUNNING = "running", "计时中"
    PAUSED = "paused", "暂停计时"
    AWAITING_CORRECTION = "awaiting_correction", "等待补正"
    STOPPED = "stopped", "已答复"


# Personal field → (its keyed-hash field, the kind of value privacy.lookup_hash normalises it as).
LOOKUP_HASHES = {"id_number": ("applicant_key", "id_number"), "phone": ("phone_hash", "phone"),
                 "email": ("email_hash", "email")}


class Application(models.Model):
    """One application for government information, from receipt to the delivered reply and any remedies."""

    agency = models.ForeignKey(Agency, verbose_name="受理机关", on_delete=models.PROTECT, related_name="applications")
    case_no = models.CharField("案件编号", max_length=80, unique=True)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("流水号")
    tracking_code = models.CharField("查询码", max_length=20, unique=True)
    access_token_hash = models.CharField(max_length=64)
    external_id = models.CharField("外部编号", max_length=100, null=True, blank=True, unique=True)

    channel = models.CharField("提交方式", max_length=20, choices=Channel.choices)
    received_on = models.DateField("收到申请日期", db_index=True)
    # Applicant (personal data: shown in full only to the handling agency's disclosure staff, and audited).
    # Encrypted at rest (gongkai.core.crypto): the database file, its WAL and backups hold no readable copy.
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices)
    organization_kind = models.CharField("组织类型", max_length=20, choices=OrganizationKind.choices, blank=True)
    name = EncryptedTextField("姓名或名称")
    id_number = EncryptedTextField("身份证明号码", blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    email = EncryptedTextField("电子邮箱", blank=True)
    address = EncryptedTextField("通信地址", blank=True)
    # Keyed hashes (HMAC-SM3 under a key derived from the data key) of the normalised id number, phone and
    # e-mail: one applicant's applications are counted (fees) and found (staff search) without the value
    # itself being stored or compared. Kept by save() in step with the fields above.
    applicant_key = models.CharField(max_length=64, blank=True, db_index=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    description = models.TextField("所需政府信息的描述")
    delivery = models.CharField("获取信息的方式", max_length=20, choices=Delivery.choices)
    # 《条例》第四十一条: a request to correct one's own records runs on the same case, with its own outcomes
    # (RecordCorrection); `description` then names the record concerned.
    request_kind = models.CharField("申请类型", max_length=20, choices=RequestKind.choices,
                                    default=RequestKind.DISCLOSURE, db_index=True)

    state = models.CharField("状态", max_length=30, choices=State.choices, default=State.RECEIVED, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField("主题分类", max_length=100, blank=True)

    correction_requested_on = models.DateField("告知补正日期", null=True, blank=True)
    correction_items = models.TextField("需要补正的事项", blank=True)
    correction_notice_late = models.BooleanField(f"超过{CORRECTION_NOTICE_WORKDAYS}个工作日才告知补正", default=False)
    correction_due_on = models.DateField("补正期限", null=True, blank=True)
    corrected_on = models.DateField("收到补正日期", null=True, blank=True)

    extension_requested_days = models.PositiveSmallIntegerField("申请延长工作日数", default=0)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")
    extension_days = models.PositiveSmallIntegerField("已批准延长工作日数", default=0)
    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True,
                                              blank=True, on_delete=models.SET_NULL, related_name="+")
    extension_approved_on = models.DateField("批准延期日期", null=True, blank=True)

    # 《条例》第三十五条: a request far beyond a reasonable number or frequency — the applicant is asked for reasons;
    # reasonable ones may get a later, reasonable reply date, told to the applicant.
    bulk_reason_requested_on = models.DateField("要求说明理由日期", null=True, blank=True)
    bulk_request_note = models.TextField("要求说明理由的情况", blank=True)
    bulk_reason = models.TextField("申请人说明的理由", blank=True)
    deferred_to = models.DateField("延迟答复的合理期限", null=True, blank=True)
    # 《收费办法》第四条: an application holding several requests counts as that many (一事一申请) for 按件计收.
    item_count = models.PositiveSmallIntegerField("按一事一申请计算的件数", default=1)
    split_reason = models.TextField("拆分计件说明", blank=True)

    # 《条例》第三十六条第（五）项: the agency responsible for the information, when it is not this one.
    responsible_agency = models.CharField("负责公开该信息的机关", max_length=200, blank=True)
    responsible_contact = models.CharField("该机关的联系方式", max_length=200, blank=True)
    not_held_ground = models.CharField("不掌握的情形", max_length=20, choices=NotHeldGround.choices, blank=True)

    # Cache of rules.reply_deadline() for lists; null while the clock is stopped (awaiting correction, paused).
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    original_due_on = models.DateField("原答复期限", null=True, blank=True)
    due_confirmed = models.BooleanField("期限已确认", default=True)
    clock = models.CharField("计时状态", max_length=30, choices=Clock.choices, default=Clock.RUNNING)

    decision = models.CharField("答复类型", max_length=60, choices=DECISION_CHOICES, blank=True)
    decision_basis = models.CharField("法律依据", max_length=300, blank=True)
    decision_reason = models.TextField("理由与说明", blank=True)
    decided_on = models.DateField("答复日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_note = models.CharField("送达方式", max_length=200, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    proactive_document = models.ForeignKey("publishing.Document", verbose_name="转主动公开的信息", null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="+")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开申请"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["agency", "state"]), models.Index(fields=["applicant_key", "received_on"])]

    def __str__(self) -> str:
        return self.case_no

    def save(self, *args, **kwargs) -> None:
        self.set_lookup_hashes()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(LOOKUP_HASHES):
            kwargs["update_fields"] = {*update_fields, *(LOOKUP_HASHES[f][0] for f in update_fields
                                                         if f in LOOKUP_HASHES)}
        super().save(*args, **kwargs)

    def set_lookup_hashes(self) -> None:
        """Recompute the keyed hashes from the personal fields (under the current data key)."""
        for field, (hash_field, kind) in LOOKUP_HASHES.items():
            setattr(self, hash_field, privacy.lookup_hash(kind, getattr(self, field)))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def decision_type(self):
        return DECISIONS.get(self.decision)

    @property
    def is_record_correction(self) -> bool:
        return self.request_kind == RequestKind.RECORD_CORRECTION

    def open_consultations(self):
        """Consultations still waiting for an answer (fee notices end with payment instead)."""
        return self.pauses.filter(ended_on__isnull=True).exclude(kind=PauseKind.FEE_NOTICE)

    def unpaid_fee_notices(self):
        return self.fee_notices.filter(paid_on__isnull=True, voided_on__isnull=True)

    def pending_remedies(self):
        return self.remedies.filter(outcome=RemedyOutcome.PENDING)

    @property
    def replied_in_time(self) -> bool | None:
        if not self.decided_on or not self.due_on:
            return None
        return self.decided_on <= self.due_on


class Pause(models.Model):
    """A consultation, fee notice or other interval; `stops_clock` says whether its working days are excluded."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField("类型", max_length=20, choices=PauseKind.choices)
    party = models.CharField("征求意见对象", max_length=200, blank=True)
    reason = models.TextField("事由", blank=True)
    started_on = models.DateField("开始日期")
    reply_due_on = models.DateField("回复期限", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    outcome = models.TextField("结果", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "暂停计时与会商"
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"

    @property
    def stops_clock(self) -> bool:
        return STOPS_CLOCK[self.kind]


class FeeNotice(models.Model):
    """A processing-fee notice (《收费办法》): one basis per application; the clock stops until payment."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="fee_notices")
    pause = models.OneToOneField(Pause, on_delete=models.PROTECT, related_name="fee_notice")
    basis = models.CharField("计收方式", max_length=20, choices=FeeBasis.choices)
    quantity = models.PositiveIntegerField("件次或页数")
    amount_yuan = models.PositiveIntegerField("金额（元）")
    issued_on = models.DateField("发出日期")
    # 《收费办法》第七条: the 20 working days run from the day after the applicant received the notice, so the
    # payment deadline exists only once receipt is recorded.
    served_by = models.CharField("送达方式", max_length=20, choices=NoticeChannel.choices, blank=True)
    received_on = models.DateField("申请人收到日期", null=True, blank=True)
    pay_by = models.DateField("缴费期限", null=True, blank=True)
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    # 《收费办法》第五条: pages are charged only for information actually provided; a reply that provides none voids
    # the notice (refunded if already paid).
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信息处理费收费通知"
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.amount_yuan} 元"


class ReplyLetter(models.Model):
    """The formal reply letter (政府信息公开申请答复书) as generated when the decision was made."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    docx = models.FileField(upload_to="disclosure/letters/%Y/")
    pdf = models.FileField(upload_to="disclosure/letters/%Y/")
    enclosures = models.JSONField("所列附件", default=list, blank=True)  # titles, to tell a stale letter
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "答复书"
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.generated_at:%Y-%m-%d %H:%M}"


def released_upload_to(item: ReleasedItem, filename: str) -> str:
    return f"disclosure/released/{item.application_id}/{filename}"


class ReleasedItem(models.Model):
    """One enclosure of a granted or partially granted reply: an uploaded file, or a document already public
    on the site (linked, not copied: the public page stays the one authoritative version)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="released_items")
    position = models.PositiveSmallIntegerField("序号", default=1)
    title = models.CharField("附件名称", max_length=200)
    file = models.FileField(upload_to=released_upload_to, blank=True, max_length=300)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    document = models.ForeignKey("publishing.Document", verbose_name="已公开的文件", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    url = models.CharField("网址", max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开的信息（答复附件）"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return not self.file


class DeliveryRecord(models.Model):
    """One sending of the reply by one channel; `delivered_on` is set once there is proof it reached the
    applicant (mail handed to the SMTP server, first download, signature on collection or on the post)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("送达方式", max_length=20, choices=Delivery.choices)
    letter = models.ForeignKey(ReplyLetter, verbose_name="答复书", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    contents = models.JSONField("送达内容", default=list, blank=True)  # titles of the enclosures sent
    dispatched_on = models.DateField("发出日期")
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    tracking_number = models.CharField("邮件单号", max_length=50, blank=True)
    mail = models.ForeignKey("core.OutgoingMail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "送达记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.dispatched_on}"


class LitigationRoute(models.TextChoices):
    # Table 4 of the annual report splits litigation into these two.
    DIRECT = "direct", "未经复议直接起诉"
    AFTER_REVIEW = "after_review", "复议后起诉"


class RemedyOutcome(models.TextChoices):
    MAINTAINED = "maintained", "维持"
    CORRECTED = "corrected", "纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"


class Remedy(models.Model):
    """An administrative review or a lawsuit brought over one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField("类型", max_length=20, choices=RemedyKind.choices)
    route = models.CharField("起诉方式", max_length=20, choices=LitigationRoute.choices, blank=True)
    filed_on = models.DateField("申请或起诉日期")
    authority = models.CharField("复议机关或法院", max_length=200, blank=True)
    reference = models.CharField("案号", max_length=100, blank=True)
    outcome = models.CharField("结果", max_length=20, choices=RemedyOutcome.choices, default=RemedyOutcome.PENDING)
    concluded_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政复议与行政诉讼"
        ordering = ["filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


class CaseEvent(models.Model):
    """One line of a case's history; `public` lines form the applicant's timeline (never personal data)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    on = models.DateField("日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=40)
    message = models.TextField("说明")
    public = models.BooleanField("申请人可见", default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.message}"


class RateWindow(models.Model):
    """The recent hits of one client address in one rate-limited bucket (intake, tracking failures).

    Kept in the database, not the cache, so a slot is reserved under a row lock in the same transaction that
    saves the application: parallel requests from every app process queue on it, and a rolled-back
    submission gives its slot back."""

    bucket = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    hits = models.JSONField(default=list)  # Unix times of the hits still inside the window
    expires_at = models.FloatField(db_index=True)  # when the newest hit leaves the window

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "key"], name="disclosure_rate_window_unique")]

    def __str__(self) -> str:
        return f"{self.bucket}:{self.key}"


def evidence_upload_to(item: RecordCorrectionEvidence, filename: str) -> str:
    return f"disclosure/evidence/{item.application_id}/{filename}"


class RecordCorrection(models.Model):
    """A request to correct the applicant's own records (《条例》第四十一条) and its outcome.

    What is wrong and what is right are about the applicant: encrypted like the rest of their personal data."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="record_correction")
    inaccuracy = EncryptedTextField("记录不准确之处")
    correct_content = EncryptedTextField("正确的内容")
    evidence_note = EncryptedTextField("证据说明", blank=True)
    outcome = models.CharField("处理结果", max_length=20, choices=RecordCorrectionOutcome.choices, blank=True)
    competent_agency = models.CharField("有权更正的行政机关", max_length=200, blank=True)
    competent_contact = models.CharField("有权机关的联系方式", max_length=200, blank=True)
    reason = EncryptedTextField("更正情况或理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "更正政府信息记录的申请"

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_outcome_display() or '待处理'}"


class RecordCorrectionEvidence(models.Model):
    """One file the applicant gave as evidence that the record is inaccurate (checked like every upload)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    file_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "更正申请的证据材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file_name


def _codes_text(codes, choices) -> str:
    return "、".join(choices(c).label for c in codes if c in choices.values)


class Assistance(models.Model):
    """Help for an applicant with reading difficulties or a sight or hearing impairment (《条例》第四十三条).

    Health data (个人信息保护法第二十八条): every field is encrypted; only the handling staff see it, never a public
    event, an export or the audit log. The applicant's tracking page names only the help arranged."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="assistance")
    needs = EncryptedTextField("需要的便利", blank=True)  # AssistanceNeed values, comma-separated
    detail = EncryptedTextField("具体情况", blank=True)
    help_given = EncryptedTextField("已提供的帮助", blank=True)  # AssistanceHelp values, comma-separated
    help_note = EncryptedTextField("帮助说明", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请人便利需求"

    def __str__(self) -> str:
        return f"{self.application_id}"

    @property
    def need_codes(self) -> list[str]:
        return [c for c in self.needs.split(",") if c]

    @property
    def help_codes(self) -> list[str]:
        return [c for c in self.help_given.split(",") if c]

    @property
    def needs_text(self) -> str:
        return _codes_text(self.need_codes, AssistanceNeed)

    @property
    def help_text(self) -> str:
        return _codes_text(self.help_codes, AssistanceHelp)
