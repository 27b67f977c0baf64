"""The JSON API (OpenAPI 3 at /api/docs). Each app contributes a router from its ``api.py``.

Errors are mapped here, once: :class:`PlateauError` and :class:`DomainError` become
``{"status", "error_id", "message"}`` with the error's HTTP status.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.tenants.api import router as tenants_router

api = NinjaAPI(title="Plateau API", version="1", auth=django_auth, urls_namespace="api")


@api.exception_handler(PlateauError)
def _plateau_error(request: HttpRequest, exc: PlateauError) -> HttpResponse:
    body = {"status": exc.status, "error_id": exc.error_id, "message": str(exc.message), **_jsonable(exc.details)}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"status": 400, "error_id": exc.error_id, "message": exc.message, **_jsonable(exc.details)}
    return api.create_response(request, body, status=400)


def _jsonable(details: dict[str, object]) -> dict[str, object]:
    return (
        {
            "details": {
                k: v if isinstance(v, (str, int, float, bool, list, dict)) else str(v) for k, v in details.items()
            }
        }
        if details
        else {}
    )


@api.get("/health", auth=None, tags=["platform"])
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


api.add_router("", tenants_router)
api.add_router("/geo", "plateau.geo.api.router")
api.add_router("", "plateau.directory.api.router")
api.add_router("/contacts", "plateau.contacts.api.router")
api.add_router("/leads", "plateau.leads.api.router")
