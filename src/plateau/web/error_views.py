"""French DSFR error pages with a way back (Django's own are bare English pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

_PAGES = {
    400: (
        _("Demande incorrecte"),
        _("La demande envoyée n'a pas pu être comprise. Revenez à la page précédente et réessayez."),
    ),
    403: (
        _("Accès refusé"),
        _(
            "Vous n'avez pas le droit de faire cette action. Si vous pensez que c'est une erreur, demandez-le à votre "
            "superviseur ou à un administrateur."
        ),
    ),
    404: (
        _("Page non trouvée"),
        _(
            "La page que vous cherchez est introuvable, ou vous n'y avez pas accès. Vérifiez l'adresse, ou repartez "
            "de la liste de vos programmes."
        ),
    ),
    500: (
        _("Erreur inattendue"),
        _(
            "Désolé, le service a rencontré un problème. Réessayez dans un instant ; s'il persiste, signalez-le à un "
            "administrateur."
        ),
    ),
}


def _context(status: int) -> dict[str, object]:
    title, text = _PAGES[status]
    return {"status": status, "error_title": title, "error_text": text, "title": title}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", _context(400), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", _context(403), status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", _context(404), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever failed (the database) must not fail the error page too.
    return HttpResponse(loader.get_template("web/error.html").render(_context(500)), status=500)
