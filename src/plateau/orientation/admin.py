"""Platform admins edit the destinations here too: the same checks as the manager's page
(``services.clean_destination``), and each change audited the same way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.tenants.services import record_audit

from . import services
from .models import Destination, Orientation, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("programme", "code", "label", "position")
    list_filter = ("programme",)


class DestinationAdminForm(forms.ModelForm):
    class Meta:
        model = Destination
        fields = ("programme", "name", "phone", "sip_uri", "opening_hours", "always_open", "themes", "communes",
                  "departments", "briefing", "is_active")  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme = data.get("programme")
        if programme is None:
            return data
        given = services.DestinationInput(
            name=data.get("name") or "", phone=data.get("phone") or "", sip_uri=data.get("sip_uri") or "",
            opening_hours=data.get("opening_hours") or {}, always_open=bool(data.get("always_open")),
            theme_codes=[t.code for t in data.get("themes") or []], communes=data.get("communes") or [],
            departments=data.get("departments") or [], briefing=data.get("briefing") or "",
            is_active=bool(data.get("is_active")),
        )  # fmt: skip
        try:
            values, _themes = services.clean_destination(programme, given)
        except (PlateauError, DomainError) as exc:
            field = str(exc.details.get("field", ""))
            self.add_error(field if field in self.fields else None, str(exc.message))
            return data
        data.update(values)
        return data


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    form = DestinationAdminForm
    list_display = ("programme", "name", "phone", "sip_uri", "always_open", "is_active")
    list_filter = ("programme", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("themes",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = services.snapshot(form.instance) if change else None
        super().save_related(request, form, formsets, change)
        after = services.snapshot(form.instance)
        if before is not None:
            after["themes_before"] = before["themes"]
        record_audit(
            action="orientation.destination_changed" if change else "orientation.destination_added",
            actor=request.user,  # type: ignore[arg-type]
            programme=form.instance.programme,
            obj=form.instance,
            after=after,
            via="admin",
        )


@admin.register(Orientation)
class OrientationAdmin(admin.ModelAdmin):
    list_display = ("at", "programme", "contact", "destination", "theme", "mode", "by")
    list_filter = ("programme", "mode")
    raw_id_fields = ("contact", "by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
