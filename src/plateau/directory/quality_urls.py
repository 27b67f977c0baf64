from django.urls import path

from . import quality

app_name = "directory"

urlpatterns = [
    path("p/<slug:slug>/prestataires/<int:provider_id>/qualite/", quality.provider_quality, name="provider_quality"),
]
