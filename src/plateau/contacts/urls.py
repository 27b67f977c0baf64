from django.urls import path

from plateau.ui.errors import guarded

from . import wrap_up_codes_page

app_name = "contacts"

urlpatterns = [
    path("p/<slug:slug>/codes-de-cloture/", guarded(wrap_up_codes_page.wrap_up_codes_page), name="wrap_up_codes"),
]
