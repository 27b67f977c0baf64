"""Template filters that turn stored codes into words for people (see plateau.web.labels)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from plateau.web import labels

register = template.Library()


@register.filter
def history_label(action: str) -> str:
    return labels.history_label(action)


@register.filter
def call_end_label(cause: str, ended_by: str = "") -> str:
    return labels.call_end_label(cause or "", ended_by or "")


@register.filter
def channel_label(channel: str) -> str:
    return labels.channel_label(channel)


@register.filter
def month_label(period: str, form: str = "") -> str:
    """``{{ period|month_label }}``, or ``{{ period|month_label:"short" }}`` on a chart's axis."""
    return labels.month_label(period, short=form == "short")


@register.filter
def phone(e164: str | None) -> SafeString | str:
    """``<span title="+33612345678" data-e164="+33612345678">06 12 34 56 78</span>``."""
    if not e164:
        return ""
    return format_html('<span title="{0}" data-e164="{0}">{1}</span>', e164, labels.phone_national(e164))
