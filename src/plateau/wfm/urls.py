from django.urls import path

from plateau.ui.errors import guarded

from . import views

app_name = "wfm"

urlpatterns = [
    path("p/<slug:slug>/effectifs/", guarded(views.staffing), name="staffing"),
    path("p/<slug:slug>/effectifs/prevision/", guarded(views.forecast), name="forecast"),
    path("p/<slug:slug>/effectifs/multicompetence/", guarded(views.multiskill), name="multiskill"),
    path("p/<slug:slug>/effectifs/scenarios/", guarded(views.what_if), name="whatif"),
    path("p/<slug:slug>/effectifs/simulation/", guarded(views.simulation), name="simulation"),
    path("p/<slug:slug>/effectifs/planning/", guarded(views.schedule), name="schedule"),
]
