from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from plateau.api import api

urlpatterns = [
    # Browsers and tools ask for /favicon.ico whatever the page's <link rel="icon"> says: DSFR's Marianne.
    path("favicon.ico", RedirectView.as_view(url=static("dsfr/dist/favicon/favicon.ico"), permanent=True)),
    # One login form for the site and the admin: throttled, and asking for the second factor (web/two_factor.py).
    path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Each app serves its own pages (docs/capabilities.md); the shell (web) comes last.
    path("", include("plateau.tenants.urls")),
    path("", include("plateau.contacts.urls")),
    path("", include("plateau.directory.urls")),
    path("", include("plateau.leads.urls")),
    path("", include("plateau.ivr.urls")),
    path("", include("plateau.wfm.urls")),
    path("", include("plateau.followup.urls")),
    path("", include("plateau.knowledge.urls")),
    path("", include("plateau.orientation.urls")),
    path("", include("plateau.eligibility.urls")),
    path("", include("plateau.web.urls")),
]

handler400 = "plateau.web.error_views.bad_request"
handler403 = "plateau.web.error_views.permission_denied"
handler404 = "plateau.web.error_views.page_not_found"
handler500 = "plateau.web.error_views.server_error"
