"""Errors in the web layer: on the form field they concern (``details["field"]``), or as 404 / 403 pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from plateau.domain.errors import DomainError
from plateau.errors import NotFound, PermissionDenied, PlateauError


def add_error(form: forms.Form, exc: PlateauError | DomainError, *, field_map: dict[str, str] | None = None) -> None:
    field = str(exc.details.get("field", ""))
    field = (field_map or {}).get(field, field)
    form.add_error(field if field in form.fields else None, str(exc.message))


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Map access errors raised by a view: another tenant's object is a plain 404, a refused change a 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc

    return wrapper
