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
from gongkai.participation.rules import ConsultationKind


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", "草稿（未发布）"
    OPEN = "open", "征求意见中"
    CLOSED = "closed", "已结束"
    FEEDBACK_PUBLISHED = "feedback_published", "已公布采纳情况"


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
        if self.ends_at is None:
            return None
        return timezone.localtime(self.ends_at - dt.timedelta(microseconds=1)).date()

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
