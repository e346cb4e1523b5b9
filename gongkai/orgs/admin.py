from django.contrib import admin

from gongkai.orgs.models import Agency, RoleGrant, StaffProfile


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "order")
    list_filter = ("kind",)
    search_fields = ("name", "code")


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
