"""Read-only in the Django admin: flows and recordings change only through the editor's services (validation,
versions, audit)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import models as m


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.IvrFlow)
class IvrFlowAdmin(ReadOnly):
    list_display = ("programme", "version", "status", "updated_at", "published_at", "published_by")
    list_filter = ("programme", "status")


@admin.register(m.RecordedPrompt)
class RecordedPromptAdmin(ReadOnly):
    list_display = ("programme", "name", "duration_ms", "original_name", "uploaded_at", "uploaded_by")
    list_filter = ("programme",)
    exclude = ("alaw", "ulaw")
