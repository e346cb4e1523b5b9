"""Public consultations on drafts (征求意见) and the comments they receive.

A consultation points at the draft in the library (a publishing Document, never a copy), with its 起草说明 and
draft interpretation, and runs from `starts_at` to `ends_at`. Its status moves draft → open → closed →
feedback_published (states.CONSULTATION); comments are accepted only while the clock says it is open, whatever
the stored status (services.submit_comment). The feedback (意见采纳情况) is drafted on the consultation and
shown only once published.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from gongkai.core.crypto import EncryptedTextField
from gongkai.orgs.models import Agency
from gongkai.participation.rules import ConsultationKind, MessageCategory


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", "草稿（未发布）"
    OPEN = "open", "征求意见中"
    CLOSED = "closed", "已结束"
    FEEDBACK_PUBLISHED = "feedback_published", "已公布采纳情况"


def _last_day(end: dt.datetime | None) -> dt.date | None:
    """The day a period ending at `end` ends on: an end is stored as the next day's midnight (24:00 of the day)."""
    return timezone.localtime(end - dt.timedelta(microseconds=1)).date() if end is not None else None


class Consultation(models.Model):
    agency = models.ForeignKey(Agency, verbose_name="征求意见机关", on_delete=models.PROTECT,
                               related_name="consultations")
    document = models.ForeignKey("publishing.Document", verbose_name="草案（文件库中的文件）", on_delete=models.PROTECT,
                                 related_name="consultations")
    title = models.CharField("标题", max_length=300)
    kind = models.CharField("草案类别", max_length=30, choices=ConsultationKind.choices)
    explanation = models.TextField("起草说明", blank=True)
    explanation_document = models.ForeignKey("publishing.Document", verbose_name="起草说明（文件库中的文件）", null=True,
                                             blank=True, on_delete=models.SET_NULL, related_name="+")
    interpretation = models.TextField("草案解读", blank=True)
    interpretation_document = models.ForeignKey("publishing.Document", verbose_name="草案解读（文件库中的文件）",
                                                null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    other_channels = models.TextField("其他提交意见的方式", blank=True,
                                      help_text="如电子邮箱、通信地址、传真；不填则只接受在线提交。")
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("截止时间", null=True, blank=True)
    emergency_reason = models.TextField("缩短期限的理由", blank=True)
    # An open consultation may be extended, never shortened: the end first published, and why it moved (public).
    extended_from = models.DateTimeField("原截止时间", null=True, blank=True)
    extension_reason = models.TextField("延长期限的理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.DRAFT, db_index=True)
    opened_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束登记时间", null=True, blank=True)
    # 意见采纳情况: drafted here, public only once status is feedback_published.
    feedback_text = models.TextField("意见采纳情况说明", blank=True)
    received_count = models.PositiveIntegerField("收到意见条数", null=True, blank=True)
    adopted_count = models.PositiveIntegerField("采纳意见条数", null=True, blank=True)
    unadopted = models.JSONField("未采纳的集中意见及理由", default=list, blank=True)
    feedback_published_at = models.DateTimeField("采纳情况公布时间", null=True, blank=True)
    decision_document = models.ForeignKey("publishing.Document", verbose_name="作出的决策（文件库中的文件）", null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "征求意见"
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def accepting(self, now: dt.datetime | None = None) -> bool:
        """Whether a comment may be accepted at `now`: opened, started and not yet ended (the clock decides)."""
        now = now or timezone.now()
        return (self.status == ConsultationStatus.OPEN and self.starts_at is not None and self.ends_at is not None
                and self.starts_at <= now < self.ends_at)

    def phase(self, now: dt.datetime | None = None) -> str:
        """open or closed as the public sees it (a stored open whose end has passed is closed)."""
        return "open" if self.accepting(now) else "closed"

    @property
    def ends_on(self) -> dt.date | None:
        """The last day of the period (ends_at is 24:00 of it, stored as the next day's midnight)."""
        return _last_day(self.ends_at)

    @property
    def extended_from_on(self) -> dt.date | None:
        """The last day first published, when the period was extended since (see services.extend_consultation)."""
        return _last_day(self.extended_from)

    @property
    def starts_on(self) -> dt.date | None:
        return timezone.localtime(self.starts_at).date() if self.starts_at else None


class CommentChannel(models.TextChoices):
    WEB = "web", "网站"
    API = "api", "开放接口"
    STAFF = "staff", "工作人员登记（信函、传真等）"


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", "公开显示"
    HIDDEN = "hidden", "已屏蔽"


class Comment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.PositiveIntegerField("针对段落", null=True, blank=True, help_text="不填为针对全文。")
    paragraph_text = models.TextField("所针对段落的文字", blank=True, help_text="提交时该段的文字（草案以后修订也不变）。")
    content = models.TextField("意见内容")
    # Personal data: sealed in the database, shown only to the agency's staff, never on a public channel.
    name = EncryptedTextField("姓名", blank=True)
    contact = EncryptedTextField("联系方式", blank=True)
    attachment = models.FileField("附件", upload_to="participation/%Y/%m/", blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)
    attachment_type = models.CharField("附件类型", max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField("附件大小", default=0)
    channel = models.CharField("提交方式", max_length=10, choices=CommentChannel.choices, default=CommentChannel.WEB)
    status = models.CharField("显示状态", max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE,
                              db_index=True)
    moderation_reason = models.CharField("屏蔽或恢复理由", max_length=500, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    moderated_at = models.DateTimeField("处理时间", null=True, blank=True)
    submission = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "意见"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}#{self.pk}"


# -- 公众代表列席政府会议 and 政策执行效果评估 (issue #13 section 3) ----------------------------------------------

class RecordStatus(models.TextChoices):
    """A meeting record or an evaluation: drafted by staff, public only once published, withdrawn with a reason."""

    DRAFT = "draft", "草稿（未公开）"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤回"


class Meeting(models.Model):
    """A government meeting to which public representatives were invited to attend (列席), with their opinions
    and how each was handled (平度市2024年政务公开工作要点 二（三）: 列席代表的意见发表和采纳情况要向社会公开)."""

    agency = models.ForeignKey(Agency, verbose_name="召开会议的机关", on_delete=models.PROTECT,
                               related_name="attended_meetings")
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("会议日期", null=True, blank=True)
    place = models.CharField("会议地点", max_length=200, blank=True)
    topics = models.TextField("会议议题", blank=True)
    summary = models.TextField("列席情况说明", blank=True,
                               help_text="邀请范围和方式、列席代表参与讨论的情况等。")
    status = models.CharField("状态", max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT,
                              db_index=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "公众代表列席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class RepresentativeCategory(models.TextChoices):
    NPC_DEPUTY = "npc_deputy", "人大代表"
    CPPCC_MEMBER = "cppcc_member", "政协委员"
    EXPERT = "expert", "专家学者"
    RESIDENT = "resident", "群众代表"
    ENTERPRISE = "enterprise", "企业代表"
    STAKEHOLDER = "stakeholder", "利益相关方代表"
    MEDIA = "media", "新闻媒体代表"
    OTHER = "other", "其他"


class OpinionHandling(models.TextChoices):
    ADOPTED = "adopted", "已采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"
    NOTED = "noted", "留作参考"


class Attendee(models.Model):
    """One representative at a meeting. Name, category and affiliation are published as governments publish
    them; the contact is for staff only, sealed in the database."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField("姓名", max_length=50)
    category = models.CharField("身份类别", max_length=20, choices=RepresentativeCategory.choices)
    affiliation = models.CharField("单位或身份", max_length=200, blank=True)
    contact = EncryptedTextField("联系方式", blank=True)
    opinion = models.TextField("发表的意见", blank=True, help_text="未发表意见的不填。")
    handling = models.CharField("采纳情况", max_length=20, choices=OpinionHandling.choices, blank=True)
    handling_note = models.TextField("采纳或办理情况说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "列席代表"
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class EvaluationMethod(models.TextChoices):
    SELF = "self", "自我评估"
    THIRD_PARTY = "third_party", "第三方评估"
    EXPERT = "expert", "专家评估"
    SURVEY = "survey", "问卷调查和实地走访"
    OTHER = "other", "其他"


class Evaluation(models.Model):
    """An evaluation of the effect of a policy in the library (政策执行效果评估), published with its results and
    how they are used (平度市2024年政务公开工作要点 二（四）)."""

    agency = models.ForeignKey(Agency, verbose_name="评估机关", on_delete=models.PROTECT,
                               related_name="policy_evaluations")
    policy = models.ForeignKey("publishing.Document", verbose_name="评估的政策（文件库中的文件）",
                               on_delete=models.PROTECT, related_name="evaluations")
    title = models.CharField("评估名称", max_length=300)
    method = models.CharField("评估方式", max_length=20, choices=EvaluationMethod.choices,
                              default=EvaluationMethod.SELF)
    evaluator = models.CharField("评估主体", max_length=200, blank=True,
                                 help_text="第三方评估填写机构名称；不填为本机关。")
    period_from = models.DateField("评估期间（起）", null=True, blank=True)
    period_to = models.DateField("评估期间（止）", null=True, blank=True)
    completed_on = models.DateField("评估完成日期", null=True, blank=True,
                                    help_text="计入该日期所在年度的评估次数。")
    findings = models.TextField("执行情况", blank=True, help_text="执行标准、适用范围、取得成效、存在问题。")
    conclusions = models.TextField("评估结论和建议", blank=True)
    application = models.TextField("评估结果运用情况", blank=True,
                                   help_text="如修改、废止、继续执行或加强宣传解读。")
    report_document = models.ForeignKey("publishing.Document", verbose_name="评估报告（文件库中的文件）", null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT,
                              db_index=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策执行效果评估"
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return self.title


# -- the government mailbox and error reports -----------------------------------------------------------------------

class MessageStatus(models.TextChoices):
    RECEIVED = "received", "办理中"
    REPLIED = "replied", "已答复"
    DUPLICATE = "duplicate", "重复留言"
    INVALID = "invalid", "无效留言"


class MessageChannel(models.TextChoices):
    WEB = "web", "网站"
    API = "api", "开放接口"
    # Received on paper, by telephone or in person, and entered by the disclosure office's staff.
    LETTER = "letter", "来信"
    PHONE = "phone", "来电"
    VISIT = "visit", "来访"


# The channels staff enter a message through (the others are the writer's own).
OFFLINE_CHANNELS = (MessageChannel.LETTER, MessageChannel.PHONE, MessageChannel.VISIT)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Message(models.Model):
    """One message from the public to an agency. The writer follows it with the query code and the access token
    (only its hash is kept); the reply is public only when the writer agreed and staff published it."""

    code = models.CharField("查询码", max_length=20, unique=True)
    access_token_hash = models.CharField(max_length=64, editable=False)
    category = models.CharField("类别", max_length=20, choices=MessageCategory.choices, db_index=True)
    # The agency handling the message now (transfers move it); addressed_to is the one the writer chose.
    agency = models.ForeignKey(Agency, verbose_name="办理机关", on_delete=models.PROTECT, related_name="messages")
    addressed_to = models.ForeignKey(Agency, verbose_name="写信对象", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=100)
    content = models.TextField("留言内容")
    # Personal data: sealed in the database, shown only to the handling agency's staff, never on a public channel.
    name = EncryptedTextField("姓名", blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    email = EncryptedTextField("电子邮箱", blank=True)
    address = EncryptedTextField("通信地址", blank=True)  # a letter's writer may give only where to post the reply
    publish_reply = models.BooleanField("同意公开答复", default=False)
    page_url = models.CharField("出错页面地址", max_length=1000, blank=True)
    page_document = models.ForeignKey("publishing.Document", verbose_name="出错页面对应的文件", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    attachment = models.FileField("附件", upload_to="participation/messages/%Y/%m/", blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)
    attachment_type = models.CharField("附件类型", max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField("附件大小", default=0)
    channel = models.CharField("提交方式", max_length=10, choices=MessageChannel.choices, default=MessageChannel.WEB)
    status = models.CharField("状态", max_length=20, choices=MessageStatus.choices, default=MessageStatus.RECEIVED,
                              db_index=True)
    received_at = models.DateTimeField("收到时间")
    received_on = models.DateField("收到日期", db_index=True)
    due_on = models.DateField("答复期限")
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reply_published_at = models.DateTimeField("答复公开时间", null=True, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name="重复于", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    handling_reason = models.CharField("标记理由", max_length=500, blank=True)
    # 找错: what was put right, and the revision of the document that did it.
    fix_note = models.TextField("纠错情况", blank=True)
    fix_revision = models.ForeignKey("publishing.Revision", verbose_name="改正后的文件版本", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    fixed_at = models.DateTimeField("纠错登记时间", null=True, blank=True)
    rating = models.CharField("满意度", max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    escalated_at = models.DateTimeField("提请办公厅督办时间", null=True, blank=True)
    submission = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "留言"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def valid(self) -> bool:
        """Neither a duplicate nor invalid: what the inspection counts."""
        return self.status in (MessageStatus.RECEIVED, MessageStatus.REPLIED)

    @property
    def reply_public(self) -> bool:
        return self.status == MessageStatus.REPLIED and self.publish_reply and self.reply_published_at is not None


class StepKind(models.TextChoices):
    RECEIVED = "received", "收到留言"
    TRANSFERRED = "transferred", "转办"
    REPLIED = "replied", "答复"
    DUPLICATE = "duplicate", "标记为重复留言"
    INVALID = "invalid", "标记为无效留言"
    REPLY_PUBLISHED = "reply_published", "公开答复"
    REPLY_WITHDRAWN = "reply_withdrawn", "撤下公开答复"
    FIXED = "fixed", "登记纠错情况"
    RATED = "rated", "留言人评价"
    ESCALATED = "escalated", "提请办公厅督办"
    TOKEN_RESET = "token_reset", "重新设置查询密码"


class MessageStep(models.Model):
    """One step of a message's handling, kept for good: the staff page shows them in order."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=20, choices=StepKind.choices)
    from_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField("办理人", max_length=150, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "留言办理步骤"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id}:{self.kind}"
