"""Routing configuration in the admin: each row is validated at save time against the rest of its programme
(``configuration.check_*``, the domain's reasons on the form); every saved or deleted object then goes through
:func:`plateau.routing.services.apply_configuration`."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from . import models as m
from .configuration import check_profile, check_queue, check_target
from .services import apply_configuration


def _checked_form(check: Callable[[Any], None], *, only_if: Callable[[Any], bool] = lambda obj: True) -> type:
    """A ModelForm that runs ``check`` on the instance built from the input, after Django's own validation."""

    class CheckedForm(forms.ModelForm):
        def _post_clean(self) -> None:
            super()._post_clean()  # type: ignore[misc]  # Django builds self.instance here (not in the stubs)
            if self.errors or not only_if(self.instance):
                return
            try:
                check(self.instance)
            except ValidationError as err:
                self.add_error(None, err)

    return CheckedForm


class ConfigurationAdmin(admin.ModelAdmin):
    """Applies the configuration once per saved or deleted object (the admin runs each in one transaction)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # after save_model: the object and its inlines
        apply_configuration(form.instance.programme, actor=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        apply_configuration(obj.programme, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        programmes = {o.programme for o in queryset}
        super().delete_queryset(request, queryset)
        apply_configuration(*sorted(programmes, key=lambda p: p.slug), actor=request.user)  # type: ignore[arg-type]

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        """A deletion that would leave the configuration invalid (a skill still required) is refused, with why."""
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except ValidationError as err:
            self.message_user(request, " ".join(err.messages), messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("delete/", 1)[0] + "change/")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except ValidationError as err:  # a bulk deletion refused
            self.message_user(request, " ".join(err.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)


def _has_queue(target: m.QueueTarget) -> bool:
    return target.queue_id is not None or getattr(target, "queue", None) is not None


class QueueTargetInline(admin.TabularInline):
    model = m.QueueTarget
    form = _checked_form(check_target, only_if=_has_queue)
    extra = 0


@admin.register(m.Queue)
class QueueAdmin(ConfigurationAdmin):
    form = _checked_form(check_queue)
    list_display = ("label", "code", "programme", "channel", "strategy", "wrap_up_s", "overflow_kind")
    list_filter = ("programme", "channel")
    inlines = [QueueTargetInline]


@admin.register(m.Skill)
class SkillAdmin(ConfigurationAdmin):
    list_display = ("label", "code", "programme")
    list_filter = ("programme",)


@admin.register(m.PauseReason)
class PauseReasonAdmin(ConfigurationAdmin):
    list_display = ("label", "code", "programme")
    list_filter = ("programme",)


@admin.register(m.AdvisorProfile)
class AdvisorProfileAdmin(ConfigurationAdmin):
    form = _checked_form(check_profile)
    list_display = ("user", "programme", "skills", "capacity")
    list_filter = ("programme",)
