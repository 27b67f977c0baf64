from django.urls import path

from plateau.ui.errors import guarded

from . import blocking_views, wrap_up_codes_page

app_name = "contacts"

urlpatterns = [
    path("p/<slug:slug>/codes-de-cloture/", guarded(wrap_up_codes_page.wrap_up_codes_page), name="wrap_up_codes"),
    path("p/<slug:slug>/appelants-bloques/", blocking_views.caller_blocks, name="caller_blocks"),
    path(
        "p/<slug:slug>/appelants-bloques/<int:block_id>/lever/",
        blocking_views.lift_caller_block,
        name="lift_caller_block",
    ),
]
