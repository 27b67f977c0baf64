from django.contrib import admin

from .models import Applicant, Application, ApplicationEvent, Consultation


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    readonly_fields = ("at", "actor", "from_status", "to_status", "note")
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("number", "programme", "applicant", "channel", "status", "tier", "right_end", "created_at")
    list_filter = ("programme", "status", "channel")
    search_fields = ("number", "applicant__birth_name")
    readonly_fields = ("number", "rule_version", "reasons", "decided_at")
    inlines = [EventInline]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ("birth_name", "first_names", "birth_date", "commune", "programme")
    list_filter = ("programme",)
    search_fields = ("birth_name", "usage_name", "navigo_number")
    raw_id_fields = ("commune",)


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("application", "at", "actor", "purpose", "outcome", "rule_version")
    list_filter = ("programme", "outcome")
    readonly_fields = ("results", "reasons")
