from django.contrib import admin, messages

from gongkai.core.errors import DomainError
from gongkai.orgs import logins
from gongkai.orgs.models import Agency, LoginThrottle, RoleGrant, StaffProfile


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
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed-login counts, read-only; a lock is lifted with the action (or `gongkai users unlock`)."""

    list_display = ("key", "kind", "failures", "last_failure_at", "blocked_until", "locked_at")
    list_filter = ("kind",)
    search_fields = ("key",)
    actions = ["lift"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

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
