"""The directory's pages: its desk actions (its panel's forms post here; the contact page itself is the
shell's) and a provider's quality page."""

from django.urls import path

from plateau.ui.errors import guarded

from . import desk, quality

app_name = "directory"

urlpatterns = [
    path("p/<slug:slug>/communes/", guarded(desk.commune_suggestions), name="commune_suggestions"),
    path("p/<slug:slug>/contacts/<int:contact_id>/besoin/", guarded(desk.capture_need), name="capture_need"),
    path("p/<slug:slug>/contacts/<int:contact_id>/recherche/", guarded(desk.search), name="search"),
    path("p/<slug:slug>/contacts/<int:contact_id>/coordonnees/", guarded(desk.give_details), name="give_details"),
    path("p/<slug:slug>/prestataires/<int:provider_id>/qualite/", quality.provider_quality, name="provider_quality"),
]
