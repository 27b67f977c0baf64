from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from plateau import capabilities

from .models import (
    AuditEntry,
    Membership,
    NumberTariff,
    Organisation,
    Programme,
    ProgrammeCapability,
    ProgrammeNumber,
    User,
    overlapping_periods,
)
from .services import apply_capability_preset, apply_flag_presets


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


class ProgrammeCapabilityForm(forms.ModelForm):
    # The choices are read from the registry when the form is built (apps register in ready()).
    capability = forms.ChoiceField(label=_("capacité"), choices=capabilities.choices)

    class Meta:
        model = ProgrammeCapability
        fields = ("capability", "position")


class ProgrammeCapabilityInline(admin.TabularInline):
    """Platform admins enable a programme's desk capabilities and order them (position: smallest first)."""

    model = ProgrammeCapability
    form = ProgrammeCapabilityForm
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "organisation", "is_active")
    inlines = [ProgrammeCapabilityInline, ProgrammeNumberInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.capabilities.exists():
            apply_capability_preset(form.instance, actor=request.user)  # a new programme starts from its kind
        elif not change:
            apply_flag_presets(form.instance)  # a telecare line never blocks callers, whatever was ticked
        if not change:
            from plateau.contacts.wrap_up_codes import seed_programme_codes

            seed_programme_codes(form.instance)  # and with its capabilities' wrap-up codes


class NumberTariffFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """One tariff per day, the periods being checked together (the edited rows and the new ones)."""
        super().clean()
        periods = [
            (form.cleaned_data["valid_from"], form.cleaned_data.get("valid_until"))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("valid_from")
        ]
        problems = overlapping_periods(periods)
        if problems:
            raise forms.ValidationError(problems)


class NumberTariffInline(admin.TabularInline):
    model = NumberTariff
    formset = NumberTariffFormSet
    extra = 0
    readonly_fields = ("arcep_family", "arcep_notice")

    @admin.display(description=_("famille ARCEP"))
    def arcep_family(self, obj: NumberTariff) -> str:
        return obj.family_label if obj.caller_cost else ""

    @admin.display(description=_("message tarifaire"))
    def arcep_notice(self, obj: NumberTariff) -> str:
        """What callers read, and hear first when the tariff is majoré."""
        return obj.notice if obj.caller_cost else ""


@admin.register(ProgrammeNumber)
class ProgrammeNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "programme", "label")
    inlines = [NumberTariffInline]


admin.site.register(Organisation)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "programme", "object_type", "object_id")
    list_filter = ("action",)
