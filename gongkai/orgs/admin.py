from django.contrib import admin, messages

from gongkai.core.admin import ReadOnlyAdmin
from gongkai.core.errors import DomainError
from gongkai.orgs import logins, twofactor
from gongkai.orgs.models import Agency, LoginThrottle, RoleGrant, StaffProfile, TwoFactorDevice


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "order", "combined_duties_allowed")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    # Changed only through services.set_combined_duties, which asks for a reason and audits the change.
    readonly_fields = ("combined_duties_allowed",)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "title")
    list_filter = ("agency",)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "covers_subordinates")
    list_filter = ("role", "agency")


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ReadOnlyAdmin):
    """Failed-login counts, read-only; a lock is lifted with the action (or `gongkai users unlock`)."""

    list_display = ("key", "kind", "failures", "last_failure_at", "blocked_until", "locked_at")
    list_filter = ("kind",)
    search_fields = ("key",)
    actions = ["lift"]

    @admin.action(description="解除登录锁定并清零失败次数", permissions=["view"])
    def lift(self, request, queryset) -> None:
        lifted = 0
        for row in queryset:
            try:
                if row.kind == LoginThrottle.ACCOUNT:
                    logins.unlock(request.user, row.key)
                else:
                    logins.unlock(request.user, address=row.key)
                lifted += 1
            except DomainError:
                pass  # nothing to lift on this row
        self.message_user(request, f"已解除 {lifted} 项登录锁定，已记入审计日志。", messages.SUCCESS)


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(ReadOnlyAdmin):
    """Who has a second factor, for superusers only; the secret is never shown. Reset with the action."""

    list_display = ("user", "confirmed_at", "created_at")
    search_fields = ("user__username",)
    fields = ("user", "confirmed_at", "created_at")
    actions = ["reset"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.action(description="重置两步验证（用户须重新启用）", permissions=["view"])
    def reset(self, request, queryset) -> None:
        users = [device.user for device in queryset.select_related("user")]
        for user in users:
            twofactor.reset(request.user, user)
        self.message_user(request, f"已重置 {len(users)} 个用户的两步验证，已记入审计日志。", messages.SUCCESS)
