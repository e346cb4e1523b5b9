from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from gongkai.core import auditchain
from gongkai.core.models import AuditEntry, CalendarDay, CalendarYear, OutgoingMail


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the platform itself (audit entries, queued mail, login counts): viewed, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name", "updated_at")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "confirmed", "source")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "object_type", "object_id", "from_state", "to_state",
                    "client_address")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_name", "comment", "client_address")
    readonly_fields = ("created_at", "prev_hash", "hash")

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_view)
        return [path("verify/", verify, name="core_auditentry_verify"), *super().get_urls()]

    def verify_view(self, request):
        """Walk the SM3 chain on demand (the same check as `gongkai audit verify`) and say the outcome."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        result = auditchain.verify()
        if not auditchain.guards_present(connection):
            messages.error(request, "数据库中缺少禁止修改和删除审计日志的触发器：请按安全事件处理，查明后运行 "
                                    "gongkai audit protect 重建。")
        if result.broken is not None:
            broken = result.broken
            messages.error(request, f"审计日志校验失败：第一处断点在编号 {broken.entry_id} 的记录（写入时间 "
                                    f"{timezone.localtime(broken.created_at):%Y-%m-%d %H:%M:%S}）：{broken.problem}。"
                                    "请保全数据库和备份，按安全事件处理。")
        else:
            messages.success(request, f"审计日志完整：共 {result.count} 条记录，哈希链无断点。最新哈希：{result.head}")
        return HttpResponseRedirect(reverse("admin:core_auditentry_changelist"))


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """Queued mail, read-only: what was sent, what is still being retried and why, what was given up."""

    list_display = ("subject", "purpose", "status", "attempts", "next_attempt_at", "last_error", "created_at")
    list_filter = ("status", "purpose")
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
