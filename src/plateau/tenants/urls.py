from django.urls import path

from plateau.ui.errors import guarded

from . import capabilities_page

app_name = "tenants"

urlpatterns = [
    path("p/<slug:slug>/capacites/", guarded(capabilities_page.capabilities_page), name="capabilities"),
]
