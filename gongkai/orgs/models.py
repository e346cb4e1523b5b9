"""Agencies (机关) in their hierarchy, staff profiles and role grants scoped to agencies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.core.crypto import EncryptedTextField
from gongkai.orgs.roles import Role


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府部门"
    TOWNSHIP = "township", "镇（街道）"
    OTHER = "other", "其他单位"


class Agency(models.Model):
    """An administrative agency that discloses information, e.g. 市人民政府 → 市财政局 / 某某镇."""

    code = models.CharField("机构代码", max_length=32, unique=True,
                            help_text="统一社会信用代码或组织机构代码，用作索引号前缀。")
    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    parent = models.ForeignKey("self", verbose_name="上级机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    order = models.PositiveIntegerField("排序", default=100)
    address = models.CharField("办公地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    # 一事一审: drafting, secrecy review, approval, sign-off and publication of one revision are done by
    # different people. A very small office may relax this, only through services.set_combined_duties (audited).
    combined_duties_allowed = models.BooleanField(
        "允许一人兼任多个审查环节", default=False,
        help_text="仅限人员不足的机关；须由管理员用 gongkai agencies duties 说明理由后开启，开启和关闭均记入审计日志。")

    class Meta:
        verbose_name = verbose_name_plural = "机关"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Agency]:
        """Parent, grandparent, … up to the root (nearest first)."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        """Primary keys of this agency and every agency below it."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Agency.objects.filter(parent_id__in=frontier).exclude(pk__in=ids)
                            .values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class StaffProfile(models.Model):
    """The agency a staff user belongs to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    agency = models.ForeignKey(Agency, verbose_name="所属机关", on_delete=models.PROTECT, related_name="staff")
    title = models.CharField("职务", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username}（{self.agency}）"


class RoleGrant(models.Model):
    """A role held in one agency; with `covers_subordinates` it also reaches every agency below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    agency = models.ForeignKey(Agency, verbose_name="机关", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    covers_subordinates = models.BooleanField("含下级机关", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class LoginThrottle(models.Model):
    """Failed logins in a row for one account name or one client address, and the wait they impose.

    Rows exist for names that match no account too, so a lock reveals nothing about which accounts exist."""

    ACCOUNT, ADDRESS = "account", "address"
    KINDS = [(ACCOUNT, "账户"), (ADDRESS, "客户端地址")]

    kind = models.CharField("类别", max_length=8, choices=KINDS)
    key = models.CharField("用户名或地址", max_length=150)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    last_failure_at = models.DateTimeField("最近失败时间", null=True, blank=True)
    blocked_until = models.DateTimeField("等待至", null=True, blank=True)
    # Set when an account reaches GONGKAI_LOGIN_MAX_FAILURES; with no blocked_until the lock lasts until an
    # administrator lifts it.
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败限制"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="login_throttle_kind_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class PasswordHistory(models.Model):
    """One password a user has had (its hash), for the no-reuse rule and the age of the current password."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="password_history")
    password = models.CharField("密码散列", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "密码历史"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class TwoFactorDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): the secret sealed at rest, hashed one-time recovery codes."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="two_factor")
    secret = EncryptedTextField("密钥")
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    # The last time step whose code was accepted: that code (or an older one) is refused, so none is replayed.
    last_step = models.BigIntegerField("最近使用的时间步", null=True, blank=True)
    recovery_codes = models.JSONField("恢复码散列", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "两步验证设备"

    def __str__(self) -> str:
        return f"{self.user}（{'已启用' if self.confirmed_at else '未确认'}）"
