from django.contrib import admin

from .models import Caller, Contact, DetailsGiven, WrapUpCode


@admin.register(WrapUpCode)
class WrapUpCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "category", "position", "is_active")
    list_editable = ("position", "is_active")


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
