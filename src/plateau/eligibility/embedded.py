"""``plateau run``: serve the local fake of API Particulier in the embedded process when no real URL is set."""

from __future__ import annotations

from django.conf import settings


def start_fake_api() -> str | None:
    """Start the fake on 127.0.0.1:``API_PARTICULIER_FAKE_PORT`` and point the connector at it, unless
    ``PLATEAU_API_PARTICULIER_URL`` is set (a real or separately started service). Returns the URL used."""
    if settings.API_PARTICULIER_URL:
        return None
    from .fake_api import serve_in_thread

    port = settings.API_PARTICULIER_FAKE_PORT
    serve_in_thread("127.0.0.1", port)
    url = f"http://127.0.0.1:{port}"
    settings.API_PARTICULIER_URL = url
    settings.API_PARTICULIER_TOKEN = settings.API_PARTICULIER_TOKEN or "jeton-de-demonstration"
    print(f"Faux API Particulier (démonstration) sur {settings.API_PARTICULIER_URL}", flush=True)
    return url
