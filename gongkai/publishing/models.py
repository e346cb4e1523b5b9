"""Government information (政府信息): documents, their immutable revisions, attachments and relations.

A Document is the stable identity (索引号, owner agency, lifecycle). Its content lives in Revisions:
every save writes a new one. Two things are kept apart: `state` is where the latest revision is in review,
and `live_revision` is what the public sees. The live revision stays untouched while the latest goes through
review; publishing points `live_revision` at the reviewed revision; withdrawal empties it at any time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.core.taxonomy import DOC_TYPE_CHOICES
from gongkai.orgs.models import Agency
from gongkai.publishing.rules import (
    PROACTIVE_DISCLOSURE_WORKDAYS,
    DisclosureMode,
    DisclosurePeriod,
    HandlingRole,
    RelationKind,
    ReplyGrade,
    Validity,
    WithholdingGround,
)
from gongkai.publishing.states import PENDING_STATES, RelationStatus, State


class DocumentKind(models.TextChoices):
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"


class InterpretationFormat(models.TextChoices):
    TEXT = "text", "文字解读"
    GRAPHIC = "graphic", "图文解读"
    VIDEO = "video", "视频解读"
    QA = "qa", "问答解读"


class Tag(models.Model):
    name = models.CharField("标签", max_length=40, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策标签"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    agency = models.ForeignKey(Agency, verbose_name="公开主体", on_delete=models.PROTECT, related_name="documents")
    index_no = models.CharField("索引号", max_length=64, unique=True)
    kind = models.CharField("信息类别", max_length=20, choices=DocumentKind.choices, default=DocumentKind.POLICY)
    state = models.CharField("审核状态", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True,
                             help_text="最新版本在审核流程中的位置；是否公开见“已公开版本”。")
    latest_revision = models.ForeignKey("Revision", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    live_revision = models.ForeignKey("Revision", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name="已公开版本")
    scheduled_at = models.DateTimeField("定时发布时间", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True, db_index=True)
    last_published_at = models.DateTimeField("最近发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤销发布时间", null=True, blank=True)
    validity = models.CharField("有效性", max_length=20, choices=Validity.choices, default=Validity.VALID,
                                db_index=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    external_id = models.CharField("外部编号", max_length=100, unique=True, null=True, blank=True)
    # Versions of one document (the same law revised and published again) share a group; see publishing.versions.
    version_group = models.CharField("版本组", max_length=32, blank=True, default="", db_index=True, editable=False)
    superseded = models.BooleanField("已有新版本", default=False, editable=False,
                                     help_text="同一文件有更新的公开版本：只在现行版本下作为历史版本列出。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息"
        # Undated documents (a reference law whose source gives no date) come last, on every database.
        ordering = [models.F("published_on").desc(nulls_last=True), "-id"]
        indexes = [
            models.Index(fields=["agency", "state"]),
            # Every search excludes the few superseded documents: a partial index finds them without reading
            # the table (a plain boolean index was passed over for a sequential scan, ~20 ms at 100,000).
            models.Index(fields=["id"], condition=models.Q(superseded=True), name="publishing_doc_superseded"),
        ]

    def __str__(self) -> str:
        rev = self.live_revision or self.latest_revision
        return f"{self.index_no} {rev.title if rev else ''}"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.live_revision_id is not None and self.latest_revision_id != self.live_revision_id

    @property
    def is_live(self) -> bool:
        """A version of this document is public (subject to the visibility rule's disclosure mode)."""
        return self.live_revision_id is not None

    @property
    def ever_published(self) -> bool:
        """Public now or before: its validity is then the publisher's to change (set_validity), not a draft's."""
        return self.live_revision_id is not None or self.withdrawn_at is not None or self.published_on is not None

    @property
    def is_withdrawn(self) -> bool:
        """It was public and has been taken down (withdrawn, or superseded by a withheld revision)."""
        return self.live_revision_id is None and self.withdrawn_at is not None

    @property
    def has_pending_revision(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def status_label(self) -> str:
        """What staff read in lists: the public status, and the review state of a pending revision."""
        if self.is_live:
            return "已发布（有待审修订）" if self.has_pending_revision else "已发布"
        if self.is_withdrawn:
            return f"已撤回（修订{self.get_state_display()}）" if self.has_pending_revision else "已撤回"
        return self.get_state_display()

    @property
    def status_key(self) -> str:
        """A CSS-friendly key of status_label."""
        if self.is_live:
            return "published-pending" if self.has_pending_revision else "published"
        if self.is_withdrawn:
            return "withdrawn"
        return self.state


class Revision(models.Model):
    """One immutable version of a document's content and metadata."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("发文字号", max_length=100, blank=True, db_index=True)
    signed_on = models.DateField("成文日期", null=True, blank=True)
    # Empty only for a reference document imported as already public whose source records no date at all:
    # no clock runs for it, and inventing the import day would misdate it (see services.DocumentData.undated).
    formed_on = models.DateField("形成或变更日期", null=True, blank=True, help_text=(
        f"起算公开时限：《条例》第二十六条为 {PROACTIVE_DISCLOSURE_WORKDAYS} 个工作日；按《预算法》计时的为批复或批准日期。"))
    disclosure_period = models.CharField("公开时限依据", max_length=30, choices=DisclosurePeriod.choices,
                                         default=DisclosurePeriod.REGULATION,
                                         help_text="法律、法规对公开期限另有规定的，从其规定（《条例》第二十六条）。")
    doc_type = models.CharField("公文种类", max_length=20, choices=DOC_TYPE_CHOICES, default="通知")
    subject = models.CharField("主题分类", max_length=60, db_index=True)
    issuing_agencies = models.ManyToManyField(Agency, verbose_name="发文机关", blank=True, related_name="+")
    other_issuers = models.CharField("其他发文机关", max_length=300, blank=True,
                                     help_text="本平台以外的发文机关名称，多个用顿号分隔。")
    disclosure_mode = models.CharField("公开属性", max_length=20, choices=DisclosureMode.choices,
                                       default=DisclosureMode.PROACTIVE)
    withholding_ground = models.CharField("不予主动公开的依据", max_length=30, choices=WithholdingGround.choices,
                                          blank=True)
    withholding_reason = models.TextField("不予主动公开的理由", blank=True)
    body_html = models.TextField("正文")
    body_text = models.TextField("正文纯文本", blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="政策标签", blank=True, related_name="revisions")
    needs_interpretation = models.BooleanField("需要政策解读", default=False)
    interpretation_format = models.CharField("解读形式", max_length=20, choices=InterpretationFormat.choices,
                                             blank=True)
    video_url = models.URLField("视频链接", blank=True)
    qa = models.JSONField("问答", default=list, blank=True)
    attachments = models.ManyToManyField("Attachment", verbose_name="附件", blank=True, related_name="revisions")
    change_note = models.CharField("修改说明", max_length=200, blank=True)
    # Only for the replies to deputies' suggestions and members' proposals (rules.MOTION_REPLY_TYPES).
    motion_no = models.CharField("建议或提案编号", max_length=50, blank=True, db_index=True)
    motion_by = models.CharField("提出的代表或委员", max_length=200, blank=True)
    handling_role = models.CharField("办理类型", max_length=10, choices=HandlingRole.choices, blank=True)
    reply_grade = models.CharField("答复类型", max_length=1, choices=ReplyGrade.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "版本"
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"

    @property
    def issuer(self) -> str:
        return "、".join(issuer_names([a.name for a in self.issuing_agencies.all()], self.other_issuers))


def issuer_names(agency_names: list[str], other_issuers: str) -> list[str]:
    """发文机关 of a revision: the platform's agencies first, then the others typed as text, each once.

    Every place that shows or indexes issuers (pages, API, search) uses this one rule."""
    others = [n.strip() for n in (other_issuers or "").replace(",", "、").split("、")]
    return list(dict.fromkeys([*agency_names, *(n for n in others if n)]))


class Relation(models.Model):
    """A relation declared by a revision towards another document (修改 / 废止 / 解读).

    It takes effect when its revision is published — at once within one agency; towards another agency's
    document (repeal, amend) only once that agency's publisher confirms it."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField("关系", max_length=20, choices=RelationKind.choices)
    target = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="incoming_relations")
    status = models.CharField("状态", max_length=20, choices=RelationStatus.choices,
                              default=RelationStatus.DECLARED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_comment = models.TextField("确认意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件关系"
        constraints = [models.UniqueConstraint(fields=["revision", "kind", "target"], name="unique_relation")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.target_id}"

    def needs_confirmation(self) -> bool:
        """Whether the target's agency must confirm before this relation changes its document: it repeals or
        amends another agency's document, and no earlier revision's same relation was confirmed already."""
        source = self.revision.document
        if self.kind == RelationKind.INTERPRETS or self.target.agency_id == source.agency_id:
            return False
        return not (Relation.objects.filter(revision__document=source, kind=self.kind, target=self.target,
                                            status=RelationStatus.EFFECTIVE).exclude(pk=self.pk).exists())

    def status_for_source(self) -> str:
        """The status as the declaring agency reads it on its own document."""
        if self.status == RelationStatus.DECLARED and self.needs_confirmation():
            return f"发布后须经{self.target.agency.name}确认"
        return self.get_status_display()

    def status_for_target(self) -> str:
        """The status as the target's agency reads it: it is the one asked to confirm."""
        return {RelationStatus.PENDING: "待本机关确认", RelationStatus.DECLINED: "本机关未同意"}.get(
            self.status, self.get_status_display())


class Attachment(models.Model):
    """An uploaded file; public only through a live revision of a public document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachment_files")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    text = models.TextField("提取的文字", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
