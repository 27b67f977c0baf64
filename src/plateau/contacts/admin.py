from django.contrib import admin

from .models import Caller, Contact, DetailsGiven, WrapUpCode


@admin.register(WrapUpCode)
class WrapUpCodeAdmin(admin.ModelAdmin):
    """A code is retired (date), never deleted: the contacts closed with it keep counting under it."""

    list_display = ("programme", "code", "label_fr", "category", "excluded_from_kpis", "position", "retired_on")
    list_editable = ("position", "retired_on")
    list_filter = ("programme", "category", "excluded_from_kpis")


@admin.register(Caller)
class CallerAdmin(admin.ModelAdmin):
    list_display = ("phone_e164", "kind", "name", "programme", "created_at")
    list_filter = ("programme", "kind")
    search_fields = ("phone_e164", "name")


class DetailsGivenInline(admin.TabularInline):
    model = DetailsGiven
    extra = 0
    raw_id_fields = ("provider", "search", "given_by")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("pk", "started_at", "programme", "channel", "advisor", "caller", "activity", "wrap_up", "status")
    list_filter = ("programme", "channel", "status", "wrap_up")
    raw_id_fields = ("caller", "advisor", "commune", "searches")
    inlines = [DetailsGivenInline]
