"""Shared kernel models: the append-only audit log and the editable statutory calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from gongkai.core.crypto import EncryptedTextField


class AuditEntry(models.Model):
    """One recorded action: who did what to which object, from which state to which, and why."""

    # Set before the insert (not auto_now_add) because the hash covers it.
    created_at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    # A user with audit entries cannot be deleted (deactivate instead): clearing the actor would be an UPDATE,
    # which the append-only triggers refuse, and would lose who acted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32, blank=True)
    comment = models.TextField("意见", blank=True)
    # A review step (e.g. secrecy review) and what it was performed on (e.g. one revision): the record that
    # separation of duties is checked against.
    duty = models.CharField("审查环节", max_length=32, blank=True)
    duty_subject = models.CharField("审查对象", max_length=64, blank=True)
    data = models.JSONField("附加数据", default=dict, blank=True)
    client_address = models.CharField("来源", max_length=64, blank=True,
                                      help_text="请求的客户端地址；命令行写入为 cli，任务进程为 worker。")
    user_agent = models.CharField("浏览器标识", max_length=256, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64, editable=False)
    hash = models.CharField("哈希（SM3）", max_length=64, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["duty_subject", "actor"], name="audit_duty_subject")]
        # One successor per entry: a forked chain (two writers linking to the same head) fails to insert.
        constraints = [models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_unique_link")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("审计日志只能追加，不能修改。")
        from gongkai.core import auditchain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            auditchain.seal(self, using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("审计日志只能追加，不能删除。")


class SerialCounter(models.Model):
    """The last serial number used in one series (e.g. one agency's index numbers) in one year."""

    series = models.CharField("编号序列", max_length=64)
    year = models.PositiveIntegerField("年度")
    last = models.PositiveIntegerField("最后使用的流水号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "流水号"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_serial_counter")]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.last}"


class CalendarDay(models.Model):
    """An administrator's correction to the statutory calendar: a holiday or a make-up working day.

    Entries here win over the chinese-calendar package, and cover years the package does not know yet.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示调休上班日；不勾选表示放假日。")
    name = models.CharField("名称", max_length=50, blank=True, help_text="例如：春节、国庆节调休上班。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class CalendarYear(models.Model):
    """A year whose holiday schedule an administrator has entered in full from the State Council notice."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, blank=True, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知")
    confirmed = models.BooleanField("已按国务院通知录入完毕", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "已确认的年度日历"
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class OutgoingMail(models.Model):
    """A message waiting to be sent (or sent): written in the transaction of what it reports, sent afterwards
    by the worker with retries, so a mail server that is down never loses or blocks the record itself."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败（已停止重试）"

    # The recipient's address is personal data: kept encrypted like the applicant's own fields.
    to = EncryptedTextField("收件人")
    subject = models.CharField("主题", max_length=200)
    body = models.TextField("正文")
    purpose = models.CharField("用途", max_length=64, blank=True)
    # Files attached by storage name, not copied into the row: [{"name", "path", "content_type"}].
    attachments = models.JSONField("附件", default=list, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now, db_index=True)
    last_error = models.CharField("最近一次错误", max_length=500, blank=True)
    created_at = models.DateTimeField("写入时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待发邮件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject}（{self.get_status_display()}）"


class ApiClient(models.Model):
    """A partner system (the 12345 hotline, a service hall's terminal) that calls the open API with its own key
    and its own limit. Only a hash of the key is kept: the key is shown once, when it is issued."""

    name = models.CharField("对接系统名称", max_length=100)
    organisation = models.CharField("使用单位", max_length=200, blank=True)
    prefix = models.CharField("密钥前缀", max_length=16, unique=True,
                              help_text="密钥开头的公开部分，用于辨认是哪把密钥（不足以调用）。")
    key_hash = models.CharField("密钥摘要（SHA-256）", max_length=64, unique=True, editable=False)
    limit_per_minute = models.PositiveIntegerField("每分钟调用上限")
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近调用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口调用方（API 密钥）"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class ApiClientMinute(models.Model):
    """Calls of one key in one clock minute: the counter its limit is checked against (one atomic UPDATE,
    shared by every app process) and the usage the staff page shows."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="minutes")
    minute = models.BigIntegerField("分钟（Unix 时间 ÷ 60）")
    calls = models.PositiveIntegerField("已受理次数", default=0)
    refused = models.PositiveIntegerField("超限拒绝次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "接口调用计数"
        constraints = [models.UniqueConstraint(fields=["client", "minute"], name="api_client_minute_unique")]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.minute}: {self.calls}"
