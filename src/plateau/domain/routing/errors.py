"""Errors of the routing domain: stable ids, French messages, no HTTP."""

from __future__ import annotations

from plateau.domain.errors import DomainError


class RoutingError(DomainError):
    """Base class of routing refusals."""

    error_id = "routing_error"


class InvalidConfiguration(RoutingError):
    """The routing configuration is refused at save time; ``message`` gives the reason."""

    error_id = "routing_invalid_configuration"


class UnknownQueue(RoutingError):
    error_id = "routing_unknown_queue"


class UnknownSkill(RoutingError):
    error_id = "routing_unknown_skill"


class UnknownAdvisor(RoutingError):
    error_id = "routing_unknown_advisor"


class UnknownContact(RoutingError):
    error_id = "routing_unknown_contact"


class OfferExpired(RoutingError):
    """The advisor answered an offer that had already expired or been withdrawn."""

    error_id = "routing_offer_expired"


class InvalidTransition(RoutingError):
    """The command does not fit the current state (e.g. completing a contact that was never accepted)."""

    error_id = "routing_invalid_transition"


ERRORS_BY_ID: dict[str, type[RoutingError]] = {
    cls.error_id: cls
    for cls in (
        RoutingError,
        InvalidConfiguration,
        UnknownQueue,
        UnknownSkill,
        UnknownAdvisor,
        UnknownContact,
        OfferExpired,
        InvalidTransition,
    )
}
