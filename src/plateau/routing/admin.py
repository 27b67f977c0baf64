from django.contrib import admin

from . import models as m


class QueueTargetInline(admin.TabularInline):
    model = m.QueueTarget
    extra = 0


@admin.register(m.Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "programme", "channel", "strategy", "wrap_up_s", "overflow_kind")
    list_filter = ("programme", "channel")
    inlines = [QueueTargetInline]


@admin.register(m.Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "programme")
    list_filter = ("programme",)


@admin.register(m.PauseReason)
class PauseReasonAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "programme")
    list_filter = ("programme",)


@admin.register(m.AdvisorProfile)
class AdvisorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "programme", "skills", "capacity")
    list_filter = ("programme",)
