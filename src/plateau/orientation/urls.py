from django.urls import path

from . import views

app_name = "orientation"

urlpatterns = [
    path("p/<slug:slug>/orientation/", views.destinations_page, name="destinations"),
    path("p/<slug:slug>/orientation/<int:destination_id>/", views.destination_page, name="destination"),
    path("p/<slug:slug>/contacts/<int:contact_id>/orienter/", views.orient, name="orient"),
]
