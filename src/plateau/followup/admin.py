from django.contrib import admin

from .models import FollowUp, FollowUpSettings


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(admin.ModelAdmin):
    list_display = ("programme", "days_after", "link_days")


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    # Read-only: the consent, the address and the answer are the caller's; nobody edits them here.
    list_display = ("contact", "programme", "status", "due_at", "sent_at", "answered_at")
    list_filter = ("status", "programme")
    exclude = ("token_hash", "address", "comment")
    readonly_fields = (
        "programme",
        "contact",
        "channel",
        "consent_text",
        "consent_at",
        "consent_by",
        "details_given_at",
        "due_at",
        "status",
        "attempts",
        "sent_at",
        "expires_at",
        "providers",
        "answered_at",
        "came",
        "came_provider",
        "satisfaction",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
