"""The JSON API (OpenAPI 3 at /api/docs). Each app contributes a router from its ``api.py``.

Errors are mapped here, once: :class:`PlateauError` and :class:`DomainError` become
``{"status", "error_id", "message"}`` with the error's HTTP status; a request that does not fit the schema
(an unknown choice, a text longer than the model allows, a NUL byte, an id past 64 bits) is a 422 of the same
shape with the reasons in ``details.errors``. Every operation documents these error answers.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.tenants.api import router as tenants_router

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "error_id", "message"],
    "properties": {
        "status": {"type": "integer"},
        "error_id": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "object"},
    },
}
_ERROR_ANSWERS = {
    "400": "Données refusées par une règle métier",
    "401": "Non authentifié",
    "403": "Accès refusé",
    "404": "Introuvable",
    "409": "Conflit avec l'état actuel",
    "422": "Paramètres ou corps invalides (détails dans details.errors)",
}


class PlateauAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for status, description in _ERROR_ANSWERS.items():
                    if status != "401" or operation.get("security"):  # 401 only where a login is required
                        answers.setdefault(status, {"description": description, **ref})
        return schema


api = PlateauAPI(title="Plateau API", version="1", auth=django_auth, urls_namespace="api")


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"champ": ".".join(str(p) for p in e.get("loc", ())), "raison": str(e.get("msg", ""))} for e in exc.errors
    ]
    listed = "; ".join(f"{e['champ']} : {e['raison']}" for e in errors[:5])
    body = {
        "status": 422,
        "error_id": "invalid_request",
        "message": _("Requête invalide — %(errors)s") % {"errors": listed},
        "details": {"errors": errors},
    }
    return api.create_response(request, body, status=422)


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
api.add_router("/knowledge", "plateau.knowledge.api.router")
