import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
application = get_asgi_application()

from plateau.startup import refuse_unsafe_start  # noqa: E402 - Django must be set up first

refuse_unsafe_start()
