"""Read-mostly admin for the reference geodata: it comes from the official files (``import_communes``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .catalogue import mark_geodata_changed
from .models import Commune, Department, PostalCode, Region


class _ImportedDataAdmin(admin.ModelAdmin):
    """Rows are created and removed by the importer only; a fix by hand stays possible for the few fields."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0
    can_delete = False
    readonly_fields = ("code",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Commune)
class CommuneAdmin(_ImportedDataAdmin):
    list_display = ("name", "insee_code", "commune_type", "department_code", "population", "latitude", "longitude")
    list_filter = ("commune_type", "department_code")
    search_fields = ("name", "search_name", "insee_code", "postal_codes__code")
    readonly_fields = (
        "insee_code",
        "commune_type",
        "search_name",
        "department_code",
        "region_code",
        "parent_insee_code",
    )
    inlines = [PostalCodeInline]

    def save_model(self, request: HttpRequest, obj: Commune, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Coordinates or names may have changed: in-memory indexes of every process must be rebuilt.
        mark_geodata_changed()


@admin.register(Department)
class DepartmentAdmin(_ImportedDataAdmin):
    list_display = ("code", "name", "region_code")
    search_fields = ("code", "name")


@admin.register(Region)
class RegionAdmin(_ImportedDataAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
