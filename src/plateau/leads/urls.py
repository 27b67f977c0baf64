from django.urls import path

from plateau.ui.errors import guarded

from . import privacy_views, views

app_name = "leads"

urlpatterns = [
    path("p/<slug:slug>/prestataire/", guarded(views.portal), name="portal"),
    path("p/<slug:slug>/prestataire/demandes/<int:lead_id>/", guarded(views.portal_lead), name="portal_lead"),
    path("p/<slug:slug>/prestataire/disponibilite/", guarded(views.availability), name="availability"),
    path("p/<slug:slug>/prestataire/connexion/", guarded(views.integration), name="integration"),
    path("p/<slug:slug>/contacts/<int:contact_id>/transmettre/", guarded(views.forward), name="forward"),
    path("p/<slug:slug>/demandes/", guarded(views.supervision), name="supervision"),
    path("p/<slug:slug>/demandes/<int:lead_id>/", guarded(views.lead_detail), name="lead_detail"),
    path("p/<slug:slug>/demandes/<int:lead_id>/traiter/", guarded(views.work_item), name="work_item"),
    path("p/<slug:slug>/besoins-non-couverts/", guarded(views.coverage), name="coverage"),
    path("p/<slug:slug>/besoins-non-couverts.csv", guarded(views.coverage_csv), name="coverage_csv"),
    path("p/<slug:slug>/donnees-personnelles/", guarded(privacy_views.person), name="privacy"),
    path("avis/<str:token>/", views.survey, name="survey"),
]
