"""Read-only admin views of cases: changes go through the services (the staff pages), never the admin."""

from django.contrib import admin

from gongkai.disclosure import privacy, queries
from gongkai.disclosure.models import Application, CaseEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("on", "actor_name", "message", "public")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    # Applicants' details stay masked here too: full details only on the audited staff page.
    list_display = ("case_no", "agency", "received_on", "masked_name", "state", "due_on", "decision")
    list_filter = ("state", "agency", "applicant_type", "clock")
    # The applicant's id number, phone or e-mail are found by their keyed hash (see get_search_results).
    search_fields = ("case_no", "tracking_code", "external_id")
    fields = ("case_no", "agency", "tracking_code", "external_id", "channel", "received_on", "applicant_type",
              "organization_kind", "masked_name", "state", "due_on", "decision", "decided_on", "closed_on")
    readonly_fields = fields
    inlines = [EventInline]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.filter(queries.applicant_match(search_term.strip()))
        return results, may_have_duplicates

    @admin.display(description="申请人")
    def masked_name(self, obj: Application) -> str:
        return privacy.mask_name(obj.name, obj.applicant_type == "legal_person")
