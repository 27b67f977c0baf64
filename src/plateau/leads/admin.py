from django import forms
from django.contrib import admin

from .models import DispatchSettings, Lead, LeadDeadline, LeadProposal, Survey, WebhookDelivery, WebhookEndpoint
from .outbound import UnsafeWebhookUrl, check_url


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(admin.ModelAdmin):
    list_display = ("programme", "default_weight", "distance_scale_km", "quality_exponent", "call_back_hours")


class LeadProposalInline(admin.TabularInline):
    model = LeadProposal
    extra = 0
    raw_id_fields = ("provider",)
    readonly_fields = ("attempt", "rotation_rank", "network", "distance_km", "quality", "past_leads", "weight")


class LeadDeadlineInline(admin.TabularInline):
    model = LeadDeadline
    extra = 0


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("pk", "created_at", "programme", "state", "provider", "attempt", "escalated_at")
    list_filter = ("programme", "state")
    raw_id_fields = ("contact", "commune", "provider", "consent_by")
    inlines = [LeadProposalInline, LeadDeadlineInline]


class WebhookEndpointForm(forms.ModelForm):
    class Meta:
        model = WebhookEndpoint
        fields = ("programme", "provider", "url", "secret", "inbound_secret", "events", "is_active")

    def clean_url(self) -> str:
        # The same rule as the portal: no internal address, even typed by a platform admin.
        url: str = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeWebhookUrl as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("provider", "url", "is_active")
    raw_id_fields = ("provider",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "event", "attempts", "delivered_at", "next_attempt_at", "last_error")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("lead", "provider", "channel", "sent_at", "answered_at", "score")
