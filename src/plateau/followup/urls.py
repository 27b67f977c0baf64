from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("p/<slug:slug>/contacts/<int:contact_id>/suivi/", views.consent, name="consent"),
    path("p/<slug:slug>/contacts/<int:contact_id>/suivi/retrait/", views.withdraw, name="withdraw"),
    path("suivi/<str:token>/", views.survey, name="survey"),
]
