from django.contrib import admin

from . import models as m


@admin.register(m.AdvisorPhone)
class AdvisorPhoneAdmin(admin.ModelAdmin):
    list_display = ("user", "sip")
    search_fields = ("user__username", "sip")


@admin.register(m.RecordingPolicy)
class RecordingPolicyAdmin(admin.ModelAdmin):
    list_display = ("programme", "retention_days")


@admin.register(m.CallDetailRecord)
class CallDetailRecordAdmin(admin.ModelAdmin):
    list_display = ("started_at", "programme", "caller", "queue", "advisor", "wait_seconds", "talk_seconds", "cause")
    list_filter = ("programme", "cause")
    readonly_fields = [f.name for f in m.CallDetailRecord._meta.fields]


@admin.register(m.CallRecording)
class CallRecordingAdmin(admin.ModelAdmin):
    list_display = ("started_at", "programme", "advisor", "seconds", "path")
    list_filter = ("programme",)
    readonly_fields = [f.name for f in m.CallRecording._meta.fields]
