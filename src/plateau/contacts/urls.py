from django.urls import path

from . import blocking_views

app_name = "contacts"

urlpatterns = [
    path("p/<slug:slug>/appelants-bloques/", blocking_views.caller_blocks, name="caller_blocks"),
    path(
        "p/<slug:slug>/appelants-bloques/<int:block_id>/lever/",
        blocking_views.lift_caller_block,
        name="lift_caller_block",
    ),
]
