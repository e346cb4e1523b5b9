from django.contrib import admin

from gongkai.orgs.models import Agency, RoleGrant, StaffProfile


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
