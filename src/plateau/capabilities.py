"""The registry of programme capabilities: what each desk capability contributes, filled at start-up.

A programme enables capabilities the way a pretix event enables plugins. Each capability's Django app
declares one :class:`Capability` in its own ``capability.py`` and registers it from its
``AppConfig.ready()``; the desk frame (``web/``) asks :func:`panels_for` which panels to render for a
programme, in the programme's order. The registry is a plain module dictionary (like ``admin.site``), not
Django signals: it is easy to list, easy to test, and it never imports a capability's code itself.

The shell also registers here how it renders the contact page (:func:`register_contact_page`): a
capability's view that refuses a post re-renders that page with its bound forms through
:func:`render_contact_page`, without importing ``plateau.web``.

See docs/capabilities.md for the contract and a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpResponse

# A French label, lazily translated by the declaring app (gettext_lazy) or a plain string.
Label = Any

# A panel's context provider: (request, contact, frame_context) -> extra template variables.
PanelContext = Callable[[Any, Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    """A block of the contact page: a template of the capability's app and what it needs to render."""

    key: str
    template: str
    context: PanelContext | None = None


# A section's context provider: (request, programme, subject) -> template variables (``subject``: the provider
# of a provider page; None on a programme page such as the report).
SectionContext = Callable[[Any, Any, Any], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """A block a capability adds to a page of another app (the supervisor's report, a provider's quality
    page), rendered in the programme's order of capabilities. The page never imports the capability."""

    key: str
    template: str
    context: SectionContext


@dataclass(frozen=True)
class RenderedSection:
    key: str
    html: str  # the section's template rendered with its context (marked safe)


@dataclass(frozen=True)
class PrivacyHooks:
    """What a capability keeps about a person, reached through the ids of that person's contacts in a
    programme, for the privacy page and the retention job (``plateau.leads.privacy``)."""

    export: Callable[[Any, list[int]], list[dict[str, Any]]]  # (programme, contact ids) -> JSON-able rows
    erase: Callable[[Any, list[int]], int]  # (programme, contact ids) -> rows touched; inside a transaction
    retention: Callable[[Any], int]  # (cutoff datetime) -> rows touched; idempotent


@dataclass(frozen=True)
class Shortcut:
    """A keyboard shortcut the capability's panels bind (``accesskey``), listed under the wrap-up form."""

    key: str
    label: Label


# Wrap-up categories (the contacts app maps them to its model choices).
HANDLED, ORIENTED, TRANSFERRED, NUISANCE, EMERGENCY, OTHER = (
    "handled",
    "oriented",
    "transferred",
    "nuisance",
    "emergency",
    "other",
)


@dataclass(frozen=True)
class WrapUpPreset:
    """A wrap-up code a programme with this capability starts with (the programme manager edits them)."""

    code: str
    label_fr: str
    category: str
    excluded_from_kpis: bool = False


@dataclass(frozen=True)
class Capability:
    """What one capability contributes to a programme's desk. ``code`` is stored on the programme."""

    code: str
    label: Label
    description: Label = ""
    panels: tuple[Panel, ...] = ()
    shortcuts: tuple[Shortcut, ...] = ()
    wrap_up_presets: tuple[WrapUpPreset, ...] = ()
    report_sections: tuple[Section, ...] = ()
    provider_sections: tuple[Section, ...] = ()
    privacy: PrivacyHooks | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class UnknownCapability(KeyError):
    pass


_REGISTRY: dict[str, Capability] = {}


def register(capability: Capability) -> Capability:
    """Register a capability (called from its app's ``AppConfig.ready()``); registering twice is refused."""
    existing = _REGISTRY.get(capability.code)
    if existing is not None and existing is not capability:
        raise ValueError(f"capability {capability.code!r} is already registered")
    _REGISTRY[capability.code] = capability
    return capability


def get(code: str) -> Capability:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownCapability(code) from None


def all_capabilities() -> list[Capability]:
    return sorted(_REGISTRY.values(), key=lambda c: c.code)


def choices() -> list[tuple[str, str]]:
    return [(c.code, str(c.label)) for c in all_capabilities()]


def resolve(codes: Iterable[str]) -> list[Capability]:
    """The registered capabilities among ``codes``, in the given order (an unregistered code is skipped:
    its app may have been removed from INSTALLED_APPS; the programme's row stays for when it returns)."""
    return [_REGISTRY[c] for c in codes if c in _REGISTRY]


def panels_for(codes: Iterable[str]) -> list[Panel]:
    return [p for cap in resolve(codes) for p in cap.panels]


def shortcuts_for(codes: Iterable[str]) -> list[Shortcut]:
    return [s for cap in resolve(codes) for s in cap.shortcuts]


def _sections(codes: Iterable[str], kind: str, request: Any, programme: Any, subject: Any) -> list[RenderedSection]:
    from django.template.loader import render_to_string

    rendered = []
    for cap in resolve(codes):
        for section in getattr(cap, kind):
            context = {"programme": programme, "subject": subject, **section.context(request, programme, subject)}
            rendered.append(RenderedSection(section.key, render_to_string(section.template, context, request)))
    return rendered


def report_sections_for(request: Any, programme: Any) -> list[RenderedSection]:
    """The sections the programme's capabilities add to its supervisor report, with their variables."""
    return _sections(programme.capability_codes(), "report_sections", request, programme, None)


def provider_sections_for(request: Any, programme: Any, provider: Any) -> list[RenderedSection]:
    """The sections the programme's capabilities add to a provider's quality page."""
    return _sections(programme.capability_codes(), "provider_sections", request, programme, provider)


def privacy_hooks() -> list[tuple[str, PrivacyHooks]]:
    """Every registered capability's privacy hooks, whether or not a programme still enables it: data kept
    while it was enabled is exported, erased and expired all the same."""
    return [(cap.code, cap.privacy) for cap in all_capabilities() if cap.privacy is not None]


def wrap_up_presets_for(codes: Iterable[str]) -> list[WrapUpPreset]:
    """The presets of the capabilities, first declaration of a code wins (two capabilities may share one)."""
    seen: dict[str, WrapUpPreset] = {}
    for cap in resolve(codes):
        for preset in cap.wrap_up_presets:
            seen.setdefault(preset.code, preset)
    return list(seen.values())


# How the shell renders a contact page: (request, contact, **state) -> HttpResponse, where ``state`` is what
# a refused post gives back to its panel (``frame["posted"]``: bound forms, ``step``, commune candidates…).
ContactPage = Callable[..., "HttpResponse"]
_CONTACT_PAGE: list[ContactPage] = []


def register_contact_page(renderer: ContactPage) -> None:
    """Called once by the shell (``plateau.web``) from its ``AppConfig.ready()``."""
    _CONTACT_PAGE[:] = [renderer]


def render_contact_page(request: Any, contact: Any, **state: Any) -> HttpResponse:
    """The contact page of ``contact`` with ``state`` passed back to the panels (a refused form, a step)."""
    if not _CONTACT_PAGE:
        raise RuntimeError("no contact page registered: is plateau.web in INSTALLED_APPS?")
    return _CONTACT_PAGE[0](request, contact, **state)
