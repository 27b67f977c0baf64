from django.utils.translation import gettext_lazy as _

from plateau.errors import PlateauError


class RouterUnavailable(PlateauError):
    error_id = "routing_unavailable"
    status = 503
    default_message = _("Le service de distribution ne répond pas. Réessayez dans un instant.")


class RoutingRefused(PlateauError):
    error_id = "routing_refused"
    status = 409
    default_message = _("Action refusée par le service de distribution.")
