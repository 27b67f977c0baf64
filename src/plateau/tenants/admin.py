from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, Membership, NumberTariff, Organisation, Programme, ProgrammeNumber, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class PlateauUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*UserAdmin.fieldsets, ("Plateau", {"fields": ("is_platform_admin",)}))  # type: ignore[misc]


class ProgrammeNumberInline(admin.TabularInline):
    model = ProgrammeNumber
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "organisation", "is_active")
    inlines = [ProgrammeNumberInline]


class NumberTariffInline(admin.TabularInline):
    model = NumberTariff
    extra = 0


@admin.register(ProgrammeNumber)
class ProgrammeNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "programme", "label")
    inlines = [NumberTariffInline]


admin.site.register(Organisation)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "programme", "object_type", "object_id")
    list_filter = ("action",)
