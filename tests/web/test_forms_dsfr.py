"""One form rendering path for the whole application: every form of Plateau derives from django-dsfr's base
form, so every text input, number, date and select is drawn with the DSFR classes (a bare input has no border
and no background: invisible)."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms

import plateau
from plateau.ui.forms import DsfrBaseForm


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def application_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in a plateau module (admin and migrations excepted)."""
    for info in pkgutil.walk_packages(plateau.__path__, "plateau."):
        if not re.search(r"\.(admin|migrations|tests?)(\.|$)|plateau\.cli(\.|$)|plateau\.(asgi|wsgi)$", info.name):
            importlib.import_module(info.name)
    return sorted(
        (
            f
            for f in _all_subclasses(forms.BaseForm)
            if f.__module__.startswith("plateau.") and not re.search(r"\.admin", f.__module__)
        ),
        key=lambda f: f"{f.__module__}.{f.__qualname__}",
    )


def test_every_application_form_derives_from_the_dsfr_base_form() -> None:
    found = application_forms()
    assert len(found) >= 15  # the desk, leads, privacy, voice menu and staffing forms are all seen
    outside = [f"{f.__module__}.{f.__qualname__}" for f in found if not issubclass(f, DsfrBaseForm)]
    assert outside == []


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", application_forms(), ids=lambda f: f.__qualname__)
def test_every_input_of_every_form_is_drawn_with_dsfr_classes(form_class: type[forms.BaseForm]) -> None:
    try:
        form = form_class()
    except TypeError:  # forms that need their programme's choices get them at run time; fields are static
        form = form_class.__new__(form_class)
        forms.BaseForm.__init__(form)
        DsfrBaseForm.__init__(form)
    html = str(form)
    inputs = re.findall(r"<(input|select|textarea)\b([^>]*)>", html)
    assert inputs, f"{form_class.__qualname__} rendered no input"
    for tag, attrs in inputs:
        kind = re.search(r'type="([^"]+)"', attrs)
        if kind and kind.group(1) in {"hidden", "checkbox", "radio", "file", "submit"}:
            continue  # drawn by DSFR's checkbox/radio/upload snippets around them
        expected = "fr-select" if tag == "select" else "fr-input"
        assert expected in attrs, f"{form_class.__qualname__}: <{tag}{attrs}> lacks {expected}"
