"""How a follow-up reaches the caller: a channel checks an address and sends a short text.

E-mail goes through Django's mail framework (SMTP in production, the file or locmem backend in development
and tests). SMS is an extension point: an integrator registers a channel whose ``normalise`` accepts a French
mobile number (``plateau.domain.ids.phone``) and whose ``send`` calls their gateway, then the consent form
offers it — nothing else changes (the sweep, the link, the retention are the same). See docs/followup.md.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .errors import InvalidAddress


class Channel(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def label(self) -> object:  # French, lazily translated
        ...

    def normalise(self, address: str) -> str:
        """The address as stored, or :class:`InvalidAddress`."""

    def send(self, address: str, subject: str, body: str) -> None:
        """Deliver now; raise (``OSError``, the gateway's error) when the message was not accepted."""


class EmailChannel:
    code = "email"
    label = _("Courriel")

    def normalise(self, address: str) -> str:
        value = address.strip()
        if len(value) > 254:
            raise InvalidAddress(field="address")
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidAddress(field="address") from None
        local, _at, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"

    def send(self, address: str, subject: str, body: str) -> None:
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", "plateau@localhost")
        send_mail(subject, body, sender, [address], fail_silently=False)


_CHANNELS: dict[str, Channel] = {"email": EmailChannel()}


def register_channel(channel: Channel) -> None:
    """Add a channel (e.g. an SMS gateway) for the consent form and the sweep."""
    _CHANNELS[channel.code] = channel


def get_channel(code: str) -> Channel:
    try:
        return _CHANNELS[code]
    except KeyError:
        raise InvalidAddress(_("Canal de suivi inconnu."), field="channel") from None


def channel_choices() -> list[tuple[str, str]]:
    return [(c.code, str(c.label)) for c in _CHANNELS.values()]
