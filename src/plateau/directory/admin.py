"""Admin screens of the directory (platform admins): providers with inline statuses, areas, absences,
audits and users; a CSV upload screen with the per-row report; read-only searches and unmet needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from plateau.domain.errors import DomainError
from plateau.domain.ids.sap import normalize_sap_number
from plateau.domain.ids.siret import normalize_siret
from plateau.errors import PlateauError
from plateau.tenants.models import Programme

from .models import (
    AbsencePeriod,
    Activity,
    Provider,
    ProviderActivity,
    ProviderProposal,
    ProviderSearch,
    ProviderUser,
    QualityAudit,
    ServiceArea,
    UnmetNeed,
)
from .services import import_providers
from .validation import phone_e164


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "regime", "family")
    list_filter = ("regime", "family")
    search_fields = ("code", "label_fr", "label_en")


class ProviderForm(forms.ModelForm):
    """Normalises what people type (spaces in SIRET, ``05 55…`` phones) with the same rules as the import."""

    siret = forms.CharField(label=_("SIRET"), max_length=20)
    website = forms.URLField(label=_("site web"), required=False, assume_scheme="https")

    class Meta:
        model = Provider
        fields = (
            "programme",
            "siret",
            "sap_number",
            "legal_name",
            "trade_name",
            "network",
            "phone",
            "email",
            "website",
            "address",
            "postal_code",
            "base_commune",
            "opening_hours",
            "is_active",
            "accepting_new_clients",
            "capacity_per_week",
        )

    def _normalised(self, field: str, normalise: Any) -> str:
        value: str = self.cleaned_data.get(field) or ""
        if not value:
            return value
        try:
            result: str = normalise(value)
        except DomainError as e:
            raise forms.ValidationError(e.message, code=e.error_id) from e
        return result

    def clean_siret(self) -> str:
        return self._normalised("siret", normalize_siret)

    def clean_sap_number(self) -> str:
        return self._normalised("sap_number", normalize_sap_number)

    def clean_phone(self) -> str:
        return self._normalised("phone", phone_e164)


class ProviderActivityInline(admin.TabularInline):
    model = ProviderActivity
    extra = 0


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    raw_id_fields = ("commune",)


class AbsenceInline(admin.TabularInline):
    model = AbsencePeriod
    extra = 0


class AuditInline(admin.TabularInline):
    model = QualityAudit
    extra = 0


class ProviderUserInline(admin.TabularInline):
    model = ProviderUser
    extra = 0
    raw_id_fields = ("user",)


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.filter(is_active=True), label=_("Programme"))
    file = forms.FileField(label=_("Fichier CSV"), help_text=_("Colonnes décrites dans docs/directory.md."))


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderForm
    list_display = ("legal_name", "trade_name", "siret", "network", "base_commune", "programme", "is_active")
    list_filter = ("programme", "is_active", "accepting_new_clients", "network")
    search_fields = ("legal_name", "trade_name", "siret", "siren", "network")
    raw_id_fields = ("base_commune",)
    readonly_fields = ("siren", "created_at", "updated_at")
    inlines = (ProviderActivityInline, ServiceAreaInline, AbsenceInline, AuditInline, ProviderUserInline)
    change_list_template = "admin/directory/provider/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="directory_provider_import")]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        report, error = None, None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = import_providers(
                    programme=form.cleaned_data["programme"],
                    actor=request.user,  # type: ignore[arg-type]
                    data=form.cleaned_data["file"].read(),
                )
            except PlateauError as e:
                error = str(e.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer des prestataires (CSV)"),
            "form": form,
            "report": report,
            "error": error,
        }
        return TemplateResponse(request, "admin/directory/provider/import.html", context)


class ProposalInline(admin.TabularInline):
    model = ProviderProposal
    extra = 0
    can_delete = False
    readonly_fields = ("provider", "rank", "distance_km")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProviderSearch)
class ProviderSearchAdmin(ReadOnlyAdmin):
    list_display = ("at", "programme", "activity", "commune", "radius_km", "on_date", "actor", "result_count")
    list_filter = ("programme", "activity")
    inlines = (ProposalInline,)


@admin.register(UnmetNeed)
class UnmetNeedAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "programme", "activity", "commune", "radius_km", "on_date", "source")
    list_filter = ("programme", "activity", "source")
