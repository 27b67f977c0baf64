"""django-dsfr's form base class, typed: the package ships no type information."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.forms import Form as DsfrBaseForm
else:
    from dsfr.forms import DsfrBaseForm

__all__ = ["DsfrBaseForm"]
